package io.mqttee.mqtt5;

import io.mqttee.mqtt5.RawMqtt5Client.Packet;
import io.mqttee.mqtt5.RawMqtt5Client.Props;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static io.mqttee.mqtt5.RawMqtt5Client.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Reason codes on acknowledgements and on server DISCONNECT, checked byte by byte with the raw client. */
class ReasonCodesIT extends Mqtt5BrokerSupport {

    private static final byte[] NOT_UTF8 = {(byte) 0xC3, (byte) 0x28};

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- PUBACK / PUBREC / PUBREL / PUBCOMP ----

    @Test
    void qos1AndQos2ExchangesCarrySuccessReasonCodes() throws Exception {
        startBroker();
        RawMqtt5Client sub = rawConnected("sub");
        sub.send(subscribe(1, Props.none(), "rc/#", options(2, false, false, 0)));
        assertThat(sub.expect(SUBACK).codes).containsExactly(2);

        RawMqtt5Client c = rawConnected("pub");
        // [MQTT-4.3.2-2] PUBACK for QoS 1, reason 0x00 Success [MQTT 5.0 3.4.2.1]
        c.send(publish("rc/1", 1, false, 10, Props.none(), bytes("one")));
        Packet puback = c.expect(PUBACK);
        assertThat(puback.packetId).isEqualTo(10);
        assertThat(puback.reasonCode).isZero();
        // [MQTT-4.3.3-8..11] QoS 2 receiver: PUBREC, then PUBCOMP for the PUBREL, both Success
        c.send(publish("rc/2", 2, false, 11, Props.none(), bytes("two")));
        Packet pubrec = c.expect(PUBREC);
        assertThat(pubrec.packetId).isEqualTo(11);
        assertThat(pubrec.reasonCode).isZero();
        c.send(ack(PUBREL, 11, 0));
        Packet pubcomp = c.expect(PUBCOMP);
        assertThat(pubcomp.packetId).isEqualTo(11);
        assertThat(pubcomp.reasonCode).isZero();

        // the subscriber side of QoS 2: PUBLISH, PUBREC → PUBREL 0x00, PUBCOMP [MQTT-4.3.3-3..7]
        Packet p1 = sub.expect(PUBLISH);
        assertThat(p1.payloadString()).isEqualTo("one");
        sub.send(ack(PUBACK, p1.packetId, 0));
        Packet p2 = sub.expect(PUBLISH);
        assertThat(p2.qos()).isEqualTo(2);
        sub.send(ack(PUBREC, p2.packetId, 0));
        Packet pubrel = sub.expect(PUBREL);
        assertThat(pubrel.packetId).isEqualTo(p2.packetId);
        assertThat(pubrel.reasonCode).isZero();
        sub.send(ack(PUBCOMP, p2.packetId, 0));
        await("subscriber's window empty", () -> broker.session("sub").orElseThrow().inflightSize() == 0);
    }

    @Test
    void pubrelForUnknownPacketIdGetsPubcompPacketIdentifierNotFound() throws Exception {
        // [MQTT 5.0 3.7.2.1] PUBCOMP 0x92 Packet Identifier not found
        startBroker();
        RawMqtt5Client c = rawConnected("c");
        c.send(ack(PUBREL, 77, 0));
        Packet pubcomp = c.expect(PUBCOMP);
        assertThat(pubcomp.packetId).isEqualTo(77);
        assertThat(pubcomp.reasonCode).isEqualTo(0x92);
    }

    @Test
    void pubrecForUnknownPacketIdGetsPubrelPacketIdentifierNotFound() throws Exception {
        // [MQTT 5.0 3.6.2.1] PUBREL 0x92 Packet Identifier not found
        startBroker();
        RawMqtt5Client c = rawConnected("c");
        c.send(ack(PUBREC, 78, 0));
        Packet pubrel = c.expect(PUBREL);
        assertThat(pubrel.packetId).isEqualTo(78);
        assertThat(pubrel.reasonCode).isEqualTo(0x92);
        assertThat(pubrel.flags).isEqualTo(0x02); // [MQTT-3.6.1-1]
    }

    // ---- SUBACK / UNSUBACK ----

