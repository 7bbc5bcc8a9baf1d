package io.mqttee.protocol;

import io.mqttee.config.BrokerConfig;
import io.mqttee.config.ListenerConfig;
import io.mqttee.core.Broker;
import io.mqttee.core.Metric;
import io.mqttee.core.Session;
import io.mqttee.testing.ListenerConfigBuilder;
import io.mqttee.testing.MqttPackets;
import io.mqttee.testing.MutableClock;
import io.mqttee.testing.Packet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.mqttee.testing.MqttPackets.CONNACK;
import static io.mqttee.testing.MqttPackets.PINGRESP;
import static io.mqttee.testing.MqttPackets.PUBACK;
import static io.mqttee.testing.MqttPackets.PUBCOMP;
import static io.mqttee.testing.MqttPackets.PUBLISH;
import static io.mqttee.testing.MqttPackets.PUBREC;
import static io.mqttee.testing.MqttPackets.SUBACK;
import static io.mqttee.testing.MqttPackets.UNSUBACK;
import static io.mqttee.testing.MqttPackets.concat;
import static io.mqttee.testing.MqttPackets.connect;
import static io.mqttee.testing.MqttPackets.packet;
import static io.mqttee.testing.MqttPackets.publish;
import static io.mqttee.testing.MqttPackets.string;
import static io.mqttee.testing.MqttPackets.subscribe;
import static io.mqttee.testing.MqttPackets.u16;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The per-connection protocol rules, driven with raw bytes through the real decoder, encoder and
 * {@link MqttConnectionHandler} on an EmbeddedChannel.
 */
class MqttConnectionHandlerTest {

    private final MutableClock clock = new MutableClock();
    private final List<EmbeddedMqttConnection> open = new ArrayList<>();
    private ListenerConfig listener = ListenerConfigBuilder.listener().build();
    private Broker broker = new Broker(new BrokerConfig(1, List.of(listener)), clock);

    private void limits(ListenerConfigBuilder b) {
        listener = b.build();
        broker = new Broker(new BrokerConfig(1, List.of(listener)), clock);
    }

    private EmbeddedMqttConnection client() throws Exception {
        EmbeddedMqttConnection c = new EmbeddedMqttConnection(broker, listener);
        open.add(c);
        return c;
    }

    /** A client that has connected (3.1.1, clean session, keepalive 60). */
    private EmbeddedMqttConnection connected(String clientId) throws Exception {
        EmbeddedMqttConnection c = client().send(connect(clientId).build());
        List<Packet> in = c.received();
        assertThat(in).hasSize(1);
        assertThat(in.get(0).type()).isEqualTo(CONNACK);
        assertThat(in.get(0).returnCode()).isZero();
        return c;
    }

    @AfterEach
    void closeChannels() {
        open.forEach(EmbeddedMqttConnection::close);
    }

    private static void assertClosedWithoutResponse(EmbeddedMqttConnection c) {
        assertThat(c.received()).isEmpty();
        assertThat(c.isClosed()).as("connection closed").isTrue();
    }

    private static void assertRefused(EmbeddedMqttConnection c, int returnCode) {
        List<Packet> in = c.received();
        assertThat(in).hasSize(1);
        assertThat(in.get(0).type()).isEqualTo(CONNACK);
        assertThat(in.get(0).returnCode()).isEqualTo(returnCode);
        assertThat(in.get(0).sessionPresent()).isFalse(); // [MQTT-3.2.2-4]
        assertThat(c.isClosed()).as("closed after the refusing CONNACK [MQTT-3.2.2-5]").isTrue();
    }

    // ---- CONNECT ----

    @Test
    @DisplayName("[MQTT-3.2.2-1] CONNECT 3.1.1 clean session: CONNACK 0x00, session present 0")
    void connect311() throws Exception {
        EmbeddedMqttConnection c = client().send(connect("c1").build());
        List<Packet> in = c.received();
        assertThat(in).hasSize(1);
        assertThat(in.get(0).returnCode()).isZero();
        assertThat(in.get(0).sessionPresent()).isFalse();
        assertThat(c.isClosed()).isFalse();
        assertThat(broker.session("c1")).isPresent();
        assertThat(broker.counters().get(Metric.CLIENT_CONNECT)).isEqualTo(1);
        assertThat(broker.counters().get(Metric.CLIENT_CONNACK)).isEqualTo(1);
    }

