package io.mqttee.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttQoS;

import java.util.List;

/**
 * Cuts the byte stream into whole MQTT packets and checks, in their raw bytes, the rules Netty's
 * MQTT decoder does not: UTF-8 strings must be well formed and free of U+0000 [MQTT-1.5.4-1,
 * MQTT-1.5.4-2]; MQTT 5 properties must be allowed on their packet, appear at most once unless
 * repeatable, and hold values in range [MQTT-2.2.2-1 and the property definitions of section 3].
 * A violation is passed on right before its packet, so the connection handler answers that packet
 * with the right CONNACK or DISCONNECT.
 *
 * <p>A packet larger than {@code max_packet_size} is not buffered: the inspector steps aside and
 * lets the decoder reject it before the payload arrives.
 *
 * <p>A packet whose fields run past its remaining length, or that only a server may send, never
 * reaches Netty's decoder: that decoder does not bound its reads by the remaining length, so it
 * would wait for bytes beyond the packet (the connection hangs, and the next packets are read as
 * part of this one). The inspector passes a failed {@link MqttMessage} instead, which the decoder
 * forwards untouched and the connection handler answers as malformed [MQTT-4.8.0-1, 5.0 section 4.13].
 */
final class MqttPacketInspector extends ByteToMessageDecoder {

    private static final int CONNECT = 1;
    private static final int PUBLISH = 3;
    private static final int PUBACK = 4;
    private static final int PUBCOMP = 7;
    private static final int SUBSCRIBE = 8;
    private static final int UNSUBSCRIBE = 10;
    private static final int DISCONNECT = 14;
    private static final int AUTH = 15;

    private final int maxPacketSize;
    /** Protocol level once CONNECT was seen: 3, 4 or 5; 0 before. */
    private int protocolLevel;

