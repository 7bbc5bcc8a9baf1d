package io.mqttee.mqtt5;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small byte-level MQTT 5 client for tests: writes packets exactly as built here (so tests can
 * send what a well-behaved client library never would) and decodes what the server answers,
 * reason codes and properties included. Not thread-safe; one test thread drives it.
 */
final class RawMqtt5Client implements AutoCloseable {

    // Control packet types [MQTT 5.0 section 2.1.2]
    static final int CONNECT = 1, CONNACK = 2, PUBLISH = 3, PUBACK = 4, PUBREC = 5, PUBREL = 6, PUBCOMP = 7,
            SUBSCRIBE = 8, SUBACK = 9, UNSUBSCRIBE = 10, UNSUBACK = 11, PINGREQ = 12, PINGRESP = 13,
            DISCONNECT = 14, AUTH = 15;

    // Property identifiers [MQTT 5.0 section 2.2.2.2]
    static final int PAYLOAD_FORMAT_INDICATOR = 0x01, MESSAGE_EXPIRY_INTERVAL = 0x02, CONTENT_TYPE = 0x03,
            RESPONSE_TOPIC = 0x08, CORRELATION_DATA = 0x09, SUBSCRIPTION_IDENTIFIER = 0x0B,
            SESSION_EXPIRY_INTERVAL = 0x11, ASSIGNED_CLIENT_IDENTIFIER = 0x12, SERVER_KEEP_ALIVE = 0x13,
            AUTHENTICATION_METHOD = 0x15, AUTHENTICATION_DATA = 0x16, REQUEST_PROBLEM_INFORMATION = 0x17,
            WILL_DELAY_INTERVAL = 0x18, REQUEST_RESPONSE_INFORMATION = 0x19, RESPONSE_INFORMATION = 0x1A,
            SERVER_REFERENCE = 0x1C, REASON_STRING = 0x1F, RECEIVE_MAXIMUM = 0x21, TOPIC_ALIAS_MAXIMUM = 0x22,
            TOPIC_ALIAS = 0x23, MAXIMUM_QOS = 0x24, RETAIN_AVAILABLE = 0x25, USER_PROPERTY = 0x26,
            MAXIMUM_PACKET_SIZE = 0x27, WILDCARD_SUBSCRIPTION_AVAILABLE = 0x28,
            SUBSCRIPTION_IDENTIFIER_AVAILABLE = 0x29, SHARED_SUBSCRIPTION_AVAILABLE = 0x2A;

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawMqtt5Client(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        this.out = socket.getOutputStream();
    }

    /** Opens a TCP connection; nothing is sent yet. */
    static RawMqtt5Client open(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setTcpNoDelay(true);
        return new RawMqtt5Client(s);
    }

    /** Opens a connection, sends CONNECT (clean start, keepalive 60) and expects a successful CONNACK. */
    static RawMqtt5Client connected(int port, String clientId, Props props) throws IOException {
        RawMqtt5Client c = open(port);
        c.send(connect(clientId, true, 60, props, null));
        Packet ack = c.expect(CONNACK);
        if (ack.reasonCode != 0) {
            c.close();
            throw new AssertionError("CONNACK reason code 0x" + Integer.toHexString(ack.reasonCode));
        }
        return c;
    }

    void send(byte[] packet) throws IOException {
        out.write(packet);
        out.flush();
    }

    /** The next packet, or an AssertionError when none arrives within {@code timeout} or the socket closes. */
    Packet read(Duration timeout) throws IOException {
        Packet p = readOrEof(timeout);
        if (p == null) {
            throw new AssertionError("connection closed by the server while waiting for a packet");
        }
        return p;
    }

    /** The next packet, or null when the server closed the connection. */
    Packet readOrEof(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        int first;
        try {
            first = in.read();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no packet within " + timeout);
        } catch (SocketException e) {
            return null; // reset by peer counts as closed
        }
        if (first < 0) {
            return null;
        }
        try {
            int remaining = readVarInt();
            byte[] body = new byte[remaining];
            in.readFully(body);
            return Packet.decode(first >> 4, first & 0x0F, body);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("incomplete packet within " + timeout);
        } catch (EOFException | SocketException e) {
            return null;
        }
    }

    /** Reads the next packet and checks its type. */
    Packet expect(int type) throws IOException {
        Packet p = read(DEFAULT_TIMEOUT);
        if (p.type != type) {
            throw new AssertionError("expected packet type " + type + " but got " + p);
        }
        return p;
    }

