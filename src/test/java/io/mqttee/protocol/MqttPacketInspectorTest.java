package io.mqttee.protocol;

import io.mqttee.config.BrokerConfig;
import io.mqttee.config.ListenerConfig;
import io.mqttee.core.Broker;
import io.mqttee.testing.ListenerConfigBuilder;
import io.mqttee.testing.MutableClock;
import io.mqttee.testing.Packet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

import static io.mqttee.testing.MqttPackets.CONNACK;
import static io.mqttee.testing.MqttPackets.concat;
import static io.mqttee.testing.MqttPackets.packet;
import static io.mqttee.testing.MqttPackets.string;
import static io.mqttee.testing.MqttPackets.u16;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules {@link MqttPacketInspector} checks in raw bytes (Netty's decoder cannot see them):
 * MQTT 5 properties allowed per packet, not repeated, in range; well-formed UTF-8 without U+0000.
 */
class MqttPacketInspectorTest {

    private static final int DISCONNECT = 14;

    private final ListenerConfig listener = ListenerConfigBuilder.listener().build();
    private final Broker broker = new Broker(new BrokerConfig(1, List.of(listener)), new MutableClock());
    private final List<EmbeddedMqttConnection> open = new ArrayList<>();

    @AfterEach
    void close() {
        open.forEach(EmbeddedMqttConnection::close);
    }

    private EmbeddedMqttConnection client() throws Exception {
        EmbeddedMqttConnection c = new EmbeddedMqttConnection(broker, listener);
        open.add(c);
        return c;
    }

    /** An MQTT 5 CONNECT (clean start, keepalive 60) with the given raw property bytes. */
    private static byte[] connect5(String clientId, byte[] properties) {
        return packet(0x10, concat(string("MQTT"), new byte[] {5, 0x02}, u16(60),
                varint(properties.length), properties, string(clientId)));
    }

    private static byte[] varint(int n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        do {
            int b = n % 128;
            n /= 128;
            out.write(n > 0 ? b | 0x80 : b);
        } while (n > 0);
        return out.toByteArray();
    }

    private static byte[] publish5(String topic, byte[] properties) {
        return packet(0x30, concat(string(topic), varint(properties.length), properties, "x".getBytes()));
    }

    private EmbeddedMqttConnection connected5(String clientId) throws Exception {
        EmbeddedMqttConnection c = client().send(connect5(clientId, new byte[0]));
        List<Packet> in = c.received();
        assertThat(in).extracting(Packet::type).containsExactly(CONNACK);
        assertThat(in.get(0).returnCode()).isZero();
        return c;
    }

    private static void assertConnackRefused(EmbeddedMqttConnection c, int reasonCode) {
        List<Packet> in = c.received();
        assertThat(in).extracting(Packet::type).containsExactly(CONNACK);
        assertThat(in.get(0).returnCode()).isEqualTo(reasonCode);
        assertThat(c.isClosed()).isTrue();
    }

    private static void assertDisconnected(EmbeddedMqttConnection c, int reasonCode) {
        List<Packet> in = c.received();
        assertThat(in).extracting(Packet::type).containsExactly(DISCONNECT);
        assertThat(in.get(0).body()[0] & 0xFF).isEqualTo(reasonCode);
        assertThat(c.isClosed()).isTrue();
    }

    @Test
    @DisplayName("[MQTT-2.2.2-? 5.0 2.2.2.2] a property given twice on CONNECT: CONNACK 0x82")
    void duplicateConnectProperty() throws Exception {
        byte[] twice = {0x11, 0, 0, 0, 10, 0x11, 0, 0, 0, 20}; // Session Expiry Interval twice
        assertConnackRefused(client().send(connect5("c1", twice)), 0x82);
        assertThat(broker.sessions()).isEmpty();
    }

    @Test
    @DisplayName("[5.0 2.2.2.2] Topic Alias is not allowed on CONNECT: CONNACK 0x82")
    void propertyNotAllowedOnConnect() throws Exception {
        assertConnackRefused(client().send(connect5("c1", new byte[] {0x23, 0, 1})), 0x82);
    }

    @Test
    @DisplayName("[5.0 3.1.2.11.7] Request Problem Information 2: CONNACK 0x82")
    void propertyOutOfRange() throws Exception {
        assertConnackRefused(client().send(connect5("c1", new byte[] {0x17, 2})), 0x82);
    }

    @Test
    @DisplayName("[5.0 3.1.2.11.3] Receive Maximum 0: CONNACK 0x82")
    void receiveMaximumZero() throws Exception {
        assertConnackRefused(client().send(connect5("c1", new byte[] {0x21, 0, 0})), 0x82);
    }

    @Test
    @DisplayName("[MQTT-3.3.4-6] a client PUBLISH with a Subscription Identifier: DISCONNECT 0x82")
    void subscriptionIdentifierOnClientPublish() throws Exception {
        assertDisconnected(connected5("c1").send(publish5("t", new byte[] {0x0B, 5})), 0x82);
    }

    @Test
    @DisplayName("[5.0 2.2.2.2] Content Type twice on PUBLISH: DISCONNECT 0x82")
    void duplicatePublishProperty() throws Exception {
        byte[] props = concat(new byte[] {0x03}, string("a"), new byte[] {0x03}, string("b"));
        assertDisconnected(connected5("c1").send(publish5("t", props)), 0x82);
    }

    @Test
    @DisplayName("[5.0 3.3.2.3.7] User Property may repeat")
    void userPropertyMayRepeat() throws Exception {
        byte[] props = concat(new byte[] {0x26}, string("k"), string("1"), new byte[] {0x26}, string("k"), string("2"));
        EmbeddedMqttConnection c = connected5("c1").send(publish5("t", props));
        assertThat(c.received()).isEmpty();
        assertThat(c.isClosed()).isFalse();
    }

    @Test
    @DisplayName("[MQTT-3.8.3-5] SUBSCRIBE with Retain Handling 3: DISCONNECT 0x81")
    void retainHandlingThree() throws Exception {
        byte[] subscribe = packet(0x82, concat(u16(1), varint(0), string("a"), new byte[] {0x30}));
        EmbeddedMqttConnection c = connected5("c1").send(subscribe);
        List<Packet> in = c.received();
        assertThat(c.isClosed()).isTrue();
        // Netty may reject it first; either way nothing is subscribed and the answer, if any, is malformed
        assertThat(in).allSatisfy(p -> assertThat(p.body()[0] & 0xFF).isEqualTo(0x81));
        assertThat(broker.subscriptions().subscriptionCount()).isZero();
    }

    @Test
    @DisplayName("[MQTT-1.5.4-1] 3.1.1 PUBLISH topic with ill-formed UTF-8: close")
    void illFormedUtf8Topic() throws Exception {
        EmbeddedMqttConnection c = client().send(io.mqttee.testing.MqttPackets.connect("c1").build());
        c.received();
        byte[] topic = {0, 2, (byte) 0xC3, 0x28}; // 0xC3 must be followed by a continuation byte
        c.send(packet(0x30, concat(topic, "x".getBytes())));
        assertThat(c.received()).isEmpty();
        assertThat(c.isClosed()).isTrue();
    }

    @Test
    @DisplayName("[MQTT-1.5.4-2] 3.1.1 CONNECT client id with U+0000: close without session")
    void nulInClientId() throws Exception {
        EmbeddedMqttConnection c = client().send(io.mqttee.testing.MqttPackets.connect("a\u0000b").build());
        assertThat(c.received()).isEmpty();
        assertThat(c.isClosed()).isTrue();
        assertThat(broker.sessions()).isEmpty();
    }

    @Test
    @DisplayName("[MQTT-1.5.4-2] 3.1.1 SUBSCRIBE filter with U+0000: close")
    void nulInFilter() throws Exception {
        EmbeddedMqttConnection c = client().send(io.mqttee.testing.MqttPackets.connect("c1").build());
        c.received();
        c.send(io.mqttee.testing.MqttPackets.subscribe(1, "a\u0000", 0));
        assertThat(c.received()).isEmpty();
        assertThat(c.isClosed()).isTrue();
        assertThat(broker.subscriptions().subscriptionCount()).isZero();
    }
}