    MqttPacketInspector(int maxPacketSize) {
        this.maxPacketSize = maxPacketSize;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int start = in.readerIndex();
            long remaining = 0;
            int multiplier = 1;
            int headerLength = 1;
            boolean complete = false;
            for (int i = 1; i <= 4; i++) {
                if (in.readableBytes() <= i) {
                    return; // wait for the rest of the fixed header
                }
                int b = in.getUnsignedByte(start + i);
                remaining += (long) (b & 0x7F) * multiplier;
                multiplier <<= 7;
                headerLength++;
                if ((b & 0x80) == 0) {
                    complete = true;
                    break;
                }
            }
            if (!complete || remaining > maxPacketSize) {
                // Malformed length or oversize: the decoder reports it without buffering the payload
                ctx.pipeline().remove(this);
                return;
            }
            if (in.readableBytes() < headerLength + remaining) {
                return;
            }
            int type = in.getUnsignedByte(start) >> 4;
            if (isServerOnly(type) || !framesWithin(in.slice(start, headerLength + (int) remaining), headerLength)) {
                in.skipBytes(headerLength + (int) remaining);
                String why = isServerOnly(type) ? "a client may not send packet type " + type
                        : protocolLevel == 0 && type != CONNECT ? "packet type " + type + " before CONNECT"
                        : "packet type " + type + " ends inside a field";
                out.add(new MqttMessage(new MqttFixedHeader(MqttMessageType.valueOf(type), false,
                        MqttQoS.AT_MOST_ONCE, false, (int) remaining), null, null,
                        DecoderResult.failure(new DecoderException(why))));
                continue;
            }
            ByteBuf packet = in.readRetainedSlice(headerLength + (int) remaining);
            ProtocolViolation v = inspect(packet, headerLength);
            if (v != null) {
                // Passed on just ahead of its packet (the decoder forwards non-buffers untouched), so
                // the handler pins it to that packet and not to one decoded earlier in this batch
                out.add(v);
            }
            out.add(packet);
        }
    }

    /** CONNACK, SUBACK, UNSUBACK, PINGRESP; type 0 is left to the decoder, which refuses it at once. */
    private static boolean isServerOnly(int type) {
        return type == 2 || type == 9 || type == 11 || type == 13;
    }

    /**
     * Whether every field the decoder will read lies inside the packet: walks the fields the way
     * Netty's decoder reads them (the rules are checked by {@link #inspect}).
     */
    boolean framesWithin(ByteBuf packet, int headerLength) {
        int first = packet.getUnsignedByte(packet.readerIndex());
        int type = first >> 4;
        if (protocolLevel == 0 && type != CONNECT) {
            return false; // the decoder's version is unknown before CONNECT; the handler would close anyway [MQTT-3.1.0-1]
        }
        Reader r = new Reader(packet, packet.readerIndex() + headerLength);
        try {
            switch (type) {
                case CONNECT -> {
                    r.binary(); // protocol name
                    int level = r.u8();
                    int flags = r.u8();
                    r.skipFixed(2);
                    if (level == 5 && !walkProperties(r)) {
                        return true; // an unknown property: the decoder refuses it at once
                    }
                    r.binary(); // client identifier
                    if ((flags & 0x04) != 0) {
                        if (level == 5 && !walkProperties(r)) {
                            return true;
                        }
                        r.binary();
                        r.binary();
                    }
                    if ((flags & 0x80) != 0) {
                        r.binary();
                    }
                    if ((flags & 0x40) != 0) {
                        r.binary();
                    }
                }
                case PUBLISH -> {
                    r.binary();
                    if (((first >> 1) & 3) != 0) {
                        r.skipFixed(2);
                    }
                    if (protocolLevel == 5 && !walkProperties(r)) {
                        return true;
                    }
                }
                case PUBACK, 5, 6, PUBCOMP -> {
                    r.skipFixed(2);
                    reasonAndProperties(r);
                }
                case SUBSCRIBE, UNSUBSCRIBE -> {
                    r.skipFixed(2);
                    if (protocolLevel == 5 && !walkProperties(r)) {
                        return true;
                    }
                    while (r.remaining() > 0) {
                        r.binary();
                        if (type == SUBSCRIBE) {
                            r.u8();
                        }
                    }
                }
                case DISCONNECT -> reasonAndProperties(r);
                case AUTH -> {
                    if (protocolLevel != 5) {
                        return false; // AUTH does not exist before MQTT 5 [MQTT-2.2]
                    }
                    reasonAndProperties(r);
                }
                default -> {
                    // PINGREQ: nothing to read
                }
            }
            return true;
        } catch (IndexOutOfBoundsException e) {
            return false;
        }
    }

    /**
     * An optional reason code, then optional properties. Walked for every version: the decoder
     * reads them from a longer packet even before MQTT 5 (such a packet is malformed there anyway).
     */
    private void reasonAndProperties(Reader r) {
        if (r.remaining() > 0) {
            r.u8();
            if (r.remaining() > 0) {
                walkProperties(r); // nothing follows the properties
            }
        }
    }

    /**
     * Reads a property list the way the decoder does: the declared length must fit in the packet,
     * then property by property until that length is used up, each value read whole (so a value
     * may run past the declared length).
     * False at an unknown identifier, which the decoder refuses at once.
     */
    private static boolean walkProperties(Reader r) {
        long length = r.varint();
        if (length > r.remaining()) {
            throw new IndexOutOfBoundsException("property length past the end of the packet");
        }
        int start = r.pos;
        while (r.pos - start < length) {
            int id = (int) r.varint();
            switch (id) {
                case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> r.u8();
                case 0x13, 0x21, 0x22, 0x23 -> r.skipFixed(2);
                case 0x02, 0x11, 0x18, 0x27 -> r.skipFixed(4);
                case 0x0B -> r.varint();
                case 0x03, 0x08, 0x12, 0x15, 0x1A, 0x1C, 0x1F, 0x09, 0x16 -> r.binary();
                case 0x26 -> {
                    r.binary();
                    r.binary();
                }
                default -> {
                    return false;
                }
            }
        }
        return true;
    }

    /** Checks one whole packet; null when nothing is wrong. */
    ProtocolViolation inspect(ByteBuf packet, int headerLength) {
        int type = packet.getUnsignedByte(packet.readerIndex()) >> 4;
        Reader r = new Reader(packet, packet.readerIndex() + headerLength);
        try {
            return switch (type) {
                case CONNECT -> inspectConnect(r);
                case PUBLISH -> inspectPublish(r, (packet.getUnsignedByte(packet.readerIndex()) >> 1) & 3);
                case PUBACK, 5, 6, PUBCOMP -> protocolLevel == 5 && r.remaining() > 3
                        ? r.skipFixed(3).properties(Allowed.REASON_ONLY, "acknowledgement") : null;
                case SUBSCRIBE -> inspectSubscribe(r);
                case UNSUBSCRIBE -> inspectUnsubscribe(r);
                case DISCONNECT -> protocolLevel == 5 && r.remaining() > 1
                        ? r.skipFixed(1).properties(Allowed.DISCONNECT, "DISCONNECT") : null;
                case AUTH -> protocolLevel == 5 && r.remaining() > 1
                        ? r.skipFixed(1).properties(Allowed.AUTH, "AUTH") : null;
                default -> null;
            };
        } catch (IndexOutOfBoundsException e) {
            return ProtocolViolation.malformed("packet ends inside a field");
        }
    }

    private ProtocolViolation inspectConnect(Reader r) {
        ProtocolViolation v = r.utf8("protocol name");
        if (v != null || protocolLevel != 0) {
            return v; // a second CONNECT is refused by the handler
        }
        protocolLevel = r.u8();
        int flags = r.u8();
        r.skipFixed(2); // keepalive
        if (protocolLevel == 5 && (v = r.properties(Allowed.CONNECT, "CONNECT")) != null) {
            return v;
        }
        if ((v = r.utf8("client identifier")) != null) {
            return v;
        }
        if ((flags & 0x04) != 0) {
            if (protocolLevel == 5 && (v = r.properties(Allowed.WILL, "will")) != null) {
                return v;
            }
            if ((v = r.utf8("will topic")) != null) {
                return v;
            }
            r.binary();
        }
        if ((flags & 0x80) != 0) {
            return r.utf8("user name");
        }
        return null;
    }

    private ProtocolViolation inspectPublish(Reader r, int qos) {
        ProtocolViolation v = r.utf8("topic name");
        if (v != null || protocolLevel != 5) {
            return v;
        }
        if (qos > 0) {
            r.skipFixed(2);
        }
        return r.properties(Allowed.PUBLISH, "PUBLISH");
    }

    private ProtocolViolation inspectSubscribe(Reader r) {
        r.skipFixed(2);
        ProtocolViolation v;
        if (protocolLevel == 5 && (v = r.properties(Allowed.SUBSCRIBE, "SUBSCRIBE")) != null) {
            return v;
        }
        while (r.remaining() > 0) {
            if ((v = r.utf8("topic filter")) != null) {
                return v;
            }
            int options = r.u8();
            if (protocolLevel == 5 && ((options & 0xC0) != 0 || ((options >> 4) & 3) == 3)) {
                return ProtocolViolation.malformed("reserved subscription option bits set"); // [MQTT-3.8.3-5]
            }
            if (protocolLevel < 5 && (options & 0xFC) != 0) {
                return ProtocolViolation.malformed("reserved bits set in requested QoS"); // [MQTT-3-8.3-4]
            }
        }
        return null;
    }

    private ProtocolViolation inspectUnsubscribe(Reader r) {
        r.skipFixed(2);
        ProtocolViolation v;
        if (protocolLevel == 5 && (v = r.properties(Allowed.UNSUBSCRIBE, "UNSUBSCRIBE")) != null) {
            return v;
        }
        while (r.remaining() > 0) {
            if ((v = r.utf8("topic filter")) != null) {
                return v;
            }
        }
        return null;
    }

    /** Which property identifiers each packet may carry (MQTT 5 section 2.2.2.2). */
    private enum Allowed {
        CONNECT(0x11, 0x15, 0x16, 0x17, 0x19, 0x21, 0x22, 0x26, 0x27),
        WILL(0x01, 0x02, 0x03, 0x08, 0x09, 0x18, 0x26),
        // A client PUBLISH may not carry a Subscription Identifier [MQTT-3.3.4-6]
        PUBLISH(0x01, 0x02, 0x03, 0x08, 0x09, 0x23, 0x26),
        REASON_ONLY(0x1F, 0x26),
        SUBSCRIBE(0x0B, 0x26),
        UNSUBSCRIBE(0x26),
        DISCONNECT(0x11, 0x1C, 0x1F, 0x26),
        AUTH(0x15, 0x16, 0x1F, 0x26);

        private final boolean[] ids = new boolean[0x2B];

        Allowed(int... allowed) {
            for (int id : allowed) {
                ids[id] = true;
            }
        }

        boolean allows(int id) {
            return id < ids.length && ids[id];
        }
    }

    /** Reads fields from a packet without moving its reader index. */
    private static final class Reader {
        private final ByteBuf buf;
        private int pos;
        private final int end;

        Reader(ByteBuf buf, int pos) {
            this.buf = buf;
            this.pos = pos;
            this.end = buf.readerIndex() + buf.readableBytes();
        }

        int remaining() {
            return end - pos;
        }

        int u8() {
            check(1);
            return buf.getUnsignedByte(pos++);
        }

        int u16() {
            check(2);
            int v = buf.getUnsignedShort(pos);
            pos += 2;
            return v;
        }

        long u32() {
            check(4);
            long v = buf.getUnsignedInt(pos);
            pos += 4;
            return v;
        }

        Reader skipFixed(int n) {
            check(n);
            pos += n;
            return this;
        }

        long varint() {
            long value = 0;
            int shift = 0;
            for (int i = 0; i < 4; i++) {
                int b = u8();
                value |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
                shift += 7;
            }
            throw new IndexOutOfBoundsException("variable byte integer longer than 4 bytes");
        }

        private void check(int n) {
            if (pos + n > end) {
                throw new IndexOutOfBoundsException();
            }
        }

        void binary() {
            skipFixed(u16());
        }

        /** A UTF-8 string: well formed, no U+0000 [MQTT-1.5.4-1, MQTT-1.5.4-2]. */
        ProtocolViolation utf8(String what) {
            int length = u16();
            check(length);
            boolean valid = Utf8.isValidMqttString(buf, pos, length);
            pos += length;
            return valid ? null : ProtocolViolation.malformed(what + " is not well-formed UTF-8 or contains U+0000");
        }

        /** An MQTT 5 property list: allowed identifiers, no repeats but User Property, values in range. */
        ProtocolViolation properties(Allowed allowed, String packet) {
            long length = varint();
            check((int) length);
            int stop = pos + (int) length;
            long seen = 0; // one bit per identifier below 64
            while (pos < stop) {
                int id = (int) varint();
                if (!allowed.allows(id)) {
                    return ProtocolViolation.protocolError("property 0x" + Integer.toHexString(id)
                            + " is not allowed on " + packet);
                }
                if (id != 0x26 && (seen & (1L << id)) != 0) {
                    return ProtocolViolation.protocolError("property 0x" + Integer.toHexString(id)
                            + " appears twice on " + packet);
                }
                seen |= 1L << id;
                ProtocolViolation v = value(id);
                if (v != null) {
                    return v;
                }
            }
            return pos == stop ? null : ProtocolViolation.malformed("property length does not match its properties");
        }

        private ProtocolViolation value(int id) {
            switch (id) {
                case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> {
                    int b = u8();
                    return b > 1 ? ProtocolViolation.protocolError("property 0x" + Integer.toHexString(id)
                            + " must be 0 or 1, got " + b) : null;
                }
                case 0x13, 0x21, 0x22, 0x23 -> {
                    int v = u16();
                    // Receive Maximum may not be 0 (5.0 3.1.2.11.3); Topic Alias 0 is left to the
                    // connection handler, which answers 0x94 Topic Alias invalid [MQTT-3.3.2-8]
                    return v == 0 && id == 0x21
                            ? ProtocolViolation.protocolError("property 0x" + Integer.toHexString(id) + " is 0")
                            : null;
                }
                case 0x02, 0x11, 0x18, 0x27 -> {
                    long v = u32();
                    return v == 0 && id == 0x27 ? ProtocolViolation.protocolError("Maximum Packet Size is 0") : null;
                }
                case 0x0B -> {
                    long v = varint();
                    return v == 0 ? ProtocolViolation.protocolError("Subscription Identifier is 0") : null;
                }
                case 0x03, 0x08, 0x12, 0x15, 0x1A, 0x1C, 0x1F -> {
                    return utf8("property 0x" + Integer.toHexString(id));
                }
                case 0x09, 0x16 -> {
                    binary();
                    return null;
                }
                case 0x26 -> {
                    ProtocolViolation v = utf8("user property name");
                    return v != null ? v : utf8("user property value");
                }
                default -> {
                    return ProtocolViolation.malformed("unknown property 0x" + Integer.toHexString(id));
                }
            }
        }
    }
}
