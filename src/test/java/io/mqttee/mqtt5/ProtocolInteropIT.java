package io.mqttee.mqtt5;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.mqttee.mqtt5.RawMqtt5Client.Props;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.mqttee.mqtt5.RawMqtt5Client.*;
import static org.assertj.core.api.Assertions.assertThat;

/** MQTT 3.1 / 3.1.1 and MQTT 5 clients on one broker: properties are dropped towards 3.x, nothing breaks. */
class ProtocolInteropIT extends Mqtt5BrokerSupport {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Paho 3.x client that queues arrivals and remembers a lost connection. */
    private final class PahoV3 implements MqttCallback {
        final MqttClient client;
        final BlockingQueue<String[]> arrivals = new LinkedBlockingQueue<>();
        volatile Throwable lost;

        PahoV3(String id, int version) throws Exception {
            client = new MqttClient("tcp://127.0.0.1:" + port, id, new MemoryPersistence());
            client.setCallback(this);
            MqttConnectOptions o = new MqttConnectOptions();
            o.setMqttVersion(version);
            o.setCleanSession(true);
            client.connect(o);
            closeLater(() -> {
                if (client.isConnected()) {
                    client.disconnect();
                }
                client.close(true);
            });
        }

        String[] next() throws InterruptedException {
            String[] a = arrivals.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (a == null) {
                throw new AssertionError("no message within " + TIMEOUT + (lost != null ? ", lost: " + lost : ""));
            }
            return a;
        }

        @Override
        public void connectionLost(Throwable cause) {
            lost = cause;
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            arrivals.add(new String[] {topic, new String(message.getPayload(), StandardCharsets.UTF_8),
                    String.valueOf(message.getQos()), String.valueOf(message.isRetained())});
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }
    }

    @ParameterizedTest(name = "MQTT version constant {0}")
    @ValueSource(ints = {MqttConnectOptions.MQTT_VERSION_3_1_1, MqttConnectOptions.MQTT_VERSION_3_1})
    void v3SubscriberGetsAV5PublishWithPropertiesDropped(int version) throws Exception {
        // [MQTT 5.0 appendix / 3.x 3.3] a 3.x PUBLISH has no properties: the broker drops them for 3.x receivers
        startBroker();
        PahoV3 v3 = new PahoV3("v3-sub", version);
        v3.client.subscribe("mixed/#", 2);

        Mqtt5BlockingClient v5 = hive("v5-pub");
        v5.connect();
        v5.publishWith().topic("mixed/a").qos(MqttQos.EXACTLY_ONCE).payload(bytes("from five"))
                .payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UTF_8).contentType("text/plain")
                .responseTopic("mixed/reply").correlationData(bytes("c"))
                .userProperties(Mqtt5UserProperties.builder().add("k", "v").build())
                .messageExpiryInterval(60).send();
        // a raw v5 publisher using a topic alias: the 3.x subscriber sees the real topic
        RawMqtt5Client raw = rawConnected("raw-pub");
        raw.send(publish("mixed/aliased", 1, false, 1, Props.of().u16(TOPIC_ALIAS, 3), bytes("first")));
        raw.expect(PUBACK);
        raw.send(publish("", 1, false, 2, Props.of().u16(TOPIC_ALIAS, 3), bytes("second")));
        raw.expect(PUBACK);

        // Paho 3.x hands a QoS 2 message to the application only after PUBREL, so arrival order across
        // QoS levels is the client's, not the wire's: compare without order
        java.util.List<String> got = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            got.add(String.join("|", v3.next()));
        }
        assertThat(got).containsExactlyInAnyOrder("mixed/a|from five|2|false", "mixed/aliased|first|1|false",
                "mixed/aliased|second|1|false");
        assertThat(v3.client.isConnected()).isTrue();
        assertThat(v3.lost).isNull();
    }

    @Test
    void v5SubscriberGetsA311Publish() throws Exception {
        startBroker();
        Mqtt5BlockingClient v5 = hive("v5-sub");
        v5.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = v5.publishes(MqttGlobalPublishFilter.ALL)) {
            v5.subscribeWith().topicFilter("old/#").qos(MqttQos.EXACTLY_ONCE).send();
            PahoV3 v3 = new PahoV3("v3-pub", MqttConnectOptions.MQTT_VERSION_3_1_1);
            v3.client.publish("old/x", bytes("from three"), 1, false);
            v3.client.publish("old/y", bytes("qos2"), 2, false);

            Mqtt5Publish p = publishes.receive(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).orElseThrow();
            assertThat(p.getTopic().toString()).isEqualTo("old/x");
            assertThat(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("from three");
            assertThat(p.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
            // a 3.x message has no MQTT 5 properties
            assertThat(p.getPayloadFormatIndicator()).isEmpty();
            assertThat(p.getMessageExpiryInterval()).isEmpty();
            assertThat(p.getUserProperties().asList()).isEmpty();
            Mqtt5Publish q = publishes.receive(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).orElseThrow();
            assertThat(q.getTopic().toString()).isEqualTo("old/y");
            assertThat(q.getQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
        }
    }

    @Test
    void v3RetainedMessageReachesAV5SubscriberAndViceVersa() throws Exception {
        startBroker();
        PahoV3 v3 = new PahoV3("v3", MqttConnectOptions.MQTT_VERSION_3_1_1);
        v3.client.publish("ret/three", bytes("r3"), 1, true);
        Mqtt5BlockingClient v5 = hive("v5");
        v5.connect();
        v5.publishWith().topic("ret/five").qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(bytes("r5"))
                .contentType("text/plain").send();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = v5.publishes(MqttGlobalPublishFilter.ALL)) {
            v5.subscribeWith().topicFilter("ret/three").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5Publish p = publishes.receive(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).orElseThrow();
            assertThat(p.isRetain()).isTrue();
            assertThat(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("r3");
        }
        v3.client.subscribe("ret/five", 1);
        assertThat(v3.next()).containsExactly("ret/five", "r5", "1", "true");
    }
}
