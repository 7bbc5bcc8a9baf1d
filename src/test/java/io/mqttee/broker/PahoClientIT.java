package io.mqttee.broker;

import io.mqttee.core.Metric;
import io.mqttee.testing.ListenerConfigBuilder;
import io.mqttee.testing.PahoInbox;
import io.mqttee.testing.PahoInbox.Received;
import io.mqttee.testing.TestBroker;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The broker over TCP driven by Eclipse Paho v3, MQTT 3.1 and 3.1.1. */
class PahoClientIT {

    private TestBroker server = TestBroker.start();
    private final List<MqttClient> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        for (MqttClient c : clients) {
            try {
                if (c.isConnected()) {
                    c.disconnectForcibly(0, 1000, false);
                }
                c.close(true);
            } catch (MqttException e) {
                // already gone
            }
        }
        server.close();
    }

    private void restart(ListenerConfigBuilder limits) {
        server.close();
        server = TestBroker.start(limits.build());
    }

    private MqttClient client(String id) throws MqttException {
        MqttClient c = new MqttClient(server.tcpUri(), id, new MemoryPersistence());
        c.setTimeToWait(10_000);
        clients.add(c);
        return c;
    }

    private static MqttConnectOptions options(int version, boolean clean) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(version);
        o.setCleanSession(clean);
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout(10);
        o.setKeepAliveInterval(60);
        return o;
    }

    private PahoInbox connect(MqttClient c, MqttConnectOptions o) throws MqttException {
        PahoInbox inbox = new PahoInbox();
        c.setCallback(inbox);
        c.connect(o);
        return inbox;
    }

    private static MqttMessage message(String payload, int qos, boolean retained) {
        MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        m.setQos(qos);
        m.setRetained(retained);
        return m;
    }

    @ParameterizedTest(name = "MQTT version {0}: publish and subscribe at QoS 0, 1 and 2 both ways")
    @ValueSource(ints = {MqttConnectOptions.MQTT_VERSION_3_1, MqttConnectOptions.MQTT_VERSION_3_1_1})
    void publishSubscribeAllQos(int version) throws Exception {
        MqttClient sub = client("sub-" + version);
        PahoInbox inbox = connect(sub, options(version, true));
        MqttClient pub = client("pub-" + version);
        PahoInbox pubInbox = connect(pub, options(version, true));
        sub.subscribe(new String[] {"t/0", "t/1", "t/2"}, new int[] {0, 1, 2});
        pub.subscribe("back/+", 2);

        for (int qos = 0; qos <= 2; qos++) {
            pub.publish("t/" + qos, message("to-sub-" + qos, qos, false));
            Received r = inbox.next();
            assertThat(r).isEqualTo(new Received("t/" + qos, "to-sub-" + qos, qos, false, false));

            sub.publish("back/" + qos, message("to-pub-" + qos, qos, false));
            assertThat(pubInbox.next()).isEqualTo(new Received("back/" + qos, "to-pub-" + qos, qos, false, false));
        }
        assertThat(server.broker().counters().get(Metric.MESSAGES_PUBLISH)).isEqualTo(6);
    }

    @Test
    @DisplayName("[MQTT-3.2.2-1..3] clean session on/off and the session present flag")
    void sessionPresent() throws Exception {
        MqttClient c = client("persistent");
        c.setCallback(new PahoInbox());
        assertThat(c.connectWithResult(options(4, false)).getSessionPresent()).isFalse();
        c.disconnect();
        assertThat(c.connectWithResult(options(4, false)).getSessionPresent()).isTrue();
        c.disconnect();
        assertThat(c.connectWithResult(options(4, true)).getSessionPresent()).isFalse();
        c.disconnect();
        TestBroker.await("clean session ended", () -> server.broker().session("persistent").isEmpty());
        assertThat(c.connectWithResult(options(4, false)).getSessionPresent()).isFalse();
    }

    @Test
    @DisplayName("persistent session keeps its subscription and receives QoS 1/2 published while offline")
    void persistentSessionQueuesWhileOffline() throws Exception {
        MqttClient sub = client("offline-sub");
        connect(sub, options(4, false));
        sub.subscribe("off/#", 2);
        sub.disconnect();

        MqttClient pub = client("offline-pub");
        connect(pub, options(4, true));
        pub.publish("off/1", message("q1", 1, false));
        pub.publish("off/2", message("q2", 2, false));
        pub.publish("off/0", message("q0", 0, false)); // QoS 0 is not kept for offline sessions

        PahoInbox inbox = new PahoInbox();
        sub.setCallback(inbox);
        assertThat(sub.connectWithResult(options(4, false)).getSessionPresent()).isTrue();
        assertThat(inbox.next()).isEqualTo(new Received("off/1", "q1", 1, false, false));
        assertThat(inbox.next()).isEqualTo(new Received("off/2", "q2", 2, false, false));
        pub.publish("off/end", message("end", 1, false));
        assertThat(inbox.next().payload()).isEqualTo("end");
    }

    @Test
    @DisplayName("[MQTT-3.1.4-2] takeover: a second connection with the same client id closes the first")
    void takeover() throws Exception {
        MqttClient first = client("same-id");
        PahoInbox firstInbox = connect(first, options(4, true));
        MqttClient second = client("same-id");
        connect(second, options(4, true));

        assertThat(firstInbox.awaitConnectionLost()).as("first connection closed by the server").isTrue();
        assertThat(second.isConnected()).isTrue();
        TestBroker.await("one connection left",
                () -> server.broker().counters().gauge(io.mqttee.core.Stat.CONNECTIONS).current() == 1);
    }

    @Test
    @DisplayName("[MQTT-3.1.2-8] will published when the client drops the connection without DISCONNECT")
    void willOnForcedDisconnect() throws Exception {
        MqttClient watcher = client("watcher");
        PahoInbox inbox = connect(watcher, options(4, true));
        watcher.subscribe("will/#", 1);

        MqttClient dying = client("dying");
        MqttConnectOptions o = options(MqttConnectOptions.MQTT_VERSION_3_1, true);
        o.setWill("will/dying", "gone".getBytes(StandardCharsets.UTF_8), 1, false);
        connect(dying, o);
        dying.disconnectForcibly(0, 1000, false); // no DISCONNECT packet

        assertThat(inbox.next()).isEqualTo(new Received("will/dying", "gone", 1, false, false));
    }

    @Test
    @DisplayName("[MQTT-3.14.4-3] no will after DISCONNECT")
    void noWillAfterDisconnect() throws Exception {
        MqttClient watcher = client("watcher");
        PahoInbox inbox = connect(watcher, options(4, true));
        watcher.subscribe("will/#", 1);

        MqttClient polite = client("polite");
        MqttConnectOptions o = options(4, true);
        o.setWill("will/polite", "gone".getBytes(StandardCharsets.UTF_8), 1, false);
        connect(polite, o);
        polite.disconnect();
        TestBroker.await("polite's session ended", () -> server.broker().session("polite").isEmpty());

        watcher.publish("will/barrier", message("barrier", 1, false));
        assertThat(inbox.next().payload()).isEqualTo("barrier");
    }

    @Test
    @DisplayName("[MQTT-4.7.2-1] $-topics are not matched by '#', but by '$SYS/#'")
    void dollarTopics() throws Exception {
        MqttClient all = client("all");
        PahoInbox allInbox = connect(all, options(4, true));
        all.subscribe(new String[] {"#", "+/x"}, new int[] {0, 0});
        MqttClient sys = client("sys");
        PahoInbox sysInbox = connect(sys, options(4, true));
        sys.subscribe("$SYS/#", 0);

        all.publish("$SYS/x", message("dollar", 1, false));
        assertThat(sysInbox.next().payload()).isEqualTo("dollar");
        all.publish("plain/x", message("plain", 1, false));
        assertThat(allInbox.next().payload()).isEqualTo("plain"); // '$SYS/x' never arrived before it
    }

    @Test
    @DisplayName("[MQTT-3.3.5-1] overlapping subscriptions: delivered once at the highest granted QoS")
    void overlappingSubscriptions() throws Exception {
        MqttClient c = client("overlap");
        PahoInbox inbox = connect(c, options(4, true));
        c.subscribe(new String[] {"o/#", "o/+", "o/a"}, new int[] {0, 2, 1});

        c.publish("o/a", message("once", 2, false));
        assertThat(inbox.next()).isEqualTo(new Received("o/a", "once", 2, false, false));
        c.publish("o/barrier", message("barrier", 0, false));
        assertThat(inbox.next().payload()).isEqualTo("barrier");
    }

    @Test
    @DisplayName("[MQTT-3.3.1-6, -9, -10] retained: sent on subscribe with RETAIN, replaced, deleted, live without RETAIN")
    void retained() throws Exception {
        MqttClient pub = client("rpub");
        connect(pub, options(4, true));
        pub.publish("r/a", message("first", 1, true));
        pub.publish("r/a", message("second", 1, true)); // replaces [MQTT-3.3.1-5]

        MqttClient sub = client("rsub");
        PahoInbox inbox = connect(sub, options(MqttConnectOptions.MQTT_VERSION_3_1, true));
        sub.subscribe("r/+", 1);
        assertThat(inbox.next()).isEqualTo(new Received("r/a", "second", 1, true, false));

        pub.publish("r/a", message("live", 1, true));
        assertThat(inbox.next()).isEqualTo(new Received("r/a", "live", 1, false, false)); // [MQTT-3.3.1-9]

        pub.publish("r/a", message("", 1, true)); // deletes [MQTT-3.3.1-10]
        assertThat(inbox.next().payload()).isEmpty(); // still forwarded to current subscribers
        TestBroker.await("retained deleted", () -> server.broker().retained().size() == 0);

        MqttClient late = client("rlate");
        PahoInbox lateInbox = connect(late, options(4, true));
        late.subscribe("r/+", 1);
        pub.publish("r/b", message("not retained", 1, false));
        assertThat(lateInbox.next().payload()).isEqualTo("not retained");
    }

    @Test
    @DisplayName("[MQTT-4.6.0-5] 1,000 QoS 1 messages on one topic arrive in order")
    void orderOfManyQos1Messages() throws Exception {
        MqttClient sub = client("order-sub");
        PahoInbox inbox = connect(sub, options(4, true));
        sub.subscribe("order", 1);
        // a raw publisher pipelines all 1,000 PUBLISH packets without waiting for acknowledgements
        try (var pub = server.rawClient()) {
            pub.connect(io.mqttee.testing.MqttPackets.connect("order-pub"));
            for (int i = 0; i < 1000; i++) {
                pub.send(io.mqttee.testing.MqttPackets.publish("order", Integer.toString(i), 1, false, false, i + 1));
            }
            for (int i = 0; i < 1000; i++) {
                assertThat(pub.expect(io.mqttee.testing.MqttPackets.PUBACK).packetId()).isEqualTo(i + 1);
            }
        }
        for (int i = 0; i < 1000; i++) {
            assertThat(inbox.next().payload()).isEqualTo(Integer.toString(i));
        }
    }

    @Test
    @DisplayName("granted QoS is min(requested, max_qos_allowed)")
    void grantedQosCapped() throws Exception {
        restart(ListenerConfigBuilder.listener().maxQosAllowed(1));
        MqttClient c = client("capped");
        PahoInbox inbox = connect(c, options(4, true));
        int[] granted = c.subscribeWithResponse(new String[] {"a", "b", "c"}, new int[] {0, 1, 2}).getGrantedQos();
        assertThat(granted).containsExactly(0, 1, 1);
        c.publish("c", message("x", 1, false));
        assertThat(inbox.next().qos()).isEqualTo(1);
    }
}
