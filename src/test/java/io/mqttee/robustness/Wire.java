package io.mqttee.robustness;

import io.mqttee.testing.MqttPackets;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A synchronous byte-level MQTT client for the robustness tests, for protocol level 4 (3.1.1) and
 * 5: builds packets as raw bytes (so a test sends exactly what it means), reads the server's
 * packets on the calling thread with a timeout, and can drop the connection abruptly (RST) at any
 * point. Not thread-safe.
 */
final class Wire implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(20);

    static final int CONNECT = 1, CONNACK = 2, PUBLISH = 3, PUBACK = 4, PUBREC = 5, PUBREL = 6, PUBCOMP = 7,
            SUBSCRIBE = 8, SUBACK = 9, UNSUBSCRIBE = 10, UNSUBACK = 11, PINGREQ = 12, PINGRESP = 13,
            DISCONNECT = 14, AUTH = 15;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    final int version;

    Wire(int port, int version) throws IOException {
        this(port, version, 0);
    }

    /** {@code receiveBuffer} > 0 shrinks the socket's receive buffer (before connecting). */
    Wire(int port, int version, int receiveBuffer) throws IOException {
        this.version = version;
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), (int) TIMEOUT.toMillis());
        socket.setTcpNoDelay(true);
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        out = socket.getOutputStream();
    }

    /** Opens a connection and completes CONNECT/CONNACK (must be accepted). */
    static Wire connected(int port, int version, String clientId, boolean clean) throws IOException {
        Wire w = new Wire(port, version);
        Frame ack = w.connect(clientId, clean);
        if (ack.connackCode() != 0) {
            w.close();
            throw new AssertionError("CONNACK refused " + clientId + ": " + ack);
        }
        return w;
    }

    Frame connect(String clientId, boolean clean) throws IOException {
        send(connectPacket(version, clientId, clean, 60));
        return expect(CONNACK);
    }

    Wire send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** The next packet; fails when none arrives within {@link #TIMEOUT} or the server closed. */
    Frame read() throws IOException {
        Frame f = readOrEnd(TIMEOUT);
        if (f == null) {
            throw new AssertionError("connection closed by the server while waiting for a packet");
        }
        return f;
    }

    Frame expect(int type) throws IOException {
        Frame f = read();
        if (f.type() != type) {
            throw new AssertionError("expected packet type " + type + " but got " + f);
        }
        return f;
    }

    /** The next packet, or null when the server closed the connection; fails on timeout. */
    Frame readOrEnd(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            int first = in.read();
            if (first < 0) {
                return null;
            }
            int length = 0;
            int shift = 0;
            int digit;
            do {
                digit = in.readUnsignedByte();
                length |= (digit & 0x7F) << shift;
                shift += 7;
            } while ((digit & 0x80) != 0 && shift < 28);
            byte[] body = new byte[length];
            in.readFully(body);
            return new Frame(first >> 4, first & 0x0F, body, version);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("nothing from the server within " + timeout);
        } catch (EOFException | SocketException e) {
            return null;
        }
    }

    /** Reads until the server closes; returns what it sent before closing. Fails after {@link #TIMEOUT}. */
    List<Frame> awaitClose() throws IOException {
        List<Frame> before = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new AssertionError("server did not close within " + TIMEOUT + "; got " + before);
            }
            Frame f = readOrEnd(Duration.ofMillis(left));
            if (f == null) {
                return before;
            }
            before.add(f);
        }
    }

    /**
     * Fails when a packet arrives, or the server closes, within {@code quiet}: nothing is sent
     * meanwhile. A slow machine can only hide a packet sent late, never make this fail wrongly.
     */
    void assertQuiet(Duration quiet) throws IOException {
        socket.setSoTimeout((int) quiet.toMillis());
        int first;
        try {
            first = in.read();
        } catch (SocketTimeoutException e) {
            return;
        } catch (SocketException e) {
            first = -1;
        }
        throw new AssertionError(first < 0 ? "connection closed by the server"
                : "unexpected packet of type " + (first >> 4) + " within " + quiet);
    }

    /** Sends PINGREQ and expects PINGRESP, skipping nothing: the connection is alive and in sync. */
    void ping() throws IOException {
        send(pingreq());
        expect(PINGRESP);
    }

    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /**
     * Leaves the way a storm's clients do: 0 DISCONNECT (and waits for the server's close
     * [MQTT-3.14.4-1]), 1 a plain close, anything else RST.
     */
    void leave(int how) throws IOException {
        switch (how) {
            case 0 -> {
                send(disconnect());
                awaitClose();
            }
            case 1 -> close();
            default -> abort();
        }
    }

    /** Drops the connection with RST, without DISCONNECT. */
    void abort() {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }

    // ---- packet builders for level 4 (3.1.1) and 5 ----

    static byte[] connectPacket(int version, String clientId, boolean clean, int keepalive) {
        Bytes b = new Bytes().string(version == 3 ? "MQIsdp" : "MQTT").u8(version).u8(clean ? 0x02 : 0).u16(keepalive);
        if (version == 5) {
            // a persistent MQTT 5 session needs a Session Expiry Interval; clean ones end with the connection
            b.props(clean ? new byte[0] : new Bytes().u8(0x11).u32(3600).bytes());
        }
        b.string(clientId);
        return packet(CONNECT << 4, b.bytes());
    }

    /** A clean CONNECT with a QoS 0 will message (no will properties). */
    static byte[] connectWithWill(int version, String clientId, String willTopic, String willPayload) {
        Bytes b = new Bytes().string("MQTT").u8(version).u8(0x02 | 0x04).u16(60);
        if (version == 5) {
            b.props(new byte[0]);
        }
        b.string(clientId);
        if (version == 5) {
            b.props(new byte[0]); // will properties
        }
        b.string(willTopic).string(willPayload);
        return packet(CONNECT << 4, b.bytes());
    }

    static byte[] publish(int version, String topic, byte[] payload, int qos, boolean retain, boolean dup, int id) {
        Bytes b = new Bytes().string(topic);
        if (qos > 0) {
            b.u16(id);
        }
        if (version == 5) {
            b.props(new byte[0]);
        }
        b.raw(payload);
        return packet(PUBLISH << 4 | (dup ? 0x08 : 0) | qos << 1 | (retain ? 1 : 0), b.bytes());
    }

    static byte[] publish(int version, String topic, String payload, int qos, int id) {
        return publish(version, topic, payload.getBytes(StandardCharsets.UTF_8), qos, false, false, id);
    }

    /** SUBSCRIBE of one filter with the given options byte (requested QoS for 3.1.1). */
    static byte[] subscribe(int version, int id, String filter, int options) {
        Bytes b = new Bytes().u16(id);
        if (version == 5) {
            b.props(new byte[0]);
        }
        b.string(filter).u8(options);
        return packet(SUBSCRIBE << 4 | 0x02, b.bytes());
    }

    static byte[] unsubscribe(int version, int id, String filter) {
        Bytes b = new Bytes().u16(id);
        if (version == 5) {
            b.props(new byte[0]);
        }
        b.string(filter);
        return packet(UNSUBSCRIBE << 4 | 0x02, b.bytes());
    }

    /** PUBACK/PUBREC/PUBREL/PUBCOMP with only the packet identifier (reason 0x00 implied in 5). */
    static byte[] ack(int type, int id) {
        return packet(type << 4 | (type == PUBREL ? 0x02 : 0), MqttPackets.u16(id));
    }

    static byte[] pingreq() {
        return new byte[] {(byte) (PINGREQ << 4), 0};
    }

    static byte[] disconnect() {
        return new byte[] {(byte) (DISCONNECT << 4), 0};
    }

    static byte[] packet(int firstByte, byte[] body) {
        return MqttPackets.packet(firstByte, body);
    }

    /** Growable bytes with MQTT's data types. */
    static final class Bytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes u8(int v) {
            out.write(v);
            return this;
        }

        Bytes u16(int v) {
            out.write(v >> 8 & 0xFF);
            out.write(v & 0xFF);
            return this;
        }

        Bytes u32(long v) {
            return u16((int) (v >> 16 & 0xFFFF)).u16((int) (v & 0xFFFF));
        }

        Bytes varInt(int v) {
            do {
                int b = v & 0x7F;
                v >>>= 7;
                out.write(v > 0 ? b | 0x80 : b);
            } while (v > 0);
            return this;
        }

        Bytes string(String s) {
            return binary(s.getBytes(StandardCharsets.UTF_8));
        }

        Bytes binary(byte[] b) {
            u16(b.length);
            return raw(b);
        }

        Bytes raw(byte[] b) {
            out.write(b, 0, b.length);
            return this;
        }

        Bytes props(byte[] properties) {
            varInt(properties.length);
            return raw(properties);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** One packet from the server. */
    record Frame(int type, int flags, byte[] body, int version) {

        int u16(int offset) {
            return (body[offset] & 0xFF) << 8 | body[offset + 1] & 0xFF;
        }

        int qos() {
            return flags >> 1 & 3;
        }

        boolean dup() {
            return (flags & 0x08) != 0;
        }

        boolean retain() {
            return (flags & 0x01) != 0;
        }

        /** CONNACK's return code (3.1.1) or reason code (5). */
        int connackCode() {
            return body[1] & 0xFF;
        }

        boolean sessionPresent() {
            return (body[0] & 1) != 0;
        }

        String topic() {
            return new String(body, 2, u16(0), StandardCharsets.UTF_8);
        }

        /** Packet identifier of a PUBLISH with QoS > 0 or of an acknowledgement. */
        int packetId() {
            return type == PUBLISH ? u16(2 + u16(0)) : u16(0);
        }

        byte[] payload() {
            int pos = 2 + u16(0) + (qos() > 0 ? 2 : 0);
            if (version == 5) {
                int length = 0;
                int shift = 0;
                int digit;
                do {
                    digit = body[pos++] & 0xFF;
                    length |= (digit & 0x7F) << shift;
                    shift += 7;
                } while ((digit & 0x80) != 0);
                pos += length;
            }
            return java.util.Arrays.copyOfRange(body, pos, body.length);
        }

        String payloadString() {
            return new String(payload(), StandardCharsets.UTF_8);
        }

        /** Reason code of an MQTT 5 DISCONNECT or acknowledgement (0x00 when omitted). */
        int reasonCode() {
            int at = switch (type) {
                case DISCONNECT, AUTH -> 0;
                case CONNACK -> 1;
                default -> 2;
            };
            return body.length > at ? body[at] & 0xFF : 0;
        }

        /**
         * The properties of an MQTT 5 CONNACK by identifier: numbers as {@code Long}, strings as
         * {@code String}, binary data as {@code byte[]}; a User Property as "name=value" (the last one).
         */
        java.util.Map<Integer, Object> connackProperties() {
            java.util.Map<Integer, Object> props = new java.util.HashMap<>();
            int[] pos = {2};
            int end = varInt(pos);
            end += pos[0];
            while (pos[0] < end) {
                int id = body[pos[0]++] & 0xFF;
                Object value = switch (id) {
                    case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> (long) (body[pos[0]++] & 0xFF);
                    case 0x13, 0x21, 0x22, 0x23 -> {
                        long v = u16(pos[0]);
                        pos[0] += 2;
                        yield v;
                    }
                    case 0x02, 0x11, 0x18, 0x27 -> {
                        long v = (long) u16(pos[0]) << 16 | u16(pos[0] + 2);
                        pos[0] += 4;
                        yield v;
                    }
                    case 0x0B -> (long) varInt(pos);
                    case 0x03, 0x08, 0x12, 0x15, 0x1A, 0x1C, 0x1F -> utf8(pos);
                    case 0x09, 0x16 -> {
                        int n = u16(pos[0]);
                        byte[] v = java.util.Arrays.copyOfRange(body, pos[0] + 2, pos[0] + 2 + n);
                        pos[0] += 2 + n;
                        yield v;
                    }
                    case 0x26 -> utf8(pos) + "=" + utf8(pos);
                    default -> throw new AssertionError("unknown property 0x" + Integer.toHexString(id) + " in " + this);
                };
                props.put(id, value);
            }
            return props;
        }

        private int varInt(int[] pos) {
            int value = 0;
            int shift = 0;
            int digit;
            do {
                digit = body[pos[0]++] & 0xFF;
                value |= (digit & 0x7F) << shift;
                shift += 7;
            } while ((digit & 0x80) != 0);
            return value;
        }

        private String utf8(int[] pos) {
            int n = u16(pos[0]);
            String s = new String(body, pos[0] + 2, n, StandardCharsets.UTF_8);
            pos[0] += 2 + n;
            return s;
        }

        /** SUBACK return/reason codes, one per filter. */
        int[] subackCodes() {
            int pos = 2;
            if (version == 5) {
                int length = 0;
                int shift = 0;
                int digit;
                do {
                    digit = body[pos++] & 0xFF;
                    length |= (digit & 0x7F) << shift;
                    shift += 7;
                } while ((digit & 0x80) != 0);
                pos += length;
            }
            int[] codes = new int[body.length - pos];
            for (int i = 0; i < codes.length; i++) {
                codes[i] = body[pos + i] & 0xFF;
            }
            return codes;
        }

        @Override
        public String toString() {
            return "Frame[type=" + type + ", flags=" + flags + ", body=" + HexFormat.of().formatHex(body) + "]";
        }
    }
}
