package io.mqttee.robustness;

import io.mqttee.core.Broker;
import io.mqttee.core.Metric;
import io.mqttee.core.Session;
import io.mqttee.core.Stat;
import io.mqttee.testing.ListenerConfigBuilder;
import io.mqttee.testing.TestBroker;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slow-connection attacks, each with 1,000 connections at once ({@code -Dmqttee.slow.connections}
 * to change it; each connection is a socket on both ends, so twice that must stay below
 * {@code ulimit -n}, 20,000 on the build machine): connections that never send CONNECT, that send
 * their packets one byte at a time, and subscribers that stop reading while a publisher floods them.
 * In each, a pair of well-behaved clients keeps exchanging messages.
 */
class SlowAttackIT {

    private static final int CONNECTIONS = Integer.getInteger("mqttee.slow.connections", 1000);
    private static final Duration SETTLE = Duration.ofSeconds(60);

    private TestBroker server;
    private final List<Socket> sockets = new ArrayList<>();
    private final List<Wire> wires = new ArrayList<>();

    @AfterEach
    void stop() {
        sockets.forEach(s -> {
            try {
                s.close();
            } catch (IOException e) {
                // gone
            }
        });
        wires.forEach(Wire::abort);
        if (server != null) {
            server.close();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + SETTLE + " waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    private Socket open(int port) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(new InetSocketAddress("127.0.0.1", port), 20_000);
        s.setTcpNoDelay(true);
        return s;
    }

    /** True when the server closed the socket (end of stream or reset) within the timeout. */
    private static boolean closedByServer(Socket s, Duration timeout) throws IOException {
        s.setSoTimeout((int) timeout.toMillis());
        InputStream in = s.getInputStream();
        try {
            return in.read() < 0; // the server sends nothing to a connection that never sent CONNECT
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset
        }
    }

    @Test
    @DisplayName("[MQTT-3.1.0-1] 1,000 connections that never send CONNECT are all closed after handshake_timeout; others are served meanwhile")
    void silentConnectionsAreClosed() throws Exception {
        server = TestBroker.start(ListenerConfigBuilder.listener().handshakeTimeout(Duration.ofSeconds(2)).build());
        int port = server.port();
        LeakWatch leaks = LeakWatch.install();
        try (Bystander bystander = new Bystander(port, 5, "silent-bystander")) {
            for (int i = 0; i < CONNECTIONS; i++) {
                open(port);
            }
            // While they wait, clients that do send CONNECT are served
            bystander.assertWorks();
            try (Wire late = Wire.connected(port, 4, "silent-late", true)) {
                late.ping();
            }
            for (Socket s : sockets) {
                assertThat(closedByServer(s, SETTLE)).as("closed by the server").isTrue();
            }
            bystander.assertWorks();
            // only the bystander's two clients and the late one ever sent CONNECT
            assertThat(server.broker().counters().get(Metric.CLIENT_CONNECT)).isEqualTo(3);
            await("connections gauge back to the bystander's 2",
                    () -> server.broker().counters().gauge(Stat.CONNECTIONS).current() == 2);
        } finally {
            try {
                leaks.assertNoLeaks();
            } finally {
                leaks.close();
            }
        }
    }

    @Test
    @DisplayName("1,000 connections that send CONNECT, SUBSCRIBE and PUBLISH one byte at a time are all served")
    void byteByByteConnectionsAreServed() throws Exception {
        server = TestBroker.start(ListenerConfigBuilder.listener().handshakeTimeout(Duration.ofSeconds(60)).build());
        int port = server.port();
        LeakWatch leaks = LeakWatch.install();
        try (Bystander bystander = new Bystander(port, 4, "dribble-bystander")) {
            List<Wire> clients = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                Wire w = new Wire(port, i % 2 == 0 ? 4 : 5);
                wires.add(w);
                clients.add(w);
            }
            // Each step is one packet, sent interleaved across all connections one byte per round
            for (int step = 0; step < 3; step++) {
                List<byte[]> packets = new ArrayList<>();
                int longest = 0;
                for (int i = 0; i < clients.size(); i++) {
                    Wire w = clients.get(i);
                    byte[] p = switch (step) {
                        case 0 -> Wire.connectPacket(w.version, "dribble-" + i, true, 60);
                        case 1 -> Wire.subscribe(w.version, 1, "dribble/" + i, 1);
                        default -> Wire.publish(w.version, "dribble/" + i, "byte by byte " + i, 1, 7);
                    };
                    packets.add(p);
                    longest = Math.max(longest, p.length);
                }
                for (int b = 0; b < longest; b++) {
                    for (int i = 0; i < clients.size(); i++) {
                        byte[] p = packets.get(i);
                        if (b < p.length) {
                            clients.get(i).send(new byte[] {p[b]});
                        }
                    }
                    if (b % 8 == 0) {
                        bystander.assertWorks(); // others are served while the dribble goes on
                    }
                }
                for (int i = 0; i < clients.size(); i++) {
                    Wire w = clients.get(i);
                    switch (step) {
                        case 0 -> assertThat(w.expect(Wire.CONNACK).connackCode()).isZero();
                        case 1 -> assertThat(w.expect(Wire.SUBACK).subackCodes()).containsExactly(1);
                        default -> {
                            // PUBACK to the publisher and the PUBLISH to itself as subscriber, in either order
                            Wire.Frame a = w.read();
                            Wire.Frame c = w.read();
                            Wire.Frame publish = a.type() == Wire.PUBLISH ? a : c;
                            Wire.Frame puback = a.type() == Wire.PUBLISH ? c : a;
                            assertThat(puback.type()).isEqualTo(Wire.PUBACK);
                            assertThat(puback.packetId()).isEqualTo(7);
                            assertThat(publish.type()).isEqualTo(Wire.PUBLISH);
                            assertThat(publish.payloadString()).isEqualTo("byte by byte " + i);
                            w.send(Wire.ack(Wire.PUBACK, publish.packetId()));
                        }
                    }
                }
            }
            assertThat(server.broker().counters().gauge(Stat.CONNECTIONS).current()).isEqualTo(CONNECTIONS + 2);
            for (Wire w : clients) {
                w.ping();
            }
            bystander.assertWorks();
        } finally {
            wires.forEach(Wire::abort);
            wires.clear();
            try {
                leaks.assertNoLeaks();
            } finally {
                leaks.close();
            }
        }
    }