    @Test
    @DisplayName("MQTT 3.1 (MQIsdp, level 3) CONNECT is accepted")
    void connect31() throws Exception {
        EmbeddedMqttConnection c = client().send(connect("c31").v31().build());
        List<Packet> in = c.received();
        assertThat(in).hasSize(1);
        assertThat(in.get(0).returnCode()).isZero();
        assertThat(broker.session("c31").map(s -> s.connectionInfo().protocolVersion())).contains(3);
    }

    @Test
    @DisplayName("[MQTT-3.2.2-2] persistent session resumed: session present 1")
    void sessionPresent() throws Exception {
        EmbeddedMqttConnection c = client().send(connect("p").clean(false).build());
        assertThat(c.received().get(0).sessionPresent()).isFalse(); // [MQTT-3.2.2-3]
        c.send(MqttPackets.disconnect());
        assertThat(c.isClosed()).isTrue();

        EmbeddedMqttConnection again = client().send(connect("p").clean(false).build());
        assertThat(again.received().get(0).sessionPresent()).isTrue();
    }

    static Stream<Arguments> unsupportedLevels() {
        return Stream.of(arguments("MQTT", 3), arguments("MQTT", 6), arguments("MQIsdp", 4), arguments("MQTT", 0));
    }

    @ParameterizedTest(name = "[MQTT-3.1.2-2] protocol {0} level {1}: CONNACK 0x01 and close")
    @MethodSource("unsupportedLevels")
    void unsupportedProtocolLevel(String name, int level) throws Exception {
        EmbeddedMqttConnection c = client().send(connect("c1").protocol(name, level).build());
        assertRefused(c, 0x01);
        assertThat(broker.sessions()).isEmpty();
    }

    @Test
    @DisplayName("[MQTT-3.1.2-1] unknown protocol name: close (a CONNACK 0x01 is also allowed)")
    void unknownProtocolName() throws Exception {
        EmbeddedMqttConnection c = client().send(connect("c1").protocol("HTTP", 4).build());
        List<Packet> in = c.received();
        assertThat(c.isClosed()).isTrue();
        assertThat(in).allSatisfy(p -> assertThat(p.returnCode()).isNotZero());
        assertThat(broker.sessions()).isEmpty();
    }

    @Test
    @DisplayName("[MQTT-3.1.3-8] empty client id without clean session: CONNACK 0x02 and close")
    void emptyClientIdWithoutCleanSession() throws Exception {
        EmbeddedMqttConnection c = client().send(connect("").clean(false).build());
        assertRefused(c, 0x02);
        assertThat(broker.sessions()).isEmpty();
    }

    @Test
    @DisplayName("[MQTT-3.1.3-6] empty client id with clean session: accepted with an assigned id")
    void emptyClientIdWithCleanSession() throws Exception {
        EmbeddedMqttConnection c = client().send(connect("").clean(true).build());
        assertThat(c.received()).singleElement().satisfies(p -> assertThat(p.returnCode()).isZero());
        assertThat(broker.sessions()).singleElement()
                .satisfies(s -> assertThat(s.clientId()).startsWith(MqttConnectionHandler.ASSIGNED_ID_PREFIX)
                        .hasSizeGreaterThan(MqttConnectionHandler.ASSIGNED_ID_PREFIX.length()));
    }

    @Test
    @DisplayName("[MQTT-3.1.3-5] client id longer than max_clientid_len: CONNACK 0x02 and close")
    void clientIdTooLong() throws Exception {
        limits(ListenerConfigBuilder.listener().maxClientIdLen(8));
        EmbeddedMqttConnection ok = client().send(connect("12345678").build());
        assertThat(ok.received().get(0).returnCode()).isZero();
        EmbeddedMqttConnection c = client().send(connect("123456789").build());
        assertRefused(c, 0x02);
    }

    @Test
    @DisplayName("[MQTT-3.1.2-3] CONNECT reserved flag set: close without CONNACK")
    void connectReservedFlag() throws Exception {
        assertClosedWithoutResponse(client().send(connect("c1").flags(0x03).build()));
        assertThat(broker.sessions()).isEmpty();
    }