    @Test
    void subackHasOneReasonCodePerFilterInOrder() throws Exception {
        // [MQTT-3.9.3-1] one reason code per Topic Filter, in order; [MQTT-3.8.4-8] granted QoS may be lower
        startBroker(l -> l.maxQosAllowed(1).maxTopicLevels(3));
        RawMqtt5Client c = rawConnected("c");
        String[] filters = {"a/b", "a/#/b", "x/y", "sport+", "a/b/c/d", "$share/g/s/+"};
        int[] opts = {options(0, false, false, 0), options(1, false, false, 0), options(2, false, false, 0),
                options(0, false, false, 0), options(1, false, false, 0), options(2, false, false, 0)};
        c.send(subscribe(5, Props.none(), filters, opts));
        Packet suback = c.expect(SUBACK);
        assertThat(suback.packetId).isEqualTo(5); // [MQTT-3.8.4-2]
        // granted 0; 0x8F Topic Filter invalid; granted 1 (max); 0x8F; 0x8F refused (more levels than max_topic_levels); granted 1
        assertThat(suback.codes).containsExactly(0, 0x8F, 1, 0x8F, 0x8F, 1);
        assertThat(broker.session("c").orElseThrow().subscriptionCount()).isEqualTo(3);
    }

    @Test
    void unsubackSaysWhetherASubscriptionExisted() throws Exception {
        // [MQTT 5.0 3.11.3] UNSUBACK 0x00 Success / 0x11 No subscription existed, one per filter in order
        startBroker();
        RawMqtt5Client c = rawConnected("c");
        c.send(subscribe(1, Props.none(), "u/1", options(1, false, false, 0)));
        c.expect(SUBACK);
        c.send(unsubscribe(2, "u/1", "u/2", "u/1"));
        Packet unsuback = c.expect(UNSUBACK);
        assertThat(unsuback.packetId).isEqualTo(2); // [MQTT-3.10.4-4]
        assertThat(unsuback.codes).containsExactly(0x00, 0x11, 0x11);
    }

    // ---- server DISCONNECT ----

    @Test
    void sessionTakeOverDisconnectsTheOldConnectionWith0x8E() throws Exception {
        // [MQTT-3.1.4-3] the Server sends DISCONNECT 0x8E to the existing Client and closes it
        startBroker();
        RawMqtt5Client first = rawConnected("same");
        RawMqtt5Client second = rawConnected("same");
        Packet d = first.awaitDisconnect();
        assertThat(d).isNotNull();
        assertThat(d.reasonCode).isEqualTo(0x8E);
        second.send(pingreq());
        assertThat(second.expect(PINGRESP)).isNotNull();
    }

    @Test
    void keepAliveTimeoutDisconnectsWith0x8D() throws Exception {
        // [MQTT-3.1.2-22] no packet within 1.5 x Keep Alive: disconnect; 0x8D Keep Alive timeout [MQTT 5.0 3.14.2.1]
        startBroker();
        RawMqtt5Client c = raw();
        c.send(connect("ka", true, 1, Props.none(), null));
        c.expect(CONNACK);
        Packet d = c.awaitDisconnect();
        assertThat(d).isNotNull();
        assertThat(d.reasonCode).isEqualTo(0x8D);
    }

    @Test
    void serverShutdownDisconnectsWith0x8B() throws Exception {
        // [MQTT 5.0 3.14.2.1] 0x8B Server shutting down
        startBroker();
        RawMqtt5Client c = rawConnected("bye");
        server.stop(Duration.ofSeconds(5));
        Packet d = c.awaitDisconnect();
        assertThat(d).isNotNull();
        assertThat(d.reasonCode).isEqualTo(0x8B);
    }

    @Test
    void secondConnectIsAProtocolError() throws Exception {
        // [MQTT-3.1.0-2] a second CONNECT is a Protocol Error: DISCONNECT 0x82 [MQTT-4.13.1-1]
        startBroker();
        RawMqtt5Client c = rawConnected("twice");
        c.send(connect("twice", true, 60, Props.none(), null));
        assertDisconnect(c, 0x82);
    }

    @Test
    void subscriptionIdentifierFromAClientIsAProtocolError() throws Exception {
        // [MQTT-3.3.4-6] a PUBLISH from Client to Server MUST NOT contain a Subscription Identifier
        startBroker();
        RawMqtt5Client c = rawConnected("c");
        c.send(publish("t", 0, false, 0, Props.of().varInt(SUBSCRIPTION_IDENTIFIER, 3), bytes("x")));
        assertDisconnect(c, 0x82);
    }