    /**
     * The kernel takes a good part of a flood first: on loopback a server socket's send buffer grows
     * to {@code net.ipv4.tcp_wmem}'s maximum (4 MB here) even towards a reader that never reads. So
     * the first row (1,000 sloths, 512 KB each) stays within what the kernel takes and checks the
     * QoS 1 bound and the accounting; the second (50 sloths, 8 MB each) goes past it, so QoS 0
     * messages meet a channel that is not writable and are dropped.
     */
    @ParameterizedTest(name = "{0} sloths, {1} messages of {2} bytes")
    @CsvSource({"-1, 2000, 256, false", "50, 2000, 4096, true"})
    @DisplayName("Subscribers that stop reading under a flood: QoS 1 bounded by max_inflight + max_mqueue_len, QoS 0 dropped and counted, memory bounded")
    void subscribersThatStopReading(int sloths, int messages, int payloadSize, boolean pastTheKernel) throws Exception {
        int connections = sloths < 0 ? CONNECTIONS : sloths;
        int maxInflight = 16;
        int maxQueue = 100;
        byte[] payload = new byte[payloadSize];
        server = TestBroker.start(ListenerConfigBuilder.listener().maxInflight(maxInflight).maxMqueueLen(maxQueue).build());
        Broker broker = server.broker();
        int port = server.port();
        LeakWatch leaks = LeakWatch.install();
        try (Bystander bystander = new Bystander(port, 5, "flood-bystander")) {
            for (int i = 0; i < connections; i++) {
                // a small receive buffer so that the server's writes back up soon
                Wire w = new Wire(port, i % 2 == 0 ? 4 : 5, 4096);
                wires.add(w);
                assertThat(w.connect("sloth-" + i, true).connackCode()).isZero();
                w.send(Wire.subscribe(w.version, 1, "flood", i % 2)); // even: QoS 0, odd: QoS 1
                w.expect(Wire.SUBACK);
                // ... and from now on never reads
            }
            long droppedBefore = broker.counters().get(Metric.MESSAGES_DROPPED);
            long deliveredBefore = broker.counters().get(Metric.MESSAGES_DELIVERED);

            AtomicLong peakDirect = new AtomicLong();
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    peakDirect.accumulateAndGet(PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory(), Math::max);
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.start();
            int bystanderMessages = 0;
            try (Wire publisher = Wire.connected(port, 4, "flooder", true)) {
                int batch = 100;
                for (int sent = 0; sent < messages; sent += batch) {
                    for (int k = 0; k < batch; k++) {
                        publisher.send(Wire.publish(4, "flood", payload, 1, false, false, 1 + k));
                    }
                    for (int k = 0; k < batch; k++) {
                        publisher.expect(Wire.PUBACK);
                    }
                    bystander.assertWorks(); // normal clients keep working during the attack
                    bystanderMessages++;
                }
            } finally {
                sampling.set(false);
                sampler.join();
            }
            long dropped = broker.counters().get(Metric.MESSAGES_DROPPED) - droppedBefore;
            long delivered = broker.counters().get(Metric.MESSAGES_DELIVERED) - deliveredBefore - bystanderMessages;
            long queued = 0;
            for (int i = 0; i < connections; i++) {
                Session s = broker.session("sloth-" + i).orElseThrow();
                if (i % 2 == 1) {
                    assertThat(s.inflightSize()).as("inflight of a QoS 1 sloth").isEqualTo(maxInflight);
                    assertThat(s.queueSize()).as("queue of a QoS 1 sloth").isEqualTo(maxQueue);
                } else {
                    // QoS 0 waits in the queue only while the connection is full, up to the same bound
                    assertThat(s.queueSize()).as("queue of a QoS 0 sloth").isLessThanOrEqualTo(maxQueue);
                }
                queued += s.queueSize();
            }
            // Every message offered to a sloth was written, queued or dropped and counted
            assertThat(dropped + delivered + queued).as("dropped %d + delivered %d + queued %d", dropped, delivered, queued)
                    .isEqualTo((long) messages * connections);
            int qos1Sloths = connections / 2;
            long qos1Dropped = (long) qos1Sloths * (messages - maxInflight - maxQueue);
            // Memory: what the sloths hold in direct buffers stays far below what the flood would take
            long flood = (long) messages * connections * payload.length;
            System.out.printf("SlowAttackIT: %d sloths, %d messages of %d bytes: dropped %d, delivered %d, queued %d; "
                    + "peak pooled direct memory %d MB (the whole flood: %d MB)%n", connections, messages,
                    payload.length, dropped, delivered, queued, peakDirect.get() >> 20, flood >> 20);
            assertThat(peakDirect.get()).as("peak pooled direct memory").isLessThan(flood / 4);
            if (pastTheKernel) {
                assertThat(dropped).as("QoS 0 messages dropped besides the QoS 1 overflow").isGreaterThan(qos1Dropped);
            } else {
                assertThat(dropped).as("dropped: the QoS 1 overflow").isGreaterThanOrEqualTo(qos1Dropped);
            }
            bystander.assertWorks();
        } finally {
            wires.forEach(Wire::abort);
            wires.clear();
            try {
                leaks.assertNoLeaks();
            } finally {
                leaks.close();
            }
        }
    }
}