    @Test
    @DisplayName("[MQTT-3.1.2-13] will flag 0 but will QoS 1: close")
    void willQosWithoutWillFlag() throws Exception {
        assertClosedWithoutResponse(client().send(connect("c1").flags(0x02 | 0x08).build()));
        assertThat(broker.sessions()).isEmpty();
    }

    @Test
    @DisplayName("[MQTT-3.1.2-15] will flag 0 but will retain 1: close")
    void willRetainWithoutWillFlag() throws Exception {
        assertClosedWithoutResponse(client().send(connect("c1").flags(0x02 | 0x20).build()));
        assertThat(broker.sessions()).isEmpty();
    }

    @Test
    @DisplayName("[MQTT-3.1.2-14] will QoS 3: close")
    void willQos3() throws Exception {
        byte[] bytes = connect("c1").will("w", "x", 1, false).build();
        bytes[9] |= 0x18; // connect flags byte: will QoS bits 11
        assertClosedWithoutResponse(client().send(bytes));
        assertThat(broker.sessions()).isEmpty();
    }

    @Test
    @DisplayName("[MQTT-3.1.2-22] password flag without user name flag (3.1.1): close")
    void passwordWithoutUsername() throws Exception {
        assertClosedWithoutResponse(client().send(connect("c1").password("secret").build()));
        assertThat(broker.sessions()).isEmpty();
    }

    @Test
    @DisplayName("[MQTT-3.1.3-10] will topic with a wildcard: close")
    void willTopicWithWildcard() throws Exception {
        assertClosedWithoutResponse(client().send(connect("c1").will("w/#", "x", 0, false).build()));
        assertThat(broker.sessions()).isEmpty();
    }

    @Test
    @DisplayName("[MQTT-3.1.0-1] first packet not CONNECT: close")
    void firstPacketNotConnect() throws Exception {
        assertClosedWithoutResponse(client().send(MqttPackets.pingreq()));
        assertClosedWithoutResponse(client().send(publish("a", "x", 0, false, false, 0)));
        assertClosedWithoutResponse(client().send(subscribe(1, "a", 0)));
        assertThat(broker.sessions()).isEmpty();
    }

    @Test
    @DisplayName("[MQTT-3.1.0-2] second CONNECT: close")
    void secondConnect() throws Exception {
        EmbeddedMqttConnection c = connected("c1");
        c.send(connect("c1").build());
        assertClosedWithoutResponse(c);
    }

    @Test
    @DisplayName("keepalive above max_keepalive: refused (CONNACK 0x02)")
    void keepaliveAboveMax() throws Exception {
        limits(ListenerConfigBuilder.listener().maxKeepalive(100));
        assertRefused(client().send(connect("c1").keepalive(101).build()), 0x02);
    }

    @Test
    @DisplayName("keepalive 0 with allow_zero_keepalive=false: refused (CONNACK 0x02)")
    void zeroKeepaliveRefused() throws Exception {
        limits(ListenerConfigBuilder.listener().allowZeroKeepalive(false));
        assertRefused(client().send(connect("c1").keepalive(0).build()), 0x02);
    }

    @Test
    @DisplayName("allow_anonymous=false without authentication: CONNACK 0x05 not authorized")
    void anonymousRefused() throws Exception {
        limits(ListenerConfigBuilder.listener().allowAnonymous(false));
        assertRefused(client().send(connect("c1").build()), 0x05);
        assertThat(broker.sessions()).isEmpty();
    }

    // ---- PUBLISH ----

    @Test
    @DisplayName("[MQTT-3.3.2-2] PUBLISH with a wildcard in the topic name: close")
    void publishWildcardTopic() throws Exception {
        assertClosedWithoutResponse(connected("c1").send(publish("a/+", "x", 0, false, false, 0)));
        assertClosedWithoutResponse(connected("c2").send(publish("a/#", "x", 1, false, false, 1)));
    }

    @Test
    @DisplayName("[MQTT-4.7.3-1] PUBLISH with an empty topic name: close")
    void publishEmptyTopic() throws Exception {
        assertClosedWithoutResponse(connected("c1").send(publish("", "x", 0, false, false, 0)));
    }

