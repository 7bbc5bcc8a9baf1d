package io.mqttee.core;

import io.mqttee.config.ListenerConfig;
import io.mqttee.config.SlowConsumerPolicy;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The server side of an MQTT session: subscriptions, the outbound inflight window and queue, the
 * inbound QoS 2 packet identifiers awaiting PUBREL, and the will of its current connection.
 *
 * <p>Threading: every method is {@code synchronized} on the session. Publishers on any thread call
 * {@link #offer}; the connection's I/O thread calls the acknowledgement methods. Writes to the
 * connection happen inside the lock, so the order in which messages enter the window is the order in
 * which they are written: per-publisher, per-topic order is kept [MQTT-4.6.0-5].
 *
 * <p>Bounds: at most {@code max_inflight} unacknowledged outbound QoS 1/2 messages; beyond that at
 * most {@code max_mqueue_len} queued messages; more are dropped and counted as
 * {@code messages.dropped}. QoS 0 messages queue the same way while the connection is not writable
 * (a client behind by {@code max_outbound_bytes}) and leave the queue when it is again
 * ({@link #writable}).
 */
public final class Session {

    /** An outbound message waiting in the queue or in the inflight window. */
    private static final class Outbound {
        final Message message;
        final int qos;
        final boolean retain;
        final int[] subscriptionIds;
        /** The share group ("group/filter") this message was given to this session for, or null. */
        final String shareKey;
        int packetId;
        boolean pubrecReceived;
        /** Unacknowledged from an earlier connection, not yet re-sent on this one (Receive Maximum). */
        boolean awaitingResend;
        long sentAtMillis;

        Outbound(Message message, int qos, boolean retain, int[] subscriptionIds, String shareKey) {
            this.message = message;
            this.qos = qos;
            this.retain = retain;
            this.subscriptionIds = subscriptionIds;
            this.shareKey = shareKey;
        }
    }

    private static final int[] NO_SUBSCRIPTION_IDS = new int[0];

    private final String clientId;
    private final long createdAtMillis;
    private final Clock clock;
    private final BrokerCounters counters;

    private ListenerConfig limits;
    private boolean cleanSession;
    /** The session ends with its connection when 0 [MQTT-3.1.2-6 for 3.x, MQTT-3.1.2-23 for 5]. */
    private long expiryIntervalSeconds;
    /** The client's Receive Maximum (MQTT 5): outbound unacknowledged QoS 1/2 never exceed it [MQTT-3.3.4-9]. */
    private int receiveMaximum = 65535;
    /**
     * Subscriptions and the inflight window start as the shared empty map (reads, removes and
     * clears work on it) and become a LinkedHashMap at their first put: an idle connection's
     * session is most sessions, and this keeps each one smaller.
     */
    private Map<String, Subscription> subscriptions = Collections.emptyMap();

    private SessionConnection connection;
    /** The current connection was told to close as a slow consumer (at most once per connection). */
    private boolean slowConsumerClosing;
    /** False between attach and activate: the CONNACK is not yet written, so nothing else may be. */
    private boolean active;
    private ConnectionInfo connectionInfo;
    private Message will;
    private long willDelaySeconds;
    private long disconnectedAtMillis;
    private DisconnectReason disconnectedReason;

    private Map<Integer, Outbound> inflight = Collections.emptyMap();
    /** Starts small (an idle connection's session is most sessions) and grows as needed. */
    private final ArrayDeque<Outbound> queue = new ArrayDeque<>(1);
    /** Allocated with the first inbound QoS 2 message: most sessions never have one. */
    private Set<Integer> awaitingRelease = Set.of();
    private int lastPacketId;
    /** How many inflight messages are {@code awaitingResend}; 0 on the usual path. */
    private int awaitingResendCount;

    Session(String clientId, ListenerConfig limits, Clock clock, BrokerCounters counters) {
        this.clientId = clientId;
        this.limits = limits;
        this.clock = clock;
        this.counters = counters;
        this.createdAtMillis = clock.millis();
    }

    public String clientId() {
        return clientId;
    }

    // ---- connection lifecycle (called by Broker under its per-client lock) ----

    synchronized void attach(SessionConnection newConnection, ConnectionInfo info, ListenerConfig newLimits,
                             Message newWill, long newWillDelaySeconds, long expirySeconds,
                             int clientReceiveMaximum) {
        this.connection = newConnection;
        this.slowConsumerClosing = false;
        this.willDelaySeconds = newWillDelaySeconds;
        this.receiveMaximum = clientReceiveMaximum;
        this.active = false;
        this.connectionInfo = info;
        this.limits = newLimits;
        this.will = newWill;
        this.cleanSession = info.cleanSession();
        this.expiryIntervalSeconds = expirySeconds;
        this.disconnectedReason = null;
    }

    /**
     * Detaches {@code oldConnection} if it is still the current one.
     *
     * @return true when it was the current connection; false when the session has moved on
     */
    synchronized boolean detach(SessionConnection oldConnection, DisconnectReason reason) {
        if (connection != oldConnection || connection == null) {
            return false;
        }
        connection = null;
        active = false;
        // QoS 0 messages that waited for a full connection are not kept offline
        for (Iterator<Outbound> it = queue.iterator(); it.hasNext(); ) {
            if (it.next().qos == 0) {
                it.remove();
                counters.count(Metric.MESSAGES_DROPPED);
            }
        }
        disconnectedAtMillis = clock.millis();
        disconnectedReason = reason;
        return true;
    }

    /** MQTT 5 Will Delay Interval of the current connection's will. */
    public synchronized long willDelaySeconds() {
        return willDelaySeconds;
    }

    /** Takes the will of the current connection, leaving none. */
    public synchronized Message takeWill() {
        Message w = will;
        will = null;
        return w;
    }

    /**
     * Called once the CONNACK is written: re-sends unacknowledged messages (PUBLISH with DUP, or
     * PUBREL where PUBREC already arrived) in their original order [MQTT-4.4.0-1], then drains the
     * queue into the window.
     */
    public synchronized void activate() {
        if (connection == null) {
            return;
        }
        active = true;
        long now = clock.millis();
        awaitingResendCount = 0;
        // A client that now announces a smaller Receive Maximum gets no more than that in flight
        // [MQTT-3.3.4-9]: the rest wait, keeping their packet identifiers (a QoS 2 message must
        // not come back under a new one), and go out as acknowledgements make room
        int room = window();
        for (Outbound o : inflight.values()) {
            if (o.pubrecReceived) {
                room--;
            }
        }
        Iterator<Outbound> it = inflight.values().iterator();
        while (it.hasNext()) {
            Outbound o = it.next();
            o.sentAtMillis = now;
            o.awaitingResend = false;
            if (o.pubrecReceived) {
                connection.sendPubrel(o.packetId);
            } else if (room <= 0) {
                o.awaitingResend = true;
                awaitingResendCount++;
            } else if (connection.sendPublish(o.message, o.qos, o.retain, true, o.packetId, o.subscriptionIds)) {
                room--;
            } else {
                // The new connection's Maximum Packet Size is smaller: it can never take this one
                it.remove();
                counters.count(Metric.MESSAGES_DROPPED);
            }
        }
        drain();
    }

    // ---- outbound ----

    /**
     * Offers a message to this session at the given QoS (already reduced to the subscription's).
     * Sent at once when connected and there is room (QoS 1/2: the inflight window; QoS 0: the
     * connection is writable), else queued (QoS 0 only while connected), else dropped and counted.
     */
    public void offer(Message message, int qos, boolean retain) {
        offer(message, qos, retain, NO_SUBSCRIPTION_IDS);
    }

    /**
     * Offers a message together with the Subscription Identifiers of the matching subscriptions
     * (MQTT 5), which the PUBLISH to this client carries [MQTT-3.3.4-3].
     */
    public void offer(Message message, int qos, boolean retain, int[] subscriptionIds) {
        offer(message, qos, retain, subscriptionIds, null);
    }

    /**
     * Offers a message this session received as a member of a share group ({@code shareKey},
     * "group/filter"): if the session leaves the group or disconnects before acknowledging it, the
     * broker hands it to another member ({@link #takeSharedMessages}).
     */
    public synchronized void offer(Message message, int qos, boolean retain, int[] subscriptionIds, String shareKey) {
        Outbound o = new Outbound(message, qos, retain, subscriptionIds, shareKey);
        if (active && queue.isEmpty()) {
            if (qos == 0 && connection.isWritable()) {
                sendQos0(o);
                return;
            }
            if (qos > 0 && inflight.size() < window()) {
                sendInflight(o);
                return;
            }
        }
        if (qos == 0 && connection == null) {
            // QoS 0 messages are not kept for disconnected clients
            counters.count(Metric.MESSAGES_DROPPED);
            return;
        }
        if (queue.size() >= limits.maxMqueueLen()) {
            counters.count(Metric.MESSAGES_DROPPED);
            if (connection != null) {
                slowConsumer();
            }
            return;
        }
        queue.add(o);
    }

    /**
     * A message for the connected client did not fit: its connection was full and its queue is full
     * too. Under {@code slow_consumer_policy = "disconnect"} the client is disconnected, once.
     */
    private void slowConsumer() {
        if (limits.slowConsumerPolicy() == SlowConsumerPolicy.DISCONNECT && !slowConsumerClosing) {
            slowConsumerClosing = true;
            counters.count(Metric.CLIENT_SLOW_CONSUMER);
            connection.close(DisconnectReason.SLOW_CONSUMER);
        }
    }

    /**
     * The connection has room again (the client took what it was sent): queued messages that waited
     * for it go out now.
     *
     * @return whether any left the queue
     */
    public synchronized boolean writable() {
        if (!active || queue.isEmpty()) {
            return false;
        }
        int before = queue.size();
        drain();
        return queue.size() < before;
    }

    /** The outbound window: {@code max_inflight}, lowered to the client's Receive Maximum. */
    private int window() {
        return Math.min(limits.maxInflight(), receiveMaximum);
    }

    private void sendQos0(Outbound o) {
        if (connection.sendPublish(o.message, 0, o.retain, false, 0, o.subscriptionIds)) {
            counters.count(Metric.MESSAGES_DELIVERED);
        } else {
            counters.count(Metric.MESSAGES_DROPPED); // larger than the client's Maximum Packet Size
        }
    }

    private void sendInflight(Outbound o) {
        int packetId = nextPacketId();
        if (!connection.sendPublish(o.message, o.qos, o.retain, false, packetId, o.subscriptionIds)) {
            // Larger than the client's Maximum Packet Size: dropped for this client [MQTT-3.1.2-25]
            counters.count(Metric.MESSAGES_DROPPED);
            return;
        }
        o.packetId = packetId;
        o.sentAtMillis = clock.millis();
        if (inflight == Collections.<Integer, Outbound>emptyMap()) {
            inflight = new LinkedHashMap<>();
        }
        inflight.put(packetId, o);
        counters.count(Metric.MESSAGES_DELIVERED);
    }

    /** Moves queued messages into the window while it has room; expired ones are dropped. */
    private void drain() {
        resendAwaiting();
        long now = clock.millis();
        long expiryMillis = limits.messageExpiryInterval().toMillis();
        while (active && !queue.isEmpty()) {
            Outbound head = queue.peek();
            boolean expired = head.message.expiresAtMillis() <= now // Message Expiry Interval [MQTT-3.3.2-5]
                    || expiryMillis > 0 && now - head.message.createdAtMillis() > expiryMillis;
            if (expired) {
                queue.poll();
                counters.count(Metric.MESSAGES_DROPPED);
                continue;
            }
            if (head.qos == 0) {
                if (!connection.isWritable()) {
                    return; // until the client has taken what it was sent (writable again)
                }
                queue.poll();
                sendQos0(head);
                continue;
            }
            if (inflight.size() >= window()) {
                return;
            }
            queue.poll();
            sendInflight(head);
        }
    }

    /** Re-sends held-back unacknowledged messages while fewer than the window are on the wire. */
    private void resendAwaiting() {
        if (!active || awaitingResendCount == 0) {
            return;
        }
        int onWire = 0;
        for (Outbound o : inflight.values()) {
            if (!o.awaitingResend) {
                onWire++;
            }
        }
        for (Iterator<Outbound> it = inflight.values().iterator(); it.hasNext() && onWire < window(); ) {
            Outbound o = it.next();
            if (!o.awaitingResend) {
                continue;
            }
            o.awaitingResend = false;
            awaitingResendCount--;
            o.sentAtMillis = clock.millis();
            if (connection.sendPublish(o.message, o.qos, o.retain, true, o.packetId, o.subscriptionIds)) {
                onWire++;
            } else {
                it.remove();
                counters.count(Metric.MESSAGES_DROPPED);
            }
        }
    }

    private int nextPacketId() {
        // The window is far below 65535, so a free identifier is always found
        do {
            lastPacketId = lastPacketId == 0xFFFF ? 1 : lastPacketId + 1;
        } while (inflight.containsKey(lastPacketId));
        return lastPacketId;
    }

    /** PUBACK for an outbound QoS 1 message. @return false for an unknown packet identifier */
    public synchronized boolean onPuback(int packetId) {
        Outbound o = inflight.get(packetId);
        if (o == null || o.qos != 1) {
            return false;
        }
        inflight.remove(packetId);
        counters.count(Metric.MESSAGES_ACKED);
        drain();
        return true;
    }

    /** PUBREC for an outbound QoS 2 message: the caller answers with PUBREL. */
    public synchronized boolean onPubrec(int packetId) {
        Outbound o = inflight.get(packetId);
        if (o == null || o.qos != 2) {
            return false;
        }
        if (!o.pubrecReceived) {
            o.pubrecReceived = true;
            counters.count(Metric.MESSAGES_ACKED);
        }
        return true;
    }

    /** PUBCOMP for an outbound QoS 2 message: the exchange is complete. */
    public synchronized boolean onPubcomp(int packetId) {
        Outbound o = inflight.get(packetId);
        if (o == null || !o.pubrecReceived) {
            return false;
        }
        inflight.remove(packetId);
        drain();
        return true;
    }

    /**
     * MQTT 3.1 only: re-sends PUBLISH/PUBREL not acknowledged within {@code message_retry_interval}.
     * MQTT 3.1.1 and 5 forbid re-sending on a live connection [MQTT-4.4.0-1].
     */
    public synchronized void retryUnacknowledged() {
        long retryMillis = limits.messageRetryInterval().toMillis();
        if (!active || retryMillis <= 0) {
            return;
        }
        long now = clock.millis();
        for (Outbound o : inflight.values()) {
            if (!o.awaitingResend && now - o.sentAtMillis >= retryMillis) {
                o.sentAtMillis = now;
                if (o.pubrecReceived) {
                    connection.sendPubrel(o.packetId);
                } else {
                    connection.sendPublish(o.message, o.qos, o.retain, true, o.packetId, o.subscriptionIds);
                }
            }
        }
    }

    /** A message received through a share group and not yet acknowledged, with its group. */
    public record SharedMessage(Message message, String shareKey) {
    }

    /**
     * Removes and returns the unacknowledged messages this session holds for share groups (all, or
     * only {@code onlyShareKey}'s), in order: queued ones, and inflight ones whose exchange has not
     * progressed past PUBLISH (a QoS 2 message already PUBREC'd belongs to this session). The broker
     * gives them to other members of their groups.
     */
    synchronized List<SharedMessage> takeSharedMessages(String onlyShareKey) {
        List<SharedMessage> out = new ArrayList<>();
        inflight.values().removeIf(o -> {
            boolean take = o.shareKey != null && !o.pubrecReceived
                    && (onlyShareKey == null || onlyShareKey.equals(o.shareKey));
            if (take) {
                out.add(new SharedMessage(o.message.withQos(o.qos), o.shareKey));
            }
            return take;
        });
        queue.removeIf(o -> {
            boolean take = o.shareKey != null && (onlyShareKey == null || onlyShareKey.equals(o.shareKey));
            if (take) {
                out.add(new SharedMessage(o.message.withQos(o.qos), o.shareKey));
            }
            return take;
        });
        if (!out.isEmpty()) {
            drain();
        }
        return out;
    }

    /** PUBREC with a failure reason code (MQTT 5): the exchange ends without PUBREL. */
    public synchronized boolean onPubrecFailure(int packetId) {
        Outbound o = inflight.get(packetId);
        if (o == null || o.qos != 2) {
            return false;
        }
        inflight.remove(packetId);
        drain();
        return true;
    }

    // ---- inbound QoS 2 ----

    public synchronized boolean isAwaitingRelease(int packetId) {
        return awaitingRelease.contains(packetId);
    }

    public synchronized int awaitingReleaseCount() {
        return awaitingRelease.size();
    }


    /**
     * An inbound QoS 2 PUBLISH: true when it is new and must be routed, false when it is a re-send
     * of one not yet released, which must not be delivered again [MQTT-4.3.3-2].
     */
    public synchronized boolean onInboundQos2(int packetId) {
        if (awaitingRelease == Set.<Integer>of()) {
            awaitingRelease = new HashSet<>();
        }
        return awaitingRelease.add(packetId);
    }

    /** PUBREL from the client; the caller answers PUBCOMP either way [MQTT-4.3.3-2]. */
    public synchronized boolean onPubrel(int packetId) {
        return !awaitingRelease.isEmpty() && awaitingRelease.remove(packetId);
    }

    // ---- subscriptions (maintained by Broker together with the index) ----

    /** Keyed by the filter as subscribed, so "a" and "$share/g/a" are distinct subscriptions. */
    synchronized Subscription putSubscription(Subscription s) {
        if (subscriptions == Collections.<String, Subscription>emptyMap()) {
            subscriptions = new LinkedHashMap<>();
        }
        return subscriptions.put(s.subscribedFilter(), s);
    }

    public synchronized boolean hasSubscription(String subscribedFilter) {
        return subscriptions.containsKey(subscribedFilter);
    }

    synchronized Subscription removeSubscription(String filter) {
        return subscriptions.remove(filter);
    }

    public synchronized List<Subscription> subscriptions() {
        return new ArrayList<>(subscriptions.values());
    }

    public synchronized int subscriptionCount() {
        return subscriptions.size();
    }

    /** Ends the session: forgets queued and inflight messages. */
    synchronized List<Subscription> clear() {
        List<Subscription> subs = new ArrayList<>(subscriptions.values());
        subscriptions.clear();
        int pending = queue.size();
        inflight.clear();
        awaitingResendCount = 0;
        queue.clear();
        awaitingRelease = Set.of();
        if (pending > 0) {
            counters.count(Metric.MESSAGES_DROPPED, pending);
        }
        return subs;
    }

    // ---- views ----

    /** A consistent snapshot for queries and the API. */
    public synchronized SessionView view() {
        ConnectionInfo c = connectionInfo;
        return new SessionView(clientId,
                c == null ? null : c.username(),
                c == null ? 0 : c.protocolVersion(),
                c == null ? null : c.remoteIp(),
                c == null ? 0 : c.remotePort(),
                connection != null,
                c == null ? 0 : c.connectedAtMillis(),
                connection == null ? disconnectedAtMillis : 0,
                connection == null ? disconnectedReason : null,
                c == null ? 0 : c.keepalive(),
                cleanSession,
                c != null && c.sessionPresent(),
                expiryIntervalSeconds,
                createdAtMillis,
                subscriptions.size(),
                limits.maxSubscriptions(),
                inflight.size(),
                window(),
                queue.size(),
                limits.maxMqueueLen());
    }

    public synchronized boolean isConnected() {
        return connection != null;
    }

    synchronized SessionConnection connection() {
        return connection;
    }

    public synchronized boolean isCleanSession() {
        return cleanSession;
    }

    public synchronized long expiryIntervalSeconds() {
        return expiryIntervalSeconds;
    }

    /** MQTT 5 DISCONNECT may change the Session Expiry Interval [MQTT-3.14.2-2]. */
    public synchronized void setExpiryIntervalSeconds(long seconds) {
        expiryIntervalSeconds = seconds;
    }

    /** Whether the session ends when its connection does. */
    synchronized boolean endsWithConnection() {
        return expiryIntervalSeconds == 0;
    }

    public long createdAtMillis() {
        return createdAtMillis;
    }

    public synchronized ConnectionInfo connectionInfo() {
        return connectionInfo;
    }

    public synchronized long disconnectedAtMillis() {
        return connection == null ? disconnectedAtMillis : 0;
    }

    public synchronized DisconnectReason disconnectedReason() {
        return disconnectedReason;
    }

    public synchronized int inflightSize() {
        return inflight.size();
    }

    public synchronized int queueSize() {
        return queue.size();
    }

    public synchronized ListenerConfig limits() {
        return limits;
    }

    /** Whether an offline persistent session has outlived its expiry interval at {@code nowMillis}. */
    synchronized boolean isExpired(long nowMillis) {
        // 0xFFFFFFFF (MQTT 5) means the session never expires [MQTT-3.1.2-22 semantics]
        return connection == null && expiryIntervalSeconds != 0xFFFFFFFFL
                && nowMillis - disconnectedAtMillis >= expiryIntervalSeconds * 1000L;
    }
}
