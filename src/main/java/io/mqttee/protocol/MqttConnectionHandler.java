package io.mqttee.protocol;

import io.mqttee.config.ListenerConfig;
import io.mqttee.core.Broker;
import io.mqttee.core.ConnectOutcome;
import io.mqttee.core.ConnectRequest;
import io.mqttee.core.DisconnectReason;
import io.mqttee.core.Message;
import io.mqttee.core.Metric;
import io.mqttee.core.Session;
import io.mqttee.core.SessionConnection;
import io.mqttee.core.SubscriptionRequest;
import io.mqttee.core.Topics;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One MQTT 3.1 / 3.1.1 connection: validates what the codec does not, translates packets into core
 * calls, and implements {@link SessionConnection} so the core can write to it.
 *
 * <p>Threading: Netty calls this handler on the channel's I/O thread only. The core may call the
 * {@link SessionConnection} methods from any thread; {@code channel.write} hands those writes to the
 * I/O thread in call order, and one flush per burst is scheduled behind them.
 */
final class MqttConnectionHandler extends ChannelInboundHandlerAdapter implements SessionConnection {

    private static final Logger LOG = Logger.getLogger(MqttConnectionHandler.class.getName());
    static final String ASSIGNED_ID_PREFIX = "mqttee-";

    private final Broker broker;
    private final ListenerConfig listener;
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private Channel channel;
    private ScheduledFuture<?> handshakeTimeout;
    private ScheduledFuture<?> retryTimer;
    private Session session;
    private int protocolVersion;
    /** Set when the server decides to close, so the session learns why. */
    private volatile DisconnectReason closeReason;

    MqttConnectionHandler(Broker broker, ListenerConfig listener) {
        this.broker = broker;
        this.listener = listener;
    }

    // ---- channel lifecycle ----

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        channel = ctx.channel();
        long timeoutMillis = listener.handshakeTimeout().toMillis();
        // A connection that does not send CONNECT in time is closed [MQTT-3.1.0-1, handshake_timeout]
        handshakeTimeout = ctx.executor().schedule(() -> {
            if (session == null) {
                closeForProtocolError("no CONNECT within " + timeoutMillis + " ms");
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimers();
        if (session != null) {
            DisconnectReason reason = closeReason != null ? closeReason : DisconnectReason.CONNECTION_LOST;
            broker.disconnected(session, this, reason);
        }
        super.channelInactive(ctx);
    }

    private void cancelTimers() {
        if (handshakeTimeout != null) {
            handshakeTimeout.cancel(false);
        }
        if (retryTimer != null) {
            retryTimer.cancel(false);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
            // No packet within 1.5 x keepalive: close as a network failure, publishing the will [MQTT-3.1.2-24]
            closeReason = DisconnectReason.KEEPALIVE_TIMEOUT;
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.FINE, "connection error, closing " + ctx.channel(), cause);
        ctx.close();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    // ---- inbound packets ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof MqttMessage m)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            if (m.decoderResult().isFailure()) {
                onDecoderFailure(m.decoderResult().cause());
                return;
            }
            MqttMessageType type = m.fixedHeader().messageType();
            if (session == null && type != MqttMessageType.CONNECT) {
                closeForProtocolError("first packet must be CONNECT, got " + type); // [MQTT-3.1.0-1]
                return;
            }
            if (!hasValidFixedHeaderFlags(m.fixedHeader())) {
                closeForProtocolError("reserved fixed header flags set on " + type); // [MQTT-2.2.2-2]
                return;
            }
            switch (type) {
                case CONNECT -> onConnect((MqttConnectMessage) m);
                case PUBLISH -> onPublish((MqttPublishMessage) m);
                case PUBACK -> session.onPuback(messageId(m));
                case PUBREC -> onPubrec(messageId(m));
                case PUBREL -> onPubrel(messageId(m));
                case PUBCOMP -> session.onPubcomp(messageId(m));
                case SUBSCRIBE -> onSubscribe((MqttSubscribeMessage) m);
                case UNSUBSCRIBE -> onUnsubscribe((MqttUnsubscribeMessage) m);
                case PINGREQ -> channel.write(new MqttMessage(fixed(MqttMessageType.PINGRESP, MqttQoS.AT_MOST_ONCE, 0)));
                case DISCONNECT -> onDisconnect();
                default -> closeForProtocolError("client may not send " + type); // CONNACK, SUBACK, ...
            }
        } finally {
            ReferenceCountUtil.release(m);
        }
    }

