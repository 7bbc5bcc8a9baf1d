package io.mqttee.mqtt5;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.mqttee.mqtt5.RawMqtt5Client.Packet;
import io.mqttee.mqtt5.RawMqtt5Client.Props;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.mqttee.mqtt5.RawMqtt5Client.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Application message properties travel unchanged; Message Expiry Interval counts down [MQTT 5.0 3.3.2.3]. */
class MessagePropertiesIT extends Mqtt5BrokerSupport {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Mqtt5Publish receive(Mqtt5BlockingClient.Mqtt5Publishes publishes) throws InterruptedException {
        return publishes.receive(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .orElseThrow(() -> new AssertionError("no message within " + TIMEOUT));
    }

    @Test
    void propertiesReachAHiveMqSubscriberUnchanged() throws Exception {
        startBroker();
        Mqtt5BlockingClient sub = hive("sub");
        sub.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("props/#").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5BlockingClient pub = hive("pub");
            pub.connect();
            pub.publishWith().topic("props/a").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(bytes("{\"t\":21.5}"))
                    .payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UTF_8)
                    .contentType("application/json")
                    .responseTopic("replies/pub")
                    .correlationData(new byte[] {0, 1, 2, (byte) 0xFF})
                    .userProperties(Mqtt5UserProperties.builder()
                            .add("b", "1").add("a", "2").add("b", "3").add("ü", "ß").build())
                    .messageExpiryInterval(3600)
                    .send();
            Mqtt5Publish p = receive(publishes);
            assertThat(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"t\":21.5}");
            // [MQTT-3.3.2-4] Payload Format Indicator unaltered
            assertThat(p.getPayloadFormatIndicator()).contains(Mqtt5PayloadFormatIndicator.UTF_8);
            // [MQTT-3.3.2-20] Content Type unaltered
            assertThat(p.getContentType()).map(Object::toString).contains("application/json");
            // [MQTT-3.3.2-15] Response Topic unaltered
            assertThat(p.getResponseTopic()).map(Object::toString).contains("replies/pub");
            // [MQTT-3.3.2-16] Correlation Data unaltered
            assertThat(p.getCorrelationData()).contains(ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 0xFF}));
            // [MQTT-3.3.2-17, MQTT-3.3.2-18] User Properties unaltered, order kept, repeated names kept
            assertThat(p.getUserProperties().asList()).extracting(u -> u.getName() + "=" + u.getValue())
                    .containsExactly("b=1", "a=2", "b=3", "ü=ß");
            // [MQTT-3.3.2-6] Message Expiry Interval: the received value minus the time waited (here ~0)
            assertThat(p.getMessageExpiryInterval()).isPresent();
            assertThat(p.getMessageExpiryInterval().getAsLong()).isBetween(3590L, 3600L);
        }
    }

    @Test
    void messageWithoutPropertiesArrivesWithoutProperties() throws Exception {
        startBroker();
        RawMqtt5Client sub = rawConnected("sub");
        sub.send(subscribe(1, Props.none(), "plain", options(1, false, false, 0)));
        sub.expect(SUBACK);
        RawMqtt5Client pub = rawConnected("pub");
        pub.send(publish("plain", 1, false, 1, Props.none(), bytes("x")));
        pub.expect(PUBACK);
        Packet p = sub.expect(PUBLISH);
        assertThat(p.props).isEmpty(); // no Message Expiry Interval invented, no format indicator
    }

    @Test
    void propertiesReachAPahoSubscriberUnchanged() throws Exception {
        startBroker();
        PahoV5 sub = paho("paho-sub");
        sub.client.connect().waitForCompletion(TIMEOUT.toMillis());
        sub.client.subscribe(new MqttSubscription("pp/#", 1)).waitForCompletion(TIMEOUT.toMillis());

        RawMqtt5Client pub = rawConnected("pub");
        pub.send(publish("pp/x", 1, false, 1, Props.of()
                .u8(PAYLOAD_FORMAT_INDICATOR, 1)
                .u32(MESSAGE_EXPIRY_INTERVAL, 120)
                .string(CONTENT_TYPE, "text/plain; charset=utf-8")
                .string(RESPONSE_TOPIC, "pp/reply")
                .binary(CORRELATION_DATA, bytes("req-42"))
                .user("k", "v1").user("k", "v2"), bytes("hello")));
        pub.expect(PUBACK);

        PahoV5.Arrival a = sub.next();
        assertThat(a.topic()).isEqualTo("pp/x");
        MqttProperties p = a.message().getProperties();
        assertThat(p.getPayloadFormat()).isTrue();
        assertThat(p.getContentType()).isEqualTo("text/plain; charset=utf-8");
        assertThat(p.getResponseTopic()).isEqualTo("pp/reply");
        assertThat(p.getCorrelationData()).isEqualTo(bytes("req-42"));
        assertThat(p.getUserProperties()).extracting(u -> u.getKey() + "=" + u.getValue())
                .containsExactly("k=v1", "k=v2");
        assertThat(p.getMessageExpiryInterval()).isBetween(110L, 120L);
    }

    @Test
    void requestResponseBetweenTwoClients() throws Exception {
        // [MQTT 5.0 4.10] request/response: Response Topic and Correlation Data; the response topic is built
        // from the Response Information the requester asked for [MQTT 5.0 4.10.1]
        startBroker();
        Mqtt5BlockingClient responder = hive("responder");
        responder.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes requests = responder.publishes(MqttGlobalPublishFilter.ALL)) {
            responder.subscribeWith().topicFilter("service/time").qos(MqttQos.AT_LEAST_ONCE).send();

            PahoV5 requester = paho("requester");
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setRequestResponseInfo(true);
            IMqttToken t = requester.client.connect(o);
            t.waitForCompletion(TIMEOUT.toMillis());
            String responseTopic = t.getResponseProperties().getResponseInfo() + "/time";
            requester.client.subscribe(new MqttSubscription(responseTopic, 1)).waitForCompletion(TIMEOUT.toMillis());

            for (int i = 1; i <= 3; i++) {
                MqttMessage request = new MqttMessage(bytes("what time is it " + i), 1, false, null);
                MqttProperties rp = new MqttProperties();
                rp.setResponseTopic(responseTopic);
                rp.setCorrelationData(bytes("corr-" + i));
                request.setProperties(rp);
                requester.client.publish("service/time", request).waitForCompletion(TIMEOUT.toMillis());

                Mqtt5Publish req = receive(requests);
                assertThat(req.getResponseTopic()).map(Object::toString).contains(responseTopic);
                responder.publishWith().topic(req.getResponseTopic().orElseThrow())
                        .correlationData(req.getCorrelationData().orElseThrow())
                        .qos(MqttQos.AT_LEAST_ONCE).payload(bytes("answer " + i)).send();

                PahoV5.Arrival answer = requester.next();
                assertThat(answer.topic()).isEqualTo(responseTopic);
                assertThat(new String(answer.message().getPayload(), StandardCharsets.UTF_8)).isEqualTo("answer " + i);
                assertThat(answer.message().getProperties().getCorrelationData()).isEqualTo(bytes("corr-" + i));
            }
        }
    }

    @Test
    void queuedMessagesExpireAndForwardedIntervalIsDecreasedByTheTimeWaited() throws Exception {
        // [MQTT-3.3.2-5] an expired message is not delivered; [MQTT-3.3.2-6] the forwarded Message Expiry
        // Interval is the received value minus the time the message waited in the Server
        startBroker();
        RawMqtt5Client sub = closeLater(RawMqtt5Client.open(port));
        sub.send(connect("offline", true, 60, Props.of().u32(SESSION_EXPIRY_INTERVAL, 3600), null));
        sub.expect(CONNACK);
        sub.send(subscribe(1, Props.none(), "exp/#", options(1, false, false, 0)));
        sub.expect(SUBACK);
        sub.send(disconnect(0, Props.none()));
        assertThat(sub.readOrEof(TIMEOUT)).isNull();
        await("session offline", () -> !broker.session("offline").orElseThrow().isConnected());

        RawMqtt5Client pub = rawConnected("pub");
        pub.send(publish("exp/short", 1, false, 1, Props.of().u32(MESSAGE_EXPIRY_INTERVAL, 10), bytes("short")));
        pub.expect(PUBACK);
        pub.send(publish("exp/long", 1, false, 2, Props.of().u32(MESSAGE_EXPIRY_INTERVAL, 100), bytes("long")));
        pub.expect(PUBACK);
        pub.send(publish("exp/none", 1, false, 3, Props.none(), bytes("none")));
        pub.expect(PUBACK);
        await("3 queued", () -> broker.session("offline").orElseThrow().queueSize() == 3);

        clock.advance(Duration.ofSeconds(30));
        RawMqtt5Client back = closeLater(RawMqtt5Client.open(port));
        back.send(connect("offline", false, 60, Props.of().u32(SESSION_EXPIRY_INTERVAL, 3600), null));
        Packet ack = back.expect(CONNACK);
        assertThat(ack.sessionPresent).isTrue();
        Packet first = back.expect(PUBLISH);
        assertThat(first.payloadString()).isEqualTo("long");
        // 100 s minus the 30 s waited (a little more by the wall clock)
        assertThat((Long) first.prop(MESSAGE_EXPIRY_INTERVAL)).isBetween(40L, 70L);
        back.send(ack(PUBACK, first.packetId, 0));
        Packet second = back.expect(PUBLISH);
        assertThat(second.payloadString()).isEqualTo("none");
        assertThat(second.has(MESSAGE_EXPIRY_INTERVAL)).isFalse();
    }

    @Test
    void retainedMessagesExpireToo() throws Exception {
        // [MQTT-3.3.2-5] a retained message past its expiry is not sent; [MQTT-3.3.2-6] the remainder is forwarded
        startBroker();
        RawMqtt5Client pub = rawConnected("pub");
        pub.send(publish("ret/short", 1, true, 1, Props.of().u32(MESSAGE_EXPIRY_INTERVAL, 10), bytes("short")));
        pub.expect(PUBACK);
        pub.send(publish("ret/long", 1, true, 2, Props.of().u32(MESSAGE_EXPIRY_INTERVAL, 100), bytes("long")));
        pub.expect(PUBACK);
        clock.advance(Duration.ofSeconds(40));

        RawMqtt5Client sub = rawConnected("sub");
        sub.send(subscribe(1, Props.none(), "ret/#", options(1, false, false, 0)));
        sub.expect(SUBACK);
        Packet p = sub.expect(PUBLISH);
        assertThat(p.payloadString()).isEqualTo("long");
        assertThat(p.retain()).isTrue();
        assertThat((Long) p.prop(MESSAGE_EXPIRY_INTERVAL)).isBetween(30L, 60L);
        // nothing else: a sentinel published now is the next packet
        pub.send(publish("ret/sentinel", 0, false, 0, Props.none(), bytes("sentinel")));
        assertThat(sub.expect(PUBLISH).payloadString()).isEqualTo("sentinel");
    }
}
