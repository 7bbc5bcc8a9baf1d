package io.mqttee.robustness;

import io.mqttee.core.Broker;
import io.mqttee.core.Metric;
import io.mqttee.core.Session;
import io.mqttee.testing.ListenerConfigBuilder;
import io.mqttee.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Abrupt disconnects (TCP RST, no DISCONNECT) at every point of the QoS 1 and QoS 2 flows, in both
 * directions, with persistent sessions: nothing accepted is lost, QoS 2 arrives exactly once, and
 * each publisher's messages arrive in order.
 *
 * <p>Two raw publishers (MQTT 3.1.1 and 5) publish {@code n} numbered messages each through the
 * broker to one raw subscriber, all three on persistent sessions and in their own threads. Each
 * client drops its connection at random (seeded) points: a publisher right after sending PUBLISH,
 * after receiving PUBREC (before PUBREL) and after sending PUBREL; the subscriber after receiving
 * PUBLISH (before PUBACK/PUBREC), after sending PUBREC and after receiving PUBREL (before PUBCOMP).
 * They reconnect at once and behave as a real client must [MQTT-4.4.0-1]: the publisher re-sends
 * its unacknowledged PUBLISH with DUP and the same packet identifier, or PUBREL where PUBREC had
 * arrived; the subscriber keeps the identifiers of QoS 2 messages it has delivered until PUBREL
 * (delivery on PUBLISH, "method B" of [MQTT-4.3.3-2]), so a re-sent PUBLISH is acknowledged but
 * not delivered again. The subscriber also checks the broker's side of [MQTT-4.4.0-1]: every
 * message it left unacknowledged comes back with DUP, the same identifier and payload, before any
 * new message.
 *
 * <p>Normal run: 1,000 messages per publisher (2,000 per case, four cases). Bigger:
 * {@code -Dmqttee.faults.messages=50000 -Dmqttee.faults.seed=7} (messages per publisher). The
 * seed fixes each client's drop decisions; thread timing still varies from run to run.
 */
class QosFaultsIT {

    private static final int MESSAGES = Integer.getInteger("mqttee.faults.messages", 1000);
    private static final long SEED = Long.getLong("mqttee.faults.seed", 20_241_127L);
    /** Probability of a drop at each drop point. */
    private static final double DROP = 0.02;
    /** Publisher window: below the broker's max_inflight (16), its Receive Maximum for QoS 2. */
    private static final int WINDOW = 8;
    private static final long DEADLINE_MILLIS = Math.max(120_000L, MESSAGES * 60L);

    private TestBroker server;
    private LeakWatch leaks;
    private ExecutorService threads;