    @Test
    @DisplayName("[MQTT-4.7.3-2] PUBLISH with U+0000 in the topic name: close")
    void publishNulInTopic() throws Exception {
        assertClosedWithoutResponse(connected("c1").send(publish("a\u0000b", "x", 0, false, false, 0)));
    }

    @Test
    @DisplayName("[MQTT-1.5.3-1] PUBLISH with ill-formed UTF-8 in the topic name: close")
    void publishInvalidUtf8Topic() throws Exception {
        byte[] topic = {'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80}; // encoded surrogate U+D800
        byte[] bytes = packet(PUBLISH << 4, concat(u16(topic.length), topic, "x".getBytes()));
        assertClosedWithoutResponse(connected("c1").send(bytes));
    }

    @Test
    @DisplayName("[MQTT-3.3.1-4] PUBLISH with QoS 3: close")
    void publishQos3() throws Exception {
        byte[] bytes = packet(PUBLISH << 4 | 0x06, concat(string("a"), u16(1), "x".getBytes()));
        assertClosedWithoutResponse(connected("c1").send(bytes));
    }

    @Test
    @DisplayName("[MQTT-3.3.1-2] PUBLISH QoS 0 with DUP set: close")
    void publishQos0Dup() throws Exception {
        assertClosedWithoutResponse(connected("c1").send(publish("a", "x", 0, false, true, 0)));
    }

    @Test
    @DisplayName("[MQTT-2.3.1-1] PUBLISH QoS 1 with packet identifier 0: close")
    void publishPacketIdZero() throws Exception {
        assertClosedWithoutResponse(connected("c1").send(publish("a", "x", 1, false, false, 0)));
        assertClosedWithoutResponse(connected("c2").send(publish("a", "x", 2, false, false, 0)));
    }

    @Test
    @DisplayName("PUBLISH with QoS above max_qos_allowed: close")
    void publishAboveMaxQos() throws Exception {
        limits(ListenerConfigBuilder.listener().maxQosAllowed(1));
        assertClosedWithoutResponse(connected("c1").send(publish("a", "x", 2, false, false, 1)));
    }

    @Test
    @DisplayName("[MQTT-3.3.4-1, MQTT-2.3.1-6] PUBLISH QoS 1: PUBACK with the same packet identifier")
    void publishQos1Acked() throws Exception {
        EmbeddedMqttConnection c = connected("c1").send(publish("a", "x", 1, false, false, 300));
        List<Packet> in = c.received();
        assertThat(in).hasSize(1);
        assertThat(in.get(0).type()).isEqualTo(PUBACK);
        assertThat(in.get(0).packetId()).isEqualTo(300);
        assertThat(broker.counters().get(Metric.MESSAGES_PUBLISH)).isEqualTo(1);
    }

    @Test
    @DisplayName("[MQTT-4.3.3-2] PUBLISH QoS 2 re-sent before PUBREL: PUBREC again, routed once; PUBREL gets PUBCOMP")
    void publishQos2ExactlyOnce() throws Exception {
        EmbeddedMqttConnection sub = connected("sub");
        sub.send(subscribe(1, "a", 2));
        assertThat(sub.received()).extracting(Packet::type).containsExactly(SUBACK);

        EmbeddedMqttConnection c = connected("c1");
        c.send(publish("a", "x", 2, false, false, 7));
        c.send(publish("a", "x", 2, false, true, 7));
        assertThat(c.received()).extracting(Packet::type, Packet::packetId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(PUBREC, 7),
                        org.assertj.core.groups.Tuple.tuple(PUBREC, 7));
        c.send(MqttPackets.pubrel(7));
        assertThat(c.received()).extracting(Packet::type, Packet::packetId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(PUBCOMP, 7));

        assertThat(sub.received()).extracting(Packet::type).containsExactly(PUBLISH);
        assertThat(broker.counters().get(Metric.MESSAGES_PUBLISH)).isEqualTo(1);
    }

    @Test
    @DisplayName("client.publish.check.acl counts each PUBLISH that passed validation, refused ones not")
    void publishCountsTheAclCheck() throws Exception {
        EmbeddedMqttConnection c = connected("c1").send(publish("a", "x", 1, false, false, 1));
        c.send(publish("b", "y", 0, false, false, 0));
        assertThat(broker.counters().get(Metric.CLIENT_PUBLISH_CHECK_ACL)).isEqualTo(2);
        assertClosedWithoutResponse(connected("c2").send(publish("a/+", "x", 0, false, false, 0)));
        assertThat(broker.counters().get(Metric.CLIENT_PUBLISH_CHECK_ACL)).isEqualTo(2);
    }

    @Test
    @DisplayName("client.subscribe.check.acl counts each valid filter of a SUBSCRIBE")
    void subscribeCountsTheAclCheckPerFilter() throws Exception {
        connected("c1").send(subscribe(42, "a", 0, "b/+", 1, "c/#", 2));
        assertThat(broker.counters().get(Metric.CLIENT_SUBSCRIBE_CHECK_ACL)).isEqualTo(3);
    }

    // ---- SUBSCRIBE / UNSUBSCRIBE ----

    @Test
    @DisplayName("[MQTT-3.8.4-1, MQTT-3.8.4-2, MQTT-3.8.4-5] SUBSCRIBE: SUBACK with the same id and one code per filter")
    void subscribeAcked() throws Exception {
        EmbeddedMqttConnection c = connected("c1").send(subscribe(42, "a", 0, "b/+", 1, "c/#", 2));
        List<Packet> in = c.received();
        assertThat(in).hasSize(1);
        assertThat(in.get(0).type()).isEqualTo(SUBACK);
        assertThat(in.get(0).packetId()).isEqualTo(42);
        assertThat(in.get(0).grantedQos()).containsExactly(0, 1, 2);
    }

    @Test
    @DisplayName("[MQTT-3.8.3-3] SUBSCRIBE without topic filters: close")
    void subscribeWithoutFilters() throws Exception {
        assertClosedWithoutResponse(connected("c1").send(packet(MqttPackets.SUBSCRIBE << 4 | 0x02, u16(1))));
    }

    @Test
    @DisplayName("[MQTT-2.3.1-1] SUBSCRIBE with packet identifier 0: close")
    void subscribePacketIdZero() throws Exception {
        assertClosedWithoutResponse(connected("c1").send(subscribe(0, "a", 0)));
    }

    @Test
    @DisplayName("[MQTT-4.7.1-2] SUBSCRIBE to invalid filter a/#/b: close")
    void subscribeInvalidFilter() throws Exception {
        assertClosedWithoutResponse(connected("c1").send(subscribe(1, "a/#/b", 0)));
        assertClosedWithoutResponse(connected("c2").send(subscribe(1, "a+", 0)));
        assertThat(broker.subscriptions().subscriptionCount()).isZero();
    }

    @Test
    @DisplayName("[MQTT-3-8.3-4] SUBSCRIBE requesting QoS 3: close")
    void subscribeQos3() throws Exception {
        assertClosedWithoutResponse(connected("c1").send(subscribe(1, "a", 3)));
    }

    @Test
    @DisplayName("[MQTT-3-8.3-4] SUBSCRIBE with reserved bits set in the requested QoS byte: close")
    void subscribeReservedQosBits() throws Exception {
        assertClosedWithoutResponse(connected("c1").send(subscribe(1, "a", 0x05)));
    }

    @Test
    @DisplayName("[MQTT-3-8.3-4] SUBSCRIBE with reserved bit 6 or 7 set in the requested QoS byte: close")
    void subscribeReservedHighQosBits() throws Exception {
        assertClosedWithoutResponse(connected("c1").send(subscribe(1, "a", 0x41)));
        assertClosedWithoutResponse(connected("c2").send(subscribe(1, "a", 0x80)));
    }

    @Test
    @DisplayName("[MQTT-3.10.4-4, MQTT-3.10.4-5] UNSUBSCRIBE: UNSUBACK with the same id, even for unknown filters")
    void unsubscribeAcked() throws Exception {
        EmbeddedMqttConnection c = connected("c1").send(subscribe(1, "a", 1));
        c.received();
        c.send(MqttPackets.unsubscribe(9, "a", "never"));
        List<Packet> in = c.received();
        assertThat(in).extracting(Packet::type, Packet::packetId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(UNSUBACK, 9));
        assertThat(broker.subscriptions().subscriptionCount()).isZero();
    }

    @Test
    @DisplayName("[MQTT-3.10.3-2] UNSUBSCRIBE without topic filters: close")
    void unsubscribeWithoutFilters() throws Exception {
        assertClosedWithoutResponse(connected("c1").send(packet(MqttPackets.UNSUBSCRIBE << 4 | 0x02, u16(1))));
    }

    // ---- fixed header flags ----

    static Stream<Arguments> reservedFlags() {
        return Stream.of(
                arguments("[MQTT-3.8.1-1] SUBSCRIBE flags 0000", packet(MqttPackets.SUBSCRIBE << 4,
                        concat(u16(1), string("a"), new byte[] {0}))),
                arguments("[MQTT-3.10.1-1] UNSUBSCRIBE flags 0000", packet(MqttPackets.UNSUBSCRIBE << 4,
                        concat(u16(1), string("a")))),
                arguments("[MQTT-3.6.1-1] PUBREL flags 0000", packet(MqttPackets.PUBREL << 4, u16(1))),
                arguments("[MQTT-2.2.2-2] PINGREQ flags 0001", new byte[] {(byte) (MqttPackets.PINGREQ << 4 | 1), 0}),
                arguments("[MQTT-2.2.2-2] PUBACK flags 0010", packet(PUBACK << 4 | 2, u16(1))),
                arguments("[MQTT-2.2.2-2] DISCONNECT flags 1000", new byte[] {(byte) (MqttPackets.DISCONNECT << 4 | 8), 0}));
    }

    @ParameterizedTest(name = "{0}: close")
    @MethodSource("reservedFlags")
    void reservedFixedHeaderFlags(String what, byte[] bytes) throws Exception {
        assertClosedWithoutResponse(connected("c1").send(bytes));
    }

    @Test
    @DisplayName("[MQTT-2.2.2-2] reserved flags on CONNECT's fixed header: close")
    void connectFixedHeaderFlags() throws Exception {
        byte[] bytes = connect("c1").build();
        bytes[0] |= 0x01;
        assertClosedWithoutResponse(client().send(bytes));
    }

    @Test
    @DisplayName("a client sends a server-only packet (CONNACK, SUBACK): close")
    void serverOnlyPacket() throws Exception {
        assertClosedWithoutResponse(connected("c1").send(packet(CONNACK << 4, new byte[] {0, 0})));
        assertClosedWithoutResponse(connected("c2").send(packet(SUBACK << 4, concat(u16(1), new byte[] {0}))));
    }

    @Test
    @DisplayName("[MQTT-2.2] reserved packet type 0 / 15: close")
    void reservedPacketType() throws Exception {
        assertClosedWithoutResponse(connected("c1").send(new byte[] {0x00, 0}));
        assertClosedWithoutResponse(connected("c2").send(new byte[] {(byte) 0xF0, 0}));
    }

    // ---- size ----

    @Test
    @DisplayName("packet over max_packet_size: close; a packet at the limit passes")
    void oversizePacket() throws Exception {
        limits(ListenerConfigBuilder.listener().maxPacketSize(100));
        EmbeddedMqttConnection c = connected("c1");
        // 2-byte fixed header + 2 + 1 topic + 2 id + payload
        byte[] atLimit = publish("a", "x".repeat(100 - 7), 1, false, false, 1);
        assertThat(atLimit).hasSize(100);
        c.send(atLimit);
        assertThat(c.received()).extracting(Packet::type).containsExactly(PUBACK);

        byte[] over = publish("a", "x".repeat(200), 1, false, false, 2);
        // only the header of the oversize packet: the decoder must refuse it before the payload arrives
        c.send(java.util.Arrays.copyOf(over, 8));
        assertClosedWithoutResponse(c);
    }

    @Test
    @DisplayName("[MQTT-2.2.3] remaining length longer than 4 bytes: close")
    void malformedRemainingLength() throws Exception {
        assertClosedWithoutResponse(connected("c1").send(new byte[] {(byte) 0x30, (byte) 0xFF, (byte) 0xFF,
                (byte) 0xFF, (byte) 0xFF, 0x01}));
    }

    // ---- PINGREQ, DISCONNECT, timers ----

    @Test
    @DisplayName("[MQTT-3.12.4-1] PINGREQ: PINGRESP")
    void pingreq() throws Exception {
        EmbeddedMqttConnection c = connected("c1").send(MqttPackets.pingreq());
        assertThat(c.received()).extracting(Packet::type).containsExactly(PINGRESP);
        assertThat(c.isClosed()).isFalse();
    }

    @Test
    @DisplayName("[MQTT-3.14.4-1, MQTT-3.14.4-3] DISCONNECT: close, will discarded")
    void disconnectDiscardsWill() throws Exception {
        EmbeddedMqttConnection watcher = connected("watcher").send(subscribe(1, "will", 0));
        watcher.received();
        EmbeddedMqttConnection c = client().send(connect("c1").will("will", "bye", 0, false).build());
        c.received();
        c.send(MqttPackets.disconnect());
        assertThat(c.isClosed()).isTrue();
        assertThat(watcher.received()).isEmpty();
    }

    @Test
    @DisplayName("[MQTT-3.1.2-8] connection closed without DISCONNECT: will published")
    void abnormalCloseSendsWill() throws Exception {
        EmbeddedMqttConnection watcher = connected("watcher").send(subscribe(1, "will", 0));
        watcher.received();
        EmbeddedMqttConnection c = client().send(connect("c1").will("will", "bye", 0, false).build());
        c.received();
        c.channel.close();
        assertThat(watcher.received()).extracting(Packet::payloadString).containsExactly("bye");
    }

    @Test
    @DisplayName("[MQTT-3.1.2-24] no packet within 1.5 x keepalive: close, will published")
    void keepaliveTimeout() throws Exception {
        EmbeddedMqttConnection watcher = connected("watcher").send(subscribe(1, "will", 0));
        watcher.received();
        EmbeddedMqttConnection c = client().send(connect("c1").keepalive(10).will("will", "timeout", 0, false).build());
        assertThat(c.received()).extracting(Packet::type).containsExactly(CONNACK);

        c.advanceTime(14, TimeUnit.SECONDS);
        assertThat(c.isClosed()).as("still open before 1.5 x keepalive").isFalse();
        c.send(MqttPackets.pingreq()); // activity resets the timer
        c.advanceTime(14, TimeUnit.SECONDS);
        assertThat(c.isClosed()).as("still open 14 s after the PINGREQ").isFalse();
        c.advanceTime(2, TimeUnit.SECONDS);
        assertThat(c.isClosed()).as("closed 16 s after the last packet").isTrue();
        assertThat(watcher.received()).extracting(Packet::payloadString).containsExactly("timeout");
        assertThat(broker.session("c1").map(Session::disconnectedReason)).isEmpty(); // clean session ended
    }

    @Test
    @DisplayName("keepalive 0: the server never closes an idle connection [MQTT-3.1.2-10]")
    void keepaliveZero() throws Exception {
        EmbeddedMqttConnection c = client().send(connect("c1").keepalive(0).build());
        c.received();
        c.advanceTime(1, TimeUnit.HOURS);
        assertThat(c.isClosed()).isFalse();
    }

    @Test
    @DisplayName("[MQTT-3.1.0-1] no CONNECT within handshake_timeout: close")
    void handshakeTimeout() throws Exception {
        limits(ListenerConfigBuilder.listener().handshakeTimeout(Duration.ofSeconds(5)));
        EmbeddedMqttConnection c = client();
        c.advanceTime(4, TimeUnit.SECONDS);
        assertThat(c.isClosed()).isFalse();
        c.advanceTime(2, TimeUnit.SECONDS);
        assertClosedWithoutResponse(c);

        EmbeddedMqttConnection in = client().send(connect("c1").build());
        in.received();
        in.advanceTime(10, TimeUnit.SECONDS);
        assertThat(in.isClosed()).as("connected client not closed by the handshake timer").isFalse();
    }

    @Test
    @DisplayName("a protocol error leaves no session of a clean-session client behind")
    void protocolErrorEndsCleanSession() throws Exception {
        EmbeddedMqttConnection c = connected("c1").send(subscribe(1, "a", 1));
        c.received();
        c.send(publish("a/#", "x", 0, false, false, 0));
        assertThat(c.isClosed()).isTrue();
        assertThat(broker.session("c1")).isEmpty();
        assertThat(broker.subscriptions().subscriptionCount()).isZero();
    }
}
