package io.mqttee.robustness;

import io.mqttee.core.Metric;
import io.mqttee.testing.MqttPackets;
import io.mqttee.testing.TestBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static io.mqttee.robustness.Wire.Bytes;
import static io.mqttee.robustness.Wire.packet;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input against the live broker, MQTT 3.1.1 (level 4) and 5, one raw-bytes case per spec
 * statement. Each case checks the answer the specification requires (3.x: the connection is
 * closed; 5: CONNACK or DISCONNECT with the reason code, then close), that the broker counted it in
 * {@code client.protocol_error} (or, for packets that are answered and not fatal, that it did not),
 * and that a pair of clients connected all along still exchanges messages.
 *
 * <p>Complements, without repeating, the 3.1.1 handler tests in {@code MqttConnectionHandlerTest} /
 * {@code MqttPacketInspectorTest} (EmbeddedChannel) and the MQTT 5 cases in {@code ReasonCodesIT}.
 */
class BadInputIT {

    private static TestBroker server;
    private static Bystander bystander3;
    private static Bystander bystander5;
    private static LeakWatch leaks;
    private static int clients;

    @BeforeAll
    static void start() throws IOException {
        leaks = LeakWatch.install();
        server = TestBroker.start();
        bystander3 = new Bystander(server.port(), 4, "bystander3");
        bystander5 = new Bystander(server.port(), 5, "bystander5");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        try {
            bystander3.close();
            bystander5.close();
            server.close();
            leaks.assertNoLeaks();
        } finally {
            leaks.close();
        }
    }

    /** What the broker must do with a bad packet. */
    enum Answer {
        /** Close the connection; a CONNACK, if any, carries one of the codes (never success). */
        CLOSE,
        /** MQTT 5: DISCONNECT with one of the codes, then close. */
        DISCONNECT,
        /** A reply of {@code replyType} (with one of the codes as reason/SUBACK code, if codes are given); the connection stays. */
        REPLY,
        /** Nothing; the connection stays in sync (a PINGREQ gets its PINGRESP). */
        IGNORE
    }

    /**
     * @param spec        the statement and what is wrong
     * @param version     4 (3.1.1) or 5
     * @param connectFirst whether a valid CONNECT precedes the bad bytes
     * @param bytes       the bad packet(s)
     * @param answer      what the broker must do
     * @param replyType   for {@link Answer#REPLY}: the packet type expected
     * @param codes       accepted reason/return codes (empty: any)
     */
    record Case(String spec, int version, boolean connectFirst, byte[] bytes, Answer answer, int replyType,
                Set<Integer> codes) {
        @Override
        public String toString() {
            return "v" + (version == 4 ? "3.1.1" : "5") + " " + spec;
        }
    }

    private static Case closes(String spec, int version, byte[] bytes, Integer... connackCodes) {
        return new Case(spec, version, true, bytes, Answer.CLOSE, 0, Set.of(connackCodes));
    }

    private static Case closesBeforeConnect(String spec, int version, byte[] bytes, Integer... connackCodes) {
        return new Case(spec, version, false, bytes, Answer.CLOSE, 0, Set.of(connackCodes));
    }

    private static Case disconnects(String spec, byte[] bytes, Integer... reasonCodes) {
        return new Case(spec, 5, true, bytes, Answer.DISCONNECT, 0, Set.of(reasonCodes));
    }

    private static Case replies(String spec, int version, byte[] bytes, int replyType, Integer... codes) {
        return new Case(spec, version, true, bytes, Answer.REPLY, replyType, Set.of(codes));
    }

    private static Case ignored(String spec, int version, byte[] bytes) {
        return new Case(spec, version, true, bytes, Answer.IGNORE, 0, Set.of());
    }

    /** A v5 CONNECT built by hand so the client id bytes can be anything. */
    private static byte[] connect5RawId(byte[] clientId, int flags) {
        return packet(Wire.CONNECT << 4, new Bytes().string("MQTT").u8(5).u8(flags).u16(60).props(new byte[0])
                .binary(clientId).bytes());
    }

    private static byte[] connect4RawId(byte[] clientId) {
        return packet(Wire.CONNECT << 4, new Bytes().string("MQTT").u8(4).u8(0x02).u16(60).binary(clientId).bytes());
    }

    private static byte[] publishRawTopic(int version, byte[] topic) {
        Bytes b = new Bytes().binary(topic);
        if (version == 5) {
            b.props(new byte[0]);
        }
        return packet(Wire.PUBLISH << 4, b.raw("x".getBytes()).bytes());
    }