    @Test
    void subscriptionIdentifierZeroIsAProtocolError() throws Exception {
        // [MQTT 5.0 3.8.2.1.2] Subscription Identifier 0 is a Protocol Error
        startBroker();
        RawMqtt5Client c = rawConnected("c");
        c.send(subscribe(1, Props.of().varInt(SUBSCRIPTION_IDENTIFIER, 0), "t", options(0, false, false, 0)));
        assertDisconnect(c, 0x82);
    }

    @Test
    void reservedFlagBitsAreMalformed() throws Exception {
        // [MQTT-2.1.3-1] reserved flags must be as specified, else Malformed Packet 0x81 [MQTT 5.0 4.13]
        startBroker();
        RawMqtt5Client c = rawConnected("c");
        c.send(new byte[] {(byte) (PINGREQ << 4 | 0x01), 0});
        assertDisconnect(c, 0x81);
    }

    @Test
    void publishWithQos3IsMalformed() throws Exception {
        // [MQTT-3.3.1-4] a PUBLISH MUST NOT have both QoS bits set: Malformed Packet
        startBroker();
        RawMqtt5Client c = rawConnected("c");
        byte[] p = publish("t", 1, false, 1, Props.none(), bytes("x"));
        p[0] = (byte) (PUBLISH << 4 | 0x06);
        c.send(p);
        assertDisconnect(c, 0x81);
    }

    @Test
    void moreUnacknowledgedQos2ThanReceiveMaximumIsDisconnectedWith0x93() throws Exception {
        // [MQTT 5.0 3.3.4] more unacknowledged QoS 2 PUBLISH than the Server's Receive Maximum (16):
        // DISCONNECT 0x93 Receive Maximum exceeded; [MQTT-3.3.4-7] the Client may not send more
        startBroker();
        RawMqtt5Client c = rawConnected("greedy");
        for (int id = 1; id <= 16; id++) {
            c.send(publish("q2", 2, false, id, Props.none(), bytes("m" + id)));
            assertThat(c.expect(PUBREC).reasonCode).isZero();
        }
        // a re-send of one still awaiting PUBREL is not a new one
        byte[] resend = publish("q2", 2, false, 16, Props.none(), bytes("m16"));
        resend[0] |= 0x08;
        c.send(resend);
        assertThat(c.expect(PUBREC).packetId).isEqualTo(16);
        // releasing one makes room for one more
        c.send(ack(PUBREL, 1, 0));
        assertThat(c.expect(PUBCOMP).reasonCode).isZero();
        c.send(publish("q2", 2, false, 17, Props.none(), bytes("m17")));
        assertThat(c.expect(PUBREC).packetId).isEqualTo(17);
        // now 16 again await release: the next new one exceeds Receive Maximum
        c.send(publish("q2", 2, false, 18, Props.none(), bytes("m18")));
        assertDisconnect(c, 0x93);
    }

    @Test
    void qosAboveMaximumQosIsDisconnectedWith0x9B() throws Exception {
        // [MQTT-3.2.2-11] PUBLISH with QoS above Maximum QoS: DISCONNECT 0x9B QoS not supported
        startBroker(l -> l.maxQosAllowed(1));
        RawMqtt5Client c = rawConnected("c");
        c.send(publish("t", 1, false, 1, Props.none(), bytes("ok")));
        assertThat(c.expect(PUBACK).reasonCode).isZero();
        c.send(publish("t", 2, false, 2, Props.none(), bytes("too high")));
        assertDisconnect(c, 0x9B);
    }

    // ---- Payload Format Indicator ----

    @Test
    void invalidUtf8WithFormatIndicatorAtQos0IsDisconnectedWith0x99() throws Exception {
        // [MQTT 5.0 3.3.2.3.2] Payload Format Indicator 1 with a payload that is not UTF-8: 0x99 Payload format invalid
        startBroker();
        RawMqtt5Client sub = rawConnected("sub");
        sub.send(subscribe(1, Props.none(), "pfi", options(1, false, false, 0)));
        sub.expect(SUBACK);
        RawMqtt5Client c = rawConnected("c");
        c.send(publish("pfi", 0, false, 0, Props.of().u8(PAYLOAD_FORMAT_INDICATOR, 1), NOT_UTF8));
        assertDisconnect(c, 0x99);
        // not forwarded: the subscriber's next packet is the PINGRESP
        sub.send(pingreq());
        assertThat(sub.read(TIMEOUT).type).isEqualTo(PINGRESP);
    }

