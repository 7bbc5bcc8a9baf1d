package io.mqttee.broker;

import io.mqttee.core.Metric;
import io.mqttee.testing.ListenerConfigBuilder;
import io.mqttee.testing.MqttPackets;
import io.mqttee.testing.MutableClock;
import io.mqttee.testing.Packet;
import io.mqttee.testing.RawMqttClient;
import io.mqttee.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.mqttee.testing.MqttPackets.PUBACK;
import static io.mqttee.testing.MqttPackets.PUBCOMP;
import static io.mqttee.testing.MqttPackets.PUBLISH;
import static io.mqttee.testing.MqttPackets.PUBREC;
import static io.mqttee.testing.MqttPackets.PUBREL;
import static io.mqttee.testing.MqttPackets.connect;
import static io.mqttee.testing.MqttPackets.publish;
import static org.assertj.core.api.Assertions.assertThat;

/** Broker behaviour over TCP that needs byte-level control of the client: acks withheld, ids re-sent, limits. */
class RawSocketIT {

    /** How long a negative check ("nothing more arrives") waits; a slow machine can only hide a bug, never fail. */
    private static final Duration QUIET = Duration.ofMillis(300);

    private TestBroker server = TestBroker.start();
    private final List<RawMqttClient> clients = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (RawMqttClient c : clients) {
            c.close();
        }
        server.close();
    }

    private void restart(ListenerConfigBuilder limits) {
        server.close();
        server = TestBroker.start(limits.build());
    }

    private RawMqttClient raw() throws IOException {
        RawMqttClient c = server.rawClient();
        clients.add(c);
        return c;
    }

    private RawMqttClient connected(MqttPackets.Connect connect) throws IOException {
        RawMqttClient c = raw();
        Packet connack = c.connect(connect);
        assertThat(connack.returnCode()).isZero();
        return c;
    }

    private RawMqttClient subscriber(String id, String filter, int qos) throws IOException {
        RawMqttClient c = connected(connect(id));
        assertThat(c.subscribe(1, filter, qos).grantedQos()).containsExactly(qos);
        return c;
    }

    /** Publishes QoS 1 and waits for the PUBACK, so the broker has routed the message. */
    private static void publishQos1(RawMqttClient c, String topic, String payload, int id) throws IOException {
        c.send(publish(topic, payload, 1, false, false, id));
        assertThat(c.expect(PUBACK).packetId()).isEqualTo(id);
    }

    @Test
    @DisplayName("[MQTT-4.3.3-2] QoS 2 PUBLISH re-sent with the same packet id before PUBREL is delivered once")
    void exactlyOnceWithResentPublish() throws Exception {
        RawMqttClient sub = subscriber("eo-sub", "eo", 2);
        RawMqttClient pub = connected(connect("eo-pub"));

        pub.send(publish("eo", "once", 2, false, false, 10));
        assertThat(pub.expect(PUBREC).packetId()).isEqualTo(10);
        pub.send(publish("eo", "once", 2, false, true, 10)); // DUP re-send before PUBREL
        assertThat(pub.expect(PUBREC).packetId()).isEqualTo(10);
        pub.send(MqttPackets.pubrel(10));
        assertThat(pub.expect(PUBCOMP).packetId()).isEqualTo(10);
        // after PUBCOMP the same id is a new message [MQTT-4.3.3-2]
        pub.send(publish("eo", "next", 2, false, false, 10));
        assertThat(pub.expect(PUBREC).packetId()).isEqualTo(10);

        Packet first = sub.expect(PUBLISH);
        assertThat(first.payloadString()).isEqualTo("once");
        assertThat(first.qos()).isEqualTo(2);
        Packet second = sub.expect(PUBLISH);
        assertThat(second.payloadString()).as("the re-sent PUBLISH was not delivered again").isEqualTo("next");
    }

    @Test
    @DisplayName("[MQTT-4.6.0-6] messages of concurrent publishers all reach a subscriber that never sends anything, each publisher's in order")
    void concurrentPublishersAllDelivered() throws Exception {
        // QoS 1 with a window larger than the burst: nothing may be held back or dropped by design
        restart(ListenerConfigBuilder.listener().maxInflight(5000));
        RawMqttClient sub = subscriber("cc-sub", "cc/#", 1);
        int publishers = 4;
        int each = 500;
        List<RawMqttClient> pubs = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            pubs.add(connected(connect("cc-pub-" + p)));
        }
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            RawMqttClient pub = pubs.get(p);
            int n = p;
            Thread t = new Thread(() -> {
                try {
                    for (int i = 0; i < each; i++) {
                        pub.send(publish("cc/" + n, n + ":" + i, 1, false, false, i + 1));
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        // every publisher's messages arrive, each publisher's in order [MQTT-4.6.0-6]
        int[] next = new int[publishers];
        for (int k = 0; k < publishers * each; k++) {
            Packet m = sub.read();
            String[] parts = m.payloadString().split(":");
            int p = Integer.parseInt(parts[0]);
            assertThat(Integer.parseInt(parts[1])).isEqualTo(next[p]);
            next[p]++;
        }
    }

    @Test
    @DisplayName("outbound QoS 2 flow: PUBREC gets PUBREL, PUBCOMP completes [MQTT-4.3.3-1]")
    void outboundQos2Flow() throws Exception {
        RawMqttClient sub = subscriber("q2-sub", "q2", 2);
        RawMqttClient pub = connected(connect("q2-pub"));
        publishQos1(pub, "q2", "x", 1);
        publishQos1(pub, "q2", "y", 2);

        Packet p = sub.expect(PUBLISH);
        assertThat(p.qos()).isEqualTo(1); // min(published 1, granted 2)
        sub.send(MqttPackets.puback(p.packetId()));

        pub.send(publish("q2", "z", 2, false, false, 3));
        pub.expect(PUBREC);
        sub.expect(PUBLISH); // "y"
        Packet z = sub.expect(PUBLISH);
        assertThat(z.qos()).isEqualTo(2);
        sub.send(MqttPackets.pubrec(z.packetId()));
        assertThat(sub.expect(PUBREL).packetId()).isEqualTo(z.packetId());
    }

    @Test
    @DisplayName("outbound inflight window: with max_inflight 2 only 2 PUBLISHes arrive until the subscriber acks; the rest follow in order")
    void inflightWindow() throws Exception {
        restart(ListenerConfigBuilder.listener().maxInflight(2));
        RawMqttClient sub = subscriber("win-sub", "win", 1);
        RawMqttClient pub = connected(connect("win-pub"));
        for (int i = 0; i < 5; i++) {
            publishQos1(pub, "win", "m" + i, i + 1);
        }

        List<Packet> firstTwo = sub.read(2);
        assertThat(firstTwo).extracting(Packet::payloadString).containsExactly("m0", "m1");
        var session = server.broker().session("win-sub").orElseThrow();
        assertThat(session.inflightSize()).isEqualTo(2);
        assertThat(session.queueSize()).isEqualTo(3);
        assertThat(sub.poll(QUIET)).as("no third PUBLISH before an ack").isNull();

        sub.send(MqttPackets.puback(firstTwo.get(0).packetId()));
        Packet third = sub.expect(PUBLISH);
        assertThat(third.payloadString()).isEqualTo("m2");
        assertThat(sub.poll(QUIET)).as("window full again").isNull();

        sub.send(MqttPackets.puback(firstTwo.get(1).packetId()));
        sub.send(MqttPackets.puback(third.packetId()));
        assertThat(sub.read(2)).extracting(Packet::payloadString).containsExactly("m3", "m4");
    }

    @Test
    @DisplayName("[MQTT-4.4.0-1] unacknowledged messages are re-sent on reconnect with DUP and the same packet ids")
    void redeliveryWithDupOnReconnect() throws Exception {
        RawMqttClient sub = connected(connect("dup-sub").clean(false));
        sub.subscribe(1, "dup/#", 2);
        RawMqttClient pub = connected(connect("dup-pub"));
        publishQos1(pub, "dup/a", "a", 1);
        publishQos1(pub, "dup/b", "b", 2);
        pub.send(publish("dup/c", "c", 2, false, false, 3));
        pub.expect(PUBREC);
        pub.send(MqttPackets.pubrel(3));
        pub.expect(PUBCOMP);
        pub.send(publish("dup/d", "d", 2, false, false, 4));
        pub.expect(PUBREC);
        pub.send(MqttPackets.pubrel(4));
        pub.expect(PUBCOMP);

        List<Packet> before = sub.read(4);
        assertThat(before).extracting(Packet::payloadString).containsExactly("a", "b", "c", "d");
        assertThat(before).allSatisfy(p -> assertThat(p.dup()).isFalse());
        sub.send(MqttPackets.pubrec(before.get(3).packetId())); // "d": PUBREC sent, PUBCOMP pending
        assertThat(sub.expect(PUBREL).packetId()).isEqualTo(before.get(3).packetId());
        sub.close(); // no acks for a, b, c; no DISCONNECT
        TestBroker.await("dup-sub offline", () -> !server.broker().session("dup-sub").orElseThrow().isConnected());

        RawMqttClient again = raw();
        assertThat(again.connect(connect("dup-sub").clean(false)).sessionPresent()).isTrue();
        List<Packet> resent = again.read(4);
        for (int i = 0; i < 3; i++) {
            Packet p = resent.get(i);
            assertThat(p.type()).isEqualTo(PUBLISH);
            assertThat(p.dup()).as("DUP on re-delivery").isTrue();
            assertThat(p.packetId()).isEqualTo(before.get(i).packetId());
            assertThat(p.payloadString()).isEqualTo(before.get(i).payloadString());
            assertThat(p.qos()).isEqualTo(before.get(i).qos());
        }
        assertThat(resent.get(3).type()).as("PUBREL re-sent where PUBREC had arrived").isEqualTo(PUBREL);
        assertThat(resent.get(3).packetId()).isEqualTo(before.get(3).packetId());

        again.send(MqttPackets.puback(before.get(0).packetId()));
        again.send(MqttPackets.puback(before.get(1).packetId()));
        again.send(MqttPackets.pubrec(before.get(2).packetId()));
        assertThat(again.expect(PUBREL).packetId()).isEqualTo(before.get(2).packetId());
        again.send(MqttPackets.pubcomp(before.get(2).packetId()));
        again.send(MqttPackets.pubcomp(before.get(3).packetId()));
        TestBroker.await("all acknowledged",
                () -> server.broker().session("dup-sub").orElseThrow().inflightSize() == 0);
    }

    @Test
    @DisplayName("persistent session queues QoS 1/2 while offline, bounded by max_mqueue_len; overflow counted as dropped")
    void offlineQueueBounded() throws Exception {
        restart(ListenerConfigBuilder.listener().maxMqueueLen(3));
        RawMqttClient sub = connected(connect("q-sub").clean(false));
        sub.subscribe(1, "q", 1);
        sub.send(MqttPackets.disconnect());
        sub.awaitClosedByServer();
        TestBroker.await("q-sub offline", () -> !server.broker().session("q-sub").orElseThrow().isConnected());

        RawMqttClient pub = connected(connect("q-pub"));
        for (int i = 0; i < 5; i++) {
            publishQos1(pub, "q", "m" + i, i + 1);
        }
        pub.send(publish("q", "qos0", 0, false, false, 0));
        publishQos1(pub, "other", "sync", 99); // the QoS 0 above has been routed once this is acked

        assertThat(server.broker().session("q-sub").orElseThrow().queueSize()).isEqualTo(3);
        assertThat(server.broker().counters().get(Metric.MESSAGES_DROPPED)).isEqualTo(3); // m3, m4, qos0

        RawMqttClient again = raw();
        assertThat(again.connect(connect("q-sub").clean(false)).sessionPresent()).isTrue();
        List<Packet> got = again.read(3);
        assertThat(got).extracting(Packet::payloadString).containsExactly("m0", "m1", "m2");
        for (Packet p : got) {
            again.send(MqttPackets.puback(p.packetId()));
        }
        publishQos1(pub, "q", "live", 50);
        assertThat(again.expect(PUBLISH).payloadString()).isEqualTo("live");
    }

    @Test
    @DisplayName("persistent session ends after session_expiry_interval offline (broker clock)")
    void sessionExpiry() throws Exception {
        server.close();
        MutableClock clock = new MutableClock();
        server = TestBroker.start(ListenerConfigBuilder.listener().sessionExpiryInterval(Duration.ofSeconds(30)).build(),
                clock);
        RawMqttClient sub = connected(connect("exp").clean(false));
        sub.subscribe(1, "exp/#", 1);
        sub.send(MqttPackets.disconnect());
        sub.awaitClosedByServer();
        TestBroker.await("exp offline", () -> !server.broker().session("exp").orElseThrow().isConnected());

        clock.advance(Duration.ofSeconds(31));
        TestBroker.await("session expired by the listener's timer", () -> server.broker().session("exp").isEmpty());
        assertThat(server.broker().subscriptions().subscriptionCount()).isZero();

        RawMqttClient again = raw();
        assertThat(again.connect(connect("exp").clean(false)).sessionPresent()).isFalse();
    }

    @Test
    @DisplayName("[MQTT-3.1.2-8] will published when the socket closes without DISCONNECT")
    void willOnSocketClose() throws Exception {
        RawMqttClient watcher = subscriber("w-watch", "will/#", 1);
        RawMqttClient dying = connected(connect("w-dying").will("will/dying", "dropped", 1, false));
        dying.abort();
        Packet will = watcher.expect(PUBLISH);
        assertThat(will.topic()).isEqualTo("will/dying");
        assertThat(will.payloadString()).isEqualTo("dropped");
        assertThat(will.qos()).isEqualTo(1);
    }

    @Test
    @DisplayName("[MQTT-3.1.2-24] keepalive timeout closes the connection and publishes the will")
    void willOnKeepaliveTimeout() throws Exception {
        RawMqttClient watcher = subscriber("k-watch", "will/#", 0);
        RawMqttClient silent = connected(connect("k-silent").keepalive(1).will("will/silent", "timeout", 0, false));
        silent.awaitClosedByServer(); // 1.5 s of silence
        assertThat(silent.isClosedByServer()).isTrue();
        assertThat(watcher.expect(PUBLISH).payloadString()).isEqualTo("timeout");
    }

    @Test
    @DisplayName("[MQTT-3.1.4-2] takeover closes the old connection and publishes its will")
    void takeover() throws Exception {
        RawMqttClient watcher = subscriber("t-watch", "will/#", 0);
        RawMqttClient old = connected(connect("t-same").will("will/t", "taken", 0, false));
        RawMqttClient fresh = connected(connect("t-same"));

        old.awaitClosedByServer();
        assertThat(watcher.expect(PUBLISH).payloadString()).isEqualTo("taken");
        fresh.send(MqttPackets.pingreq());
        assertThat(fresh.expect(MqttPackets.PINGRESP)).isNotNull();
    }

    @Test
    @DisplayName("[MQTT-3.14.4-3] no will after DISCONNECT")
    void noWillAfterDisconnect() throws Exception {
        RawMqttClient watcher = subscriber("d-watch", "will/#", 0);
        RawMqttClient polite = connected(connect("d-polite").will("will/d", "never", 0, false));
        polite.send(MqttPackets.disconnect());
        polite.awaitClosedByServer();
        TestBroker.await("d-polite gone", () -> server.broker().session("d-polite").isEmpty());

        RawMqttClient other = connected(connect("d-other"));
        publishQos1(other, "will/barrier", "barrier", 1);
        assertThat(watcher.expect(PUBLISH).payloadString()).isEqualTo("barrier");
    }

    @Test
    @DisplayName("[MQTT-3.9.3] SUBACK 0x80 beyond max_subscriptions and max_topic_levels")
    void subscriptionFailures() throws Exception {
        restart(ListenerConfigBuilder.listener().maxSubscriptions(2).maxTopicLevels(2));
        RawMqttClient c = connected(connect("limits"));
        assertThat(c.subscribe(1, "a/b", 1, "a/b/c", 1, "x", 2, "y", 0).grantedQos())
                .containsExactly(1, 0x80, 2, 0x80);
    }

    @Test
    @DisplayName("[MQTT-3.1.0-1] a connection that sends no CONNECT within handshake_timeout is closed")
    void handshakeTimeout() throws Exception {
        restart(ListenerConfigBuilder.listener().handshakeTimeout(Duration.ofSeconds(1)));
        RawMqttClient silent = raw();
        assertThat(silent.awaitClosedByServer()).isEmpty();
        assertThat(silent.isClosedByServer()).isTrue();
    }

    @Test
    @DisplayName("max_connections: connections beyond the limit are closed; a freed slot is reusable")
    void maxConnections() throws Exception {
        restart(ListenerConfigBuilder.listener().maxConnections(2));
        RawMqttClient first = connected(connect("mc1"));
        connected(connect("mc2"));

        RawMqttClient third = raw();
        third.send(connect("mc3").build());
        assertThat(third.awaitClosedByServer()).as("no CONNACK for a refused connection").isEmpty();

        first.send(MqttPackets.disconnect());
        first.awaitClosedByServer();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) { // the slot is freed when the server has processed the close
            RawMqttClient next = raw();
            next.send(connect("mc4").build());
            // null: no answer yet, or refused like the third while the first's slot was still being released
            Packet p = next.pollUnlessClosed(Duration.ofSeconds(2));
            if (p != null) {
                assertThat(p.returnCode()).isZero();
                break;
            }
            assertThat(System.nanoTime()).as("slot freed within 10 s").isLessThan(deadline);
        }
    }

    @Test
    @DisplayName("a packet larger than max_packet_size closes the connection")
    void oversizePacket() throws Exception {
        restart(ListenerConfigBuilder.listener().maxPacketSize(1024));
        RawMqttClient watcher = subscriber("big-watch", "big", 0);
        RawMqttClient c = connected(connect("big"));
        c.send(publish("big", "x".repeat(1000), 0, false, false, 0));
        assertThat(watcher.expect(PUBLISH).payloadString()).hasSize(1000);

        c.send(publish("big", "x".repeat(2000), 0, false, false, 0));
        c.awaitClosedByServer();
        assertThat(c.isClosedByServer()).isTrue();
    }

    @Test
    @DisplayName("[MQTT-3.1.3-5] client id longer than max_clientid_len: CONNACK 0x02 and close")
    void maxClientIdLen() throws Exception {
        restart(ListenerConfigBuilder.listener().maxClientIdLen(10));
        assertThat(raw().connect(connect("0123456789")).returnCode()).isZero();
        RawMqttClient c = raw();
        assertThat(c.connect(connect("0123456789a")).returnCode()).isEqualTo(0x02);
        c.awaitClosedByServer();
        assertThat(server.broker().session("0123456789a")).isEmpty();
    }
}
