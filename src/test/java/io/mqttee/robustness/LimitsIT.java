package io.mqttee.robustness;

import io.mqttee.core.Broker;
import io.mqttee.core.Metric;
import io.mqttee.core.Session;
import io.mqttee.core.Stat;
import io.mqttee.testing.ListenerConfigBuilder;
import io.mqttee.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The resource limits of issue #6, each with a raw-bytes test AT the limit (allowed) and one PAST it
 * (refused or dropped, with the outcome the specification requires and counted where the broker
 * counts it), for MQTT 3.1.1 (level 4) and 5. Each test starts its own broker with small limits.
 *
 * <table>
 * <caption>What is checked</caption>
 * <tr><th>limit</th><th>at</th><th>past</th></tr>
 * <tr><td>max_connections</td><td>N connections get CONNACK 0x00</td><td>closed at accept, no CONNACK,
 * not counted as a connection or a CONNECT but in {@code client.max_connections_refused}, one warning
 * logged; a freed slot is reusable</td></tr>
 * <tr><td>max_packet_size</td><td>a packet of exactly N bytes passes (PUBLISH and CONNECT); MQTT 5
 * CONNACK says Maximum Packet Size N</td><td>N + 1 bytes: close (3.1.1), DISCONNECT 0x95 (5); a CONNECT:
 * closed without CONNACK; counted in {@code client.protocol_error}</td></tr>
 * <tr><td>max_inflight</td><td>N unacknowledged QoS 1 PUBLISH on the wire; MQTT 5 CONNACK says Receive
 * Maximum N; N inbound QoS 2 awaiting PUBREL accepted</td><td>the next PUBLISH waits in the queue until an
 * ack; MQTT 5 inbound QoS 2 number N + 1: DISCONNECT 0x93</td></tr>
 * <tr><td>max_mqueue_len</td><td>N messages queued (offline, or behind a full window) and all delivered
 * in order</td><td>the next one is dropped and counted in {@code messages.dropped}</td></tr>
 * <tr><td>max_subscriptions</td><td>N filters granted; re-subscribing one at the limit is granted</td>
 * <td>SUBACK 0x80 (3.1.1) / 0x97 (5) for filter N + 1, not subscribed, not routed</td></tr>
 * <tr><td>max_topic_levels</td><td>N levels in a filter, a topic name and a will topic are
 * accepted</td><td>filter: SUBACK 0x80 (3.1.1) / 0x8F (5); topic name: close (3.1.1) / DISCONNECT 0x90 (5); will topic:
 * close (3.1.1) / CONNACK 0x90 (5)</td></tr>
 * </table>
 */
class LimitsIT {

    private static final int MAX_PACKET_SIZE = 100;
    /** How long a negative check ("nothing more arrives") waits; a slow machine can only hide a bug. */
    private static final Duration QUIET = Duration.ofMillis(300);

    private TestBroker server;
    private LeakWatch leaks;
    private final List<Wire> wires = new ArrayList<>();

    @BeforeEach
    void watch() {
        leaks = LeakWatch.install();
    }

    @AfterEach
    void stop() throws InterruptedException {
        try {
            wires.forEach(Wire::close);
            if (server != null) {
                server.close();
            }
            leaks.assertNoLeaks();
        } finally {
            leaks.close();
        }
    }

    private void start(ListenerConfigBuilder limits) {
        server = TestBroker.start(limits.build());
    }

    private Broker broker() {
        return server.broker();
    }

    private long metric(Metric m) {
        return broker().counters().get(m);
    }

    private long gauge(Stat s) {
        return broker().counters().gauge(s).current();
    }

    private Session session(String clientId) {
        return broker().session(clientId).orElseThrow();
    }

    private Wire connected(int version, String clientId, boolean clean) throws IOException {
        Wire w = Wire.connected(server.port(), version, clientId, clean);
        wires.add(w);
        return w;
    }

    private Wire open(int version) throws IOException {
        Wire w = new Wire(server.port(), version);
        wires.add(w);
        return w;
    }

    private static String level(int version) {
        return version == 5 ? "MQTT 5" : "MQTT 3.1.1";
    }

    private static int[] subscribe(Wire w, int id, String filter, int qos) throws IOException {
        w.send(Wire.subscribe(w.version, id, filter, qos));
        Wire.Frame ack = w.expect(Wire.SUBACK);
        assertThat(ack.packetId()).isEqualTo(id);
        return ack.subackCodes();
    }

    /** QoS 1 PUBLISH, waiting for its PUBACK: once it is back the broker has routed the message. */
    private static void publishQos1(Wire pub, String topic, String payload, int id) throws IOException {
        pub.send(Wire.publish(pub.version, topic, payload, 1, id));
        Wire.Frame ack = pub.expect(Wire.PUBACK);
        assertThat(ack.packetId()).isEqualTo(id);
        assertThat(ack.reasonCode()).isZero();
    }

