package io.mqttee.robustness;

import io.mqttee.core.Broker;
import io.mqttee.core.Session;
import io.mqttee.core.Stat;
import io.mqttee.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connection storms: many clients connecting and disconnecting (DISCONNECT, close, RST) at once,
 * and takeovers of one client identifier from many connections at the same moment. Afterwards the
 * broker holds exactly the sessions it should (the persistent ones), its connection gauge is back
 * to the true number, and Netty reported no leaked buffer.
 *
 * <p>Normal run: 2,000 clients, 3 rounds each, and 20 identifiers each taken over by 50 connections
 * at once. Bigger: {@code -Dmqttee.storm.clients=6000 -Dmqttee.storm.rounds=5
 * -Dmqttee.storm.takeovers=100} (each client holds a socket on both ends while connected, so
 * clients × 2 must stay below {@code ulimit -n}).
 */
class StormIT {

    private static final int CLIENTS = Integer.getInteger("mqttee.storm.clients", 2000);
    private static final int ROUNDS = Integer.getInteger("mqttee.storm.rounds", 3);
    private static final int TAKEOVER_IDS = 20;
    private static final int TAKEOVERS = Integer.getInteger("mqttee.storm.takeovers", 50);
    private static final Duration SETTLE = Duration.ofSeconds(60);

    private TestBroker server;
    private LeakWatch leaks;
    private ExecutorService threads;

    @BeforeEach
    void start() {
        leaks = LeakWatch.install();
        server = TestBroker.start();
        threads = Executors.newFixedThreadPool(32);
    }

    @AfterEach
    void stop() throws InterruptedException {
        try {
            threads.shutdownNow();
            server.close();
            leaks.assertNoLeaks();
        } finally {
            leaks.close();
        }
    }

    private long connections() {
        return server.broker().counters().gauge(Stat.CONNECTIONS).current();
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

    private void all(List<Future<?>> futures) throws Exception {
        for (Future<?> f : futures) {
            f.get(5, TimeUnit.MINUTES);
        }
    }

    @Test
    @DisplayName("2,000 clients connect, subscribe and go away (DISCONNECT, close, RST) in rounds: no session or connection left over")
    void connectDisconnectStorm() throws Exception {
        Broker broker = server.broker();
        int port = server.port();
        Random seeds = new Random(20_241_127L);
        // Even clients keep a persistent session, odd ones are clean; versions alternate 4, 5
        Set<String> persistent = ConcurrentHashMap.newKeySet();
        for (int round = 0; round < ROUNDS; round++) {
            // All clients connect at once and stay connected until every one of them is
            List<Wire> open = Collections.synchronizedList(new ArrayList<>());
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                int client = i;
                futures.add(threads.submit(() -> {
                    String id = "storm-" + client;
                    boolean clean = client % 2 == 1;
                    int version = client % 4 < 2 ? 4 : 5;
                    Wire w = Wire.connected(port, version, id, clean);
                    open.add(w);
                    w.send(Wire.subscribe(version, 1, "storm/" + client, 1));
                    w.expect(Wire.SUBACK);
                    if (!clean) {
                        persistent.add(id);
                    }
                    return null;
                }));
            }
            all(futures);
            assertThat(connections()).as("connections while all %d are connected", CLIENTS).isEqualTo(CLIENTS);
            assertThat(broker.sessions()).hasSize(CLIENTS);

            // ... then all go away at once, a third each way
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
            await("connections back to 0 after round " + r + " (now " + connections() + ")", () -> connections() == 0);
            await("only the persistent sessions left after round " + r,
                    () -> broker.sessions().size() == persistent.size());
        }
        Set<String> left = broker.sessions().stream().map(Session::clientId).collect(Collectors.toCollection(TreeSet::new));
        assertThat(left).isEqualTo(new TreeSet<>(persistent));
        assertThat(broker.sessions()).noneMatch(Session::isConnected);
        // the persistent sessions kept their subscriptions, the clean ones took theirs along
        assertThat(broker.counters().gauge(Stat.SUBSCRIPTIONS).current()).isEqualTo(persistent.size());
        assertThat(broker.counters().gauge(Stat.CONNECTIONS).max()).isLessThanOrEqualTo(CLIENTS);

        // The broker still works
        try (Bystander b = new Bystander(port, 5, "after-storm")) {
            b.assertWorks();
        }
        await("connections back to 0", () -> connections() == 0);
    }

    @Test
    @DisplayName("[MQTT-3.1.4-2] 50 connections take over one client id at the same moment (20 ids at once): one survives, the gauge is right")
    void simultaneousTakeovers() throws Exception {
        Broker broker = server.broker();
        int port = server.port();
        CountDownLatch go = new CountDownLatch(1);
        List<List<Wire>> byId = new ArrayList<>();
        List<Future<?>> futures = new ArrayList<>();
        for (int id = 0; id < TAKEOVER_IDS; id++) {
            List<Wire> wires = Collections.synchronizedList(new ArrayList<>());
            byId.add(wires);
            String clientId = "takeover-" + id;
            boolean clean = id % 2 == 1;
            for (int c = 0; c < TAKEOVERS; c++) {
                int version = c % 2 == 0 ? 4 : 5;
                futures.add(threads.submit(() -> {
                    Wire w = new Wire(port, version);
                    wires.add(w);
                    go.await();
                    Wire.Frame ack = w.connect(clientId, clean);
                    assertThat(ack.connackCode()).as("CONNACK for " + clientId).isZero();
                    return null;
                }));
            }
        }
        // The sockets are open; release every CONNECT at once
        Thread.sleep(200);
        go.countDown();
        all(futures);
        await("one connection per client id (now " + connections() + ")", () -> connections() == TAKEOVER_IDS);

        for (int id = 0; id < TAKEOVER_IDS; id++) {
            List<Wire> alive = new ArrayList<>();
            for (Wire w : byId.get(id)) {
                // a taken-over MQTT 5 client is told why [MQTT-3.14.2 0x8E]; 3.1.1 is just closed
                List<Wire.Frame> before;
                try {
                    w.send(Wire.pingreq());
                    Wire.Frame f = w.readOrEnd(Wire.TIMEOUT);
                    if (f != null && f.type() == Wire.PINGRESP) {
                        alive.add(w);
                        continue;
                    }
                    before = new ArrayList<>();
                    if (f != null) {
                        before.add(f);
                    }
                    before.addAll(w.awaitClose());
                } catch (IOException e) {
                    before = List.of(); // closed already: the write failed
                }
                if (w.version == 5 && !before.isEmpty()) {
                    assertThat(before.get(0).type()).isEqualTo(Wire.DISCONNECT);
                    assertThat(before.get(0).reasonCode()).isEqualTo(0x8E); // Session taken over
                }
                assertThat(before).as("takeover-" + id + " sent nothing but DISCONNECT").allMatch(
                        f -> f.type() == Wire.DISCONNECT);
            }
            assertThat(alive).as("connections left for takeover-" + id).hasSize(1);
            assertThat(broker.session("takeover-" + id).orElseThrow().isConnected()).isTrue();
        }
        assertThat(broker.sessions()).hasSize(TAKEOVER_IDS);
        for (List<Wire> wires : byId) {
            wires.forEach(Wire::abort);
        }
        await("connections back to 0 (now " + connections() + ")", () -> connections() == 0);
        await("the clean sessions ended", () -> broker.sessions().size() == TAKEOVER_IDS / 2);
        assertThat(broker.sessions()).allMatch(s -> Integer.parseInt(s.clientId().substring(9)) % 2 == 0);
    }
}
