package io.mqttee.config;

import java.time.Duration;

/**
 * One MQTT listener ({@code [listener.tcp.<name>]} in the configuration file) and the limits it
 * applies to the sessions connecting through it. Key names follow RMQTT's; defaults are in
 * {@link #defaults(String)}.
 *
 * @param name                  the table name, e.g. {@code external}
 * @param host                  bind address ({@code addr} host part)
 * @param port                  bind port ({@code addr} port part); 0 picks a free port
 * @param maxConnections        connections this listener accepts at once; more are refused
 * @param maxPacketSize         largest accepted MQTT packet in bytes (fixed header included)
 * @param maxInflight           outbound QoS 1/2 messages awaiting acknowledgement per session
 * @param maxMqueueLen          messages queued per session beyond the inflight window
 * @param maxClientIdLen        longest accepted client identifier
 * @param handshakeTimeout      how long a new connection may take to send CONNECT
 * @param allowAnonymous        whether clients may connect when no authenticator accepts them
 * @param allowZeroKeepalive    whether keepalive 0 (no keepalive) is accepted
 * @param minKeepalive          smallest accepted keepalive in seconds (0 means none)
 * @param maxKeepalive          largest accepted keepalive in seconds
 * @param keepaliveBackoff      the connection closes after keepalive x backoff x 2 of silence (0.75 gives 1.5 x)
 * @param sessionExpiryInterval how long a persistent session outlives its connection
 * @param maxSessionExpiryInterval the longest Session Expiry Interval an MQTT 5 client may ask for (0: no limit)
 * @param messageRetryInterval  MQTT 3.1 only: re-send unacknowledged messages after this long
 * @param messageExpiryInterval how long a message waits in a queue before it is discarded
 * @param maxQosAllowed         the highest QoS granted to subscriptions and accepted on publish
 * @param maxTopicLevels        most levels in a topic name or filter (0 means no limit)
 * @param maxSubscriptions      most subscriptions per session (0 means no limit)
 * @param maxTopicAliases       MQTT 5 Topic Alias Maximum the server accepts from clients (0 means none)
 * @param limitSubscription     RMQTT's {@code limit_subscription}: {@code $exclusive/<filter>} (one subscriber) and {@code $limit/<N>/<filter>} (N subscribers) are honoured
 * @param delayedPublish        RMQTT's {@code delayed_publish}: a publish to {@code $delayed/<seconds>/<topic>} reaches {@code <topic>} after the delay
 * @param backlog               TCP accept backlog
 * @param nodelay               whether TCP_NODELAY is set on accepted sockets
 * @param maxOutboundBytes      bytes written to one client and not yet taken by its socket, at most; past it further
 *                              messages wait in the session queue (Netty's write-buffer high-water mark; the low one is half)
 * @param slowConsumerPolicy    what happens when a connected client's session queue is full too: the message is
 *                              dropped, or dropped and the client disconnected
 */
public record ListenerConfig(
        String name,
        String host,
        int port,
        int maxConnections,
        int maxPacketSize,
        int maxInflight,
        int maxMqueueLen,
        int maxClientIdLen,
        Duration handshakeTimeout,
        boolean allowAnonymous,
        boolean allowZeroKeepalive,
        int minKeepalive,
        int maxKeepalive,
        double keepaliveBackoff,
        Duration sessionExpiryInterval,
        Duration maxSessionExpiryInterval,
        Duration messageRetryInterval,
        Duration messageExpiryInterval,
        int maxQosAllowed,
        int maxTopicLevels,
        int maxSubscriptions,
        int maxTopicAliases,
        boolean limitSubscription,
        boolean delayedPublish,
        int backlog,
        boolean nodelay,
        int maxOutboundBytes,
        SlowConsumerPolicy slowConsumerPolicy) {

    /** The built-in defaults (RMQTT's) for a listener called {@code name} on 0.0.0.0:1883. */
    public static ListenerConfig defaults(String name) {
        return new ListenerConfig(name, "0.0.0.0", 1883,
                1_024_000, 1024 * 1024, 16, 1000, 65535,
                Duration.ofSeconds(15), true, true, 0, 65535, 0.75,
                Duration.ofHours(2), Duration.ZERO, Duration.ofSeconds(30), Duration.ofMinutes(5),
                2, 0, 0, 32, false, false, 1024, false, 1024 * 1024, SlowConsumerPolicy.DROP);
    }

    /** A copy bound to another address; tests use port 0. */
    public ListenerConfig withAddress(String newHost, int newPort) {
        return new ListenerConfig(name, newHost, newPort, maxConnections, maxPacketSize, maxInflight,
                maxMqueueLen, maxClientIdLen, handshakeTimeout, allowAnonymous, allowZeroKeepalive,
                minKeepalive, maxKeepalive, keepaliveBackoff, sessionExpiryInterval, maxSessionExpiryInterval,
                messageRetryInterval,
                messageExpiryInterval, maxQosAllowed, maxTopicLevels, maxSubscriptions, maxTopicAliases, limitSubscription, delayedPublish, backlog, nodelay,
                maxOutboundBytes, slowConsumerPolicy);
    }
}
