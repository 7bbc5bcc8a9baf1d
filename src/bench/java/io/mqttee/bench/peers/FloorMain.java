package io.mqttee.bench.peers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConstant;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubAckMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Not a broker: a calibration for the latency scenarios. {@code floor} does the least an MQTT
 * server on Netty's NIO transport in a JVM can do for them: cut the byte stream into packets (one
 * {@link ByteToMessageDecoder}), answer CONNECT and SUBSCRIBE, and write each PUBLISH's bytes,
 * unchanged, to the subscribers of exactly its topic, at once, from the publisher's read, flushed
 * when that read completes. No validation, sessions, QoS state, wildcards or codec objects.
 * Its latency is the floor of the platform MQTTee is built on (JVM, Netty, NIO).
 *
 * <p>Variants, each adding one of MQTTee's layers to the floor, to price them one by one:
 * <ul>
 *   <li>{@code floor-task}: each delivery handed to a task on the subscriber's event loop, which
 *       writes and flushes it (MQTTee's outbound queue and drain task);</li>
 *   <li>{@code floor-decode}: Netty's {@link MqttDecoder} in front, built as MQTTee builds it
 *       (strict UTF-8 validation off; until 2026-11-29 12:20 UTC it was on) (packets become message
 *       objects; the PUBLISH is still written as bytes made here);</li>
 *   <li>{@code floor-codec}: Netty's decoder and {@link MqttEncoder}: each delivery a new
 *       {@link MqttPublishMessage} encoded for its subscriber, as MQTTee does.</li>
 * </ul>
 * Benchmark names {@code floor}, {@code floor-task}, {@code floor-decode}, {@code floor-codec};
 * never compared as peers. Usage: {@code FloorMain PORT [VARIANT]} (binds 127.0.0.1, one I/O
 * thread, like MQTTee on one core). QoS 1 is answered with PUBACK and forwarded with the
 * publisher's packet identifier; subscribers' PUBACKs are ignored.
 */
public final class FloorMain {

    private FloorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        String mode = args.length > 1 ? args[1] : "floor";
        boolean viaTask = mode.equals("floor-task");
        MultiThreadIoEventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        MultiThreadIoEventLoopGroup io = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        Subscribers subscribers = new Subscribers();
        new ServerBootstrap()
                .group(acceptor, io)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // as MQTTee: one read per connection per turn
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator().maxMessagesPerRead(1))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (mode.equals("floor-codec") || mode.equals("floor-decode")) {
                            // the decoder as MQTTee builds it: strict UTF-8 validation off (MQTTee's
                            // packet inspector validates instead), so the floor prices the codec alone
                            ch.pipeline().addLast(new MqttDecoder(MqttConstant.DEFAULT_MAX_BYTES_IN_MESSAGE,
                                            MqttConstant.DEFAULT_MAX_CLIENT_ID_LENGTH, false), MqttEncoder.INSTANCE,
                                    new CodecForwarder(subscribers, mode.equals("floor-decode")));
                        } else {
                            ch.pipeline().addLast(new Forwarder(subscribers, viaTask));
                        }
                        ch.pipeline().addLast(new Cleanup(subscribers));
                    }
                })
                .bind("127.0.0.1", port).sync();
        Thread.currentThread().join();
    }

    /**
     * Who subscribed to which exact topic, and the subscribers written to during the read in
     * progress (flushed when it completes, deliveries before the reader's own replies). Touched on
     * the one I/O thread only.
     */
    private static final class Subscribers {
        private final Map<String, List<Channel>> byTopic = new HashMap<>();
        private final List<Channel> written = new ArrayList<>();

        void add(String topic, Channel subscriber) {
            byTopic.computeIfAbsent(topic, t -> new ArrayList<>()).add(subscriber);
        }

        List<Channel> of(String topic) {
            return byTopic.getOrDefault(topic, List.of());
        }

        void written(Channel subscriber) {
            written.add(subscriber);
        }

        void flushWritten() {
            for (Channel c : written) {
                c.flush();
            }
            written.clear();
        }

        void remove(Channel gone) {
            byTopic.values().forEach(list -> list.remove(gone));
        }
    }

    /** Frames packets in place and acts on each; nothing is passed down the pipeline. */
    private static final class Forwarder extends ByteToMessageDecoder {
        private final Subscribers subscribers;
        /** floor-task: each delivery goes through a task on the subscriber's loop, written and flushed there. */
        private final boolean viaTask;

        Forwarder(Subscribers subscribers, boolean viaTask) {
            this.subscribers = subscribers;
            this.viaTask = viaTask;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            while (in.isReadable()) {
                int start = in.readerIndex();
                int remaining = 0;
                int header = 1;
                int shift = 0;
                while (true) {
                    if (in.readableBytes() <= header) {
                        return;
                    }
                    int b = in.getUnsignedByte(start + header++);
                    remaining |= (b & 0x7F) << shift;
                    shift += 7;
                    if ((b & 0x80) == 0) {
                        break;
                    }
                }
                if (in.readableBytes() < header + remaining) {
                    return;
                }
                int first = in.getUnsignedByte(start);
                int body = start + header;
                switch (first >> 4) {
                    case 1 -> ctx.write(ctx.alloc().buffer(4).writeByte(0x20).writeByte(2).writeShort(0)); // CONNACK
                    case 3 -> publish(ctx, in, start, header + remaining, body, (first >> 1) & 3);
                    case 8 -> subscribe(ctx, in, body);
                    case 12 -> ctx.write(ctx.alloc().buffer(2).writeByte(0xD0).writeByte(0)); // PINGRESP
                    case 14 -> ctx.close();
                    default -> { } // PUBACK from subscribers: nothing is tracked
                }
                in.skipBytes(header + remaining);
            }
        }

        private void publish(ChannelHandlerContext ctx, ByteBuf in, int start, int length, int body, int qos) {
            int topicLength = in.getUnsignedShort(body);
            String topic = in.toString(body + 2, topicLength, StandardCharsets.UTF_8);
            for (Channel c : subscribers.of(topic)) {
                ByteBuf frame = in.retainedSlice(start, length);
                if (viaTask) {
                    c.eventLoop().execute(() -> c.writeAndFlush(frame, c.voidPromise()));
                } else {
                    c.write(frame, c.voidPromise());
                    subscribers.written(c);
                }
            }
            if (qos > 0) {
                ctx.write(ctx.alloc().buffer(4).writeByte(0x40).writeByte(2)
                        .writeShort(in.getUnsignedShort(body + 2 + topicLength)));
            }
        }

        private void subscribe(ChannelHandlerContext ctx, ByteBuf in, int body) {
            int packetId = in.getUnsignedShort(body);
            int topicLength = in.getUnsignedShort(body + 2);
            String filter = in.toString(body + 4, topicLength, StandardCharsets.UTF_8);
            int qos = in.getUnsignedByte(body + 4 + topicLength) & 3;
            subscribers.add(filter, ctx.channel());
            ctx.write(ctx.alloc().buffer(5).writeByte(0x90).writeByte(3).writeShort(packetId).writeByte(qos));
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
            subscribers.flushWritten();
            ctx.flush();
            super.channelReadComplete(ctx);
        }
    }

    /**
     * floor-codec: the same forwarding through Netty's MQTT codec, as MQTTee uses it: each packet
     * decoded into a message object, each delivery a new PUBLISH message encoded for its subscriber.
     */
    private static final class CodecForwarder extends ChannelInboundHandlerAdapter {
        private final Subscribers subscribers;
        /** floor-decode: Netty's decoder only; the PUBLISH is written as bytes, not through the encoder. */
        private final boolean decodeOnly;

        CodecForwarder(Subscribers subscribers, boolean decodeOnly) {
            this.subscribers = subscribers;
            this.decodeOnly = decodeOnly;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            MqttMessage m = (MqttMessage) msg;
            try {
                switch (m.fixedHeader().messageType()) {
                    case CONNECT -> ctx.write(MqttMessageBuilders.connAck()
                            .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED).build());
                    case SUBSCRIBE -> {
                        MqttSubscribeMessage sub = (MqttSubscribeMessage) m;
                        MqttTopicSubscription t = sub.payload().topicSubscriptions().get(0);
                        subscribers.add(t.topicFilter(), ctx.channel());
                        ctx.write(new MqttSubAckMessage(
                                new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                                MqttMessageIdVariableHeader.from(sub.variableHeader().messageId()),
                                new MqttSubAckPayload(t.qualityOfService().value())));
                    }
                    case PUBLISH -> publish(ctx, (MqttPublishMessage) m);
                    case PINGREQ -> ctx.write(new MqttMessage(
                            new MqttFixedHeader(MqttMessageType.PINGRESP, false, MqttQoS.AT_MOST_ONCE, false, 0)));
                    case DISCONNECT -> ctx.close();
                    default -> { }
                }
            } finally {
                ReferenceCountUtil.release(m);
            }
        }

        private void publish(ChannelHandlerContext ctx, MqttPublishMessage p) {
            MqttQoS qos = p.fixedHeader().qosLevel();
            for (Channel c : subscribers.of(p.variableHeader().topicName())) {
                c.write(decodeOnly ? publishBytes(c, p) : new MqttPublishMessage(
                        new MqttFixedHeader(MqttMessageType.PUBLISH, false, qos, false, 0),
                        new MqttPublishVariableHeader(p.variableHeader().topicName(), p.variableHeader().packetId()),
                        p.content().retainedDuplicate()), c.voidPromise());
                subscribers.written(c);
            }
            if (qos != MqttQoS.AT_MOST_ONCE) {
                ctx.write(new MqttPubAckMessage(
                        new MqttFixedHeader(MqttMessageType.PUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                        MqttMessageIdVariableHeader.from(p.variableHeader().packetId())));
            }
        }

        private static ByteBuf publishBytes(Channel c, MqttPublishMessage p) {
            byte[] topic = p.variableHeader().topicName().getBytes(StandardCharsets.UTF_8);
            int qos = p.fixedHeader().qosLevel().value();
            int remaining = 2 + topic.length + (qos > 0 ? 2 : 0) + p.content().readableBytes();
            ByteBuf out = c.alloc().buffer(remaining + 5);
            out.writeByte(0x30 | qos << 1);
            for (int v = remaining; ; ) {
                int b = v & 0x7F;
                v >>>= 7;
                out.writeByte(v > 0 ? b | 0x80 : b);
                if (v == 0) {
                    break;
                }
            }
            out.writeShort(topic.length).writeBytes(topic);
            if (qos > 0) {
                out.writeShort(p.variableHeader().packetId());
            }
            return out.writeBytes(p.content(), p.content().readerIndex(), p.content().readableBytes());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            subscribers.flushWritten();
            ctx.flush();
        }
    }

    /** Last in every pipeline: a closed connection leaves the table; an error closes the connection. */
    private static final class Cleanup extends ChannelInboundHandlerAdapter {
        private final Subscribers subscribers;

        Cleanup(Subscribers subscribers) {
            this.subscribers = subscribers;
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            subscribers.remove(ctx.channel());
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
