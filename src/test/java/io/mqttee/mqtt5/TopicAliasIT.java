package io.mqttee.mqtt5;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.mqttee.mqtt5.RawMqtt5Client.Packet;
import io.mqttee.mqtt5.RawMqtt5Client.Props;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.mqttee.mqtt5.RawMqtt5Client.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Topic aliases, client to server and server to client [MQTT 5.0 section 3.3.2.3.4]. */
class TopicAliasIT extends Mqtt5BrokerSupport {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private RawMqtt5Client subscriber(String id, Props props, String filter) throws Exception {
        RawMqtt5Client sub = rawConnected(id, props);
        sub.send(subscribe(1, Props.none(), filter, options(0, false, false, 0)));
        sub.expect(SUBACK);
        return sub;
    }

    @Test
    void inboundAliasIsMappedAndReplaced() throws Exception {
        // [MQTT 5.0 3.3.2.3.4] a PUBLISH with topic + alias sets the mapping; an empty topic + alias uses it;
        // a later topic + same alias replaces it
        startBroker();
        RawMqtt5Client sub = subscriber("sub", Props.none(), "alias/#");
        RawMqtt5Client pub = rawConnected("pub");
        pub.send(publish("alias/one", 0, false, 0, Props.of().u16(TOPIC_ALIAS, 1), bytes("1")));
        pub.send(publish("", 0, false, 0, Props.of().u16(TOPIC_ALIAS, 1), bytes("2")));
        pub.send(publish("alias/two", 1, false, 7, Props.of().u16(TOPIC_ALIAS, 1), bytes("3")));
        assertThat(pub.expect(PUBACK).reasonCode).isZero();
        pub.send(publish("", 1, false, 8, Props.of().u16(TOPIC_ALIAS, 1), bytes("4")));
        assertThat(pub.expect(PUBACK).reasonCode).isZero();
        // the highest alias the server allows (its Topic Alias Maximum, 32) is accepted [MQTT-3.3.2-12]
        pub.send(publish("alias/max", 0, false, 0, Props.of().u16(TOPIC_ALIAS, 32), bytes("5")));
        pub.send(publish("", 0, false, 0, Props.of().u16(TOPIC_ALIAS, 32), bytes("6")));

        String[][] expected = {{"alias/one", "1"}, {"alias/one", "2"}, {"alias/two", "3"}, {"alias/two", "4"},
                {"alias/max", "5"}, {"alias/max", "6"}};
        for (String[] e : expected) {
            Packet p = sub.expect(PUBLISH);
            assertThat(p.topic + " " + p.payloadString()).isEqualTo(e[0] + " " + e[1]);
            assertThat(p.has(TOPIC_ALIAS)).as("no alias towards a client without Topic Alias Maximum").isFalse();
        }
    }

    @Test
    void inboundAliasZeroIsInvalid() throws Exception {
        // [MQTT 5.0 3.3.2.3.4] Topic Alias 0 is not permitted: DISCONNECT 0x94 Topic Alias invalid
        startBroker();
        RawMqtt5Client pub = rawConnected("pub");
        pub.send(publish("t", 0, false, 0, Props.of().u16(TOPIC_ALIAS, 0), bytes("x")));
        ReasonCodesIT.assertDisconnect(pub, 0x94);
    }

    @Test
    void inboundAliasAboveTheServersMaximumIsInvalid() throws Exception {
        // [MQTT-3.3.2-9] alias greater than the CONNACK Topic Alias Maximum (32): DISCONNECT 0x94
        startBroker();
        RawMqtt5Client pub = rawConnected("pub");
        pub.send(publish("t", 0, false, 0, Props.of().u16(TOPIC_ALIAS, 33), bytes("x")));
        ReasonCodesIT.assertDisconnect(pub, 0x94);
    }

    @Test
    void emptyTopicWithUnknownAliasIsAProtocolError() throws Exception {
        // [MQTT 5.0 3.3.2.3.4] no mapping for the alias with a zero-length topic: Protocol Error 0x82
        startBroker();
        RawMqtt5Client pub = rawConnected("pub");
        pub.send(publish("known", 0, false, 0, Props.of().u16(TOPIC_ALIAS, 1), bytes("x")));
        pub.send(publish("", 0, false, 0, Props.of().u16(TOPIC_ALIAS, 2), bytes("x")));
        ReasonCodesIT.assertDisconnect(pub, 0x82);
    }

    @Test
    void emptyTopicWithoutAliasIsAProtocolError() throws Exception {
        // [MQTT 5.0 3.3.2.1] a zero-length Topic Name without a Topic Alias is a Protocol Error
        startBroker();
        RawMqtt5Client pub = rawConnected("pub");
        pub.send(publish("", 0, false, 0, Props.none(), bytes("x")));
        ReasonCodesIT.assertDisconnect(pub, 0x82);
    }

