package io.mqttee.mqtt5;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.mqttee.core.Metric;
import io.mqttee.core.Session;
import io.mqttee.mqtt5.RawMqtt5Client.Packet;
import io.mqttee.mqtt5.RawMqtt5Client.Props;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import static io.mqttee.mqtt5.RawMqtt5Client.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Receive Maximum and Maximum Packet Size, in both directions [MQTT 5.0 sections 3.3.4, 4.9, 3.1.2.11.4]. */
class FlowControlIT extends Mqtt5BrokerSupport {

    private static final Duration QUIET = Duration.ofMillis(300);

    private Session session(String clientId) {
        return broker.session(clientId).orElseThrow();
    }

    @Test
    void outboundQos1NeverExceedsTheClientsReceiveMaximum() throws Exception {
        // [MQTT-3.3.4-9] the Server MUST NOT send more than Receive Maximum unacknowledged QoS 1/2 PUBLISH
        startBroker();
        RawMqtt5Client sub = rawConnected("slow", Props.of().u16(RECEIVE_MAXIMUM, 2));
        sub.send(subscribe(1, Props.none(), "flow/#", options(1, false, false, 0)));
        sub.expect(SUBACK);

        Mqtt5BlockingClient pub = hive("pub");
        pub.connect();
        for (int i = 1; i <= 5; i++) {
            pub.publishWith().topic("flow/x").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(("m" + i).getBytes(StandardCharsets.UTF_8)).send();
        }
        Packet p1 = sub.expect(PUBLISH);
        Packet p2 = sub.expect(PUBLISH);
        assertThat(p1.payloadString()).isEqualTo("m1");
        assertThat(p2.payloadString()).isEqualTo("m2");
        // all five were routed: two in flight, three waiting in the session's queue
        await("2 inflight, 3 queued", () -> session("slow").inflightSize() == 2 && session("slow").queueSize() == 3);
        sub.assertNoPacket(QUIET);

        // each PUBACK lets exactly one more through, in order [MQTT-4.6.0-6]
        sub.send(ack(PUBACK, p1.packetId, 0));
        Packet p3 = sub.expect(PUBLISH);
        assertThat(p3.payloadString()).isEqualTo("m3");
        await("2 inflight, 2 queued", () -> session("slow").inflightSize() == 2 && session("slow").queueSize() == 2);
        sub.assertNoPacket(QUIET);
        sub.send(ack(PUBACK, p2.packetId, 0));
        sub.send(ack(PUBACK, p3.packetId, 0));
        Packet p4 = sub.expect(PUBLISH);
        Packet p5 = sub.expect(PUBLISH);
        assertThat(p4.payloadString()).isEqualTo("m4");
        assertThat(p5.payloadString()).isEqualTo("m5");
    }

    @Test
    void outboundQos2OccupiesTheWindowUntilPubcomp() throws Exception {
        // [MQTT-3.3.4-9] a QoS 2 PUBLISH counts until PUBCOMP (or a PUBREC with a failure reason code)
        startBroker();
        RawMqtt5Client sub = rawConnected("one-at-a-time", Props.of().u16(RECEIVE_MAXIMUM, 1));
        sub.send(subscribe(1, Props.none(), "q2", options(2, false, false, 0)));
        sub.expect(SUBACK);
        RawMqtt5Client pub = rawConnected("pub");
        for (int i = 1; i <= 3; i++) {
            pub.send(publish("q2", 2, false, i, Props.none(), ("m" + i).getBytes(StandardCharsets.UTF_8)));
            pub.expect(PUBREC);
            pub.send(ack(PUBREL, i, 0));
            pub.expect(PUBCOMP);
        }
        Packet p1 = sub.expect(PUBLISH);
        assertThat(p1.payloadString()).isEqualTo("m1");
        sub.send(ack(PUBREC, p1.packetId, 0));
        assertThat(sub.expect(PUBREL).packetId).isEqualTo(p1.packetId);
        await("1 inflight, 2 queued", () -> session("one-at-a-time").inflightSize() == 1
                && session("one-at-a-time").queueSize() == 2);
        sub.assertNoPacket(QUIET); // PUBREC alone does not free the slot
        sub.send(ack(PUBCOMP, p1.packetId, 0));
        Packet p2 = sub.expect(PUBLISH);
        assertThat(p2.payloadString()).isEqualTo("m2");
        // a PUBREC with a failure reason code ends the exchange and frees the slot [MQTT 5.0 4.3.3]
        sub.send(ack(PUBREC, p2.packetId, 0x80));
        Packet p3 = sub.expect(PUBLISH);
        assertThat(p3.payloadString()).isEqualTo("m3");
    }