    private void onDecoderFailure(Throwable cause) {
        if (session == null && cause instanceof MqttUnacceptableProtocolVersionException) {
            // Unsupported protocol level: CONNACK 0x01, then close [MQTT-3.1.2-2]
            refuseConnect(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
        } else if (session == null && cause instanceof MqttIdentifierRejectedException) {
            refuseConnect(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED); // [MQTT-3.1.3-9]
        } else if (cause instanceof TooLongFrameException) {
            closeForProtocolError("packet larger than max_packet_size " + listener.maxPacketSize());
        } else {
            closeForProtocolError("malformed packet: " + cause.getMessage());
        }
    }

    /** Fixed header flags other than PUBLISH's are reserved: 0010 for PUBREL/SUBSCRIBE/UNSUBSCRIBE, else 0000. */
    private static boolean hasValidFixedHeaderFlags(MqttFixedHeader h) {
        return switch (h.messageType()) {
            case PUBLISH -> !(h.qosLevel() == MqttQoS.AT_MOST_ONCE && h.isDup()); // [MQTT-3.3.1-2]
            case PUBREL, SUBSCRIBE, UNSUBSCRIBE -> h.qosLevel() == MqttQoS.AT_LEAST_ONCE && !h.isDup() && !h.isRetain();
            default -> h.qosLevel() == MqttQoS.AT_MOST_ONCE && !h.isDup() && !h.isRetain();
        };
    }

    private static int messageId(MqttMessage m) {
        return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
    }

    // ---- CONNECT ----

    private void onConnect(MqttConnectMessage m) {
        if (session != null) {
            closeForProtocolError("second CONNECT"); // [MQTT-3.1.0-2]
            return;
        }
        handshakeTimeout.cancel(false);
        broker.counters().count(Metric.CLIENT_CONNECT);
        MqttConnectVariableHeader vh = m.variableHeader();
        MqttConnectPayload payload = m.payload();
        protocolVersion = vh.version();
        if (protocolVersion != 3 && protocolVersion != 4) {
            // MQTT 5 is not served yet: CONNACK 0x84 Unsupported Protocol Version
            refuseConnect(MqttConnectReturnCode.CONNECTION_REFUSED_UNSUPPORTED_PROTOCOL_VERSION);
            return;
        }
        if (vh.isWillFlag() && vh.willQos() > 2) {
            closeForProtocolError("will QoS 3"); // [MQTT-3.1.2-14]
            return;
        }
        if (!vh.isWillFlag() && (vh.willQos() != 0 || vh.isWillRetain())) {
            closeForProtocolError("will QoS/retain set without will flag"); // [MQTT-3.1.2-13, MQTT-3.1.2-15]
            return;
        }
        if (protocolVersion == 4 && !vh.hasUserName() && vh.hasPassword()) {
            closeForProtocolError("password flag without user name flag"); // [MQTT-3.1.2-22]
            return;
        }
        String clientId = payload.clientIdentifier();
        boolean clean = vh.isCleanSession();
        if (clientId == null || clientId.isEmpty()) {
            if (!clean) {
                // Zero-length identifier needs Clean Session [MQTT-3.1.3-8]
                refuseConnect(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
                return;
            }
            clientId = ASSIGNED_ID_PREFIX + UUID.randomUUID(); // [MQTT-3.1.3-6]
        }
        if (clientId.length() > listener.maxClientIdLen() || clientId.indexOf('\u0000') >= 0) {
            refuseConnect(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
            return;
        }
        int keepalive = vh.keepAliveTimeSeconds();
        boolean keepaliveRefused = keepalive == 0
                ? !listener.allowZeroKeepalive()
                : keepalive > listener.maxKeepalive() || keepalive < listener.minKeepalive();
        if (keepaliveRefused) {
            // 3.x has no way to tell the client another keepalive; refuse like Mosquitto does
            refuseConnect(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
            return;
        }
        Message will = null;
        if (vh.isWillFlag()) {
            if (!Topics.isValidTopicName(payload.willTopic(), listener.maxTopicLevels())) {
                closeForProtocolError("invalid will topic"); // [MQTT-3.1.3-10]
                return;
            }
            int willQos = Math.min(vh.willQos(), listener.maxQosAllowed());
            will = new Message(payload.willTopic(), payload.willMessageInBytes(), willQos, vh.isWillRetain(),
                    clientId, broker.clock().millis());
        }
        String username = vh.hasUserName() ? payload.userName() : null;
        broker.counters().count(Metric.CLIENT_AUTHENTICATE);
        if (!listener.allowAnonymous()) {
            // No authentication backend is configured, so nobody can prove who they are
            refuseConnect(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
            return;
        }
        broker.counters().count(Metric.CLIENT_AUTH_ANONYMOUS);

        InetSocketAddress remote = (InetSocketAddress) channel.remoteAddress();
        ConnectRequest request = new ConnectRequest(clientId, clean, protocolVersion, keepalive, username, will,
                listener, remote.getAddress().getHostAddress(), remote.getPort());
        ConnectOutcome outcome = broker.connect(request, this);
        session = outcome.session();

        if (keepalive > 0) {
            long idleMillis = (long) (keepalive * 1000L * listener.keepaliveBackoff() * 2);
            channel.pipeline().addBefore(MqttChannelInitializer.CONNECTION, MqttChannelInitializer.KEEPALIVE,
                    new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS));
        }
        MqttConnAckMessage connack = MqttMessageBuilders.connAck()
                .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
                .sessionPresent(outcome.sessionPresent()) // [MQTT-3.2.2-1..3]
                .build();
        channel.write(connack);
        broker.counters().count(Metric.CLIENT_CONNACK);
        session.activate();
        channel.flush();
        if (protocolVersion == 3) {
            long retryMillis = listener.messageRetryInterval().toMillis();
            if (retryMillis > 0) {
                retryTimer = channel.eventLoop().scheduleAtFixedRate(session::retryUnacknowledged,
                        retryMillis, retryMillis, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void refuseConnect(MqttConnectReturnCode code) {
        broker.counters().count(Metric.CLIENT_CONNACK);
        MqttConnAckMessage connack = MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false).build();
        // A refused CONNECT gets its CONNACK and then the connection closes [MQTT-3.2.2-5]
        channel.writeAndFlush(connack).addListener(ChannelFutureListener.CLOSE);
    }

    // ---- PUBLISH and acknowledgements ----

    private void onPublish(MqttPublishMessage m) {
        MqttPublishVariableHeader vh = m.variableHeader();
        int qos = m.fixedHeader().qosLevel().value();
        String topic = vh.topicName();
        if (!Topics.isValidTopicName(topic, listener.maxTopicLevels())) {
            closeForProtocolError("invalid topic name in PUBLISH"); // [MQTT-3.3.2-2]
            return;
        }
        if (qos > listener.maxQosAllowed()) {
            closeForProtocolError("QoS " + qos + " above max_qos_allowed");
            return;
        }
        int packetId = vh.packetId();
        if (qos > 0 && packetId == 0) {
            closeForProtocolError("packet identifier 0"); // [MQTT-2.3.1-1]
            return;
        }
        byte[] payload = ByteBufUtil.getBytes(m.content());
        Message message = new Message(topic, payload, qos, m.fixedHeader().isRetain(), session.clientId(),
                broker.clock().millis());
        switch (qos) {
            case 0 -> broker.publish(message);
            case 1 -> {
                broker.publish(message);
                channel.write(MqttMessageBuilders.pubAck().packetId(packetId).build()); // [MQTT-4.3.2-2]
            }
            default -> {
                // Deliver on first receipt only; a re-sent PUBLISH before PUBREL is not routed again [MQTT-4.3.3-2]
                if (session.onInboundQos2(packetId)) {
                    broker.publish(message);
                }
                channel.write(ack(MqttMessageType.PUBREC, MqttQoS.AT_MOST_ONCE, packetId));
            }
        }
    }

    private void onPubrec(int packetId) {
        if (session.onPubrec(packetId)) {
            channel.write(ack(MqttMessageType.PUBREL, MqttQoS.AT_LEAST_ONCE, packetId)); // [MQTT-4.3.3-1]
        }
    }

    private void onPubrel(int packetId) {
        session.onPubrel(packetId);
        channel.write(ack(MqttMessageType.PUBCOMP, MqttQoS.AT_MOST_ONCE, packetId)); // [MQTT-4.3.3-2]
    }

    private static MqttMessage ack(MqttMessageType type, MqttQoS qos, int packetId) {
        return new MqttMessage(fixed(type, qos, 2), MqttMessageIdVariableHeader.from(packetId));
    }

    private static MqttFixedHeader fixed(MqttMessageType type, MqttQoS qos, int remainingLength) {
        return new MqttFixedHeader(type, false, qos, false, remainingLength);
    }

    // ---- SUBSCRIBE / UNSUBSCRIBE ----

    private void onSubscribe(MqttSubscribeMessage m) {
        int packetId = m.variableHeader().messageId();
        List<MqttTopicSubscription> topics = m.payload().topicSubscriptions();
        if (packetId == 0 || topics.isEmpty()) {
            closeForProtocolError("SUBSCRIBE without packet identifier or topic filters"); // [MQTT-3.8.3-3]
            return;
        }
        List<SubscriptionRequest> requests = new ArrayList<>(topics.size());
        for (MqttTopicSubscription t : topics) {
            if (!Topics.isValidFilter(t.topicFilter(), 0)) {
                closeForProtocolError("invalid topic filter '" + t.topicFilter() + "'"); // [MQTT-4.7.1-2, MQTT-4.7.1-3]
                return;
            }
            MqttSubscriptionOption o = t.option();
            if (protocolVersion < 5 && (o.isNoLocal() || o.isRetainAsPublished()
                    || o.retainHandling() != MqttSubscriptionOption.RetainedHandlingPolicy.SEND_AT_SUBSCRIBE)) {
                // 3.x: bits 2-7 of the requested QoS byte are reserved (the codec reads them as MQTT 5 options)
                closeForProtocolError("reserved bits set in requested QoS"); // [MQTT-3-8.3-4]
                return;
            }
            requests.add(new SubscriptionRequest(t.topicFilter(), t.qualityOfService().value()));
        }
        List<Integer> granted = broker.subscribe(session, requests);
        MqttSubAckMessage suback = new MqttSubAckMessage(fixed(MqttMessageType.SUBACK, MqttQoS.AT_MOST_ONCE, 0),
                MqttMessageIdVariableHeader.from(packetId), new MqttSubAckPayload(granted));
        channel.write(suback); // same packet identifier, one return code per filter [MQTT-3.8.4-2, MQTT-3.8.4-5]
        broker.sendRetained(session, requests, granted);
    }

    private void onUnsubscribe(MqttUnsubscribeMessage m) {
        int packetId = m.variableHeader().messageId();
        List<String> filters = m.payload().topics();
        if (packetId == 0 || filters.isEmpty()) {
            closeForProtocolError("UNSUBSCRIBE without packet identifier or topic filters"); // [MQTT-3.10.3-2]
            return;
        }
        for (String f : filters) {
            if (!Topics.isValidFilter(f, 0)) {
                closeForProtocolError("invalid topic filter '" + f + "'");
                return;
            }
        }
        broker.unsubscribe(session, filters);
        channel.write(ack(MqttMessageType.UNSUBACK, MqttQoS.AT_MOST_ONCE, packetId)); // [MQTT-3.10.4-4]
    }

    private void onDisconnect() {
        // The will is discarded without publishing [MQTT-3.14.4-3]
        closeReason = DisconnectReason.CLIENT_DISCONNECT;
        channel.close();
    }

    private void closeForProtocolError(String why) {
        LOG.fine(() -> "closing " + channel + ": " + why);
        if (closeReason == null) {
            closeReason = DisconnectReason.PROTOCOL_ERROR;
        }
        channel.close();
    }

    /** Server shutdown: close without publishing the will. */
    void shutdown() {
        if (session != null) {
            session.takeWill();
        }
        close(DisconnectReason.SERVER_SHUTDOWN);
    }

    // ---- SessionConnection: called by the core from any thread ----

    @Override
    public void sendPublish(Message message, int qos, boolean retain, boolean dup, int packetId) {
        MqttFixedHeader header = new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.valueOf(qos), retain, 0);
        MqttPublishVariableHeader vh = new MqttPublishVariableHeader(message.topic(), packetId);
        channel.write(new MqttPublishMessage(header, vh, Unpooled.wrappedBuffer(message.payload())));
        scheduleFlush();
    }

    @Override
    public void sendPubrel(int packetId) {
        channel.write(ack(MqttMessageType.PUBREL, MqttQoS.AT_LEAST_ONCE, packetId));
        scheduleFlush();
    }

    /** Coalesces the flushes of a burst of writes from other threads into one, queued behind them. */
    private void scheduleFlush() {
        if (flushScheduled.compareAndSet(false, true)) {
            channel.eventLoop().execute(() -> {
                flushScheduled.set(false);
                channel.flush();
            });
        }
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public void close(DisconnectReason reason) {
        closeReason = reason;
        channel.eventLoop().execute(() -> channel.close());
    }
}
