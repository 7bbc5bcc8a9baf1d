package io.mqttee.protocol;

import io.mqttee.config.ListenerConfig;
import io.mqttee.core.AuthenticationMethod;
import io.mqttee.core.Broker;
import io.mqttee.core.ConnectOutcome;
import io.mqttee.core.ConnectRequest;
import io.mqttee.core.DisconnectReason;
import io.mqttee.core.Message;
import io.mqttee.core.MessageProperties;
import io.mqttee.core.Metric;
import io.mqttee.core.Session;
import io.mqttee.core.SessionConnection;
import io.mqttee.core.SubscribeResult;
import io.mqttee.core.SubscriptionRequest;
import io.mqttee.core.Topics;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
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
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.SingleThreadEventExecutor;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One MQTT connection (3.1, 3.1.1 or 5): validates what the codec does not, translates packets into
 * core calls, and implements {@link SessionConnection} so the core can write to it.
 *
 * <p>Threading: Netty calls this handler on the channel's I/O thread only. The core calls the
 * {@link SessionConnection} methods from any thread, always under the session's lock: they append
 * to {@link #outbound}, and one drain task on the I/O thread writes what is there, in that order,
 * and flushes once. Writing directly would let a write from the I/O thread itself (a PUBACK that
 * frees the window) overtake writes other threads had queued before it. The outbound topic-alias
 * table is only touched from those calls, so the session lock orders it too.
 */
final class MqttConnectionHandler extends ChannelInboundHandlerAdapter implements SessionConnection {

    private static final Logger LOG = Logger.getLogger(MqttConnectionHandler.class.getName());
    static final String ASSIGNED_ID_PREFIX = "mqttee-";
    /** Largest packet MQTT can express: 268,435,455 bytes of remaining length plus the fixed header. */
    static final long UNLIMITED_PACKET_SIZE = 268_435_460L;
    /** Session Expiry Interval meaning "never expires" [MQTT-3.1.2-?, 5.0 section 3.1.2.11.2]. */
    static final long NEVER_EXPIRES = 0xFFFFFFFFL;

    // MQTT 5 reason codes the server sends
    static final byte RC_SUCCESS = 0x00;
    static final byte RC_NO_SUBSCRIPTION_EXISTED = 0x11;
    static final byte RC_CONTINUE_AUTHENTICATION = 0x18;
    static final byte RC_REAUTHENTICATE = 0x19;
    static final byte RC_NOT_AUTHORIZED = (byte) 0x87;
    static final byte RC_DISCONNECT_WITH_WILL = 0x04;
    static final byte RC_UNSPECIFIED_ERROR = (byte) 0x80;
    static final byte RC_MALFORMED_PACKET = (byte) 0x81;
    static final byte RC_PROTOCOL_ERROR = (byte) 0x82;
    static final byte RC_SERVER_SHUTTING_DOWN = (byte) 0x8B;
    static final byte RC_KEEPALIVE_TIMEOUT = (byte) 0x8D;
    static final byte RC_SESSION_TAKEN_OVER = (byte) 0x8E;
    static final byte RC_TOPIC_FILTER_INVALID = (byte) 0x8F;
    static final byte RC_TOPIC_NAME_INVALID = (byte) 0x90;
    static final byte RC_PACKET_ID_NOT_FOUND = (byte) 0x92;
    static final byte RC_RECEIVE_MAXIMUM_EXCEEDED = (byte) 0x93;
    static final byte RC_TOPIC_ALIAS_INVALID = (byte) 0x94;
    static final byte RC_PACKET_TOO_LARGE = (byte) 0x95;
    static final byte RC_ADMINISTRATIVE_ACTION = (byte) 0x98;
    static final byte RC_QUOTA_EXCEEDED = (byte) 0x97;
    static final byte RC_PAYLOAD_FORMAT_INVALID = (byte) 0x99;
    static final byte RC_QOS_NOT_SUPPORTED = (byte) 0x9B;
    static final byte RC_SHARED_SUBSCRIPTIONS_NOT_SUPPORTED = (byte) 0x9E;

    private final Broker broker;
    private final ListenerConfig listener;
    /** PUBLISH/PUBREL from the core, in session order, waiting for the I/O thread. */
    private final Queue<MqttMessage> outbound = new ConcurrentLinkedQueue<>();
    /** 1 while a drain task is scheduled (a field updater, not an atomic object per connection). */
    private volatile int drainScheduled;
    private static final AtomicIntegerFieldUpdater<MqttConnectionHandler> DRAIN_SCHEDULED =
            AtomicIntegerFieldUpdater.newUpdater(MqttConnectionHandler.class, "drainScheduled");
    /** Estimated bytes of the packets in {@link #outbound}, which the channel does not count yet. */
    private volatile long queuedBytes;
    private static final AtomicLongFieldUpdater<MqttConnectionHandler> QUEUED_BYTES =
            AtomicLongFieldUpdater.newUpdater(MqttConnectionHandler.class, "queuedBytes");
    /** Write-and-refill rounds of one drain task (see {@link #drainOutbound}). */
    private static final int MAX_DRAIN_ROUNDS = 16;
    /**
     * Held while an inbound PUBLISH or PUBREL acts on the session, and by {@link #close} to mark the
     * connection closing: a takeover waits for the old connection's packet in progress, and the old
     * connection acts on nothing after it. Never held while taking a broker stripe lock (routing
     * takes only session locks), so a takeover holding its stripe lock cannot deadlock on it.
     */
    private final Object inbound = new Object();
    private Channel channel;
    /** Flushes this connection's replies after the deliveries of its batch (see channelReadComplete). */
    private final Runnable flushTask = () -> channel.flush();
    private ScheduledFuture<?> handshakeTimeout;
    private ScheduledFuture<?> retryTimer;
    private ScheduledFuture<?> keepaliveTimer;
    /** The keepalive limit (0: none) and when the last batch of bytes was read; I/O thread only. */
    private long keepaliveNanos;
    private long lastReadNanos;
    private Session session;
    private int protocolVersion;
    /** Set when the server decides to close, so the session learns why. */
    private volatile DisconnectReason closeReason;
    /** What the inspector found wrong with the packet about to arrive, or null. */
    private ProtocolViolation pendingViolation;
    /** Whether this connection was counted in {@code client.protocol_error} already. */
    private boolean protocolErrorCounted;

    // MQTT 5 connection state
    private long clientMaximumPacketSize = UNLIMITED_PACKET_SIZE;
    private int clientTopicAliasMaximum;
    private boolean requestProblemInformation = true;
    private boolean connectSessionExpiryWasZero;
    /** Allocated with the first alias: most connections use none. */
    private Map<Integer, String> inboundAliases = Map.of();
    /** A CONNECT accepted so far but waiting for its enhanced authentication to finish. */
    private PendingConnect pendingConnect;
    /** The Authentication Method of this connection, or null when none was negotiated. */
    private String authMethod;
    /** The exchange in progress (at CONNECT or re-authentication), or null. */
    private AuthenticationMethod.Exchange authExchange;

    /** Everything onConnect decided, kept while an AUTH exchange runs. */
    private record PendingConnect(ConnectRequest request, boolean assignedId, Integer serverKeepAlive,
                                  String responseInformation, boolean sessionExpiryChanged) {
    }
    /** Guarded by the session's lock (see class comment). */
    private Map<String, Integer> outboundAliases = Map.of();

    MqttConnectionHandler(Broker broker, ListenerConfig listener) {
        this.broker = broker;
        this.listener = listener;
    }

    private boolean isV5() {
        return protocolVersion == 5;
    }

    // ---- channel lifecycle ----

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        channel = ctx.channel();
        long timeoutMillis = listener.handshakeTimeout().toMillis();
        // A connection that does not send CONNECT in time is closed (handshake_timeout)
        handshakeTimeout = ctx.executor().schedule(() -> {
            if (session == null) {
                LOG.fine(() -> "closing " + channel + ": no CONNECT within " + timeoutMillis + " ms");
                channel.close();
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
        if (keepaliveTimer != null) {
            keepaliveTimer.cancel(false);
        }
    }

    /**
     * Closes the connection when nothing is read for {@code idleMillis} (keepalive x
     * {@code keepalive_backoff} x 2). One timer per connection that re-arms itself for the time
     * left, instead of an IdleStateHandler in the pipeline: idle connections are most connections,
     * and this keeps each one smaller.
     */
    private void startKeepalive(long idleMillis) {
        keepaliveNanos = TimeUnit.MILLISECONDS.toNanos(idleMillis);
        lastReadNanos = channel.eventLoop().ticker().nanoTime();
        keepaliveTimer = channel.eventLoop().schedule(this::checkKeepalive, keepaliveNanos, TimeUnit.NANOSECONDS);
    }

    private void checkKeepalive() {
        if (!channel.isActive()) {
            return;
        }
        long idle = channel.eventLoop().ticker().nanoTime() - lastReadNanos;
        if (idle >= keepaliveNanos) {
            // No packet within 1.5 x keepalive: a network failure, so the will is published [MQTT-3.1.2-24]
            disconnect(DisconnectReason.KEEPALIVE_TIMEOUT, RC_KEEPALIVE_TIMEOUT, "keepalive timeout");
            return;
        }
        keepaliveTimer = channel.eventLoop().schedule(this::checkKeepalive, keepaliveNanos - idle, TimeUnit.NANOSECONDS);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.FINE, "connection error, closing " + ctx.channel(), cause);
        ctx.close();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (keepaliveNanos > 0) {
            lastReadNanos = channel.eventLoop().ticker().nanoTime(); // once per batch of reads is precise enough for keepalive
        }
        if (pendingTasks(channel.eventLoop()) > 0) {
            // This batch queued deliveries on this I/O thread (the drain tasks of subscribers here):
            // they go out first, our own replies (PUBACK, PUBREC...) after them, as Mosquitto orders
            // them. Flushing now would put a write syscall, and the wake-up of the publisher it
            // causes, ahead of every delivery of the batch on the end-to-end path.
            channel.eventLoop().execute(flushTask);
        } else {
            ctx.flush();
        }
    }

    /** Tasks queued on the event loop, or 0 when the loop does not say (it then flushes at once). */
    private static int pendingTasks(EventLoop loop) {
        return loop instanceof SingleThreadEventExecutor e ? e.pendingTasks() : 0;
    }

    // ---- inbound packets ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ProtocolViolation v) {
            pendingViolation = v; // belongs to the packet that comes next
            return;
        }
        if (!(msg instanceof MqttMessage m)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            ProtocolViolation violation = pendingViolation;
            pendingViolation = null;
            if (m.decoderResult().isFailure()) {
                onDecoderFailure(m.decoderResult().cause());
                return;
            }
            if (violation != null) {
                onViolation(m, violation);
                return;
            }
            if (closeReason != null) {
                return; // closing: read nothing more
            }
            MqttMessageType type = m.fixedHeader().messageType();
            boolean authenticating = pendingConnect != null && type == MqttMessageType.AUTH;
            if (session == null && type != MqttMessageType.CONNECT && !authenticating) {
                protocolError("first packet must be CONNECT, got " + type); // [MQTT-3.1.0-1, MQTT-4.12.0-4]
                return;
            }
            if (!hasValidFixedHeaderFlags(m.fixedHeader())) {
                malformed("reserved fixed header flags set on " + type); // [MQTT-2.2.2-2]
                return;
            }
            switch (type) {
                case CONNECT -> onConnect((MqttConnectMessage) m);
                case PUBLISH -> {
                    synchronized (inbound) {
                        if (closeReason == null) {
                            onPublish((MqttPublishMessage) m);
                        }
                    }
                }
                case PUBACK -> session.onPuback(messageId(m));
                case PUBREC -> onPubrec(m);
                case PUBREL -> {
                    synchronized (inbound) {
                        if (closeReason == null) {
                            onPubrel(messageId(m));
                        }
                    }
                }
                case PUBCOMP -> session.onPubcomp(messageId(m));
                case SUBSCRIBE -> onSubscribe((MqttSubscribeMessage) m);
                case UNSUBSCRIBE -> onUnsubscribe((MqttUnsubscribeMessage) m);
                case PINGREQ -> channel.write(new MqttMessage(fixed(MqttMessageType.PINGRESP, MqttQoS.AT_MOST_ONCE, 0)));
                case DISCONNECT -> onDisconnect(m);
                case AUTH -> onAuth(m);
                default -> protocolError("client may not send " + type);
            }
        } finally {
            ReferenceCountUtil.release(m);
        }
    }

    private void onDecoderFailure(Throwable cause) {
        if (session == null) {
            if (cause instanceof MqttUnacceptableProtocolVersionException) {
                // Unsupported protocol level: CONNACK 0x01 (3.x wording), then close [MQTT-3.1.2-2]
                countProtocolError();
                refuseConnect(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION);
            } else if (cause instanceof MqttIdentifierRejectedException) {
                refuseConnect(isV5() ? MqttConnectReturnCode.CONNECTION_REFUSED_CLIENT_IDENTIFIER_NOT_VALID
                        : MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED); // [MQTT-3.1.3-9]
            } else {
                LOG.fine(() -> "closing " + channel + ": malformed packet before CONNECT: " + cause.getMessage());
                countProtocolError();
                channel.close();
            }
        } else if (cause instanceof TooLongFrameException) {
            disconnect(DisconnectReason.PROTOCOL_ERROR, RC_PACKET_TOO_LARGE,
                    "packet larger than Maximum Packet Size " + listener.maxPacketSize()); // [MQTT-3.2.2-15]
        } else {
            malformed(String.valueOf(cause.getMessage()));
        }
    }

    /** A rule the inspector found broken in this packet's raw bytes. */
    private void onViolation(MqttMessage m, ProtocolViolation v) {
        if (session == null && m instanceof MqttConnectMessage connect) {
            protocolVersion = connect.variableHeader().version();
            if (isV5()) {
                countProtocolError();
                LOG.fine(() -> "refusing CONNECT on " + channel + ": " + v.message());
                refuseConnect(v.reasonCode() == ProtocolViolation.MALFORMED_PACKET
                        ? MqttConnectReturnCode.CONNECTION_REFUSED_MALFORMED_PACKET
                        : MqttConnectReturnCode.CONNECTION_REFUSED_PROTOCOL_ERROR);
            } else {
                refuseMalformed(v.message());
            }
            return;
        }
        disconnect(DisconnectReason.PROTOCOL_ERROR, v.reasonCode(), v.message());
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
            protocolError("second CONNECT"); // [MQTT-3.1.0-2]
            return;
        }
        handshakeTimeout.cancel(false);
        handshakeTimeout = null; // a cancelled task is still an object: not kept for the connection's life
        broker.counters().count(Metric.CLIENT_CONNECT);
        MqttConnectVariableHeader vh = m.variableHeader();
        MqttConnectPayload payload = m.payload();
        protocolVersion = vh.version();
        if (protocolVersion != 3 && protocolVersion != 4 && protocolVersion != 5) {
            countProtocolError();
            refuseConnect(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION); // [MQTT-3.1.2-2]
            return;
        }
        if (vh.isWillFlag() && vh.willQos() > 2) {
            refuseMalformed("will QoS 3"); // [MQTT-3.1.2-14]
            return;
        }
        if (!vh.isWillFlag() && (vh.willQos() != 0 || vh.isWillRetain())) {
            refuseMalformed("will QoS/retain set without will flag"); // [MQTT-3.1.2-11, MQTT-3.1.2-13, MQTT-3.1.2-15]
            return;
        }
        if (protocolVersion == 4 && !vh.hasUserName() && vh.hasPassword()) {
            refuseMalformed("password flag without user name flag"); // [MQTT-3.1.2-22]
            return;
        }
        MqttProperties props = vh.properties();
        long sessionExpiry = 0;
        int receiveMaximum = 65535;
        long willDelay = 0;
        boolean sessionExpiryChanged = false;
        if (isV5()) {
            Integer rm = MessagePropertiesCodec.intValue(props, MqttProperties.RECEIVE_MAXIMUM);
            Integer mps = MessagePropertiesCodec.intValue(props, MqttProperties.MAXIMUM_PACKET_SIZE);
            Integer rpi = MessagePropertiesCodec.intValue(props, MqttProperties.REQUEST_PROBLEM_INFORMATION);
            Integer rri = MessagePropertiesCodec.intValue(props, MqttProperties.REQUEST_RESPONSE_INFORMATION);
            if (rm != null && rm == 0 || mps != null && mps == 0
                    || rpi != null && rpi > 1 || rri != null && rri > 1) {
                refuseProtocolError("property value out of range in CONNECT"); // [MQTT-3.1.2-? 3.1.2.11]
                return;
            }
            authMethod = MessagePropertiesCodec.stringValue(props, MqttProperties.AUTHENTICATION_METHOD);
            if (authMethod != null && broker.authenticationMethods().get(authMethod).isEmpty()) {
                refuseConnect(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_AUTHENTICATION_METHOD); // [MQTT-4.12.0-1]
                return;
            }
            Integer se = MessagePropertiesCodec.intValue(props, MqttProperties.SESSION_EXPIRY_INTERVAL);
            sessionExpiry = se == null ? 0 : Integer.toUnsignedLong(se);
            connectSessionExpiryWasZero = sessionExpiry == 0;
            long maxExpiry = listener.maxSessionExpiryInterval().toSeconds();
            if (maxExpiry > 0 && sessionExpiry > maxExpiry) {
                // The server lowers it and says so in the CONNACK (5.0 3.2.2.3.2)
                sessionExpiry = maxExpiry;
                sessionExpiryChanged = true;
            }
            receiveMaximum = rm == null ? 65535 : rm;
            clientMaximumPacketSize = mps == null ? UNLIMITED_PACKET_SIZE : Integer.toUnsignedLong(mps);
            Integer tam = MessagePropertiesCodec.intValue(props, MqttProperties.TOPIC_ALIAS_MAXIMUM);
            clientTopicAliasMaximum = tam == null ? 0 : tam;
            requestProblemInformation = rpi == null || rpi == 1;
        }
        String clientId = payload.clientIdentifier();
        boolean clean = vh.isCleanSession();
        boolean assignedId = false;
        if (clientId == null || clientId.isEmpty()) {
            if (!clean && !isV5()) {
                // Zero-length identifier needs Clean Session in 3.1.1 [MQTT-3.1.3-8]
                refuseConnect(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
                return;
            }
            clientId = ASSIGNED_ID_PREFIX + UUID.randomUUID(); // [MQTT-3.1.3-6]
            assignedId = true;
        }
        if (clientId.length() > listener.maxClientIdLen() || clientId.indexOf('\u0000') >= 0) {
            refuseConnect(isV5() ? MqttConnectReturnCode.CONNECTION_REFUSED_CLIENT_IDENTIFIER_NOT_VALID
                    : MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
            return;
        }
        int keepalive = vh.keepAliveTimeSeconds();
        Integer serverKeepAlive = null;
        boolean keepaliveOutOfRange = keepalive == 0
                ? !listener.allowZeroKeepalive()
                : keepalive > listener.maxKeepalive() || keepalive < listener.minKeepalive();
        if (keepaliveOutOfRange) {
            if (!isV5()) {
                // 3.x cannot be told another keepalive; refuse like Mosquitto does
                refuseConnect(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
                return;
            }
            // MQTT 5: the server imposes its own value with Server Keep Alive [MQTT-3.2.2-21]
            keepalive = keepalive < listener.minKeepalive() && keepalive != 0 ? listener.minKeepalive()
                    : listener.maxKeepalive();
            serverKeepAlive = keepalive;
        }
        Message will = null;
        if (vh.isWillFlag()) {
            if (!Topics.isValidTopicName(payload.willTopic(), listener.maxTopicLevels())) {
                if (isV5()) {
                    refuseConnect(MqttConnectReturnCode.CONNECTION_REFUSED_TOPIC_NAME_INVALID);
                } else {
                    refuseMalformed("invalid will topic"); // [MQTT-3.1.3-10]
                }
                return;
            }
            MessageProperties willProps = isV5()
                    ? MessagePropertiesCodec.read(payload.willProperties(), MqttProperties.PUBLICATION_EXPIRY_INTERVAL)
                    : MessageProperties.NONE;
            byte[] willPayload = payload.willMessageInBytes() == null ? new byte[0] : payload.willMessageInBytes();
            if (Integer.valueOf(1).equals(willProps.payloadFormatIndicator()) && !isUtf8(willPayload)) {
                refuseConnect(MqttConnectReturnCode.CONNECTION_REFUSED_PAYLOAD_FORMAT_INVALID); // [MQTT-3.1.3-?]
                return;
            }
            if (isV5() && vh.willQos() > listener.maxQosAllowed()) {
                refuseConnect(MqttConnectReturnCode.CONNECTION_REFUSED_QOS_NOT_SUPPORTED); // [MQTT-3.2.2-12]
                return;
            }
            if (isV5()) {
                Integer wd = MessagePropertiesCodec.intValue(payload.willProperties(), MqttProperties.WILL_DELAY_INTERVAL);
                willDelay = wd == null ? 0 : Integer.toUnsignedLong(wd);
            }
            int willQos = Math.min(vh.willQos(), listener.maxQosAllowed());
            will = new Message(payload.willTopic(), willPayload, willQos, vh.isWillRetain(), clientId,
                    broker.clock().millis(), willProps);
        }
        String username = vh.hasUserName() ? payload.userName() : null;
        broker.counters().count(Metric.CLIENT_AUTHENTICATE);
        if (!listener.allowAnonymous() && authMethod == null) {
            // No authentication backend is configured, so nobody can prove who they are
            refuseConnect(isV5() ? MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5
                    : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED);
            return;
        }
        if (authMethod == null) {
            broker.counters().count(Metric.CLIENT_AUTH_ANONYMOUS);
        }
        if (!isV5()) {
            sessionExpiry = clean ? 0 : listener.sessionExpiryInterval().toSeconds();
        }

        InetSocketAddress remote = (InetSocketAddress) channel.remoteAddress();
        ConnectRequest request = new ConnectRequest(clientId, clean, protocolVersion, keepalive, username, will,
                listener, remote.getAddress().getHostAddress(), remote.getPort(), sessionExpiry, receiveMaximum,
                willDelay);
        String responseInformation = Integer.valueOf(1).equals(MessagePropertiesCodec.intValue(props,
                MqttProperties.REQUEST_RESPONSE_INFORMATION)) ? "mqttee/response/" + clientId : null;
        PendingConnect pending = new PendingConnect(request, assignedId, serverKeepAlive, responseInformation,
                sessionExpiryChanged);
        if (authMethod != null) {
            // Enhanced authentication decides before the session is touched [MQTT-4.12.0-2 .. MQTT-4.12.0-5]
            pendingConnect = pending;
            // The exchange must finish within handshake_timeout too
            long timeoutMillis = listener.handshakeTimeout().toMillis();
            handshakeTimeout = channel.eventLoop().schedule(() -> {
                if (session == null) {
                    channel.close();
                }
            }, timeoutMillis, TimeUnit.MILLISECONDS);
            authExchange = broker.authenticationMethods().get(authMethod).orElseThrow().start(clientId, username);
            byte[] data = MessagePropertiesCodec.binaryValue(props, MqttProperties.AUTHENTICATION_DATA);
            continueAuthentication(data);
            return;
        }
        completeConnect(pending, null);
    }

    /** Attaches the session and sends the CONNACK; {@code authData} for a finished enhanced authentication. */
    private void completeConnect(PendingConnect pending, byte[] authData) {
        pendingConnect = null;
        ConnectRequest request = pending.request();
        int keepalive = request.keepalive();
        ConnectOutcome outcome = broker.connect(request, this);
        if (outcome.isRefused()) {
            refuseConnect(isV5() ? MqttConnectReturnCode.CONNECTION_REFUSED_QUOTA_EXCEEDED
                    : MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE);
            return;
        }
        session = outcome.session();

        if (keepalive > 0) {
            startKeepalive((long) (keepalive * 1000L * listener.keepaliveBackoff() * 2));
        }
        MqttMessageBuilders.ConnAckBuilder connack = MqttMessageBuilders.connAck()
                .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
                .sessionPresent(outcome.sessionPresent()); // [MQTT-3.2.2-1..3]
        if (isV5()) {
            MqttProperties p = connAckProperties(pending.assignedId() ? request.clientId() : null,
                    pending.serverKeepAlive(), pending.responseInformation());
            if (pending.sessionExpiryChanged()) {
                p.add(new MqttProperties.IntegerProperty(MqttProperties.SESSION_EXPIRY_INTERVAL,
                        (int) request.sessionExpirySeconds()));
            }
            if (authMethod != null) {
                p.add(new MqttProperties.StringProperty(MqttProperties.AUTHENTICATION_METHOD, authMethod));
                if (authData != null && authData.length > 0) {
                    p.add(new MqttProperties.BinaryProperty(MqttProperties.AUTHENTICATION_DATA, authData));
                }
            }
            connack.properties(p);
        }
        channel.write(connack.build());
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

    // ---- enhanced authentication (MQTT 5 section 4.12) ----

    /** Feeds the client's Authentication Data to the exchange and acts on its decision. */
    private void continueAuthentication(byte[] clientData) {
        AuthenticationMethod.Step step = authExchange.step(clientData == null ? new byte[0] : clientData);
        switch (step.outcome()) {
            case CONTINUE -> channel.writeAndFlush(auth(RC_CONTINUE_AUTHENTICATION, step.serverData()));
            case SUCCESS -> {
                authExchange = null;
                if (pendingConnect != null) {
                    completeConnect(pendingConnect, step.serverData());
                } else {
                    channel.writeAndFlush(auth(RC_SUCCESS, step.serverData())); // re-authenticated [MQTT-4.12.1-1]
                }
            }
            default -> {
                authExchange = null;
                if (pendingConnect != null) {
                    pendingConnect = null;
                    refuseConnect(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5);
                } else {
                    disconnect(DisconnectReason.PROTOCOL_ERROR, RC_NOT_AUTHORIZED, "re-authentication failed");
                }
            }
        }
    }

    private void onAuth(MqttMessage m) {
        if (!(m.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader vh) || authMethod == null) {
            protocolError("AUTH without an Authentication Method in CONNECT"); // [MQTT-4.12.0-? 4.12]
            return;
        }
        String method = MessagePropertiesCodec.stringValue(vh.properties(), MqttProperties.AUTHENTICATION_METHOD);
        if (!authMethod.equals(method)) {
            protocolError("AUTH with another Authentication Method"); // [MQTT-4.12.0-5, MQTT-4.12.1-1]
            return;
        }
        byte[] data = MessagePropertiesCodec.binaryValue(vh.properties(), MqttProperties.AUTHENTICATION_DATA);
        byte reason = vh.reasonCode();
        if (reason == RC_REAUTHENTICATE && session != null && authExchange == null) {
            authExchange = broker.authenticationMethods().get(authMethod)
                    .map(a -> a.start(session.clientId(), session.connectionInfo().username())).orElse(null);
            if (authExchange == null) {
                disconnect(DisconnectReason.PROTOCOL_ERROR, RC_NOT_AUTHORIZED, "authentication method gone");
                return;
            }
            continueAuthentication(data);
        } else if (reason == RC_CONTINUE_AUTHENTICATION && authExchange != null) {
            continueAuthentication(data);
        } else {
            protocolError("unexpected AUTH reason code 0x" + Integer.toHexString(reason & 0xFF));
        }
    }

    private MqttMessage auth(byte reasonCode, byte[] data) {
        MqttProperties p = new MqttProperties();
        p.add(new MqttProperties.StringProperty(MqttProperties.AUTHENTICATION_METHOD, authMethod));
        if (data != null && data.length > 0) {
            p.add(new MqttProperties.BinaryProperty(MqttProperties.AUTHENTICATION_DATA, data));
        }
        return MqttMessageBuilders.auth().reasonCode(reasonCode).properties(p).build();
    }

    /** The server's capabilities and limits, advertised in the CONNACK [MQTT-3.2.2 properties]. */
    private MqttProperties connAckProperties(String assignedClientId, Integer serverKeepAlive, String responseInfo) {
        MqttMessageBuilders.ConnAckPropertiesBuilder b = new MqttMessageBuilders.ConnAckPropertiesBuilder()
                .receiveMaximum(Math.min(listener.maxInflight(), 65535))
                .retainAvailable(true)
                .maximumPacketSize(listener.maxPacketSize())
                .topicAliasMaximum(listener.maxTopicAliases())
                .wildcardSubscriptionAvailable(true)
                .subscriptionIdentifiersAvailable(true)
                .sharedSubscriptionAvailable(true);
        if (listener.maxQosAllowed() < 2) {
            b.maximumQos((byte) listener.maxQosAllowed()); // [MQTT-3.2.2-9]
        }
        if (assignedClientId != null) {
            b.assignedClientId(assignedClientId); // [MQTT-3.2.2-16]
        }
        if (serverKeepAlive != null) {
            b.serverKeepAlive(serverKeepAlive);
        }
        if (responseInfo != null) {
            b.responseInformation(responseInfo);
        }
        return b.build();
    }

    private void refuseConnect(MqttConnectReturnCode code) {
        broker.counters().count(Metric.CLIENT_CONNACK);
        MqttConnAckMessage connack = MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false).build();
        closeReason = DisconnectReason.PROTOCOL_ERROR;
        // A refused CONNECT gets its CONNACK and then the connection closes [MQTT-3.2.2-5]
        channel.writeAndFlush(connack).addListener(ChannelFutureListener.CLOSE);
    }

    /** A malformed CONNECT: 3.x closes [MQTT-4.8.0-1]; 5 may say why with CONNACK 0x81 first. */
    private void refuseMalformed(String why) {
        LOG.fine(() -> "refusing CONNECT on " + channel + ": " + why);
        countProtocolError();
        if (isV5()) {
            refuseConnect(MqttConnectReturnCode.CONNECTION_REFUSED_MALFORMED_PACKET);
        } else {
            closeReason = DisconnectReason.PROTOCOL_ERROR;
            channel.close();
        }
    }

    private void refuseProtocolError(String why) {
        LOG.fine(() -> "refusing CONNECT on " + channel + ": " + why);
        countProtocolError();
        refuseConnect(MqttConnectReturnCode.CONNECTION_REFUSED_PROTOCOL_ERROR);
    }

    // ---- PUBLISH and acknowledgements ----

    private void onPublish(MqttPublishMessage m) {
        MqttPublishVariableHeader vh = m.variableHeader();
        int qos = m.fixedHeader().qosLevel().value();
        int packetId = vh.packetId();
        if (qos > 0 && packetId == 0) {
            protocolError("packet identifier 0"); // [MQTT-2.3.1-1]
            return;
        }
        String topic = vh.topicName();
        MessageProperties properties = MessageProperties.NONE;
        if (isV5()) {
            MqttProperties props = vh.properties();
            topic = resolveTopicAlias(topic, props);
            if (topic == null) {
                return; // disconnected
            }
            if (!props.getProperties(MqttProperties.SUBSCRIPTION_IDENTIFIER).isEmpty()) {
                protocolError("Subscription Identifier in a client PUBLISH"); // [MQTT-3.3.4-6]
                return;
            }
            properties = MessagePropertiesCodec.read(props, MqttProperties.PUBLICATION_EXPIRY_INTERVAL);
        }
        if (!Topics.isValidTopicName(topic, listener.maxTopicLevels())) {
            if (isV5()) {
                disconnect(DisconnectReason.PROTOCOL_ERROR, RC_TOPIC_NAME_INVALID, "invalid topic name");
            } else {
                protocolError("invalid topic name in PUBLISH"); // [MQTT-3.3.2-2]
            }
            return;
        }
        if (qos > listener.maxQosAllowed()) {
            // 5.0: DISCONNECT 0x9B QoS not supported [MQTT-3.2.2-11]; 3.x: close
            disconnect(DisconnectReason.PROTOCOL_ERROR, RC_QOS_NOT_SUPPORTED, "QoS " + qos + " above maximum");
            return;
        }
        byte[] payload = ByteBufUtil.getBytes(m.content());
        if (Integer.valueOf(1).equals(properties.payloadFormatIndicator()) && !isUtf8(payload)) {
            // Payload Format Indicator 1 promises UTF-8 [MQTT-3.3.2-4]; refuse with 0x99
            if (qos == 0) {
                disconnect(DisconnectReason.PROTOCOL_ERROR, RC_PAYLOAD_FORMAT_INVALID, "payload is not UTF-8");
            } else {
                channel.write(pubReply(qos == 1 ? MqttMessageType.PUBACK : MqttMessageType.PUBREC, packetId,
                        RC_PAYLOAD_FORMAT_INVALID, "payload is not valid UTF-8"));
            }
            return;
        }
        if (qos == 2 && isV5() && !session.isAwaitingRelease(packetId)
                && session.awaitingReleaseCount() >= listener.maxInflight()) {
            // More unacknowledged QoS 2 than our Receive Maximum [MQTT-3.3.4-8]
            disconnect(DisconnectReason.PROTOCOL_ERROR, RC_RECEIVE_MAXIMUM_EXCEEDED, "Receive Maximum exceeded");
            return;
        }
        long delaySeconds = 0;
        if (listener.delayedPublish() && topic.startsWith(Broker.DELAYED_PREFIX)) {
            // RMQTT's $delayed/<seconds>/<topic>: delivered to <topic> after the delay
            int slash = topic.indexOf('/', Broker.DELAYED_PREFIX.length());
            String seconds = slash < 0 ? "" : topic.substring(Broker.DELAYED_PREFIX.length(), slash);
            String target = slash < 0 ? "" : topic.substring(slash + 1);
            if (!seconds.matches("[0-9]{1,9}") || !Topics.isValidTopicName(target, listener.maxTopicLevels())) {
                disconnect(DisconnectReason.PROTOCOL_ERROR, RC_TOPIC_NAME_INVALID,
                        "expected $delayed/<seconds>/<topic>, got '" + topic + "'");
                return;
            }
            delaySeconds = Long.parseLong(seconds);
            topic = target;
        }
        // The publish permission check (ACL); everything is allowed until an ACL plugin decides
        broker.counters().count(Metric.CLIENT_PUBLISH_CHECK_ACL);
        Message message = new Message(topic, payload, qos, m.fixedHeader().isRetain(), session.clientId(),
                broker.clock().millis(), properties);
        if (delaySeconds > 0) {
            if (qos == 2 && !session.onInboundQos2(packetId)) {
                channel.write(pubReply(MqttMessageType.PUBREC, packetId, RC_SUCCESS, null)); // re-sent: held already
                return;
            }
            if (!broker.publishDelayed(message, delaySeconds)) {
                // delayed_publish_max reached: 5.0 says so in the ack; 3.x has no negative ack, so it closes
                if (qos == 0 || !isV5()) {
                    disconnect(DisconnectReason.PROTOCOL_ERROR, RC_QUOTA_EXCEEDED, "too many delayed messages");
                } else {
                    session.onPubrel(packetId);
                    channel.write(pubReply(qos == 1 ? MqttMessageType.PUBACK : MqttMessageType.PUBREC, packetId,
                            RC_QUOTA_EXCEEDED, "too many delayed messages"));
                }
                return;
            }
            if (qos > 0) {
                channel.write(pubReply(qos == 1 ? MqttMessageType.PUBACK : MqttMessageType.PUBREC, packetId,
                        RC_SUCCESS, null));
            }
            return;
        }
        switch (qos) {
            case 0 -> broker.publish(message);
            case 1 -> {
                broker.publish(message);
                channel.write(pubReply(MqttMessageType.PUBACK, packetId, RC_SUCCESS, null)); // [MQTT-4.3.2-2]
            }
            default -> {
                // Deliver on first receipt only; a re-sent PUBLISH before PUBREL is not routed again [MQTT-4.3.3-2]
                if (session.onInboundQos2(packetId)) {
                    broker.publish(message);
                }
                channel.write(pubReply(MqttMessageType.PUBREC, packetId, RC_SUCCESS, null));
            }
        }
    }

    /**
     * Applies an inbound Topic Alias: records the mapping when the topic is given, replaces an empty
     * topic by the mapped one. Returns null after disconnecting for a bad alias.
     */
    private String resolveTopicAlias(String topic, MqttProperties props) {
        Integer alias = MessagePropertiesCodec.intValue(props, MqttProperties.TOPIC_ALIAS);
        if (alias == null) {
            if (topic.isEmpty()) {
                disconnect(DisconnectReason.PROTOCOL_ERROR, RC_PROTOCOL_ERROR, "empty topic without Topic Alias");
                return null;
            }
            return topic;
        }
        if (alias == 0 || alias > listener.maxTopicAliases()) {
            disconnect(DisconnectReason.PROTOCOL_ERROR, RC_TOPIC_ALIAS_INVALID, "Topic Alias " + alias
                    + " outside 1.." + listener.maxTopicAliases()); // [MQTT-3.3.2-9, MQTT-3.3.2-10]
            return null;
        }
        if (topic.isEmpty()) {
            String mapped = inboundAliases.get(alias);
            if (mapped == null) {
                disconnect(DisconnectReason.PROTOCOL_ERROR, RC_PROTOCOL_ERROR, "unknown Topic Alias " + alias);
                return null;
            }
            return mapped;
        }
        if (inboundAliases == Map.<Integer, String>of()) {
            inboundAliases = new HashMap<>();
        }
        inboundAliases.put(alias, topic);
        return topic;
    }

    private void onPubrec(MqttMessage m) {
        int packetId = messageId(m);
        boolean failed = m.variableHeader() instanceof MqttPubReplyMessageVariableHeader r
                && (r.reasonCode() & 0x80) != 0;
        if (failed) {
            session.onPubrecFailure(packetId); // the exchange ends: no PUBREL [MQTT-4.3.3 5.0]
            return;
        }
        if (session.onPubrec(packetId)) {
            channel.write(pubReply(MqttMessageType.PUBREL, packetId, RC_SUCCESS, null)); // [MQTT-4.3.3-1]
        } else if (isV5()) {
            channel.write(pubReply(MqttMessageType.PUBREL, packetId, RC_PACKET_ID_NOT_FOUND, null));
        }
    }

    private void onPubrel(int packetId) {
        boolean known = session.onPubrel(packetId);
        // PUBCOMP either way [MQTT-4.3.3-2]; MQTT 5 says when the identifier was unknown
        channel.write(pubReply(MqttMessageType.PUBCOMP, packetId,
                known || !isV5() ? RC_SUCCESS : RC_PACKET_ID_NOT_FOUND, null));
    }

    /** PUBACK, PUBREC, PUBREL or PUBCOMP; 3.x encodes only the packet identifier. */
    private MqttMessage pubReply(MqttMessageType type, int packetId, byte reasonCode, String reason) {
        MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        if (!isV5()) {
            return new MqttMessage(fixed(type, qos, 2), MqttMessageIdVariableHeader.from(packetId));
        }
        return new MqttMessage(fixed(type, qos, 0),
                new MqttPubReplyMessageVariableHeader(packetId, reasonCode, problemProperties(reason)));
    }

    /** A Reason String, only when the client did not switch problem information off [MQTT-3.1.2-29]. */
    private MqttProperties problemProperties(String reason) {
        if (reason == null || !requestProblemInformation) {
            return MqttProperties.NO_PROPERTIES;
        }
        MqttProperties p = new MqttProperties();
        p.add(new MqttProperties.StringProperty(MqttProperties.REASON_STRING, reason));
        return p;
    }

    private static MqttFixedHeader fixed(MqttMessageType type, MqttQoS qos, int remainingLength) {
        return new MqttFixedHeader(type, false, qos, false, remainingLength);
    }

    // ---- SUBSCRIBE / UNSUBSCRIBE ----

    private void onSubscribe(MqttSubscribeMessage m) {
        int packetId = m.variableHeader().messageId();
        List<MqttTopicSubscription> topics = m.payload().topicSubscriptions();
        if (packetId == 0 || topics.isEmpty()) {
            protocolError("SUBSCRIBE without packet identifier or topic filters"); // [MQTT-3.8.3-3, MQTT-2.3.1-1]
            return;
        }
        int subscriptionId = 0;
        if (isV5()) {
            MqttProperties props = m.idAndPropertiesVariableHeader().properties();
            Integer id = MessagePropertiesCodec.intValue(props, MqttProperties.SUBSCRIPTION_IDENTIFIER);
            if (id != null && id == 0) {
                protocolError("Subscription Identifier 0"); // [MQTT-3.8.2-? 3.8.2.1.2]
                return;
            }
            subscriptionId = id == null ? 0 : id;
        }
        // Each filter gets its own code; invalid ones fail alone in MQTT 5 (0x8F) but close 3.x
        List<SubscriptionRequest> requests = new ArrayList<>(topics.size());
        List<Integer> codes = new ArrayList<>(topics.size());
        for (MqttTopicSubscription t : topics) {
            MqttSubscriptionOption o = t.option();
            if (!isV5() && (o.isNoLocal() || o.isRetainAsPublished()
                    || o.retainHandling() != MqttSubscriptionOption.RetainedHandlingPolicy.SEND_AT_SUBSCRIBE)) {
                // 3.x: bits 2-7 of the requested QoS byte are reserved (the codec reads them as MQTT 5 options)
                malformed("reserved bits set in requested QoS"); // [MQTT-3-8.3-4]
                return;
            }
            String filter = t.topicFilter();
            String shareGroup = null;
            if (filter.startsWith("$share/")) {
                int slash = filter.indexOf('/', 7);
                shareGroup = slash < 0 ? "" : filter.substring(7, slash);
                filter = slash < 0 ? "" : filter.substring(slash + 1);
                boolean badGroup = shareGroup.isEmpty() || shareGroup.contains("+") || shareGroup.contains("#");
                if (badGroup || !Topics.isValidFilter(filter, 0)) {
                    if (!isV5()) {
                        protocolError("invalid shared subscription '" + t.topicFilter() + "'");
                        return;
                    }
                    codes.add((int) RC_TOPIC_FILTER_INVALID & 0xFF);
                    requests.add(null);
                    continue;
                }
                if (isV5() && o.isNoLocal()) {
                    protocolError("No Local on a shared subscription"); // [MQTT-3.8.3-4]
                    return;
                }
            }
            int subscriberLimit = 0;
            if (shareGroup == null && listener.limitSubscription()) {
                // RMQTT's $exclusive/<filter> and $limit/<N>/<filter>
                if (filter.startsWith("$exclusive/")) {
                    subscriberLimit = SubscriptionRequest.EXCLUSIVE;
                    filter = filter.substring("$exclusive/".length());
                } else if (filter.startsWith("$limit/")) {
                    int slash = filter.indexOf('/', 7);
                    String n = slash < 0 ? "" : filter.substring(7, slash);
                    subscriberLimit = n.matches("[1-9][0-9]{0,8}") ? Integer.parseInt(n) : 0;
                    filter = subscriberLimit == 0 ? "" : filter.substring(slash + 1);
                }
            }
            if (shareGroup == null && !Topics.isValidFilter(filter, 0)) {
                if (!isV5()) {
                    protocolError("invalid topic filter '" + filter + "'"); // [MQTT-4.7.1-2, MQTT-4.7.1-3]
                    return;
                }
                codes.add((int) RC_TOPIC_FILTER_INVALID & 0xFF);
                requests.add(null);
                continue;
            }
            int retainHandling = o.retainHandling().value();
            SubscriptionRequest r = isV5()
                    ? new SubscriptionRequest(filter, o.qos().value(), o.isNoLocal(), o.isRetainAsPublished(),
                            retainHandling, subscriptionId, shareGroup, subscriberLimit)
                    : new SubscriptionRequest(filter, o.qos().value(), false, false, 0, 0, shareGroup,
                            subscriberLimit);
            requests.add(r);
            codes.add(null);
        }
        List<SubscriptionRequest> valid = requests.stream().filter(r -> r != null).toList();
        // The subscribe permission check (ACL), one per valid filter; everything is allowed until an ACL plugin decides
        broker.counters().count(Metric.CLIENT_SUBSCRIBE_CHECK_ACL, valid.size());
        SubscribeResult result = broker.subscribe(session, valid);
        int next = 0;
        for (int i = 0; i < codes.size(); i++) {
            if (codes.get(i) == null) {
                int code = result.codes().get(next++);
                // 3.x knows only 0x80 for a refusal
                codes.set(i, !isV5() && code >= 0x80 ? Broker.SUBSCRIPTION_FAILURE : code);
            }
        }
        MqttSubAckMessage suback = new MqttSubAckMessage(fixed(MqttMessageType.SUBACK, MqttQoS.AT_MOST_ONCE, 0),
                new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
                new MqttSubAckPayload(codes));
        channel.write(suback); // same packet identifier, one code per filter [MQTT-3.8.4-2, MQTT-3.8.4-5]
        broker.sendRetained(session, result);
    }

    private void onUnsubscribe(MqttUnsubscribeMessage m) {
        int packetId = m.variableHeader().messageId();
        List<String> filters = m.payload().topics();
        if (packetId == 0 || filters.isEmpty()) {
            protocolError("UNSUBSCRIBE without packet identifier or topic filters"); // [MQTT-3.10.3-2]
            return;
        }
        for (String f : filters) {
            if (!Topics.isValidFilter(f, 0)) {
                protocolError("invalid topic filter '" + f + "'");
                return;
            }
        }
        List<Boolean> removed = broker.unsubscribe(session, filters);
        if (!isV5()) {
            channel.write(new MqttUnsubAckMessage(fixed(MqttMessageType.UNSUBACK, MqttQoS.AT_MOST_ONCE, 2),
                    MqttMessageIdVariableHeader.from(packetId))); // [MQTT-3.10.4-4]
            return;
        }
        short[] codes = new short[removed.size()];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = removed.get(i) ? RC_SUCCESS : RC_NO_SUBSCRIPTION_EXISTED;
        }
        channel.write(new MqttUnsubAckMessage(fixed(MqttMessageType.UNSUBACK, MqttQoS.AT_MOST_ONCE, 0),
                new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
                new MqttUnsubAckPayload(codes)));
    }

    private void onDisconnect(MqttMessage m) {
        boolean sendWill = false;
        if (isV5() && m.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader vh) {
            sendWill = vh.reasonCode() == RC_DISCONNECT_WITH_WILL;
            Integer se = MessagePropertiesCodec.intValue(vh.properties(), MqttProperties.SESSION_EXPIRY_INTERVAL);
            if (se != null) {
                if (connectSessionExpiryWasZero && se != 0) {
                    protocolError("Session Expiry Interval set on DISCONNECT after 0 on CONNECT"); // [MQTT-3.14.2-2]
                    return;
                }
                session.setExpiryIntervalSeconds(Integer.toUnsignedLong(se));
            }
        }
        // Normal DISCONNECT discards the will [MQTT-3.14.4-3]; 5.0 reason 0x04 keeps it
        closeReason = sendWill ? DisconnectReason.CONNECTION_LOST : DisconnectReason.CLIENT_DISCONNECT;
        channel.close();
    }

    // ---- closing ----

    private void protocolError(String why) {
        disconnect(DisconnectReason.PROTOCOL_ERROR, RC_PROTOCOL_ERROR, why);
    }

    private void malformed(String why) {
        disconnect(DisconnectReason.PROTOCOL_ERROR, RC_MALFORMED_PACKET, why);
    }

    /**
     * Closes from the server side. An MQTT 5 client that completed CONNECT first gets a DISCONNECT
     * with {@code reasonCode} [MQTT-4.13.1-1]; 3.x clients are just disconnected [MQTT-4.8.0-1].
     */
    private void disconnect(DisconnectReason reason, byte reasonCode, String why) {
        LOG.fine(() -> "closing " + channel + ": " + why);
        if (reason == DisconnectReason.PROTOCOL_ERROR && isBadPacketCode(reasonCode)) {
            countProtocolError();
        }
        if (closeReason == null) {
            closeReason = reason;
        }
        if (isV5() && session != null) {
            MqttMessage d = MqttMessageBuilders.disconnect().reasonCode(reasonCode)
                    .properties(problemProperties(why)).build();
            channel.writeAndFlush(d).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    /**
     * {@code slow_consumer_policy = "disconnect"}: DISCONNECT 0x97 (MQTT 5), then the close. The
     * client does not read, so the DISCONNECT may sit behind a full buffer: the close does not wait
     * for it longer than a second.
     */
    private void disconnectSlowConsumer() {
        if (!channel.isActive() || closeReason != null) {
            return;
        }
        disconnect(DisconnectReason.SLOW_CONSUMER, RC_QUOTA_EXCEEDED,
                "slow consumer: more than " + listener.maxOutboundBytes() + " bytes or "
                        + listener.maxMqueueLen() + " messages waiting for it");
        channel.eventLoop().schedule(() -> channel.close(), 1, TimeUnit.SECONDS);
    }

    /** The reason codes that blame the packet the client sent (not quota or authorization). */
    private static boolean isBadPacketCode(byte reasonCode) {
        return switch (reasonCode) {
            case RC_MALFORMED_PACKET, RC_PROTOCOL_ERROR, RC_TOPIC_NAME_INVALID, RC_RECEIVE_MAXIMUM_EXCEEDED,
                 RC_TOPIC_ALIAS_INVALID, RC_PACKET_TOO_LARGE, RC_PAYLOAD_FORMAT_INVALID, RC_QOS_NOT_SUPPORTED -> true;
            default -> false;
        };
    }

    /** Counts this connection in {@code client.protocol_error}, once. */
    private void countProtocolError() {
        if (!protocolErrorCounted) {
            protocolErrorCounted = true;
            broker.counters().count(Metric.CLIENT_PROTOCOL_ERROR);
        }
    }

    /** Server shutdown: close without publishing the will. */
    void shutdown() {
        if (session != null) {
            session.takeWill();
        }
        close(DisconnectReason.SERVER_SHUTDOWN);
    }

    private static boolean isUtf8(byte[] bytes) {
        return Utf8.isWellFormed(bytes);
    }

    // ---- SessionConnection: called by the core from any thread, under the session's lock ----

    @Override
    public boolean sendPublish(Message message, int qos, boolean retain, boolean dup, int packetId,
                               int[] subscriptionIds) {
        MqttProperties props = MqttProperties.NO_PROPERTIES;
        String topic = message.topic();
        if (isV5()) {
            Long remaining = null;
            if (message.properties().messageExpiryInterval() != null) {
                // The forwarded interval is what is left of it [MQTT-3.3.2-6]
                long left = message.expiresAtMillis() - broker.clock().millis();
                remaining = Math.max(0, (left + 999) / 1000);
            }
            int alias = 0;
            boolean aliasKnown = false;
            if (clientTopicAliasMaximum > 0) {
                Integer existing = outboundAliases.get(topic);
                if (existing != null) {
                    alias = existing;
                    aliasKnown = true;
                } else if (outboundAliases.size() < clientTopicAliasMaximum) {
                    alias = outboundAliases.size() + 1; // never above the client's maximum [MQTT-3.3.2-8]
                }
            }
            props = MessagePropertiesCodec.write(message.properties(), remaining, subscriptionIds, alias);
            String wireTopic = aliasKnown ? "" : topic;
            if (MessagePropertiesCodec.publishSize(wireTopic, qos, props, message.payload().length, true)
                    > clientMaximumPacketSize) {
                return false; // never above the client's Maximum Packet Size [MQTT-3.1.2-24]
            }
            if (alias > 0 && !aliasKnown) {
                if (outboundAliases == Map.<String, Integer>of()) {
                    outboundAliases = new HashMap<>();
                }
                outboundAliases.put(topic, alias);
            }
            topic = wireTopic;
        }
        MqttFixedHeader header = new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.valueOf(qos), retain, 0);
        MqttPublishVariableHeader vh = new MqttPublishVariableHeader(topic, packetId, props);
        enqueue(new MqttPublishMessage(header, vh, Unpooled.wrappedBuffer(message.payload())));
        return true;
    }

    @Override
    public void sendPubrel(int packetId) {
        enqueue(pubReply(MqttMessageType.PUBREL, packetId, RC_SUCCESS, null));
    }

    /**
     * Queues a packet for the core, its size counted in {@link #queuedBytes} (so that
     * {@link #isWritable} sees it before the channel does); one drain task per burst writes the queue
     * and flushes once, after the I/O thread has finished its current batch of reads. (Writing at
     * once when called on the I/O thread was tried: the SlowAttackIT flood took twice as long.)
     */
    private void enqueue(MqttMessage m) {
        QUEUED_BYTES.addAndGet(this, estimatedSize(m));
        outbound.add(m);
        if (DRAIN_SCHEDULED.compareAndSet(this, 0, 1)) {
            channel.eventLoop().execute(this::drainOutbound);
        }
    }

    /**
     * Writes the queue and flushes; then, while the socket took everything and the session has a
     * backlog (messages it queued while this connection was full), lets the session refill and goes
     * again. So a subscriber with a backlog gets as much per turn of the I/O thread as its socket
     * takes, not just {@code max_outbound_bytes}: under a flood, one turn reads megabytes of
     * publishes. At most {@link #MAX_DRAIN_ROUNDS} rounds, so the other channels get their turn.
     */
    private void drainOutbound() {
        for (int round = 0; round < MAX_DRAIN_ROUNDS; round++) {
            drainScheduled = 0;
            boolean wrote = false;
            for (MqttMessage m = outbound.poll(); m != null; m = outbound.poll()) {
                QUEUED_BYTES.addAndGet(this, -estimatedSize(m));
                channel.write(m, channel.voidPromise());
                wrote = true;
            }
            if (!wrote) {
                return;
            }
            channel.flush();
            if (!resumeIfWritable()) {
                return;
            }
        }
    }

    /**
     * Messages the session queued while this connection was full may go out now.
     *
     * @return whether the session handed over any
     */
    private boolean resumeIfWritable() {
        Session s = session;
        return s != null && closeReason == null && isWritable() && s.writable();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        resumeIfWritable();
        super.channelWritabilityChanged(ctx);
    }

    /** About what a queued packet will take on the wire; the same value when it is queued and drained. */
    private static int estimatedSize(MqttMessage m) {
        if (m instanceof MqttPublishMessage p) {
            return p.payload().readableBytes() + p.variableHeader().topicName().length() + 16;
        }
        return 8;
    }

    /**
     * Whether the client keeps up: the bytes queued for it and not yet taken by its socket are below
     * {@code max_outbound_bytes} (the channel's high-water mark, which it leaves again at half).
     */
    @Override
    public boolean isWritable() {
        return channel.bytesBeforeUnwritable() > queuedBytes;
    }

    @Override
    public void close(DisconnectReason reason) {
        if (reason == DisconnectReason.SLOW_CONSUMER) {
            // Called under the session's lock while routing: the inbound lock may be held by a
            // connection routing to this session, so it is not taken here (nothing is racing a
            // new connection for the session, unlike a takeover).
            channel.eventLoop().execute(() -> disconnectSlowConsumer());
            return;
        }
        byte code = switch (reason) {
            case TAKEN_OVER -> RC_SESSION_TAKEN_OVER;
            case KICKED -> RC_ADMINISTRATIVE_ACTION;
            case SERVER_SHUTDOWN -> RC_SERVER_SHUTTING_DOWN;
            case KEEPALIVE_TIMEOUT -> RC_KEEPALIVE_TIMEOUT;
            default -> RC_UNSPECIFIED_ERROR;
        };
        // From now on this connection reads nothing more: the session may already belong to a new
        // connection, and a packet the old one still had in its buffer (a QoS 2 PUBLISH whose
        // release the client has meanwhile completed on the new connection) must not act on it.
        // Taken under the inbound lock, so a PUBLISH or PUBREL this connection is processing right
        // now is finished before the caller (a takeover) lets the new connection go on
        synchronized (inbound) {
            if (closeReason == null) {
                closeReason = reason;
            }
        }
        channel.eventLoop().execute(() -> disconnect(reason, code, reason.description()));
    }
}