    @Test
    void inboundAliasesDoNotSurviveTheConnection() throws Exception {
        // [MQTT-3.3.2-7] Topic Alias mappings exist only within a Network Connection
        startBroker();
        RawMqtt5Client first = rawConnected("pub");
        first.send(publish("t", 1, false, 1, Props.of().u16(TOPIC_ALIAS, 1), bytes("x")));
        first.expect(PUBACK);
        first.send(disconnect(0, Props.none()));
        assertThat(first.readOrEof(TIMEOUT)).isNull();
        RawMqtt5Client second = rawConnected("pub");
        second.send(publish("", 0, false, 0, Props.of().u16(TOPIC_ALIAS, 1), bytes("x")));
        ReasonCodesIT.assertDisconnect(second, 0x82);
    }

    @Test
    void outboundAliasesStayWithinTheClientsTopicAliasMaximum() throws Exception {
        // [MQTT-3.1.2-26] never a Topic Alias above the Client's Topic Alias Maximum; the first PUBLISH on a
        // topic carries topic + alias, later ones an empty topic + alias [MQTT 5.0 3.3.2.3.4]
        startBroker();
        RawMqtt5Client sub = subscriber("sub", Props.of().u16(TOPIC_ALIAS_MAXIMUM, 2), "o/#");
        RawMqtt5Client pub = rawConnected("pub");
        String[] topics = {"o/a", "o/a", "o/b", "o/b", "o/c", "o/c", "o/a", "o/b"};
        for (int i = 0; i < topics.length; i++) {
            pub.send(publish(topics[i], 0, false, 0, Props.none(), bytes("m" + i)));
        }
        java.util.Map<Integer, String> aliases = new java.util.HashMap<>();
        for (int i = 0; i < topics.length; i++) {
            Packet p = sub.expect(PUBLISH);
            assertThat(p.payloadString()).isEqualTo("m" + i);
            Integer alias = (Integer) p.prop(TOPIC_ALIAS);
            String resolved;
            if (alias == null) {
                resolved = p.topic;
                assertThat(resolved).isNotEmpty();
            } else {
                assertThat(alias).isBetween(1, 2);
                if (p.topic.isEmpty()) {
                    resolved = aliases.get(alias);
                    assertThat(resolved).as("alias %d used before it was set", alias).isNotNull();
                } else {
                    aliases.put(alias, p.topic);
                    resolved = p.topic;
                }
            }
            assertThat(resolved).isEqualTo(topics[i]);
        }
        // the aliases were used: both were set, and the repeated topics went as empty topic + alias
        assertThat(aliases).hasSize(2);
    }

    @Test
    void repeatedTopicIsSentWithEmptyTopicAndAlias() throws Exception {
        startBroker();
        RawMqtt5Client sub = subscriber("sub", Props.of().u16(TOPIC_ALIAS_MAXIMUM, 5), "r/#");
        RawMqtt5Client pub = rawConnected("pub");
        pub.send(publish("r/long/topic/name", 0, false, 0, Props.none(), bytes("1")));
        pub.send(publish("r/long/topic/name", 0, false, 0, Props.none(), bytes("2")));
        Packet first = sub.expect(PUBLISH);
        assertThat(first.topic).isEqualTo("r/long/topic/name");
        int alias = (Integer) first.prop(TOPIC_ALIAS);
        Packet second = sub.expect(PUBLISH);
        assertThat(second.topic).isEmpty();
        assertThat(second.prop(TOPIC_ALIAS)).isEqualTo(alias);
    }

    @Test
    void noOutboundAliasesWhenTheClientAllowsNone() throws Exception {
        // [MQTT-3.1.2-27] Topic Alias Maximum absent or 0: the Server MUST NOT send any Topic Alias
        startBroker();
        RawMqtt5Client sub = subscriber("sub", Props.of().u16(TOPIC_ALIAS_MAXIMUM, 0), "n/#");
        RawMqtt5Client pub = rawConnected("pub");
        for (int i = 0; i < 3; i++) {
            pub.send(publish("n/x", 0, false, 0, Props.none(), bytes("m" + i)));
        }
        for (int i = 0; i < 3; i++) {
            Packet p = sub.expect(PUBLISH);
            assertThat(p.topic).isEqualTo("n/x");
            assertThat(p.has(TOPIC_ALIAS)).isFalse();
        }
    }

    @Test
    void hiveMqClientsUseAliasesBothWaysTransparently() throws Exception {
        startBroker();
        Mqtt5BlockingClient sub = hive("hive-sub");
        sub.connectWith().restrictions().topicAliasMaximum(4).applyRestrictions().send();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("h/#").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5BlockingClient pub = hive("hive-pub");
            pub.connectWith().restrictions().sendTopicAliasMaximum(4).applyRestrictions().send();
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String topic = "h/sensor/" + (i % 3);
                sent.add(topic + "=" + i);
                pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes(String.valueOf(i))).send();
            }
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                Mqtt5Publish p = publishes.receive(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).orElseThrow();
                got.add(p.getTopic() + "=" + new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8));
            }
            assertThat(got).containsExactlyElementsOf(sent);
        }
    }
}