    /**
     * Reads until the server closes the connection and returns the DISCONNECT it sent first (null
     * when it closed without one). Other packets before it are skipped.
     */
    Packet awaitDisconnect() throws IOException {
        Packet disconnect = null;
        long deadline = System.nanoTime() + DEFAULT_TIMEOUT.toNanos();
        while (true) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            if (System.nanoTime() > deadline) {
                throw new AssertionError("connection still open after " + DEFAULT_TIMEOUT);
            }
            Packet p = readOrEof(Duration.ofMillis(left));
            if (p == null) {
                return disconnect;
            }
            if (p.type == DISCONNECT) {
                disconnect = p;
            }
        }
    }

    /** Asserts that nothing arrives within {@code quiet}; only used after a deterministic precondition. */
    void assertNoPacket(Duration quiet) throws IOException {
        socket.setSoTimeout((int) quiet.toMillis());
        try {
            int b = in.read();
            throw new AssertionError(b < 0 ? "connection closed unexpectedly" : "unexpected packet, first byte 0x"
                    + Integer.toHexString(b));
        } catch (SocketTimeoutException expected) {
            // nothing arrived
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private int readVarInt() throws IOException {
        int value = 0;
        int shift = 0;
        int b;
        do {
            b = in.readUnsignedByte();
            value |= (b & 0x7F) << shift;
            shift += 7;
        } while ((b & 0x80) != 0 && shift < 28);
        return value;
    }

    // ---- packet builders ----

    record Will(String topic, byte[] payload, int qos, boolean retain, Props props) {
    }

    static byte[] connect(String clientId, boolean cleanStart, int keepalive, Props props, Will will) {
        Buf b = new Buf();
        b.string("MQTT").u8(5);
        int flags = cleanStart ? 0x02 : 0;
        if (will != null) {
            flags |= 0x04 | will.qos << 3 | (will.retain ? 0x20 : 0);
        }
        b.u8(flags).u16(keepalive).props(props);
        b.string(clientId);
        if (will != null) {
            b.props(will.props).string(will.topic).binary(will.payload);
        }
        return packet(CONNECT << 4, b);
    }

    static byte[] publish(String topic, int qos, boolean retain, int packetId, Props props, byte[] payload) {
        Buf b = new Buf().string(topic);
        if (qos > 0) {
            b.u16(packetId);
        }
        b.props(props).raw(payload);
        return packet(PUBLISH << 4 | qos << 1 | (retain ? 1 : 0), b);
    }

    /** SUBSCRIBE of one filter; {@code options} is the Subscription Options byte [MQTT 5.0 section 3.8.3.1]. */
    static byte[] subscribe(int packetId, Props props, String filter, int options) {
        return subscribe(packetId, props, new String[] {filter}, new int[] {options});
    }

    static byte[] subscribe(int packetId, Props props, String[] filters, int[] options) {
        Buf b = new Buf().u16(packetId).props(props);
        for (int i = 0; i < filters.length; i++) {
            b.string(filters[i]).u8(options[i]);
        }
        return packet(SUBSCRIBE << 4 | 0x02, b);
    }

    /** Subscription Options byte: QoS, No Local, Retain As Published, Retain Handling. */
    static int options(int qos, boolean noLocal, boolean retainAsPublished, int retainHandling) {
        return qos | (noLocal ? 0x04 : 0) | (retainAsPublished ? 0x08 : 0) | retainHandling << 4;
    }

    static byte[] unsubscribe(int packetId, String... filters) {
        Buf b = new Buf().u16(packetId).props(Props.none());
        for (String f : filters) {
            b.string(f);
        }
        return packet(UNSUBSCRIBE << 4 | 0x02, b);
    }

    /** PUBACK, PUBREC, PUBREL or PUBCOMP with a reason code. */
    static byte[] ack(int type, int packetId, int reasonCode) {
        Buf b = new Buf().u16(packetId).u8(reasonCode).props(Props.none());
        return packet(type << 4 | (type == PUBREL ? 0x02 : 0), b);
    }

    static byte[] disconnect(int reasonCode, Props props) {
        return packet(DISCONNECT << 4, new Buf().u8(reasonCode).props(props));
    }

    static byte[] pingreq() {
        return new byte[] {(byte) (PINGREQ << 4), 0};
    }

    static byte[] packet(int firstByte, Buf body) {
        byte[] content = body.bytes();
        Buf p = new Buf().u8(firstByte).varInt(content.length).raw(content);
        return p.bytes();
    }

    // ---- properties ----

    /** Builder of a property list, in the order the properties are added. */
    static final class Props {
        private final Buf buf = new Buf();

        static Props none() {
            return new Props();
        }

        static Props of() {
            return new Props();
        }

        Props u8(int id, int v) {
            buf.u8(id).u8(v);
            return this;
        }

        Props u16(int id, int v) {
            buf.u8(id).u16(v);
            return this;
        }

        Props u32(int id, long v) {
            buf.u8(id).u32(v);
            return this;
        }

        Props varInt(int id, int v) {
            buf.u8(id).varInt(v);
            return this;
        }

        Props string(int id, String v) {
            buf.u8(id).string(v);
            return this;
        }

        Props binary(int id, byte[] v) {
            buf.u8(id).binary(v);
            return this;
        }

        Props user(String name, String value) {
            buf.u8(USER_PROPERTY).string(name).string(value);
            return this;
        }

        byte[] bytes() {
            return buf.bytes();
        }
    }

    /** Growable byte buffer with the MQTT data types [MQTT 5.0 section 1.5]. */
    static final class Buf {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Buf u8(int v) {
            out.write(v);
            return this;
        }

        Buf u16(int v) {
            out.write(v >> 8 & 0xFF);
            out.write(v & 0xFF);
            return this;
        }

        Buf u32(long v) {
            u16((int) (v >> 16 & 0xFFFF));
            return u16((int) (v & 0xFFFF));
        }

        Buf varInt(int v) {
            do {
                int b = v & 0x7F;
                v >>>= 7;
                out.write(v > 0 ? b | 0x80 : b);
            } while (v > 0);
            return this;
        }

        Buf string(String s) {
            return binary(s.getBytes(StandardCharsets.UTF_8));
        }

        Buf binary(byte[] b) {
            u16(b.length);
            return raw(b);
        }

        Buf raw(byte[] b) {
            out.write(b, 0, b.length);
            return this;
        }

        Buf props(Props p) {
            byte[] b = p == null ? new byte[0] : p.bytes();
            varInt(b.length);
            return raw(b);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    // ---- decoded packets ----

    /** A decoded server packet. Fields that a packet type does not have stay at their defaults. */
    static final class Packet {
        final int type;
        final int flags;
        final byte[] body;
        int reasonCode;
        boolean sessionPresent;
        int packetId;
        String topic;
        byte[] payload;
        /** SUBACK / UNSUBACK reason codes, one per filter. */
        List<Integer> codes = List.of();
        /** Property identifier → values in order (Integer, Long, String, byte[] or String[2] for user properties). */
        final Map<Integer, List<Object>> props = new LinkedHashMap<>();

        private Packet(int type, int flags, byte[] body) {
            this.type = type;
            this.flags = flags;
            this.body = body;
        }

        int qos() {
            return flags >> 1 & 0x03;
        }

        boolean retain() {
            return (flags & 0x01) != 0;
        }

        boolean dup() {
            return (flags & 0x08) != 0;
        }

        boolean has(int propertyId) {
            return props.containsKey(propertyId);
        }

        /** The single value of a property, or null. */
        Object prop(int propertyId) {
            List<Object> v = props.get(propertyId);
            if (v == null) {
                return null;
            }
            if (v.size() != 1) {
                throw new AssertionError("property 0x" + Integer.toHexString(propertyId) + " appears " + v.size()
                        + " times in " + this);
            }
            return v.get(0);
        }

        List<Object> all(int propertyId) {
            return props.getOrDefault(propertyId, List.of());
        }

        List<String[]> userProperties() {
            List<String[]> out = new ArrayList<>();
            for (Object o : all(USER_PROPERTY)) {
                out.add((String[]) o);
            }
            return out;
        }

        String payloadString() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        static Packet decode(int type, int flags, byte[] body) {
            Packet p = new Packet(type, flags, body);
            Reader r = new Reader(body);
            switch (type) {
                case CONNACK -> {
                    p.sessionPresent = (r.u8() & 0x01) != 0;
                    p.reasonCode = r.u8();
                    if (r.remaining() > 0) {
                        r.props(p.props);
                    }
                }
                case PUBLISH -> {
                    p.topic = r.string();
                    if ((flags >> 1 & 0x03) > 0) {
                        p.packetId = r.u16();
                    }
                    r.props(p.props);
                    p.payload = r.rest();
                }
                case PUBACK, PUBREC, PUBREL, PUBCOMP -> {
                    p.packetId = r.u16();
                    if (r.remaining() > 0) {
                        p.reasonCode = r.u8();
                    }
                    if (r.remaining() > 0) {
                        r.props(p.props);
                    }
                }
                case SUBACK, UNSUBACK -> {
                    p.packetId = r.u16();
                    r.props(p.props);
                    List<Integer> codes = new ArrayList<>();
                    while (r.remaining() > 0) {
                        codes.add(r.u8());
                    }
                    p.codes = codes;
                }
                case DISCONNECT, AUTH -> {
                    if (r.remaining() > 0) {
                        p.reasonCode = r.u8();
                    }
                    if (r.remaining() > 0) {
                        r.props(p.props);
                    }
                }
                default -> {
                    // PINGRESP and others: no variable header to decode
                }
            }
            return p;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("Packet{type=").append(type)
                    .append(", reason=0x").append(Integer.toHexString(reasonCode));
            if (topic != null) {
                sb.append(", topic='").append(topic).append("', qos=").append(qos());
            }
            if (packetId != 0) {
                sb.append(", id=").append(packetId);
            }
            if (!codes.isEmpty()) {
                sb.append(", codes=").append(codes);
            }
            sb.append(", props={");
            props.forEach((k, v) -> sb.append("0x").append(Integer.toHexString(k)).append('=')
                    .append(v.stream().map(o -> o instanceof byte[] b ? Arrays.toString(b)
                            : o instanceof String[] s ? Arrays.toString(s) : String.valueOf(o)).toList())
                    .append(' '));
            return sb.append("}}").toString();
        }
    }

    private static final class Reader {
        private final byte[] b;
        private int pos;

        Reader(byte[] b) {
            this.b = b;
        }

        int remaining() {
            return b.length - pos;
        }

        int u8() {
            return b[pos++] & 0xFF;
        }

        int u16() {
            return u8() << 8 | u8();
        }

        long u32() {
            return (long) u16() << 16 | u16();
        }

        int varInt() {
            int value = 0;
            int shift = 0;
            int x;
            do {
                x = u8();
                value |= (x & 0x7F) << shift;
                shift += 7;
            } while ((x & 0x80) != 0);
            return value;
        }

        byte[] binary() {
            int n = u16();
            byte[] out = Arrays.copyOfRange(b, pos, pos + n);
            pos += n;
            return out;
        }

        String string() {
            return new String(binary(), StandardCharsets.UTF_8);
        }

        byte[] rest() {
            byte[] out = Arrays.copyOfRange(b, pos, b.length);
            pos = b.length;
            return out;
        }

        void props(Map<Integer, List<Object>> into) {
            int length = varInt();
            int end = pos + length;
            while (pos < end) {
                int id = varInt();
                Object value = switch (id) {
                    case PAYLOAD_FORMAT_INDICATOR, REQUEST_PROBLEM_INFORMATION, REQUEST_RESPONSE_INFORMATION,
                         MAXIMUM_QOS, RETAIN_AVAILABLE, WILDCARD_SUBSCRIPTION_AVAILABLE,
                         SUBSCRIPTION_IDENTIFIER_AVAILABLE, SHARED_SUBSCRIPTION_AVAILABLE -> u8();
                    case SERVER_KEEP_ALIVE, RECEIVE_MAXIMUM, TOPIC_ALIAS_MAXIMUM, TOPIC_ALIAS -> u16();
                    case MESSAGE_EXPIRY_INTERVAL, SESSION_EXPIRY_INTERVAL, WILL_DELAY_INTERVAL,
                         MAXIMUM_PACKET_SIZE -> u32();
                    case SUBSCRIPTION_IDENTIFIER -> varInt();
                    case CONTENT_TYPE, RESPONSE_TOPIC, ASSIGNED_CLIENT_IDENTIFIER, AUTHENTICATION_METHOD,
                         RESPONSE_INFORMATION, SERVER_REFERENCE, REASON_STRING -> string();
                    case CORRELATION_DATA, AUTHENTICATION_DATA -> binary();
                    case USER_PROPERTY -> new String[] {string(), string()};
                    default -> throw new AssertionError("unknown property identifier 0x" + Integer.toHexString(id));
                };
                into.computeIfAbsent(id, k -> new ArrayList<>()).add(value);
            }
            if (pos != end) {
                throw new AssertionError("property length mismatch");
            }
        }
    }
}
