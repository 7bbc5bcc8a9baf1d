package io.mqttee.robustness;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection storm of 10,000 clients against the broker as it ships: {@code java -jar
 * target/mqttee-launcher.jar} in its own process (so the clients' sockets and the broker's count
 * against two file-descriptor limits, not one), with Netty's PARANOID leak detection, checked from
 * outside through the management API, the process's open file descriptors and its log.
 *
 * <ol>
 * <li>Rounds: all clients connect at once (3.1.1 and 5, half persistent, half clean) and subscribe;
 * once every one of them is connected they all go away at once, a third each with DISCONNECT, close
 * (FIN) and RST. A persistent client finds its session again in every later round (Session Present),
 * a clean one never. After each round {@code /api/v1/stats} shows 0 connections and exactly the
 * persistent sessions.</li>
 * <li>Takeovers: for each of 100 client ids, 20 connections send CONNECT at the same moment; every
 * CONNECT is accepted and exactly one connection per id survives.</li>
 * <li>At the end: the stats and metrics add up ({@code connections.count} 0, sessions = persistent
 * ids, subscriptions = theirs, {@code client.connected} = {@code client.disconnected},
 * {@code session.created} - {@code session.terminated} = sessions, every CONNECT counted), {@code
 * /api/v1/clients} lists exactly the persistent ids, none connected; the process has as many open
 * files as before the storm; a message queued for an offline persistent session and a live one are
 * delivered; after a garbage collection in the broker and more traffic, its log has no "LEAK:".</li>
 * </ol>
 *
 * <p>Bigger or smaller: {@code -Dmqttee.pstorm.clients=N -Dmqttee.pstorm.rounds=R
 * -Dmqttee.pstorm.takeoverIds=I -Dmqttee.pstorm.takeovers=T} (clients must stay below {@code ulimit
 * -n} of each process).
 */
class ProcessStormIT {

    private static final int CLIENTS = Integer.getInteger("mqttee.pstorm.clients", 10_000);
    private static final int ROUNDS = Integer.getInteger("mqttee.pstorm.rounds", 3);
    private static final int TAKEOVER_IDS = Integer.getInteger("mqttee.pstorm.takeoverIds", 100);
    private static final int TAKEOVERS = Integer.getInteger("mqttee.pstorm.takeovers", 20);
    private static final int THREADS = 64;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration SETTLE = Duration.ofSeconds(60);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private Process broker;
    private Path log;
    private int mqtt;
    private URI api;
    private ExecutorService threads;