    private static byte[] subscribeOptions(int version, int id, String filter, int options, int flags) {
        Bytes b = new Bytes().u16(id);
        if (version == 5) {
            b.props(new byte[0]);
        }
        return packet(Wire.SUBSCRIBE << 4 | flags, b.string(filter).u8(options).bytes());
    }

    private static byte[] emptySubscribe(int version, int type) {
        Bytes b = new Bytes().u16(7);
        if (version == 5) {
            b.props(new byte[0]);
        }
        return packet(type << 4 | 0x02, b.bytes());
    }

    private static final byte[] ILL_FORMED_UTF8 = {'a', (byte) 0xC0, (byte) 0xAF}; // overlong "/"
    private static final byte[] WITH_NUL = {'a', 0, 'b'};

    static Stream<Case> cases() {
        return Stream.of(
                // ---- before or at CONNECT ----
                closesBeforeConnect("[MQTT-3.1.0-1] PUBLISH before CONNECT: close", 4,
                        MqttPackets.publish("t", "x", 0, false, false, 0)),
                closesBeforeConnect("[MQTT-3.1.0-1] SUBSCRIBE before CONNECT: close", 5,
                        Wire.subscribe(5, 1, "t", 0)),
                closesBeforeConnect("[MQTT-3.1.2-1] protocol name MQTX: close (CONNACK 0x84 allowed)", 5,
                        packet(Wire.CONNECT << 4, new Bytes().string("MQTX").u8(5).u8(2).u16(60).props(new byte[0])
                                .string("c").bytes()), 0x01, 0x84),
                closesBeforeConnect("[MQTT-3.1.2-3] CONNECT reserved flag bit 0 set: malformed, close", 5,
                        connect5RawId("resv".getBytes(), 0x03), 0x81),
                closesBeforeConnect("[MQTT-1.5.4-1] client id not well-formed UTF-8: CONNACK 0x81, close", 5,
                        connect5RawId(ILL_FORMED_UTF8, 0x02), 0x81),
                closesBeforeConnect("[MQTT-1.5.4-2] client id with U+0000: CONNACK 0x81, close", 5,
                        connect5RawId(WITH_NUL, 0x02), 0x81),
                closesBeforeConnect("[MQTT-1.5.3-1] client id not well-formed UTF-8: close", 4,
                        connect4RawId(ILL_FORMED_UTF8)),
                // Every UTF-8 string is checked by the packet inspector alone (the decoder does not
                // validate UTF-8 again), so each kind of string has its case here
                closesBeforeConnect("[MQTT-1.5.3-1] will topic not well-formed UTF-8: close", 4,
                        packet(Wire.CONNECT << 4, new Bytes().string("MQTT").u8(4).u8(0x06).u16(60).string("w")
                                .binary(ILL_FORMED_UTF8).string("m").bytes())),
                closesBeforeConnect("[MQTT-1.5.3-1] user name not well-formed UTF-8: close", 4,
                        packet(Wire.CONNECT << 4, new Bytes().string("MQTT").u8(4).u8(0x82).u16(60).string("u")
                                .binary(ILL_FORMED_UTF8).bytes())),
                closesBeforeConnect("[MQTT-1.5.4-1] user name not well-formed UTF-8: CONNACK 0x81, close", 5,
                        packet(Wire.CONNECT << 4, new Bytes().string("MQTT").u8(5).u8(0x82).u16(60).props(new byte[0])
                                .string("u").binary(ILL_FORMED_UTF8).bytes()), 0x81),
                closesBeforeConnect("[MQTT-2.2.3] remaining length of 5 bytes before CONNECT: close", 5,
                        new byte[] {0x10, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01}),
                // ---- after CONNECT: the packet framing ----
                closes("[MQTT-2.2.3] remaining length of 5 bytes: close", 4,
                        new byte[] {0x30, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01}),
                disconnects("[MQTT 5.0 1.5.5] remaining length of 5 bytes: Malformed Packet 0x81",
                        new byte[] {0x30, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01}, 0x81),
                closes("[MQTT-1.5.3] string runs past the end of the packet (truncated SUBSCRIBE): close", 4,
                        new byte[] {(byte) 0x82, 0x05, 0x00, 0x01, 0x00, 0x09, 'a'}),
                disconnects("[MQTT 5.0 4.13] string runs past the end of the packet (truncated SUBSCRIBE): 0x81",
                        new byte[] {(byte) 0x82, 0x06, 0x00, 0x01, 0x00, 0x00, 0x09, 'a'}, 0x81),
                closes("[MQTT-3.12.4] PINGREQ with a payload byte: close", 4, new byte[] {(byte) 0xC0, 0x01, 0x00}),
                disconnects("[MQTT 5.0 3.12] PINGREQ with a payload byte: Malformed Packet 0x81",
                        new byte[] {(byte) 0xC0, 0x01, 0x00}, 0x81),
                disconnects("[MQTT-3.8.1-1] SUBSCRIBE with flags 0000: Malformed Packet 0x81",
                        subscribeOptions(5, 1, "t", 0, 0x00), 0x81),
                disconnects("[MQTT-3.10.1-1] UNSUBSCRIBE with flags 0000: Malformed Packet 0x81",
                        packet(Wire.UNSUBSCRIBE << 4, new Bytes().u16(1).props(new byte[0]).string("t").bytes()), 0x81),
                disconnects("[MQTT-3.6.1-1] PUBREL with flags 0000: Malformed Packet 0x81",
                        packet(Wire.PUBREL << 4, MqttPackets.u16(1)), 0x81),
                disconnects("[MQTT-3.1.0-2] server-only packet (CONNACK) from a client: 0x82 Protocol Error",
                        new byte[] {0x20, 0x03, 0x00, 0x00, 0x00}, 0x81, 0x82),
                closes("[MQTT-3.1.0-2] second CONNECT: close", 4, Wire.connectPacket(4, "again", true, 60)),
                // ---- strings and topics ----
                disconnects("[MQTT-1.5.4-1] PUBLISH topic not well-formed UTF-8: 0x81",
                        publishRawTopic(5, ILL_FORMED_UTF8), 0x81),
                disconnects("[MQTT-1.5.4-2] PUBLISH topic with U+0000: 0x81", publishRawTopic(5, WITH_NUL), 0x81),
                closes("[MQTT-3.3.2-2] PUBLISH topic with + wildcard: close", 4,
                        Wire.publish(4, "a/+", "x", 0, 0)),
                disconnects("[MQTT-3.3.2-2] PUBLISH topic with # wildcard: 0x81 (codec) or 0x90 Topic Name invalid",
                        Wire.publish(5, "a/#", "x", 0, 0), 0x81, 0x90),
                closes("[MQTT-4.7.1-3] SUBSCRIBE filter a+ (+ not a whole level): close", 4,
                        Wire.subscribe(4, 1, "a+", 0)),
                replies("[MQTT-4.7.1-1] SUBSCRIBE filter a/#/b (# not last): SUBACK 0x8F", 5,
                        Wire.subscribe(5, 1, "a/#/b", 0), Wire.SUBACK, 0x8F),
                replies("[MQTT-4.7.1-3] SUBSCRIBE filter a+: SUBACK 0x8F", 5,
                        Wire.subscribe(5, 1, "a+", 0), Wire.SUBACK, 0x8F),
                closes("[MQTT-1.5.4-2] UNSUBSCRIBE filter with U+0000: close", 4,
                        packet(Wire.UNSUBSCRIBE << 4 | 2, new Bytes().u16(1).binary(WITH_NUL).bytes())),
                closes("[MQTT-1.5.3-1] SUBSCRIBE filter not well-formed UTF-8: close", 4,
                        packet(Wire.SUBSCRIBE << 4 | 2, new Bytes().u16(1).binary(ILL_FORMED_UTF8).u8(0).bytes())),
                disconnects("[MQTT-1.5.4-1] User Property value not well-formed UTF-8 on PUBLISH: 0x81",
                        packet(Wire.PUBLISH << 4, new Bytes().string("t")
                                .props(new Bytes().u8(0x26).string("k").binary(ILL_FORMED_UTF8).bytes())
                                .raw("x".getBytes()).bytes()), 0x81),
                // ---- empty SUBSCRIBE / UNSUBSCRIBE, packet identifiers, QoS ----
                disconnects("[MQTT-3.8.3-2] SUBSCRIBE without topic filters: 0x82 Protocol Error",
                        emptySubscribe(5, Wire.SUBSCRIBE), 0x82),
                disconnects("[MQTT-3.10.3-2] UNSUBSCRIBE without topic filters: 0x82 Protocol Error",
                        emptySubscribe(5, Wire.UNSUBSCRIBE), 0x82),
                disconnects("[MQTT-2.2.1-3] PUBLISH QoS 1 with packet identifier 0: 0x81 or 0x82",
                        Wire.publish(5, "t", "x", 1, 0), 0x81, 0x82),
                disconnects("[MQTT-2.2.1-3] SUBSCRIBE with packet identifier 0: 0x81 or 0x82",
                        Wire.subscribe(5, 0, "t", 0), 0x81, 0x82),
                closes("[MQTT-2.3.1-1] UNSUBSCRIBE with packet identifier 0: close", 4,
                        Wire.unsubscribe(4, 0, "t")),
                disconnects("[MQTT-2.2.1-3] UNSUBSCRIBE with packet identifier 0: 0x81 or 0x82",
                        Wire.unsubscribe(5, 0, "t"), 0x81, 0x82),
                disconnects("[MQTT-3.3.1-4] PUBLISH with QoS bits 11: Malformed Packet 0x81",
                        packet(Wire.PUBLISH << 4 | 0x06, new Bytes().string("t").u16(1).props(new byte[0]).bytes()), 0x81),
                disconnects("[MQTT 5.0 3.8.3.1] SUBSCRIBE Maximum QoS 3: 0x81 or 0x82",
                        Wire.subscribe(5, 1, "t", 3), 0x81, 0x82),
                // ---- acknowledgements for identifiers the server does not know ----
                ignored("[MQTT-4.3.2] PUBACK for an unknown packet identifier: ignored", 4, Wire.ack(Wire.PUBACK, 77)),
                ignored("[MQTT 5.0 4.3.2] PUBACK for an unknown packet identifier: ignored", 5, Wire.ack(Wire.PUBACK, 77)),
                ignored("[MQTT 5.0 4.3.3] PUBCOMP for an unknown packet identifier: ignored", 5,
                        Wire.ack(Wire.PUBCOMP, 78)),
                replies("[MQTT-4.3.3-2] PUBREL for an unknown packet identifier: PUBCOMP", 4,
                        Wire.ack(Wire.PUBREL, 79), Wire.PUBCOMP));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInput(Case c) throws Exception {
        long before = server.broker().counters().get(Metric.CLIENT_PROTOCOL_ERROR);
        Wire w = new Wire(server.port(), c.version());
        try {
            if (c.connectFirst()) {
                assertThat(w.connect("bad-" + ++clients, true).connackCode()).isZero();
            }
            w.send(c.bytes());
            switch (c.answer()) {
                case CLOSE -> {
                    List<Wire.Frame> sent = w.awaitClose();
                    for (Wire.Frame f : sent) {
                        assertThat(f.type()).as("only a refusing CONNACK may come before the close: %s", f)
                                .isEqualTo(Wire.CONNACK);
                        assertThat(f.connackCode()).as("CONNACK code").isIn(c.codes());
                    }
                }
                case DISCONNECT -> {
                    List<Wire.Frame> sent = w.awaitClose();
                    assertThat(sent).as("exactly a DISCONNECT before the close").hasSize(1);
                    assertThat(sent.get(0).type()).isEqualTo(Wire.DISCONNECT);
                    assertThat(sent.get(0).reasonCode()).as("DISCONNECT reason code").isIn(c.codes());
                }
                case REPLY -> {
                    Wire.Frame reply = w.expect(c.replyType());
                    if (!c.codes().isEmpty()) {
                        int code = reply.type() == Wire.SUBACK ? reply.subackCodes()[0] : reply.reasonCode();
                        assertThat(code).as("code in %s", reply).isIn(c.codes());
                    }
                    w.ping();
                }
                case IGNORE -> w.ping();
            }
        } finally {
            w.close();
        }
        boolean fatal = c.answer() == Answer.CLOSE || c.answer() == Answer.DISCONNECT;
        if (fatal) {
            TestBroker.await("client.protocol_error counted", () ->
                    server.broker().counters().get(Metric.CLIENT_PROTOCOL_ERROR) == before + 1);
        } else {
            assertThat(server.broker().counters().get(Metric.CLIENT_PROTOCOL_ERROR)).isEqualTo(before);
        }
        bystander3.assertWorks();
        bystander5.assertWorks();
    }

    static String hex(byte[] b) {
        return Arrays.toString(b);
    }
}