    @Test
    void invalidUtf8WithFormatIndicatorAtQos1And2IsRefusedInTheAcknowledgement() throws Exception {
        // [MQTT 5.0 3.3.2.3.2, 3.4.2.1, 3.5.2.1] PUBACK / PUBREC 0x99; the connection stays
        startBroker();
        RawMqtt5Client sub = rawConnected("sub");
        sub.send(subscribe(1, Props.none(), "pfi", options(2, false, false, 0)));
        sub.expect(SUBACK);
        RawMqtt5Client c = rawConnected("c");
        c.send(publish("pfi", 1, false, 3, Props.of().u8(PAYLOAD_FORMAT_INDICATOR, 1), NOT_UTF8));
        Packet puback = c.expect(PUBACK);
        assertThat(puback.packetId).isEqualTo(3);
        assertThat(puback.reasonCode).isEqualTo(0x99);
        // a Reason String is allowed when Request Problem Information was not 0 [MQTT 5.0 3.4.2.2.2]
        assertThat(puback.has(REASON_STRING)).isTrue();
        c.send(publish("pfi", 2, false, 4, Props.of().u8(PAYLOAD_FORMAT_INDICATOR, 1), NOT_UTF8));
        Packet pubrec = c.expect(PUBREC);
        assertThat(pubrec.packetId).isEqualTo(4);
        assertThat(pubrec.reasonCode).isEqualTo(0x99);
        // valid UTF-8 with the indicator goes through, with the indicator
        c.send(publish("pfi", 1, false, 5, Props.of().u8(PAYLOAD_FORMAT_INDICATOR, 1), bytes("grüße")));
        assertThat(c.expect(PUBACK).reasonCode).isZero();
        Packet delivered = sub.expect(PUBLISH);
        assertThat(delivered.payloadString()).isEqualTo("grüße"); // the refused ones were not forwarded
        assertThat(delivered.prop(PAYLOAD_FORMAT_INDICATOR)).isEqualTo(1);
    }

    // ---- Request Problem Information ----

    @Test
    void noReasonStringOnAcknowledgementsWhenProblemInformationIsNotRequested() throws Exception {
        // [MQTT-3.1.2-29] Request Problem Information 0: no Reason String or User Properties on any
        // packet other than PUBLISH, CONNACK or DISCONNECT
        startBroker();
        RawMqtt5Client c = rawConnected("quiet", Props.of().u8(REQUEST_PROBLEM_INFORMATION, 0));
        c.send(publish("pfi", 1, false, 3, Props.of().u8(PAYLOAD_FORMAT_INDICATOR, 1), NOT_UTF8));
        Packet puback = c.expect(PUBACK);
        assertThat(puback.reasonCode).isEqualTo(0x99);
        assertThat(puback.has(REASON_STRING)).isFalse();
        assertThat(puback.has(USER_PROPERTY)).isFalse();
    }

    @Test
    void reasonStringOnDisconnectFollowsRequestProblemInformation() throws Exception {
        // [MQTT 5.0 3.1.2.11.7] the broker sends a Reason String on DISCONNECT unless the client asked for none
        startBroker();
        RawMqtt5Client loud = rawConnected("loud");
        loud.send(publish("t", 0, false, 0, Props.of().varInt(SUBSCRIPTION_IDENTIFIER, 1), bytes("x")));
        Packet d = loud.awaitDisconnect();
        assertThat(d.reasonCode).isEqualTo(0x82);
        assertThat((String) d.prop(REASON_STRING)).isNotBlank();

        RawMqtt5Client quiet = rawConnected("quiet", Props.of().u8(REQUEST_PROBLEM_INFORMATION, 0));
        quiet.send(publish("t", 0, false, 0, Props.of().varInt(SUBSCRIPTION_IDENTIFIER, 1), bytes("x")));
        Packet q = quiet.awaitDisconnect();
        assertThat(q.reasonCode).isEqualTo(0x82);
        assertThat(q.has(REASON_STRING)).isFalse();
    }

    static void assertDisconnect(RawMqtt5Client c, int reasonCode) throws Exception {
        Packet d = c.awaitDisconnect();
        assertThat(d).as("DISCONNECT before close").isNotNull();
        assertThat(d.reasonCode).as("DISCONNECT reason code " + d).isEqualTo(reasonCode);
    }
}
