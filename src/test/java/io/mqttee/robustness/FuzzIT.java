package io.mqttee.robustness;

import io.mqttee.core.Stat;
import io.mqttee.testing.ListenerConfigBuilder;
import io.mqttee.testing.TestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A seeded mutation fuzzer against the live broker. Each input is the byte stream of one
 * connection (a valid MQTT 3.1, 3.1.1 or 5 session from {@link FuzzCorpus}, mutated); it is sent,
 * completed to a packet boundary and followed by a PINGREQ, and the broker must, within
 * {@link Wire#TIMEOUT}, either close the connection or answer the PINGREQ ({@link #runInput}). After every batch of inputs a
 * fresh client must still connect and get a message routed. At the end no connection is left and
 * Netty reported no ByteBuf leak.
 *
 * <p>Short run in the normal build ({@value #DEFAULT_ITERATIONS} inputs). Long run:
 * {@code mvn -B -o verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=FuzzIT
 * -Dmqttee.fuzz.iterations=1000000 -Dmqttee.fuzz.seed=42}. A failing input is written to
 * {@code target/fuzz-regressions/}; copy the file to {@code src/test/resources/fuzz-regressions/}
 * and {@link #regression} replays it in every build.
 */
class FuzzIT {

    static final int DEFAULT_ITERATIONS = 3000;
    private static final int BATCH = 100;
    private static final int MAX_PACKET_SIZE = 64 * 1024;
    private static final Path REGRESSIONS = Path.of("src/test/resources/fuzz-regressions");

    private static TestBroker server;
    private static LeakWatch leaks;
    private static int liveness;

    @BeforeAll
    static void start() {
        leaks = LeakWatch.install();
        // a smaller max_packet_size keeps mutated length fields from buffering much; a handshake_timeout
        // longer than Wire.TIMEOUT, so that it cannot hide a connection stuck before CONNECT
        server = TestBroker.start(ListenerConfigBuilder.listener().maxPacketSize(MAX_PACKET_SIZE)
                .handshakeTimeout(Duration.ofSeconds(60)).build());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        try {
            server.close();
            leaks.assertNoLeaks();
        } finally {
            leaks.close();
        }
    }

    @Test
    void fuzz() throws Exception {
        long seed = Long.getLong("mqttee.fuzz.seed", 20_240_611L);
        int iterations = Integer.getInteger("mqttee.fuzz.iterations", DEFAULT_ITERATIONS);
        Random rnd = new Random(seed);
        List<byte[]> batch = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 1; i <= iterations; i++) {
            byte[] input = FuzzCorpus.input(rnd, i);
            batch.add(input);
            if (!runInput(input)) {
                fail(seed, i, List.of(input), "the broker neither closed the connection nor answered PINGREQ after the input");
            }
            if (i % BATCH == 0 || i == iterations) {
                try {
                    assertAlive();
                } catch (AssertionError | IOException e) {
                    fail(seed, i, batch, "the broker stopped serving new clients: " + e);
                }
                batch.clear();
            }
            if (i % 100_000 == 0) {
                System.out.printf("fuzz: %d inputs, %.0f s%n", i, (System.nanoTime() - started) / 1e9);
            }
        }
        TestBroker.await("every fuzz connection closed",
                () -> server.broker().counters().gauge(Stat.CONNECTIONS).current() == 0);
        leaks.assertNoLeaks();
    }

    static Stream<Path> regressionFiles() throws IOException {
        try (Stream<Path> files = Files.list(REGRESSIONS)) {
            return files.filter(p -> p.toString().endsWith(".hex")).sorted().toList().stream();
        }
    }

    /** Each line of a regression file is one connection's input, in hex; {@code #} starts a comment. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("regressionFiles")
    void regression(Path file) throws Exception {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String hex = line.strip();
            if (hex.isEmpty() || hex.startsWith("#")) {
                continue;
            }
            assertThat(runInput(HexFormat.of().parseHex(hex)))
                    .as("the broker closes the connection after the input %s", hex).isTrue();
        }
        assertAlive();
    }

    /**
     * Sends one connection's bytes, completed so that they end on a packet boundary (a mutation may
     * have cut the last packet short; its missing bytes are sent as zeros), then a PINGREQ. Framed
     * this way, a broker must either close the connection or answer the PINGREQ: no packet is left
     * waiting for bytes. False when it did neither within {@link Wire#TIMEOUT}.
     */
    static boolean runInput(byte[] input) throws IOException {
        byte[] framed = completeLastPacket(input);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), (int) Wire.TIMEOUT.toMillis());
            s.setSoTimeout((int) Wire.TIMEOUT.toMillis());
            try {
                s.getOutputStream().write(framed);
                s.getOutputStream().write(Wire.pingreq());
            } catch (SocketException e) {
                return true; // the broker closed already
            }
            InputStream in = s.getInputStream();
            try {
                while (true) {
                    int first = in.read();
                    if (first < 0) {
                        return true; // closed
                    }
                    long length = 0;
                    int shift = 0;
                    int digit;
                    do {
                        digit = in.read();
                        if (digit < 0) {
                            return true;
                        }
                        length |= (long) (digit & 0x7F) << shift;
                        shift += 7;
                    } while ((digit & 0x80) != 0);
                    in.skipNBytes(length);
                    if (first == 0xD0) {
                        return true; // PINGRESP: alive and in sync
                    }
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (SocketException | java.io.EOFException e) {
                return true; // reset: closed
            }
        }
    }

    /**
     * The input with its last packet completed: a remaining length cut short gets its last byte,
     * a body cut short gets zeros. Left as is when the framing is broken (a remaining length of
     * more than 4 bytes, or larger than the broker's max_packet_size): the broker must close then.
     */
    static byte[] completeLastPacket(byte[] input) {
        int i = 0;
        while (i < input.length) {
            int lengthAt = i + 1;
            long remaining = 0;
            int n = 0;
            while (true) {
                if (lengthAt + n >= input.length) {
                    // the remaining length is cut short: end it with a 0 digit
                    return completeLastPacket(java.util.Arrays.copyOf(input, input.length + 1));
                }
                int digit = input[lengthAt + n] & 0xFF;
                remaining |= (long) (digit & 0x7F) << (7 * n);
                n++;
                if ((digit & 0x80) == 0) {
                    break;
                }
                if (n == 4) {
                    return input; // malformed remaining length
                }
            }
            if (remaining > MAX_PACKET_SIZE) {
                return input;
            }
            long end = (long) lengthAt + n + remaining;
            if (end > input.length) {
                return java.util.Arrays.copyOf(input, (int) end);
            }
            i = (int) end;
        }
        return input;
    }

    /** A new client connects, subscribes and gets its own QoS 1 message back. */
    static void assertAlive() throws IOException {
        int n = ++liveness;
        try (Wire w = Wire.connected(server.port(), n % 2 == 0 ? 4 : 5, "alive-" + n, true)) {
            w.send(Wire.subscribe(w.version, 1, "alive/" + n, 1));
            w.expect(Wire.SUBACK);
            w.send(Wire.publish(w.version, "alive/" + n, "ping-" + n, 1, 2));
            boolean acked = false;
            boolean delivered = false;
            while (!acked || !delivered) {
                Wire.Frame f = w.read();
                if (f.type() == Wire.PUBACK) {
                    acked = true;
                } else if (f.type() == Wire.PUBLISH) {
                    assertThat(f.payloadString()).isEqualTo("ping-" + n);
                    w.send(Wire.ack(Wire.PUBACK, f.packetId()));
                    delivered = true;
                }
            }
            w.send(Wire.disconnect());
        }
    }

    private static void fail(long seed, int iteration, List<byte[]> inputs, String why) throws IOException {
        Path dir = Path.of("target/fuzz-regressions");
        Files.createDirectories(dir);
        Path file = dir.resolve("seed" + seed + "-input" + iteration + ".hex");
        List<String> lines = new ArrayList<>();
        lines.add("# FuzzIT seed " + seed + ", input " + iteration + ": " + why);
        for (byte[] in : inputs) {
            lines.add(HexFormat.of().formatHex(in));
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
        throw new AssertionError(why + " (seed " + seed + ", input " + iteration + "); the input(s) are in " + file
                + ": copy it to " + REGRESSIONS + " to replay it in every build");
    }
}