    @BeforeEach
    void start() {
        leaks = LeakWatch.install();
        // A queue large enough that nothing is dropped while the subscriber is away
        server = TestBroker.start(ListenerConfigBuilder.listener().maxMqueueLen(1_000_000).build());
        threads = Executors.newFixedThreadPool(3);
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

    @ParameterizedTest(name = "QoS {0}, subscriber MQTT level {1}")
    @CsvSource({"1, 4", "1, 5", "2, 4", "2, 5"})
    @DisplayName("[MQTT-4.4.0-1, MQTT-4.3.3-2, MQTT-4.6.0-5] RST at every point of the QoS 1/2 flows: no loss, QoS 2 exactly once, in order")
    void abruptDisconnects(int qos, int subscriberVersion) throws Exception {
        long seed = SEED + qos * 10L + subscriberVersion;
        String context = "seed " + seed + ", QoS " + qos + ", subscriber level " + subscriberVersion;
        int port = server.port();
        Subscriber sub = new Subscriber(port, subscriberVersion, "faults-sub", qos, new Random(seed),
                List.of("faults-pub4", "faults-pub5"));
        Publisher pub4 = new Publisher(port, 4, "faults-pub4", qos, new Random(seed + 1));
        Publisher pub5 = new Publisher(port, 5, "faults-pub5", qos, new Random(seed + 2));

        sub.subscribe(); // before anything is published
        Future<?> s = threads.submit(() -> {
            sub.run();
            return null;
        });
        Future<?> p4 = threads.submit(() -> {
            pub4.run();
            return null;
        });
        Future<?> p5 = threads.submit(() -> {
            pub5.run();
            return null;
        });
        p4.get(DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
        p5.get(DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
        s.get(DEADLINE_MILLIS, TimeUnit.MILLISECONDS);

        for (String publisher : List.of("faults-pub4", "faults-pub5")) {
            List<Integer> got = sub.delivered.get(publisher);
            List<Integer> expected = new ArrayList<>(MESSAGES);
            for (int i = 0; i < MESSAGES; i++) {
                expected.add(i);
            }
            if (qos == 2) {
                // exactly once, in publish order
                assertThat(got).as(context + ": QoS 2 from " + publisher + ": " + difference(got, expected)
                        + sub.around(publisher, got) + (publisher.equals(pub4.clientId) ? pub4 : pub5).around(got))
                        .isEqualTo(expected);
            } else {
                // at least once; first arrivals in publish order (duplicates only as re-sends)
                List<Integer> first = new ArrayList<>(new LinkedHashSet<>(got));
                assertThat(first).as(context + ": QoS 1 from " + publisher + ": " + difference(first, expected)
                        + sub.history()).isEqualTo(expected);
            }
        }
        Broker broker = server.broker();
        assertThat(broker.counters().get(Metric.MESSAGES_DROPPED)).as(context + ": messages.dropped").isZero();
        for (String id : List.of("faults-pub4", "faults-pub5")) {
            Session session = broker.session(id).orElseThrow();
            assertThat(session.awaitingReleaseCount()).as(context + ": " + id + " QoS 2 ids held").isZero();
        }
        Session subSession = broker.session("faults-sub").orElseThrow();
        assertThat(subSession.inflightSize() + subSession.queueSize()).as(context + ": left for the subscriber").isZero();
        System.out.printf("QosFaultsIT %s: %d messages; drops: publishers %d + %d, subscriber %d; "
                        + "duplicates at the subscriber: %d%n", context, 2 * MESSAGES, pub4.drops, pub5.drops,
                sub.drops, sub.totalDelivered() - 2 * MESSAGES);
        assertThat(pub4.drops + pub5.drops + sub.drops).as(context + ": the test did drop connections").isPositive();
    }

    private static void sleep() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The events from 10 before to 60 after the first one ending with {@code suffix}. */
    private static List<String> near(List<String> events, String suffix) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).endsWith(suffix)) {
                return events.subList(Math.max(0, i - 10), Math.min(events.size(), i + 60));
            }
        }
        return List.of();
    }

    /** Where a delivered sequence first departs from the expected one, and what is missing. */
    private static String difference(List<Integer> got, List<Integer> expected) {
        int i = 0;
        while (i < got.size() && i < expected.size() && got.get(i).equals(expected.get(i))) {
            i++;
        }
        Set<Integer> missing = new java.util.TreeSet<>(expected);
        got.forEach(missing::remove);
        return got.size() + " delivered, first difference at index " + i + " (got "
                + got.subList(i, Math.min(got.size(), i + 12)) + "), missing " + missing;
    }

    /** Connects with a persistent session; the session must be present unless this is the first time. */
    private static Wire reconnect(int port, int version, String clientId, boolean first) throws IOException {
        Wire w = new Wire(port, version);
        Wire.Frame ack = w.connect(clientId, false);
        assertThat(ack.connackCode()).as("CONNACK of " + clientId).isZero();
        assertThat(ack.sessionPresent()).as("session present for " + clientId).isEqualTo(!first);
        return w;
    }

    /** A publisher with the client side of a persistent session: its unfinished outbound messages. */
    private static final class Publisher {
        private final int port;
        private final int version;
        private final String clientId;
        private final int qos;
        private final Random random;
        /** Packet id -> message, in sending order; {@code released} once PUBREC arrived. */
        private final LinkedHashMap<Integer, Out> unfinished = new LinkedHashMap<>();
        private Wire wire;
        private int lastId;
        int drops;
        /** Every packet in and out and every drop, for failure messages. */
        final List<String> events = new ArrayList<>();

        private static final class Out {
            final int seq;
            boolean released;

            Out(int seq) {
                this.seq = seq;
            }
        }

        Publisher(int port, int version, String clientId, int qos, Random random) {
            this.port = port;
            this.version = version;
            this.clientId = clientId;
            this.qos = qos;
            this.random = random;
        }

        /** The events around the first sequence number that arrived twice or out of order. */
        String around(List<Integer> got) {
            int i = 0;
            while (i < got.size() && got.get(i) == i) {
                i++;
            }
            return "\nevents of " + clientId + " around seq " + i + ":\n  " + String.join("\n  ", near(events, " seq " + i));
        }

        private byte[] publishPacket(int id, int seq, boolean dup) {
            return Wire.publish(version, "faults/" + clientId, (clientId + ":" + seq).getBytes(), qos, false, dup, id);
        }

        private boolean maybeDrop() throws IOException {
            if (random.nextDouble() >= DROP) {
                return false;
            }
            drops++;
            wire.abort();
            wire = reconnect(port, version, clientId, false);
            events.add("-- dropped and reconnected");
            // Re-send what is unacknowledged, with the original identifiers [MQTT-4.4.0-1]
            for (Map.Entry<Integer, Out> e : unfinished.entrySet()) {
                wire.send(e.getValue().released ? Wire.ack(Wire.PUBREL, e.getKey())
                        : publishPacket(e.getKey(), e.getValue().seq, true));
                events.add("out: " + (e.getValue().released ? "PUBREL " : "PUBLISH DUP ") + e.getKey()
                        + " seq " + e.getValue().seq);
            }
            return true;
        }

        void run() throws IOException {
            wire = reconnect(port, version, clientId, true);
            int next = 0;
            while (next < MESSAGES || !unfinished.isEmpty()) {
                if (next < MESSAGES && unfinished.size() < WINDOW) {
                    do {
                        lastId = lastId == 0xFFFF ? 1 : lastId + 1;
                    } while (unfinished.containsKey(lastId));
                    unfinished.put(lastId, new Out(next));
                    wire.send(publishPacket(lastId, next, false));
                    events.add("out: PUBLISH " + lastId + " seq " + next);
                    next++;
                    maybeDrop(); // after PUBLISH
                    continue;
                }
                Wire.Frame f = wire.read();
                events.add("in: type " + f.type() + " id " + f.packetId() + " reason " + f.reasonCode());
                if (version == 5 && f.type() != Wire.PUBCOMP) {
                    assertThat(f.reasonCode()).as(clientId + ": reason code of " + f).isLessThan(0x80);
                }
                int id = f.packetId();
                switch (f.type()) {
                    case Wire.PUBACK -> {
                        assertThat(qos).as(clientId + ": PUBACK").isEqualTo(1);
                        unfinished.remove(id);
                    }
                    case Wire.PUBREC -> {
                        Out o = unfinished.get(id);
                        assertThat(o).as(clientId + ": PUBREC for unknown id " + id).isNotNull();
                        o.released = true;
                        if (maybeDrop()) { // after PUBREC, before PUBREL: the reconnect sends the PUBREL
                            continue;
                        }
                        wire.send(Wire.ack(Wire.PUBREL, id));
                        events.add("out: PUBREL " + id);
                        maybeDrop(); // after PUBREL
                    }
                    case Wire.PUBCOMP -> unfinished.remove(id); // 5: 0x92 when a re-sent PUBREL was already done
                    default -> throw new AssertionError(clientId + ": unexpected " + f);
                }
            }
            wire.ping();
            wire.send(Wire.disconnect());
            wire.close();
        }
    }

    /** A subscriber with the client side of a persistent session. */
    private static final class Subscriber {
        private final int port;
        private final int version;
        private final String clientId;
        private final int qos;
        private final Random random;
        private final List<String> publishers;
        /** Publisher -> sequence numbers in delivery order. */
        final Map<String, List<Integer>> delivered = new HashMap<>();
        /** QoS 2 identifiers delivered and not yet released (PUBREC sent or about to be). */
        private final Set<Integer> awaitingRelease = new HashSet<>();
        /** PUBLISH received but not acknowledged: id -> payload. */
        private final Map<Integer, String> unacknowledged = new HashMap<>();
        /** QoS 1 payloads this client has sent PUBACK for, on any connection. */
        private final Set<String> acknowledged = new HashSet<>();
        /** Ids the broker must re-send (PUBLISH DUP or PUBREL) after a reconnect before anything new. */
        private final Set<Integer> mustResend = new HashSet<>();
        /** The last packets in and out, for failure messages. */
        private final java.util.ArrayDeque<String> log = new java.util.ArrayDeque<>();
        private Wire wire;
        int drops;

        private void log(String event) {
            if (log.size() == 60) {
                log.poll();
            }
            log.add(event);
            all.add(event);
        }

        /** Every event, for failure messages. */
        private final List<String> all = new ArrayList<>();

        String around(String publisher, List<Integer> got) {
            int i = 0;
            while (i < got.size() && got.get(i) == i) {
                i++;
            }
            return "\nevents of " + clientId + " around " + publisher + ":" + i + ":\n  "
                    + String.join("\n  ", near(all, publisher + ":" + i));
        }

        String history() {
            return "\nlast events of " + clientId + ":\n  " + String.join("\n  ", log);
        }

        Subscriber(int port, int version, String clientId, int qos, Random random, List<String> publishers) {
            this.port = port;
            this.version = version;
            this.clientId = clientId;
            this.qos = qos;
            this.random = random;
            this.publishers = publishers;
            publishers.forEach(p -> delivered.put(p, new ArrayList<>()));
        }

        int totalDelivered() {
            return delivered.values().stream().mapToInt(List::size).sum();
        }

        private boolean allDelivered() {
            for (String p : publishers) {
                if (new HashSet<>(delivered.get(p)).size() < MESSAGES) {
                    return false;
                }
            }
            return true;
        }

        private boolean drop() throws IOException {
            if (random.nextDouble() >= DROP) {
                return false;
            }
            drops++;
            wire.abort();
            wire = reconnect(port, version, clientId, false);
            log("-- dropped and reconnected; unacknowledged " + unacknowledged.keySet() + ", awaiting PUBREL "
                    + awaitingRelease);
            mustResend.clear();
            // A QoS 1 message acknowledged on an earlier connection may be done by now, even though it
            // was re-sent (the broker re-sends what it had not read the PUBACK of when we reconnected)
            unacknowledged.forEach((id, payload) -> {
                if (!acknowledged.contains(payload)) {
                    mustResend.add(id);
                }
            });
            mustResend.addAll(awaitingRelease);
            unacknowledged.keySet().retainAll(mustResend);
            return true;
        }

        private void deliver(String payload) {
            int colon = payload.lastIndexOf(':');
            delivered.get(payload.substring(0, colon)).add(Integer.parseInt(payload.substring(colon + 1)));
        }

        void subscribe() throws IOException {
            wire = reconnect(port, version, clientId, true);
            wire.send(Wire.subscribe(version, 1, "faults/#", qos));
            Wire.Frame suback = wire.expect(Wire.SUBACK);
            assertThat(suback.subackCodes()).containsExactly(qos);
        }

        void run() throws IOException {
            boolean pinging = false;
            while (true) {
                if (allDelivered() && awaitingRelease.isEmpty() && !pinging) {
                    // Everything arrived; a PINGREQ answered means the broker has read our last acks
                    wire.send(Wire.pingreq());
                    pinging = true;
                }
                Wire.Frame f = wire.read();
                log("in: " + (f.type() == Wire.PUBLISH ? "PUBLISH id " + f.packetId() + (f.dup() ? " DUP " : " ")
                        + f.payloadString() : "type " + f.type() + " id " + (f.body().length >= 2 ? f.packetId() : -1)));
                switch (f.type()) {
                    case Wire.PINGRESP -> {
                        pinging = false;
                        if (allDelivered() && awaitingRelease.isEmpty() && unacknowledged.isEmpty()) {
                            return;
                        }
                        sleep(); // more to come: re-sends after a reconnect, PUBRELs
                    }
                    case Wire.PUBLISH -> {
                        int id = f.packetId();
                        String payload = f.payloadString();
                        assertThat(f.qos()).as(clientId + ": QoS of " + payload).isEqualTo(qos);
                        if (!f.dup()) {
                            assertThat(mustResend).as(clientId + ": not re-sent before new message " + payload
                                    + " after reconnect [MQTT-4.4.0-1]" + history()).isEmpty();
                        }
                        mustResend.remove(id);
                        String before = unacknowledged.get(id);
                        if (before != null) {
                            assertThat(f.dup()).as(clientId + ": DUP on the re-send of " + before + history()).isTrue();
                            assertThat(payload).as(clientId + ": re-send of id " + id + history()).isEqualTo(before);
                        }
                        if (qos == 1) {
                            deliver(payload);
                            unacknowledged.put(id, payload);
                            if (drop()) { // after PUBLISH, before PUBACK
                                continue;
                            }
                            wire.send(Wire.ack(Wire.PUBACK, id));
                            log("out: PUBACK " + id);
                            acknowledged.add(payload);
                            unacknowledged.remove(id);
                        } else {
                            if (awaitingRelease.add(id)) {
                                deliver(payload); // first receipt of this id: deliver once
                            } else {
                                assertThat(f.dup()).as(clientId + ": id " + id + " reused before PUBREL" + history()).isTrue();
                            }
                            unacknowledged.put(id, payload);
                            if (drop()) { // after PUBLISH, before PUBREC
                                continue;
                            }
                            wire.send(Wire.ack(Wire.PUBREC, id));
                            log("out: PUBREC " + id);
                            unacknowledged.remove(id);
                            drop(); // after PUBREC
                        }
                    }
                    case Wire.PUBREL -> {
                        int id = f.packetId();
                        mustResend.remove(id);
                        unacknowledged.remove(id); // the broker has our PUBREC, from this or an earlier connection
                        if (drop()) { // after PUBREL, before PUBCOMP
                            continue;
                        }
                        awaitingRelease.remove(id);
                        wire.send(Wire.ack(Wire.PUBCOMP, id));
                        log("out: PUBCOMP " + id);
                    }
                    default -> throw new AssertionError(clientId + ": unexpected " + f + history());
                }
            }
        }
    }
}