    // ---------------------------------------------------------------- the broker process

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }

    @BeforeEach
    void launch() throws Exception {
        String jar = System.getProperty("mqttee.launcherJar");
        assertThat(jar).as("system property mqttee.launcherJar (set by failsafe)").isNotBlank();
        assertThat(new File(jar)).as("the launcher jar; it is built in the package phase").isFile();
        mqtt = freePort();
        int http = freePort();
        log = dir.resolve("broker.log");
        // The JDK's default logging (console, INFO), plus Netty's leak detector at FINE: it then says
        // at startup which level it runs at, which shows that its reports reach this log
        Path logging = dir.resolve("logging.properties");
        Files.writeString(logging, """
                handlers = java.util.logging.ConsoleHandler
                .level = INFO
                java.util.logging.ConsoleHandler.level = FINE
                io.netty.util.ResourceLeakDetector.level = FINE
                """);
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-Dio.netty.leakDetection.level=PARANOID",
                "-Djava.util.logging.config.file=" + logging,
                "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--add-opens", "java.base/java.io=ALL-UNNAMED",
                "--add-opens", "java.rmi/sun.rmi.transport=ALL-UNNAMED",
                "-Dmqttee.listener.tcp.external.addr=127.0.0.1:" + mqtt,
                "-jar", jar,
                "--http-addr", "127.0.0.1:" + http);
        broker = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        api = URI.create("http://127.0.0.1:" + http + "/api/v1/");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            assertThat(broker.isAlive()).as("broker process alive; log:%n%s", logText()).isTrue();
            try {
                if (HTTP.send(HttpRequest.newBuilder(api.resolve("brokers")).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    break;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            assertThat(System.nanoTime()).as("API up within %s; log:%n%s", START_TIMEOUT, logText()).isLessThan(deadline);
            Thread.sleep(200);
        }
        threads = Executors.newFixedThreadPool(THREADS);
    }

    /** Netty's leak detector logs its level once its class is loaded, i.e. once a buffer was allocated. */
    private void assertLeakDetectorParanoid() {
        assertThat(logText()).as("the broker's Netty logs its leak detection level to this log")
                .contains("-Dio.netty.leakDetection.level: paranoid");
    }

    @AfterEach
    void stopBroker() throws InterruptedException {
        if (threads != null) {
            threads.shutdownNow();
        }
        if (broker != null && broker.isAlive()) {
            broker.destroy(); // SIGTERM
            if (!broker.waitFor(30, TimeUnit.SECONDS)) {
                broker.destroyForcibly();
                broker.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Open file descriptors of the broker process (Linux). */
    private long openFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(broker.pid()), "fd"))) {
            return fds.count();
        }
    }

    /** Runs the JDK's jcmd against the broker: {@code GC.run} makes Netty's leak detector see lost buffers. */
    private void collectGarbageInBroker() throws Exception {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(broker.pid()), "GC.run").redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes());
        assertThat(jcmd.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(jcmd.exitValue()).as("jcmd GC.run: %s", out).isZero();
    }

    // ---------------------------------------------------------------- the management API

    private JsonValue get(String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(30))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
            try (JsonReader reader = Json.createReader(new StringReader(r.body()))) {
                return reader.readValue();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + "; broker alive: " + broker.isAlive(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code GET /api/v1/stats}: the one node's gauges. */
    private Map<String, Long> stats() {
        return numbers(get("stats").asJsonArray().getJsonObject(0).getJsonObject("stats"));
    }

    /** {@code GET /api/v1/metrics}: the one node's counters. */
    private Map<String, Long> metrics() {
        return numbers(get("metrics").asJsonArray().getJsonObject(0).getJsonObject("metrics"));
    }

    private static Map<String, Long> numbers(JsonObject o) {
        return o.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> ((jakarta.json.JsonNumber) e.getValue()).longValue()));
    }

    private static void await(String what, Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + SETTLE + " waiting for: " + what);
            }
            Thread.sleep(100);
        }
    }

    // ---------------------------------------------------------------- clients

    private static void all(List<Future<?>> futures) throws Exception {
        for (Future<?> f : futures) {
            f.get(5, TimeUnit.MINUTES);
        }
    }

    private static String stormId(int client) {
        return "pstorm-" + client;
    }

    private static boolean stormClean(int client) {
        return client % 2 == 1;
    }

    private static int stormVersion(int client) {
        return client % 4 < 2 ? 4 : 5;
    }

    @Test
    @DisplayName("10,000 clients of a separate broker process connect and go away (DISCONNECT, close, RST; 3.1.1 and 5; clean"
            + " and persistent) in rounds, plus simultaneous takeovers: counters true, no session, channel or buffer leaked")
    void connectionStormAgainstTheLauncher() throws Exception {
        long started = System.nanoTime();
        long filesBefore = openFiles();
        Random seeds = new Random(20_261_127L);
        Set<String> persistent = new TreeSet<>();
        for (int i = 0; i < CLIENTS; i++) {
            if (!stormClean(i)) {
                persistent.add(stormId(i));
            }
        }
        long connectsSent = 0;

        // ---- rounds of connect-all, leave-all
        List<Long> roundMillis = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            long roundStart = System.nanoTime();
            List<Wire> open = Collections.synchronizedList(new ArrayList<>());
            Set<String> wrongSessionPresent = ConcurrentHashMap.newKeySet();
            List<Future<?>> futures = new ArrayList<>();
            boolean resumed = round > 0;
            for (int i = 0; i < CLIENTS; i++) {
                int client = i;
                futures.add(threads.submit(() -> {
                    int version = stormVersion(client);
                    boolean clean = stormClean(client);
                    Wire w = new Wire(mqtt, version);
                    open.add(w);
                    Wire.Frame ack = w.connect(stormId(client), clean);
                    assertThat(ack.connackCode()).as("CONNACK for %s", stormId(client)).isZero();
                    // [MQTT-3.2.2-2] a persistent session is found again; [MQTT-3.2.2-1] clean: never
                    if (ack.sessionPresent() != (!clean && resumed)) {
                        wrongSessionPresent.add(stormId(client));
                    }
                    w.send(Wire.subscribe(version, 1, "pstorm/" + client, 1));
                    assertThat(w.expect(Wire.SUBACK).subackCodes()).containsExactly(1);
                    return null;
                }));
            }
            all(futures);
            connectsSent += CLIENTS;
            assertThat(wrongSessionPresent).as("clients with a wrong Session Present in round %d", round).isEmpty();
            Map<String, Long> full = stats();
            assertThat(full).as("stats with all %d clients connected", CLIENTS)
                    .containsEntry("connections.count", (long) CLIENTS)
                    .containsEntry("sessions.count", (long) CLIENTS);

            long seed = seeds.nextLong();
            futures.clear();
            for (int i = 0; i < open.size(); i++) {
                Wire w = open.get(i);
                int how = new Random(seed + i).nextInt(3);
                futures.add(threads.submit(() -> {
                    w.leave(how);
                    return null;
                }));
            }
            all(futures);
            int r = round;
            await("round " + r + ": connections.count 0 and only the persistent sessions left", () -> {
                Map<String, Long> s = stats();
                return s.get("connections.count") == 0 && s.get("sessions.count") == persistent.size();
            });
            roundMillis.add((System.nanoTime() - roundStart) / 1_000_000);
        }

        // ---- simultaneous takeovers of the same ids: all sockets open first, then every CONNECT is
        // written back to back (ids interleaved), then the CONNACKs are read
        long takeoverStart = System.nanoTime();
        List<List<Wire>> byId = new ArrayList<>();
        for (int id = 0; id < TAKEOVER_IDS; id++) {
            List<Wire> wires = new ArrayList<>();
            for (int c = 0; c < TAKEOVERS; c++) {
                wires.add(new Wire(mqtt, c % 2 == 0 ? 4 : 5));
            }
            byId.add(wires);
            if (id % 2 == 0) {
                persistent.add("ptake-" + id);
            }
        }
        for (int c = 0; c < TAKEOVERS; c++) {
            for (int id = 0; id < TAKEOVER_IDS; id++) {
                Wire w = byId.get(id).get(c);
                w.send(Wire.connectPacket(w.version, "ptake-" + id, id % 2 == 1, 60));
            }
        }
        for (int id = 0; id < TAKEOVER_IDS; id++) {
            for (Wire w : byId.get(id)) {
                // every CONNECT is accepted [MQTT-3.1.4-2]: the older connection is closed, the new one goes on
                assertThat(w.expect(Wire.CONNACK).connackCode()).as("CONNACK for ptake-%d", id).isZero();
            }
        }
        connectsSent += (long) TAKEOVER_IDS * TAKEOVERS;
        await("one connection per taken-over id", () -> stats().get("connections.count") == TAKEOVER_IDS);
        for (int id = 0; id < TAKEOVER_IDS; id++) {
            int alive = 0;
            for (Wire w : byId.get(id)) {
                List<Wire.Frame> before = new ArrayList<>();
                try {
                    w.send(Wire.pingreq());
                    Wire.Frame f = w.readOrEnd(Wire.TIMEOUT);
                    if (f != null && f.type() == Wire.PINGRESP) {
                        alive++;
                        continue;
                    }
                    if (f != null) {
                        before.add(f);
                    }
                    before.addAll(w.awaitClose());
                } catch (IOException closedAlready) {
                    // the write failed: closed
                }
                if (w.version == 5 && !before.isEmpty()) {
                    assertThat(before.get(0).reasonCode()).as("DISCONNECT 0x8E Session taken over").isEqualTo(0x8E);
                }
                assertThat(before).allMatch(f -> f.type() == Wire.DISCONNECT);
            }
            assertThat(alive).as("connections left for ptake-%d", id).isEqualTo(1);
        }
        JsonArray online = get("clients?_like_clientid=ptake-&connected=true").asJsonArray();
        assertThat(online).hasSize(TAKEOVER_IDS);
        byId.forEach(wires -> wires.forEach(Wire::abort));
        await("connections.count 0 and only persistent sessions after the takeovers", () -> {
            Map<String, Long> s = stats();
            return s.get("connections.count") == 0 && s.get("sessions.count") == persistent.size();
        });
        long takeoverMillis = (System.nanoTime() - takeoverStart) / 1_000_000;

        // ---- the counters add up
        Map<String, Long> stats = stats();
        Map<String, Long> metrics = metrics();
        assertThat(stats.get("connections.count")).isZero();
        assertThat(stats.get("connections.max")).as("never more connected than clients").isLessThanOrEqualTo(CLIENTS);
        assertThat(stats.get("sessions.count")).isEqualTo(persistent.size());
        assertThat(stats.get("subscriptions.count")).as("the persistent storm clients' subscriptions")
                .isEqualTo(CLIENTS / 2);
        assertThat(metrics.get("client.connect")).as("every CONNECT counted").isEqualTo(connectsSent);
        assertThat(metrics.get("client.connack")).as("every CONNECT answered").isEqualTo(connectsSent);
        assertThat(metrics.get("client.connected")).as("every CONNECT accepted").isEqualTo(connectsSent);
        assertThat(metrics.get("client.disconnected")).isEqualTo(metrics.get("client.connected"));
        assertThat(metrics.get("session.created") - metrics.get("session.terminated"))
                .isEqualTo(stats.get("sessions.count"));

        // ---- exactly the persistent ids remain, none connected
        JsonArray clients = get("clients?_limit=" + (persistent.size() + 100)).asJsonArray();
        Set<String> listed = clients.stream().map(v -> v.asJsonObject().getString("clientid"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(listed).isEqualTo(persistent);
        assertThat(clients).allMatch(v -> !v.asJsonObject().getBoolean("connected"));
        assertThat(get("clients?connected=true").asJsonArray()).isEmpty();

        // ---- no channel left open: the process holds as many files as before the storm
        await("the broker's open files back to " + filesBefore + " (now " + openFiles() + ")", () -> {
            try {
                return openFiles() <= filesBefore + 5;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        // ---- the broker still routes: to an offline persistent session (queued) and live
        try (Wire pub = Wire.connected(mqtt, 5, "pstorm-publisher", true)) {
            pub.send(Wire.publish(5, "pstorm/2", "queued-while-offline", 1, 1));
            pub.expect(Wire.PUBACK);
            try (Wire sub = new Wire(mqtt, stormVersion(2))) {
                Wire.Frame ack = sub.connect(stormId(2), false);
                assertThat(ack.sessionPresent()).isTrue();
                Wire.Frame queued = sub.expect(Wire.PUBLISH);
                assertThat(queued.payloadString()).isEqualTo("queued-while-offline");
                sub.send(Wire.ack(Wire.PUBACK, queued.packetId()));
                pub.send(Wire.publish(5, "pstorm/2", "live", 1, 2));
                pub.expect(Wire.PUBACK);
                Wire.Frame live = sub.expect(Wire.PUBLISH);
                assertThat(live.payloadString()).isEqualTo("live");
                sub.send(Wire.ack(Wire.PUBACK, live.packetId()));
                sub.send(Wire.disconnect());
                sub.awaitClose();
            }
        }

        // ---- no buffer leak: collect garbage in the broker, then allocate (traffic) so the detector reports
        assertLeakDetectorParanoid();
        try (Bystander bystander = new Bystander(mqtt, 5, "pstorm-bystander")) {
            for (int i = 0; i < 3; i++) {
                collectGarbageInBroker();
                Thread.sleep(200);
                for (int k = 0; k < 20; k++) {
                    bystander.assertWorks();
                }
            }
        }
        long totalMillis = (System.nanoTime() - started) / 1_000_000;
        broker.destroy(); // SIGTERM: a clean stop
        assertThat(broker.waitFor(30, TimeUnit.SECONDS)).as("broker stopped within 30 s of SIGTERM").isTrue();
        assertThat(broker.exitValue()).isEqualTo(128 + 15);
        String text = logText();
        assertThat(text).as("broker log").doesNotContain("LEAK:").doesNotContain("Too many open files")
                .doesNotContain("OutOfMemoryError").contains("MQTTee broker stopped");
        System.out.printf("ProcessStormIT: %d clients x %d rounds (rounds %s ms), %d ids x %d takeovers (%d ms),"
                        + " %d CONNECTs, %d ms in all; broker open files %d before, %d sessions left%n",
                CLIENTS, ROUNDS, roundMillis, TAKEOVER_IDS, TAKEOVERS, takeoverMillis, connectsSent, totalMillis,
                filesBefore, persistent.size());
    }
}
