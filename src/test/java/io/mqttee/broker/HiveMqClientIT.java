package io.mqttee.broker;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient.Mqtt3Publishes;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import io.mqttee.testing.ListenerConfigBuilder;
import io.mqttee.testing.MqttPackets;
import io.mqttee.testing.PahoInbox;
import io.mqttee.testing.RawMqttClient;
import io.mqttee.testing.TestBroker;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The broker over TCP driven by the HiveMQ MQTT client in MQTT 3.1.1 mode (blocking API). */
class HiveMqClientIT {

    private TestBroker server = TestBroker.start();
    private final List<Mqtt3BlockingClient> clients = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        for (Mqtt3BlockingClient c : clients) {
            if (c.getState().isConnected()) {
                try {
                    c.disconnect();
                } catch (RuntimeException e) {
                    // already gone
                }
            }
        }
        server.close();
    }

    private void restart(ListenerConfigBuilder limits) {
        server.close();
        server = TestBroker.start(limits.build());
    }

    private Mqtt3BlockingClient client(String id) {
        Mqtt3BlockingClient c = MqttClient.builder().useMqttVersion3().identifier(id)
                .serverHost("127.0.0.1").serverPort(server.port()).buildBlocking();
        clients.add(c);
        return c;
    }

    private Mqtt3Publishes publishes(Mqtt3BlockingClient c) {
        Mqtt3Publishes p = c.publishes(MqttGlobalPublishFilter.ALL);
        closeables.add(p);
        return p;
    }

    private static Mqtt3Publish next(Mqtt3Publishes p) throws InterruptedException {
        return p.receive(10, TimeUnit.SECONDS).orElseThrow(() -> new AssertionError("no message within 10 s"));
    }

    private static String payload(Mqtt3Publish p) {
        return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    private static void publish(Mqtt3BlockingClient c, String topic, String payload, MqttQos qos, boolean retain) {
        c.publishWith().topic(topic).qos(qos).retain(retain).payload(payload.getBytes(StandardCharsets.UTF_8)).send();
    }

    @Test
    @DisplayName("publish and subscribe at QoS 0, 1 and 2 in both directions")
    void publishSubscribeAllQos() throws Exception {
        Mqtt3BlockingClient a = client("hive-a");
        Mqtt3BlockingClient b = client("hive-b");
        assertThat(a.connect().getReturnCode().isError()).isFalse();
        b.connect();
        Mqtt3Publishes aIn = publishes(a);
        Mqtt3Publishes bIn = publishes(b);
        a.subscribeWith().topicFilter("to-a/#").qos(MqttQos.EXACTLY_ONCE).send();
        b.subscribeWith().topicFilter("to-b/#").qos(MqttQos.EXACTLY_ONCE).send();

        for (MqttQos qos : MqttQos.values()) {
            publish(a, "to-b/" + qos.getCode(), "from-a-" + qos.getCode(), qos, false);
            Mqtt3Publish atB = next(bIn);
            assertThat(atB.getTopic().toString()).isEqualTo("to-b/" + qos.getCode());
            assertThat(payload(atB)).isEqualTo("from-a-" + qos.getCode());
            assertThat(atB.getQos()).isEqualTo(qos);
            assertThat(atB.isRetain()).isFalse();

            publish(b, "to-a/" + qos.getCode(), "from-b-" + qos.getCode(), qos, false);
            Mqtt3Publish atA = next(aIn);
            assertThat(payload(atA)).isEqualTo("from-b-" + qos.getCode());
            assertThat(atA.getQos()).isEqualTo(qos);
        }
    }

    @Test
    @DisplayName("interoperability: HiveMQ publisher to Paho subscriber and back")
    void pahoInterop() throws Exception {
        org.eclipse.paho.client.mqttv3.MqttClient paho =
                new org.eclipse.paho.client.mqttv3.MqttClient(server.tcpUri(), "paho", new MemoryPersistence());
        closeables.add(() -> {
            if (paho.isConnected()) {
                paho.disconnect();
            }
            paho.close();
        });
        PahoInbox pahoIn = new PahoInbox();
        paho.setCallback(pahoIn);
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        paho.connect(o);
        paho.subscribe("interop/paho", 2);

        Mqtt3BlockingClient hive = client("hive");
        hive.connect();
        Mqtt3Publishes hiveIn = publishes(hive);
        hive.subscribeWith().topicFilter("interop/hive").qos(MqttQos.EXACTLY_ONCE).send();

        publish(hive, "interop/paho", "hello paho", MqttQos.EXACTLY_ONCE, false);
        assertThat(pahoIn.next()).isEqualTo(new PahoInbox.Received("interop/paho", "hello paho", 2, false, false));

        org.eclipse.paho.client.mqttv3.MqttMessage m = new org.eclipse.paho.client.mqttv3.MqttMessage(
                "hello hive".getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        paho.publish("interop/hive", m);
        Mqtt3Publish atHive = next(hiveIn);
        assertThat(payload(atHive)).isEqualTo("hello hive");
        assertThat(atHive.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
    }

    @Test
    @DisplayName("[MQTT-3.2.2-1..3] session present flag with clean session off and on")
    void sessionPresent() {
        Mqtt3BlockingClient c = client("hive-persistent");
        assertThat(c.connectWith().cleanSession(false).send().isSessionPresent()).isFalse();
        c.disconnect();
        assertThat(c.connectWith().cleanSession(false).send().isSessionPresent()).isTrue();
        c.disconnect();
        assertThat(c.connectWith().cleanSession(true).send().isSessionPresent()).isFalse();
    }

    @Test
    @DisplayName("[MQTT-3.8.4-6, MQTT-3.9.3] granted QoS capped by max_qos_allowed; 0x80 beyond max_subscriptions / max_topic_levels")
    void grantedQosAndFailures() {
        restart(ListenerConfigBuilder.listener().maxQosAllowed(1).maxSubscriptions(3).maxTopicLevels(3));
        Mqtt3BlockingClient c = client("hive-limits");
        c.connect();
        // the client reports a SUBACK with any failure code as an exception carrying the SUBACK
        Mqtt3SubAckException refused = catchThrowableOfType(Mqtt3SubAckException.class, () -> c.subscribeWith()
                .addSubscription().topicFilter("a").qos(MqttQos.AT_MOST_ONCE).applySubscription()
                .addSubscription().topicFilter("b").qos(MqttQos.EXACTLY_ONCE).applySubscription()
                .addSubscription().topicFilter("c/d/e/f").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .addSubscription().topicFilter("c/+/#").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .addSubscription().topicFilter("d").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .send());
        assertThat(refused).as("SUBACK with failure codes").isNotNull();
        List<Mqtt3SubAckReturnCode> codes = refused.getMqttMessage().getReturnCodes();
        assertThat(codes).containsExactly(
                Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_0,
                Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_1,
                Mqtt3SubAckReturnCode.FAILURE,   // 4 levels > max_topic_levels 3
                Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_1,
                Mqtt3SubAckReturnCode.FAILURE);  // a 4th subscription > max_subscriptions 3
        assertThat(server.broker().session("hive-limits").orElseThrow().subscriptionCount()).isEqualTo(3);
    }

    @Test
    @DisplayName("[MQTT-3.3.1-6, MQTT-3.3.1-9] retained message on subscribe has RETAIN; live forward does not")
    void retained() throws Exception {
        Mqtt3BlockingClient pub = client("hive-rpub");
        pub.connect();
        publish(pub, "hr/x", "kept", MqttQos.AT_LEAST_ONCE, true);

        Mqtt3BlockingClient sub = client("hive-rsub");
        sub.connect();
        Mqtt3Publishes in = publishes(sub);
        sub.subscribeWith().topicFilter("hr/#").qos(MqttQos.EXACTLY_ONCE).send();
        Mqtt3Publish r = next(in);
        assertThat(payload(r)).isEqualTo("kept");
        assertThat(r.isRetain()).isTrue();
        assertThat(r.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);

        publish(pub, "hr/x", "live", MqttQos.AT_LEAST_ONCE, true);
        Mqtt3Publish live = next(in);
        assertThat(payload(live)).isEqualTo("live");
        assertThat(live.isRetain()).isFalse();
    }

    @Test
    @DisplayName("[MQTT-3.1.4-2] takeover closes the old connection and publishes its will")
    void takeoverPublishesWill() throws Exception {
        Mqtt3BlockingClient watcher = client("hive-watcher");
        watcher.connect();
        Mqtt3Publishes in = publishes(watcher);
        watcher.subscribeWith().topicFilter("hwill/#").qos(MqttQos.AT_LEAST_ONCE).send();

        Mqtt3BlockingClient old = client("hive-taken");
        old.connectWith().willPublish().topic("hwill/taken").payload("taken over".getBytes(StandardCharsets.UTF_8))
                .qos(MqttQos.AT_LEAST_ONCE).applyWillPublish().send();

        try (RawMqttClient intruder = server.rawClient()) {
            assertThat(intruder.connect(MqttPackets.connect("hive-taken")).returnCode()).isZero();
            Mqtt3Publish will = next(in);
            assertThat(payload(will)).isEqualTo("taken over");
            TestBroker.await("old HiveMQ connection closed", () -> !old.getState().isConnected());
        }
    }
}