    @Test
    void outboundMessageLargerThanTheClientsMaximumPacketSizeIsDropped() throws Exception {
        // [MQTT-3.1.2-24] the Server MUST NOT send packets exceeding the Client's Maximum Packet Size;
        // [MQTT-3.1.2-25] it discards such a message and behaves as if it had sent it
        startBroker();
        int max = 200;
        RawMqtt5Client sub = rawConnected("small", Props.of().u32(MAXIMUM_PACKET_SIZE, max));
        sub.send(subscribe(1, Props.none(), "big", options(1, false, false, 0)));
        sub.expect(SUBACK);
        // PUBLISH "big", QoS 1, no properties: 1 + 2 (remaining length) + 2 + 3 + 2 + 1 + payload bytes
        int fits = max - 11;
        RawMqtt5Client pub = rawConnected("pub");
        long droppedBefore = broker.counters().get(Metric.MESSAGES_DROPPED);
        pub.send(publish("big", 1, false, 1, Props.none(), payload(fits + 1, 'x')));
        pub.expect(PUBACK);
        pub.send(publish("big", 1, false, 2, Props.none(), payload(fits, 'y')));
        pub.expect(PUBACK);
        pub.send(publish("big", 1, false, 3, Props.none(), payload(2000, 'z')));
        pub.expect(PUBACK);
        pub.send(publish("big", 1, false, 4, Props.none(), payload(1, 'w')));
        pub.expect(PUBACK);

        Packet first = sub.expect(PUBLISH);
        assertThat(first.payload).hasSize(fits).containsOnly((byte) 'y');
        assertThat(1 + 2 + first.body.length).isEqualTo(max); // exactly at the limit is allowed
        sub.send(ack(PUBACK, first.packetId, 0));
        Packet second = sub.expect(PUBLISH);
        assertThat(second.payloadString()).isEqualTo("w");
        assertThat(broker.counters().get(Metric.MESSAGES_DROPPED) - droppedBefore).isEqualTo(2);
        // dropped ones do not occupy the window
        sub.send(ack(PUBACK, second.packetId, 0));
        await("nothing inflight", () -> session("small").inflightSize() == 0);
    }

    @Test
    void inboundPacketLargerThanTheServersMaximumPacketSizeIsDisconnectedWith0x95() throws Exception {
        // [MQTT 5.0 3.2.2.3.6] a packet exceeding the Server's Maximum Packet Size: DISCONNECT 0x95
        startBroker(l -> l.maxPacketSize(1024));
        RawMqtt5Client c = rawConnected("c");
        c.send(publish("t", 1, false, 1, Props.none(), payload(5000, 'a')));
        ReasonCodesIT.assertDisconnect(c, 0x95);
    }

    @Test
    void inboundMaximumPacketSizeCountsTheWholePacket() throws Exception {
        // [MQTT 5.0 3.2.2.3.6, 2.1.4] the Maximum Packet Size is the total packet size, fixed header included:
        // exactly the advertised size is accepted, one byte more is Packet too large (0x95)
        startBroker(l -> l.maxPacketSize(1024));
        RawMqtt5Client c = rawConnected("c");
        // PUBLISH "t", QoS 1, no properties: 1 + 2 (remaining length) + 2 + 1 + 2 + 1 + payload bytes
        byte[] atLimit = publish("t", 1, false, 1, Props.none(), payload(1024 - 9, 'a'));
        assertThat(atLimit).hasSize(1024);
        c.send(atLimit);
        assertThat(c.expect(PUBACK).reasonCode).isZero();
        byte[] overLimit = publish("t", 1, false, 2, Props.none(), payload(1024 - 8, 'a'));
        assertThat(overLimit).hasSize(1025);
        c.send(overLimit);
        ReasonCodesIT.assertDisconnect(c, 0x95);
    }

    private static byte[] payload(int n, char c) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) c);
        return b;
    }
}
