package io.mqttee.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * One generator connection. Frames are parsed in place (fixed header + remaining length) and handed
 * to the {@link Listener}; nothing is allocated per packet. Every callback runs on the generator's
 * single event-loop thread.
 */
final class Conn extends ByteToMessageDecoder {

    interface Listener {
        void connack(Conn c, int returnCode);

        void suback(Conn c);

        /** A PUBLISH; {@code payload} is the reader index of its payload in {@code in}. */
        void publish(Conn c, ByteBuf in, int payload, int qos, int packetId);

        void puback(Conn c, int packetId);

        void readComplete(Conn c);

        void writable(Conn c);

        void closed(Conn c);
    }

    final int index;
    final boolean publisher;
    final Listener listener;
    Channel channel;
    /** Small packets (PUBACKs) gathered during one read burst and written once at its end. */
    ByteBuf pending;

    Conn(int index, boolean publisher, Listener listener) {
        this.index = index;
        this.publisher = publisher;
        this.listener = listener;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            int start = in.readerIndex();
            int readable = in.readableBytes();
            if (readable < 2) {
                return;
            }
            int header = in.getUnsignedByte(start);
            int remaining = 0;
            int multiplier = 1;
            int pos = start + 1;
            while (true) {
                if (pos >= start + readable) {
                    return;
                }
                int b = in.getUnsignedByte(pos++);
                remaining += (b & 0x7F) * multiplier;
                if ((b & 0x80) == 0) {
                    break;
                }
                multiplier <<= 7;
                if (multiplier > 128 * 128 * 128) {
                    throw new IllegalStateException("malformed remaining length");
                }
            }
            if (start + readable - pos < remaining) {
                return;
            }
            int type = header >>> 4;
            switch (type) {
                case 2 -> listener.connack(this, in.getUnsignedByte(pos + 1));
                case 3 -> {
                    int qos = (header >>> 1) & 3;
                    int topicLen = in.getUnsignedShort(pos);
                    int p = pos + 2 + topicLen;
                    int packetId = 0;
                    if (qos > 0) {
                        packetId = in.getUnsignedShort(p);
                        p += 2;
                    }
                    listener.publish(this, in, p, qos, packetId);
                }
                case 4 -> listener.puback(this, in.getUnsignedShort(pos));
                case 9 -> listener.suback(this);
                default -> {
                    // PINGRESP, UNSUBACK and anything else: not used by the scenarios
                }
            }
            in.readerIndex(pos + remaining);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        super.channelReadComplete(ctx);
        listener.readComplete(this);
        if (pending != null) {
            ByteBuf p = pending;
            pending = null;
            ctx.writeAndFlush(p, ctx.voidPromise());
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        super.channelWritabilityChanged(ctx);
        if (ctx.channel().isWritable()) {
            listener.writable(this);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        super.channelInactive(ctx);
        if (pending != null) {
            pending.release();
            pending = null;
        }
        listener.closed(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    /** A buffer for small packets, written at the end of this read burst. */
    ByteBuf pending(int bytes) {
        if (pending == null) {
            pending = channel.alloc().directBuffer(Math.max(256, bytes));
        }
        return pending;
    }
}