    // ---------------------------------------------------------------- max_connections

    private static final int MAX_CONNECTIONS = 3;

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {4, 5})
    @DisplayName("max_connections AT the limit: N connections are all accepted (CONNACK 0x00) and served")
    void maxConnectionsAtTheLimit(int version) throws Exception {
        start(ListenerConfigBuilder.listener().maxConnections(MAX_CONNECTIONS));
        List<Wire> clients = new ArrayList<>();
        for (int i = 0; i < MAX_CONNECTIONS; i++) {
            clients.add(connected(version, "mc-" + i, true));
        }
        for (Wire w : clients) {
            w.ping();
        }
        assertThat(gauge(Stat.CONNECTIONS)).isEqualTo(MAX_CONNECTIONS);
        assertThat(metric(Metric.CLIENT_CONNECTED)).isEqualTo(MAX_CONNECTIONS);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {4, 5})
    @DisplayName("max_connections PAST the limit: connection N + 1 is closed at accept, before its CONNECT is read, so it gets"
            + " no CONNACK ([MQTT-3.2.2-6] 3.1.1: close without CONNACK when no return code applies; 5: CONNACK 0x97 would need"
            + " the CONNECT read, closing is valid for both levels); it is not counted; a freed slot is reusable")
    void maxConnectionsPastTheLimit(int version) throws Exception {
        start(ListenerConfigBuilder.listener().maxConnections(MAX_CONNECTIONS));
        List<Wire> clients = new ArrayList<>();
        for (int i = 0; i < MAX_CONNECTIONS; i++) {
            clients.add(connected(version, "mc-" + i, true));
        }
        long connects = metric(Metric.CLIENT_CONNECT);
        assertThat(metric(Metric.CLIENT_MAX_CONNECTIONS_REFUSED)).isZero();
        Logger limitLog = Logger.getLogger("io.mqttee.protocol.ConnectionLimitHandler");
        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel() == Level.WARNING) {
                    warnings.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        limitLog.addHandler(capture);
        try {
            refuseOneAndReuseASlot(version, clients, connects, warnings);
        } finally {
            limitLog.removeHandler(capture);
        }
    }

    private void refuseOneAndReuseASlot(int version, List<Wire> clients, long connects, List<LogRecord> warnings)
            throws Exception {
        Wire refused = open(version);
        try {
            refused.send(Wire.connectPacket(version, "mc-refused", true, 60));
        } catch (IOException alreadyClosed) {
            // the server may have closed before the CONNECT went out
        }
        assertThat(refused.awaitClose()).as("no CONNACK (nor anything else) for a connection past the limit").isEmpty();
        assertThat(broker().session("mc-refused")).isEmpty();
        assertThat(metric(Metric.CLIENT_CONNECT)).as("its CONNECT was never read").isEqualTo(connects);
        assertThat(gauge(Stat.CONNECTIONS)).isEqualTo(MAX_CONNECTIONS);
        assertThat(metric(Metric.CLIENT_MAX_CONNECTIONS_REFUSED)).as("the refusal is counted").isEqualTo(1);
        assertThat(warnings).as("the operator is told which limit refused it").singleElement()
                .satisfies(r -> assertThat(r.getMessage()).contains("max_connections (" + MAX_CONNECTIONS + ")"));
        for (Wire w : clients) {
            w.ping(); // the connections within the limit did not notice
        }

        // One leaves; its slot is free once the server has processed the close
        clients.get(0).send(Wire.disconnect());
        clients.get(0).awaitClose();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int refusedWhileClosing = 0;
        while (true) {
            Wire next = open(version);
            next.send(Wire.connectPacket(version, "mc-next", true, 60));
            Wire.Frame f = next.readOrEnd(Wire.TIMEOUT);
            if (f != null) {
                assertThat(f.type()).isEqualTo(Wire.CONNACK);
                assertThat(f.connackCode()).isZero();
                break;
            }
            refusedWhileClosing++;
            assertThat(System.nanoTime()).as("slot freed within 10 s").isLessThan(deadline);
            Thread.sleep(20);
        }
        assertThat(gauge(Stat.CONNECTIONS)).isEqualTo(MAX_CONNECTIONS);
        assertThat(metric(Metric.CLIENT_MAX_CONNECTIONS_REFUSED)).isEqualTo(1 + refusedWhileClosing);
        assertThat(warnings).as("at most one warning a minute").hasSize(1);
    }

    // ---------------------------------------------------------------- max_packet_size

    /** A QoS 0 PUBLISH of exactly {@code total} bytes, fixed header included. */
    private static byte[] publishOfSize(int version, int total) {
        int overhead = 2 + 2 + 1 + (version == 5 ? 1 : 0); // fixed header, topic "t", properties length
        byte[] p = Wire.publish(version, "t", "x".repeat(total - overhead), 0, 0);
        assertThat(p).hasSize(total);
        return p;
    }

    /** A clean CONNECT of exactly {@code total} bytes (the client id pads it). */
    private static byte[] connectOfSize(int version, int total) {
        int overhead = Wire.connectPacket(version, "", true, 60).length;
        byte[] p = Wire.connectPacket(version, "c".repeat(total - overhead), true, 60);
        assertThat(p).hasSize(total);
        return p;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {4, 5})
    @DisplayName("[MQTT-3.2.2-15] max_packet_size AT and PAST the limit, counting the whole packet: a PUBLISH of exactly"
            + " max_packet_size bytes passes, one byte more: close (3.1.1) / DISCONNECT 0x95 Packet too large (5), counted")
    void maxPacketSizeIsTheWholePacket(int version) throws Exception {
        start(ListenerConfigBuilder.listener().maxPacketSize(MAX_PACKET_SIZE));
        Wire sub = connected(version, "mps-sub", true);
        Wire pub = connected(version, "mps-pub", true);
        subscribe(sub, 1, "t", 0);
        pub.send(publishOfSize(version, MAX_PACKET_SIZE));
        pub.ping();
        assertThat(sub.expect(Wire.PUBLISH).payload()).hasSize(MAX_PACKET_SIZE - (version == 5 ? 6 : 5));

        long before = metric(Metric.CLIENT_PROTOCOL_ERROR);
        pub.send(publishOfSize(version, MAX_PACKET_SIZE + 1));
        List<Wire.Frame> sent = pub.awaitClose();
        if (version == 5) {
            assertThat(sent).hasSize(1);
            assertThat(sent.get(0).type()).isEqualTo(Wire.DISCONNECT);
            assertThat(sent.get(0).reasonCode()).isEqualTo(0x95); // Packet too large
        } else {
            assertThat(sent).isEmpty();
        }
        TestBroker.await("counted", () -> metric(Metric.CLIENT_PROTOCOL_ERROR) == before + 1);
        sub.ping(); // nothing was forwarded, the subscriber is fine
    }

    @Test
    @DisplayName("MQTT 5.0 3.2.2.3.6: max_packet_size is advertised as Maximum Packet Size (0x27) in CONNACK, which the"
            + " client must respect [MQTT-3.2.2-15]")
    void maxPacketSizeAdvertised() throws Exception {
        start(ListenerConfigBuilder.listener().maxPacketSize(MAX_PACKET_SIZE));
        Wire w = open(5);
        w.send(Wire.connectPacket(5, "mps-adv", true, 60));
        Wire.Frame ack = w.expect(Wire.CONNACK);
        assertThat(ack.connackCode()).isZero();
        assertThat(ack.connackProperties()).containsEntry(0x27, (long) MAX_PACKET_SIZE);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {4, 5})
    @DisplayName("max_packet_size AT and PAST the limit for CONNECT: a CONNECT of exactly max_packet_size bytes is accepted;"
            + " one byte more is closed without CONNACK ([MQTT-3.2.2-6] 3.1.1; 5 [MQTT-4.13.1-1] may, not must, send CONNACK 0x95),"
            + " counted in client.protocol_error, no session")
    void maxPacketSizeOfConnect(int version) throws Exception {
        start(ListenerConfigBuilder.listener().maxPacketSize(MAX_PACKET_SIZE));
        Wire at = open(version);
        at.send(connectOfSize(version, MAX_PACKET_SIZE));
        assertThat(at.expect(Wire.CONNACK).connackCode()).isZero();
        at.ping();

        long before = metric(Metric.CLIENT_PROTOCOL_ERROR);
        long connects = metric(Metric.CLIENT_CONNECT);
        Wire past = open(version);
        byte[] big = connectOfSize(version, MAX_PACKET_SIZE + 1);
        past.send(big);
        assertThat(past.awaitClose()).as("no CONNACK for an oversize CONNECT").isEmpty();
        TestBroker.await("counted", () -> metric(Metric.CLIENT_PROTOCOL_ERROR) == before + 1);
        assertThat(metric(Metric.CLIENT_CONNECT)).isEqualTo(connects);
        assertThat(broker().sessions()).extracting(Session::clientId).containsExactly("c".repeat(
                MAX_PACKET_SIZE - Wire.connectPacket(version, "", true, 60).length));
        at.ping();
    }

    // ---------------------------------------------------------------- max_inflight

    private static final int MAX_INFLIGHT = 3;

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {4, 5})
    @DisplayName("max_inflight AT the limit: max_inflight QoS 1 messages are on the wire unacknowledged, none queued;"
            + " 5: CONNACK says Receive Maximum = max_inflight (MQTT 5.0 3.2.2.3.3)")
    void maxInflightAtTheLimit(int version) throws Exception {
        start(ListenerConfigBuilder.listener().maxInflight(MAX_INFLIGHT));
        Wire sub = open(version);
        sub.send(Wire.connectPacket(version, "mi-sub", true, 60));
        Wire.Frame connack = sub.expect(Wire.CONNACK);
        assertThat(connack.connackCode()).isZero();
        if (version == 5) {
            assertThat(connack.connackProperties()).containsEntry(0x21, (long) MAX_INFLIGHT);
        }
        assertThat(subscribe(sub, 1, "mi", 1)).containsExactly(1);
        Wire pub = connected(version, "mi-pub", true);
        for (int i = 0; i < MAX_INFLIGHT; i++) {
            publishQos1(pub, "mi", "m" + i, i + 1);
        }
        for (int i = 0; i < MAX_INFLIGHT; i++) {
            Wire.Frame p = sub.expect(Wire.PUBLISH);
            assertThat(p.payloadString()).isEqualTo("m" + i);
            assertThat(p.qos()).isEqualTo(1);
        }
        assertThat(session("mi-sub").inflightSize()).isEqualTo(MAX_INFLIGHT);
        assertThat(session("mi-sub").queueSize()).isZero();
        assertThat(metric(Metric.MESSAGES_DROPPED)).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {4, 5})
    @DisplayName("max_inflight PAST the limit: message max_inflight + 1 is not sent while the window is full"
            + " (5: [MQTT-3.3.4-9] no more than Receive Maximum unacknowledged); it waits in the queue, not dropped,"
            + " and goes out, in order, on the next PUBACK")
    void maxInflightPastTheLimit(int version) throws Exception {
        start(ListenerConfigBuilder.listener().maxInflight(MAX_INFLIGHT));
        Wire sub = connected(version, "mi-sub", true);
        subscribe(sub, 1, "mi", 1);
        Wire pub = connected(version, "mi-pub", true);
        for (int i = 0; i <= MAX_INFLIGHT; i++) {
            publishQos1(pub, "mi", "m" + i, i + 1);
        }
        List<Wire.Frame> window = new ArrayList<>();
        for (int i = 0; i < MAX_INFLIGHT; i++) {
            window.add(sub.expect(Wire.PUBLISH));
        }
        assertThat(window).extracting(Wire.Frame::payloadString).containsExactly("m0", "m1", "m2");
        sub.assertQuiet(QUIET);
        assertThat(session("mi-sub").inflightSize()).isEqualTo(MAX_INFLIGHT);
        assertThat(session("mi-sub").queueSize()).isEqualTo(1);
        assertThat(metric(Metric.MESSAGES_DROPPED)).isZero();

        sub.send(Wire.ack(Wire.PUBACK, window.get(0).packetId()));
        Wire.Frame next = sub.expect(Wire.PUBLISH);
        assertThat(next.payloadString()).isEqualTo("m3");
        sub.assertQuiet(QUIET);
        assertThat(session("mi-sub").queueSize()).isZero();
    }

    @Test
    @DisplayName("max_inflight AT and PAST the limit inbound, 5: the broker's Receive Maximum is max_inflight; that many QoS 2"
            + " PUBLISH awaiting PUBREL are accepted (and a re-send of one of them), one more is DISCONNECT 0x93 Receive"
            + " Maximum exceeded (MQTT 5.0 3.3.4 Flow Control), counted, not routed")
    void receiveMaximumInbound() throws Exception {
        start(ListenerConfigBuilder.listener().maxInflight(MAX_INFLIGHT));
        Wire sub = connected(5, "rm-sub", true);
        subscribe(sub, 1, "rm", 2);
        Wire pub = connected(5, "rm-pub", true);
        for (int i = 1; i <= MAX_INFLIGHT; i++) {
            pub.send(Wire.publish(5, "rm", "q2-" + i, 2, i));
            Wire.Frame rec = pub.expect(Wire.PUBREC);
            assertThat(rec.packetId()).isEqualTo(i);
            assertThat(rec.reasonCode()).isZero();
        }
        // a re-send of a message already held is not a new one
        pub.send(Wire.publish(5, "rm", "q2-1".getBytes(), 2, false, true, 1));
        assertThat(pub.expect(Wire.PUBREC).reasonCode()).isZero();
        long before = metric(Metric.CLIENT_PROTOCOL_ERROR);

        pub.send(Wire.publish(5, "rm", "one-too-many", 2, MAX_INFLIGHT + 1));
        List<Wire.Frame> sent = pub.awaitClose();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).type()).isEqualTo(Wire.DISCONNECT);
        assertThat(sent.get(0).reasonCode()).isEqualTo(0x93);
        TestBroker.await("counted", () -> metric(Metric.CLIENT_PROTOCOL_ERROR) == before + 1);
        // the three accepted ones were routed on arrival, the refused one was not
        List<Wire.Frame> routed = new ArrayList<>();
        for (int i = 1; i <= MAX_INFLIGHT; i++) {
            routed.add(sub.expect(Wire.PUBLISH));
        }
        assertThat(routed).extracting(Wire.Frame::payloadString).containsExactly("q2-1", "q2-2", "q2-3");
        for (Wire.Frame p : routed) {
            sub.send(Wire.ack(Wire.PUBREC, p.packetId()));
            assertThat(sub.expect(Wire.PUBREL).packetId()).isEqualTo(p.packetId());
            sub.send(Wire.ack(Wire.PUBCOMP, p.packetId()));
        }
        sub.assertQuiet(QUIET);
    }

    @Test
    @DisplayName("max_inflight inbound, 3.1.1: there is no Receive Maximum in 3.1.1, so more than max_inflight QoS 2 PUBLISH"
            + " awaiting PUBREL are accepted (the packet identifiers bound them)")
    void noReceiveMaximumInbound311() throws Exception {
        start(ListenerConfigBuilder.listener().maxInflight(MAX_INFLIGHT));
        Wire pub = connected(4, "rm-pub", true);
        for (int i = 1; i <= MAX_INFLIGHT + 2; i++) {
            pub.send(Wire.publish(4, "rm", "q2-" + i, 2, i));
            assertThat(pub.expect(Wire.PUBREC).packetId()).isEqualTo(i);
        }
        for (int i = 1; i <= MAX_INFLIGHT + 2; i++) {
            pub.send(Wire.ack(Wire.PUBREL, i));
            assertThat(pub.expect(Wire.PUBCOMP).packetId()).isEqualTo(i);
        }
        assertThat(metric(Metric.CLIENT_PROTOCOL_ERROR)).isZero();
    }

    // ---------------------------------------------------------------- max_mqueue_len

    private static final int MAX_MQUEUE_LEN = 3;

    /**
     * A QoS 1 subscriber whose messages must queue: either offline (a persistent session that left
     * with DISCONNECT) or online behind a full window ({@code max_inflight} 1) holding the message
     * "window", unacknowledged. Returns the subscriber's connection (online) or null (offline).
     */
    private Wire queueingSubscriber(int version, boolean online) throws IOException {
        start(ListenerConfigBuilder.listener().maxMqueueLen(MAX_MQUEUE_LEN).maxInflight(1));
        Wire sub = connected(version, "mq-sub", false);
        subscribe(sub, 1, "mq", 1);
        if (!online) {
            sub.send(Wire.disconnect());
            sub.awaitClose();
            TestBroker.await("mq-sub offline", () -> !session("mq-sub").isConnected());
            return null;
        }
        return sub;
    }

    /** Fills the online subscriber's window of one; returns that message's packet identifier. */
    private static int fillWindow(Wire pub, Wire sub) throws IOException {
        publishQos1(pub, "mq", "window", 100);
        Wire.Frame p = sub.expect(Wire.PUBLISH);
        assertThat(p.payloadString()).isEqualTo("window");
        return p.packetId();
    }

    /**
     * Frees the window (online) or reconnects the persistent session (offline), then reads what
     * arrives, acknowledging each; nothing more may follow.
     */
    private List<String> drain(int version, Wire sub, int windowId, int expected) throws IOException {
        if (sub == null) {
            sub = open(version);
            sub.send(Wire.connectPacket(version, "mq-sub", false, 60));
            Wire.Frame ack = sub.expect(Wire.CONNACK);
            assertThat(ack.connackCode()).isZero();
            assertThat(ack.sessionPresent()).isTrue();
        } else {
            sub.send(Wire.ack(Wire.PUBACK, windowId));
        }
        List<String> got = new ArrayList<>();
        for (int i = 0; i < expected; i++) {
            Wire.Frame p = sub.expect(Wire.PUBLISH);
            got.add(p.payloadString());
            sub.send(Wire.ack(Wire.PUBACK, p.packetId()));
        }
        sub.assertQuiet(QUIET);
        return got;
    }

    @ParameterizedTest(name = "{0}, subscriber online {1}")
    @CsvSource({"4, false", "4, true", "5, false", "5, true"})
    @DisplayName("max_mqueue_len AT the limit: max_mqueue_len QoS 1 messages are queued (offline persistent session, or"
            + " behind a full window), none dropped, all delivered in order [MQTT-4.6.0-6]")
    void maxMqueueLenAtTheLimit(int version, boolean online) throws Exception {
        Wire sub = queueingSubscriber(version, online);
        Wire pub = connected(version, "mq-pub", true);
        int windowId = online ? fillWindow(pub, sub) : 0;
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < MAX_MQUEUE_LEN; i++) {
            publishQos1(pub, "mq", "m" + i, i + 1);
            sent.add("m" + i);
        }
        assertThat(session("mq-sub").queueSize()).isEqualTo(MAX_MQUEUE_LEN);
        assertThat(metric(Metric.MESSAGES_DROPPED)).isZero();
        assertThat(drain(version, sub, windowId, MAX_MQUEUE_LEN)).isEqualTo(sent);
        assertThat(metric(Metric.MESSAGES_DROPPED)).isZero();
    }

    @ParameterizedTest(name = "{0}, subscriber online {1}")
    @CsvSource({"4, false", "4, true", "5, false", "5, true"})
    @DisplayName("max_mqueue_len PAST the limit: message max_mqueue_len + 1 is dropped (the queued ones are kept) and"
            + " counted in messages.dropped; the publisher still gets its PUBACK; the queued ones arrive in order")
    void maxMqueueLenPastTheLimit(int version, boolean online) throws Exception {
        Wire sub = queueingSubscriber(version, online);
        Wire pub = connected(version, "mq-pub", true);
        int windowId = online ? fillWindow(pub, sub) : 0;
        List<String> kept = new ArrayList<>();
        for (int i = 0; i <= MAX_MQUEUE_LEN; i++) {
            publishQos1(pub, "mq", "m" + i, i + 1);
            if (i < MAX_MQUEUE_LEN) {
                kept.add("m" + i);
            }
        }
        assertThat(session("mq-sub").queueSize()).isEqualTo(MAX_MQUEUE_LEN);
        assertThat(metric(Metric.MESSAGES_DROPPED)).isEqualTo(1);
        assertThat(drain(version, sub, windowId, MAX_MQUEUE_LEN)).as("m3 was dropped").isEqualTo(kept);
        assertThat(metric(Metric.MESSAGES_DROPPED)).isEqualTo(1);
    }

    // ---------------------------------------------------------------- max_subscriptions

    private static final int MAX_SUBSCRIPTIONS = 2;

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {4, 5})
    @DisplayName("max_subscriptions AT the limit: max_subscriptions filters are granted and routed; re-subscribing one"
            + " of them at the limit replaces it [MQTT-3.8.4-3] and is granted, not refused")
    void maxSubscriptionsAtTheLimit(int version) throws Exception {
        start(ListenerConfigBuilder.listener().maxSubscriptions(MAX_SUBSCRIPTIONS));
        Wire sub = connected(version, "ms-sub", true);
        assertThat(subscribe(sub, 1, "ms/a", 1)).containsExactly(1);
        assertThat(subscribe(sub, 2, "ms/b", 1)).containsExactly(1);
        assertThat(subscribe(sub, 3, "ms/a", 0)).as("same filter again at the limit").containsExactly(0);
        assertThat(session("ms-sub").subscriptionCount()).isEqualTo(MAX_SUBSCRIPTIONS);
        assertThat(gauge(Stat.SUBSCRIPTIONS)).isEqualTo(MAX_SUBSCRIPTIONS);

        Wire pub = connected(version, "ms-pub", true);
        publishQos1(pub, "ms/a", "to-a", 1);
        publishQos1(pub, "ms/b", "to-b", 2);
        Wire.Frame a = sub.expect(Wire.PUBLISH);
        assertThat(a.payloadString()).isEqualTo("to-a");
        assertThat(a.qos()).as("the replacing subscription's QoS").isZero();
        Wire.Frame b = sub.expect(Wire.PUBLISH);
        assertThat(b.payloadString()).isEqualTo("to-b");
        sub.send(Wire.ack(Wire.PUBACK, b.packetId()));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {4, 5})
    @DisplayName("max_subscriptions PAST the limit: filter max_subscriptions + 1 gets SUBACK 0x80 (3.1.1 Failure [MQTT-3.9.3-2];"
            + " 5: 0x97 Quota exceeded), also when it shares a SUBSCRIBE with a granted one (one code per filter"
            + " [MQTT-3.8.4-5]); it is not subscribed, counted as subscribe but not as session.subscribed, and nothing is"
            + " routed to it; after an UNSUBSCRIBE the slot is free again")
    void maxSubscriptionsPastTheLimit(int version) throws Exception {
        start(ListenerConfigBuilder.listener().maxSubscriptions(MAX_SUBSCRIPTIONS));
        Wire sub = connected(version, "ms-sub", true);
        assertThat(subscribe(sub, 1, "ms/a", 1)).containsExactly(1);
        long subscribed = metric(Metric.SESSION_SUBSCRIBED);
        long subscribes = metric(Metric.CLIENT_SUBSCRIBE);

        // one SUBSCRIBE with two new filters and one slot left: the first is granted, the second refused
        Wire.Bytes b = new Wire.Bytes().u16(2);
        if (version == 5) {
            b.props(new byte[0]);
        }
        sub.send(Wire.packet(Wire.SUBSCRIBE << 4 | 0x02, b.string("ms/b").u8(1).string("ms/c").u8(1).bytes()));
        Wire.Frame ack = sub.expect(Wire.SUBACK);
        int refused = version == 5 ? 0x97 : 0x80;
        assertThat(ack.subackCodes()).containsExactly(1, refused);
        assertThat(subscribe(sub, 3, "ms/d", 0)).containsExactly(refused);

        assertThat(session("ms-sub").subscriptionCount()).isEqualTo(MAX_SUBSCRIPTIONS);
        assertThat(gauge(Stat.SUBSCRIPTIONS)).isEqualTo(MAX_SUBSCRIPTIONS);
        assertThat(metric(Metric.SESSION_SUBSCRIBED)).isEqualTo(subscribed + 1);
        assertThat(metric(Metric.CLIENT_SUBSCRIBE)).isEqualTo(subscribes + 3);

        // nothing reaches the refused filters: the barrier on a granted one arrives first
        Wire pub = connected(version, "ms-pub", true);
        publishQos1(pub, "ms/c", "refused-c", 1);
        publishQos1(pub, "ms/d", "refused-d", 2);
        publishQos1(pub, "ms/b", "barrier", 3);
        Wire.Frame first = sub.expect(Wire.PUBLISH);
        assertThat(first.payloadString()).isEqualTo("barrier");
        sub.send(Wire.ack(Wire.PUBACK, first.packetId()));

        // a freed slot can be used again
        Wire.Bytes u = new Wire.Bytes().u16(4);
        if (version == 5) {
            u.props(new byte[0]);
        }
        sub.send(Wire.packet(Wire.UNSUBSCRIBE << 4 | 0x02, u.string("ms/a").bytes()));
        sub.expect(Wire.UNSUBACK);
        assertThat(subscribe(sub, 5, "ms/d", 1)).containsExactly(1);
        assertThat(session("ms-sub").subscriptionCount()).isEqualTo(MAX_SUBSCRIPTIONS);
    }

    @Test
    @DisplayName("MQTT 5 max_subscriptions PAST the limit: SUBACK 0x97 Quota exceeded")
    void maxSubscriptionsPastTheLimitSaysQuotaExceeded() throws Exception {
        start(ListenerConfigBuilder.listener().maxSubscriptions(1));
        Wire sub = connected(5, "ms-sub", true);
        assertThat(subscribe(sub, 1, "ms/a", 1)).containsExactly(1);
        assertThat(subscribe(sub, 2, "ms/b", 1)).containsExactly(0x97);
    }

    // ---------------------------------------------------------------- max_topic_levels

    private static final int MAX_TOPIC_LEVELS = 3;

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {4, 5})
    @DisplayName("max_topic_levels AT the limit: filters of max_topic_levels levels (wildcards and empty levels count)"
            + " are granted, topic names of that many levels are routed, a will topic of that many levels is accepted")
    void maxTopicLevelsAtTheLimit(int version) throws Exception {
        start(ListenerConfigBuilder.listener().maxTopicLevels(MAX_TOPIC_LEVELS));
        Wire sub = connected(version, "tl-sub", true);
        assertThat(subscribe(sub, 1, "a/b/c", 0)).containsExactly(0);
        assertThat(subscribe(sub, 2, "x/+/#", 0)).containsExactly(0);
        assertThat(subscribe(sub, 3, "/e/", 0)).as("'/e/' has three levels, two empty").containsExactly(0);
        Wire pub = connected(version, "tl-pub", true);
        publishQos1(pub, "a/b/c", "abc", 1);
        publishQos1(pub, "x//z", "xz", 2);
        publishQos1(pub, "/e/", "e", 3);
        assertThat(List.of(sub.expect(Wire.PUBLISH).payloadString(), sub.expect(Wire.PUBLISH).payloadString(),
                sub.expect(Wire.PUBLISH).payloadString())).containsExactly("abc", "xz", "e");

        assertThat(subscribe(sub, 4, "w/x/+", 0)).containsExactly(0);
        Wire will = open(version);
        will.send(Wire.connectWithWill(version, "tl-will", "w/x/y", "bye"));
        assertThat(will.expect(Wire.CONNACK).connackCode()).isZero();
        will.abort(); // no DISCONNECT: the will goes out [MQTT-3.1.2-8]
        Wire.Frame w = sub.expect(Wire.PUBLISH);
        assertThat(w.topic()).isEqualTo("w/x/y");
        assertThat(w.payloadString()).isEqualTo("bye");
        assertThat(metric(Metric.CLIENT_PROTOCOL_ERROR)).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {4, 5})
    @DisplayName("max_topic_levels PAST the limit in SUBSCRIBE: a filter of max_topic_levels + 1 levels (also when the"
            + " last is '#') gets SUBACK 0x80 (3.1.1) / 0x8F Topic Filter invalid (5); the connection stays, nothing is subscribed")
    void maxTopicLevelsPastTheLimitInSubscribe(int version) throws Exception {
        start(ListenerConfigBuilder.listener().maxTopicLevels(MAX_TOPIC_LEVELS));
        Wire sub = connected(version, "tl-sub", true);
        int refused = version == 5 ? 0x8F : 0x80;
        assertThat(subscribe(sub, 1, "a/b/c/d", 1)).containsExactly(refused);
        assertThat(subscribe(sub, 2, "a/b/c/#", 1)).containsExactly(refused);
        assertThat(subscribe(sub, 3, "a//c/", 1)).containsExactly(refused);
        assertThat(session("tl-sub").subscriptionCount()).isZero();
        sub.ping();
        assertThat(metric(Metric.CLIENT_PROTOCOL_ERROR)).isZero();
    }

    @Test
    @DisplayName("MQTT 5 max_topic_levels PAST the limit in SUBSCRIBE: SUBACK 0x8F Topic Filter invalid")
    void maxTopicLevelsPastTheLimitInSubscribeSaysTopicFilterInvalid() throws Exception {
        start(ListenerConfigBuilder.listener().maxTopicLevels(MAX_TOPIC_LEVELS));
        Wire sub = connected(5, "tl-sub", true);
        assertThat(subscribe(sub, 1, "a/b/c/d", 1)).containsExactly(0x8F);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {4, 5})
    @DisplayName("max_topic_levels PAST the limit in PUBLISH: a topic name of max_topic_levels + 1 levels closes the"
            + " connection (3.1.1 [MQTT-4.8.0-1]) / DISCONNECT 0x90 Topic Name invalid (5); counted; not routed")
    void maxTopicLevelsPastTheLimitInPublish(int version) throws Exception {
        start(ListenerConfigBuilder.listener().maxTopicLevels(MAX_TOPIC_LEVELS));
        Wire sub = connected(version, "tl-sub", true);
        assertThat(subscribe(sub, 1, "#", 1)).containsExactly(1);
        Wire pub = connected(version, "tl-pub", true);
        pub.send(Wire.publish(version, "a/b/c/d", "too-deep", 1, 1));
        List<Wire.Frame> sent = pub.awaitClose();
        if (version == 5) {
            assertThat(sent).hasSize(1);
            assertThat(sent.get(0).type()).isEqualTo(Wire.DISCONNECT);
            assertThat(sent.get(0).reasonCode()).isEqualTo(0x90);
        } else {
            assertThat(sent).as("no PUBACK, just the close").isEmpty();
        }
        TestBroker.await("counted", () -> metric(Metric.CLIENT_PROTOCOL_ERROR) == 1);
        Wire other = connected(version, "tl-other", true);
        publishQos1(other, "a/b/c", "barrier", 1);
        Wire.Frame first = sub.expect(Wire.PUBLISH);
        assertThat(first.payloadString()).as("the too-deep message was not routed").isEqualTo("barrier");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {4, 5})
    @DisplayName("max_topic_levels PAST the limit in a will topic: 3.1.1 closes without CONNACK ([MQTT-3.2.2-6]), 5 sends"
            + " CONNACK 0x90 Topic Name invalid then closes [MQTT-3.2.2-7]; no session; counted for 3.1.1 only")
    void maxTopicLevelsPastTheLimitInWillTopic(int version) throws Exception {
        start(ListenerConfigBuilder.listener().maxTopicLevels(MAX_TOPIC_LEVELS));
        Wire w = open(version);
        w.send(Wire.connectWithWill(version, "tl-will", "w/x/y/z", "bye"));
        List<Wire.Frame> sent = w.awaitClose();
        if (version == 5) {
            assertThat(sent).hasSize(1);
            assertThat(sent.get(0).type()).isEqualTo(Wire.CONNACK);
            assertThat(sent.get(0).connackCode()).isEqualTo(0x90);
        } else {
            assertThat(sent).isEmpty();
        }
        // 3.1.1 refuses it as a malformed CONNECT, which is counted; 5 answers with a CONNACK code, which is not
        TestBroker.await("counted", () -> metric(Metric.CLIENT_PROTOCOL_ERROR) == (version == 5 ? 0 : 1));
        assertThat(broker().session("tl-will")).isEmpty();
        assertThat(gauge(Stat.CONNECTIONS)).isZero();
    }
}
