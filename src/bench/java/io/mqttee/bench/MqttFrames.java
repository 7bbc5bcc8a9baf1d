package io.mqttee.bench;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * The few MQTT 3.1.1 packets the load generator sends, written straight into a {@link ByteBuf}:
 * no message objects, no codec, so that the generator stays cheap.
 */
final class MqttFrames {

    /** Bytes of every benchmark payload: send time (8), publisher index (4), sequence (8), zeros. */
    static final int PAYLOAD = 64;

    private MqttFrames() {
    }

    static void writeVarInt(ByteBuf out, int value) {
        do {
            int b = value & 0x7F;
            value >>>= 7;
            out.writeByte(value > 0 ? b | 0x80 : b);
        } while (value > 0);
    }

    static void connect(ByteBuf out, String clientId, int keepAliveSeconds) {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        int remaining = 10 + 2 + id.length;
        out.writeByte(0x10);
        writeVarInt(out, remaining);
        out.writeShort(4).writeBytes("MQTT".getBytes(StandardCharsets.US_ASCII));
        out.writeByte(4);                 // protocol level 4: MQTT 3.1.1
        out.writeByte(0x02);              // clean session
        out.writeShort(keepAliveSeconds);
        out.writeShort(id.length).writeBytes(id);
    }

    static void subscribe(ByteBuf out, int packetId, byte[] topic, int qos) {
        out.writeByte(0x82);
        writeVarInt(out, 2 + 2 + topic.length + 1);
        out.writeShort(packetId);
        out.writeShort(topic.length).writeBytes(topic);
        out.writeByte(qos);
    }

    /** A PUBLISH with the benchmark payload. */
    static void publish(ByteBuf out, byte[] topic, int qos, int packetId, long sendNanos, int publisher, long seq) {
        out.writeByte(0x30 | (qos << 1));
        writeVarInt(out, 2 + topic.length + (qos > 0 ? 2 : 0) + PAYLOAD);
        out.writeShort(topic.length).writeBytes(topic);
        if (qos > 0) {
            out.writeShort(packetId);
        }
        out.writeLong(sendNanos);
        out.writeInt(publisher);
        out.writeLong(seq);
        out.writeZero(PAYLOAD - 20);
    }

    static int publishSize(byte[] topic, int qos) {
        int remaining = 2 + topic.length + (qos > 0 ? 2 : 0) + PAYLOAD;
        return 1 + (remaining < 128 ? 1 : remaining < 16384 ? 2 : 3) + remaining;
    }

    static void puback(ByteBuf out, int packetId) {
        out.writeByte(0x40).writeByte(2).writeShort(packetId);
    }

    /** PINGREQ: a client that has nothing else to send keeps its connection alive with it [MQTT-3.1.2-23]. */
    static void pingreq(ByteBuf out) {
        out.writeByte(0xC0).writeByte(0);
    }

    static void disconnect(ByteBuf out) {
        out.writeByte(0xE0).writeByte(0);
    }
}
