package io.mqttee.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Hand-built MQTT 3.1 / 3.1.1 packets as raw bytes, so tests can send exactly what they mean,
 * malformed packets included. No codec is involved.
 */
public final class MqttPackets {

    public static final int CONNECT = 1, CONNACK = 2, PUBLISH = 3, PUBACK = 4, PUBREC = 5, PUBREL = 6,
            PUBCOMP = 7, SUBSCRIBE = 8, SUBACK = 9, UNSUBSCRIBE = 10, UNSUBACK = 11, PINGREQ = 12,
            PINGRESP = 13, DISCONNECT = 14;

    private MqttPackets() {
    }

    /** A packet with the given first byte (type << 4 | flags) and body; the remaining length is computed. */
    public static byte[] packet(int firstByte, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(firstByte);
        writeRemainingLength(out, body.length);
        out.writeBytes(body);
        return out.toByteArray();
    }

    public static void writeRemainingLength(ByteArrayOutputStream out, int length) {
        do {
            int digit = length % 128;
            length /= 128;
            if (length > 0) {
                digit |= 0x80;
            }
            out.write(digit);
        } while (length > 0);
    }

    /** A UTF-8 string with its two-byte length prefix. */
    public static byte[] string(String s) {
        return binary(s.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] binary(byte[] b) {
        byte[] out = new byte[b.length + 2];
        out[0] = (byte) (b.length >> 8);
        out[1] = (byte) b.length;
        System.arraycopy(b, 0, out, 2, b.length);
        return out;
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    public static byte[] u16(int v) {
        return new byte[] {(byte) (v >> 8), (byte) v};
    }

    // ---- CONNECT ----

    public static Connect connect(String clientId) {
        return new Connect(clientId);
    }

    /** CONNECT builder; {@link #flags(int)} overrides the computed connect flags byte. */
    public static final class Connect {
        private String protocolName = "MQTT";
        private int level = 4;
        private final String clientId;
        private boolean clean = true;
        private int keepalive = 60;
        private String willTopic;
        private byte[] willPayload;
        private int willQos;
        private boolean willRetain;
        private String username;
        private byte[] password;
        private Integer rawFlags;

        private Connect(String clientId) {
            this.clientId = clientId;
        }

        /** MQTT 3.1: protocol name MQIsdp, level 3. */
        public Connect v31() { protocolName = "MQIsdp"; level = 3; return this; }
        public Connect protocol(String name, int lvl) { protocolName = name; level = lvl; return this; }
        public Connect clean(boolean v) { clean = v; return this; }
        public Connect keepalive(int v) { keepalive = v; return this; }
        public Connect will(String topic, String payload, int qos, boolean retain) {
            willTopic = topic; willPayload = payload.getBytes(StandardCharsets.UTF_8); willQos = qos; willRetain = retain;
            return this;
        }
        public Connect username(String v) { username = v; return this; }
        public Connect password(String v) { password = v.getBytes(StandardCharsets.UTF_8); return this; }
        public Connect flags(int v) { rawFlags = v; return this; }

        public byte[] build() {
            int flags = 0;
            if (clean) flags |= 0x02;
            if (willTopic != null) flags |= 0x04 | (willQos << 3) | (willRetain ? 0x20 : 0);
            if (password != null) flags |= 0x40;
            if (username != null) flags |= 0x80;
            if (rawFlags != null) flags = rawFlags;
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes(string(protocolName));
            body.write(level);
            body.write(flags);
            body.writeBytes(u16(keepalive));
            body.writeBytes(string(clientId));
            if (willTopic != null) {
                body.writeBytes(string(willTopic));
                body.writeBytes(binary(willPayload));
            }
            if (username != null) body.writeBytes(string(username));
            if (password != null) body.writeBytes(binary(password));
            return packet(CONNECT << 4, body.toByteArray());
        }
    }

    // ---- others ----

    public static byte[] publish(String topic, String payload, int qos, boolean retain, boolean dup, int packetId) {
        return publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retain, dup, packetId);
    }

    public static byte[] publish(String topic, byte[] payload, int qos, boolean retain, boolean dup, int packetId) {
        int first = PUBLISH << 4 | (dup ? 0x08 : 0) | qos << 1 | (retain ? 0x01 : 0);
        byte[] id = qos > 0 ? u16(packetId) : new byte[0];
        return packet(first, concat(string(topic), id, payload));
    }

    /** SUBSCRIBE with flags 0010; filters and QoS alternate: "a/#", 1, "b", 2. */
    public static byte[] subscribe(int packetId, Object... filtersAndQos) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(u16(packetId));
        for (int i = 0; i < filtersAndQos.length; i += 2) {
            body.writeBytes(string((String) filtersAndQos[i]));
            body.write((Integer) filtersAndQos[i + 1]);
        }
        return packet(SUBSCRIBE << 4 | 0x02, body.toByteArray());
    }

    public static byte[] unsubscribe(int packetId, String... filters) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(u16(packetId));
        for (String f : filters) {
            body.writeBytes(string(f));
        }
        return packet(UNSUBSCRIBE << 4 | 0x02, body.toByteArray());
    }

    public static byte[] puback(int id) { return packet(PUBACK << 4, u16(id)); }
    public static byte[] pubrec(int id) { return packet(PUBREC << 4, u16(id)); }
    public static byte[] pubrel(int id) { return packet(PUBREL << 4 | 0x02, u16(id)); }
    public static byte[] pubcomp(int id) { return packet(PUBCOMP << 4, u16(id)); }
    public static byte[] pingreq() { return new byte[] {(byte) (PINGREQ << 4), 0}; }
    public static byte[] disconnect() { return new byte[] {(byte) (DISCONNECT << 4), 0}; }
}
