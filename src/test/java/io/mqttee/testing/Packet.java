package io.mqttee.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One packet as read from the wire: the first byte split into type and flags, and the body after
 * the remaining length. Accessors parse the parts tests look at.
 */
public record Packet(int type, int flags, byte[] body) {

    public static Packet parse(byte[] whole) {
        int i = 1;
        int multiplier = 1;
        int length = 0;
        int digit;
        do {
            digit = whole[i++] & 0xFF;
            length += (digit & 0x7F) * multiplier;
            multiplier *= 128;
        } while ((digit & 0x80) != 0);
        return new Packet((whole[0] & 0xF0) >> 4, whole[0] & 0x0F, Arrays.copyOfRange(whole, i, i + length));
    }

    public int u16(int offset) {
        return (body[offset] & 0xFF) << 8 | body[offset + 1] & 0xFF;
    }

    // ---- CONNACK ----

    public boolean sessionPresent() {
        requireType(MqttPackets.CONNACK);
        return (body[0] & 0x01) != 0;
    }

    public int returnCode() {
        requireType(MqttPackets.CONNACK);
        return body[1] & 0xFF;
    }

    // ---- PUBLISH ----

    public int qos() {
        return (flags >> 1) & 0x03;
    }

    public boolean dup() {
        return (flags & 0x08) != 0;
    }

    public boolean retain() {
        return (flags & 0x01) != 0;
    }

    public String topic() {
        requireType(MqttPackets.PUBLISH);
        return new String(body, 2, u16(0), StandardCharsets.UTF_8);
    }

    /** Packet identifier: of a PUBLISH with QoS > 0, or of an ack/SUBACK/UNSUBACK. */
    public int packetId() {
        if (type == MqttPackets.PUBLISH) {
            if (qos() == 0) {
                throw new IllegalStateException("QoS 0 PUBLISH has no packet identifier");
            }
            return u16(2 + u16(0));
        }
        return u16(0);
    }

    public String payloadString() {
        requireType(MqttPackets.PUBLISH);
        int start = 2 + u16(0) + (qos() > 0 ? 2 : 0);
        return new String(body, start, body.length - start, StandardCharsets.UTF_8);
    }

    // ---- SUBACK ----

    public int[] grantedQos() {
        requireType(MqttPackets.SUBACK);
        int[] out = new int[body.length - 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = body[i + 2] & 0xFF;
        }
        return out;
    }

    private void requireType(int t) {
        if (type != t) {
            throw new AssertionError("expected packet type " + t + " but got " + this);
        }
    }

    @Override
    public String toString() {
        return "Packet[type=" + type + ", flags=" + flags + ", body=" + HexFormat.of().formatHex(body) + "]";
    }
}
