package io.mqttee.core;

import io.mqttee.config.BrokerConfig;
import io.mqttee.config.ListenerConfig;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The broker core: sessions by client identifier, the subscription index, retained messages and
 * counters. Plain Java: the protocol layer drives it through {@link #connect}, {@link #publish},
 * {@link #subscribe}, {@link #unsubscribe} and {@link #disconnected}; the management API reads it.
 *
 * <p>Threading: connect, disconnect, takeover and expiry of one client identifier are serialized by
 * a striped lock picked from the identifier's hash, so two connections racing for the same
 * identifier are ordered while different identifiers proceed in parallel. Routing takes no broker
 * lock: it reads the index and offers to each session, which locks itself.
 */
public final class Broker {

    /** Client identifier used for messages published through the management API. */
    public static final String SYSTEM_CLIENT_ID = "system";
    /** SUBACK return code for a refused subscription [MQTT-3.9.3]. */
    public static final int SUBSCRIPTION_FAILURE = 0x80;

    private static final int LOCK_STRIPES = 256;

    private final BrokerConfig config;
    private final Clock clock;
    private final long startedAtMillis;
    private final BrokerCounters counters = new BrokerCounters();
    private final SubscriptionIndex index = new SubscriptionIndex();
    private final RetainedStore retained;
    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
    private final Object[] stripes = new Object[LOCK_STRIPES];

    public Broker(BrokerConfig config, Clock clock) {
        this(config, clock, new InMemoryRetainedStore());
    }

    public Broker(BrokerConfig config, Clock clock, RetainedStore retained) {
        this.config = config;
        this.clock = clock;
        this.retained = retained;
        this.startedAtMillis = clock.millis();
        for (int i = 0; i < LOCK_STRIPES; i++) {
            stripes[i] = new Object();
        }
    }

    private Object stripe(String clientId) {
        return stripes[Math.floorMod(clientId.hashCode(), LOCK_STRIPES)];
    }

    // ---- connections ----

    /**
     * Attaches a new connection to its session: takes over a connected session of the same client
     * identifier (closing the old connection and publishing its will) [MQTT-3.1.4-2], discards the
     * previous session when Clean Session is set [MQTT-3.1.2-6], or resumes it [MQTT-3.1.2-4].
     * The caller writes the CONNACK and then calls {@link Session#activate()}.
     */
    public ConnectOutcome connect(ConnectRequest request, SessionConnection connection) {
        Message takenOverWill = null;
        ConnectOutcome outcome;
        synchronized (stripe(request.clientId())) {
            Session existing = sessions.get(request.clientId());
            if (existing != null) {
                SessionConnection old = existing.connection();
                if (old != null && existing.detach(old, DisconnectReason.TAKEN_OVER)) {
                    takenOverWill = existing.takeWill();
                    counters.gauge(Stat.CONNECTIONS).decrement();
                    counters.count(Metric.CLIENT_DISCONNECTED);
                    old.close(DisconnectReason.TAKEN_OVER);
                }
                if (request.cleanSession() || existing.isCleanSession()) {
                    terminate(existing);
                    existing = null;
                }
            }
            boolean sessionPresent = existing != null;
            Session session = existing;
            if (session == null) {
                session = new Session(request.clientId(), request.listener(), clock, counters);
                sessions.put(request.clientId(), session);
                counters.gauge(Stat.SESSIONS).increment();
                counters.count(Metric.SESSION_CREATED);
            } else {
                counters.count(Metric.SESSION_RESUMED);
            }
            ConnectionInfo info = new ConnectionInfo(request.remoteIp(), request.remotePort(), request.username(),
                    request.protocolVersion(), request.keepalive(), clock.millis(), request.cleanSession(),
                    sessionPresent);
            session.attach(connection, info, request.listener(), request.will(),
                    request.listener().sessionExpiryInterval().toSeconds());
            counters.gauge(Stat.CONNECTIONS).increment();
            counters.count(Metric.CLIENT_CONNECTED);
            outcome = new ConnectOutcome(session, sessionPresent);
        }
        if (takenOverWill != null) {
            publish(takenOverWill);
        }
        return outcome;
    }

    /**
     * The connection of {@code session} ended. Unless the client sent DISCONNECT first, its will is
     * published [MQTT-3.1.2-8]. A clean session ends with its connection [MQTT-3.1.2-6]; a persistent
     * one stays, offline, until it expires.
     */
    public void disconnected(Session session, SessionConnection connection, DisconnectReason reason) {
        Message will = null;
        synchronized (stripe(session.clientId())) {
            if (!session.detach(connection, reason)) {
                return; // already taken over, kicked or shut down: that path did the work
            }
            counters.gauge(Stat.CONNECTIONS).decrement();
            counters.count(Metric.CLIENT_DISCONNECTED);
            will = session.takeWill();
            if (reason == DisconnectReason.CLIENT_DISCONNECT) {
                will = null; // discarded on a normal DISCONNECT [MQTT-3.14.4-3]
            }
            if (session.isCleanSession()) {
                terminate(session);
            }
        }
        if (will != null) {
            publish(will);
        }
    }

    /**
     * Ends a session now, whether connected or not (the API's kick): closes its connection without
     * publishing the will, and removes the session with its subscriptions.
     *
     * @return false when there is no such session
     */
    public boolean kick(String clientId) {
        synchronized (stripe(clientId)) {
            Session session = sessions.get(clientId);
            if (session == null) {
                return false;
            }
            SessionConnection c = session.connection();
            if (c != null && session.detach(c, DisconnectReason.KICKED)) {
                session.takeWill();
                counters.gauge(Stat.CONNECTIONS).decrement();
                counters.count(Metric.CLIENT_DISCONNECTED);
                c.close(DisconnectReason.KICKED);
            }
            terminate(session);
            return true;
        }
    }

    /** Removes offline persistent sessions whose expiry interval has passed; called periodically. */
    public int expireSessions() {
        long now = clock.millis();
        int expired = 0;
        for (Session s : sessions.values()) {
            if (s.isExpired(now)) {
                synchronized (stripe(s.clientId())) {
                    if (s.isExpired(now) && sessions.get(s.clientId()) == s) {
                        terminate(s);
                        expired++;
                    }
                }
            }
        }
        return expired;
    }

    /** Must hold the stripe of {@code session}. */
    private void terminate(Session session) {
        if (!sessions.remove(session.clientId(), session)) {
            return;
        }
        for (Subscription s : session.clear()) {
            index.remove(s.clientId(), s.filter());
        }
        refreshIndexGauges();
        counters.gauge(Stat.SESSIONS).decrement();
        counters.count(Metric.SESSION_TERMINATED);
    }

    // ---- publish ----

    /**
     * Routes a message to every matching session, once per session at the highest granted QoS
     * [MQTT-3.3.5-1], and stores or clears it as retained when its RETAIN flag is set.
     */
    public void publish(Message message) {
        counters.count(Metric.MESSAGES_PUBLISH);
        if (message.retain()) {
            retained.retain(message);
            counters.gauge(Stat.RETAINED).set(retained.size());
        }
        Map<String, Subscription> targets = index.match(message.topic());
        for (Subscription s : targets.values()) {
            Session session = sessions.get(s.clientId());
            if (session != null) {
                // Forwarded to existing subscriptions without RETAIN [MQTT-3.3.1-9]
                session.offer(message, Math.min(message.qos(), s.qos()), false);
            }
        }
    }

    // ---- subscriptions ----

    /**
     * Subscribes {@code session} to each valid filter: granted QoS is the lower of the requested and
     * {@code max_qos_allowed} [MQTT-3.8.4-6]; a repeated filter replaces the earlier subscription
     * [MQTT-3.8.4-3]. Refused (0x80): more levels than {@code max_topic_levels}, more subscriptions
     * than {@code max_subscriptions}. The caller sends the SUBACK, then {@link #sendRetained}.
     *
     * @return one return code per request, in order [MQTT-3.8.4-5]
     */
    public List<Integer> subscribe(Session session, List<SubscriptionRequest> requests) {
        ListenerConfig limits = session.limits();
        List<Integer> granted = new ArrayList<>(requests.size());
        for (SubscriptionRequest r : requests) {
            counters.count(Metric.CLIENT_SUBSCRIBE);
            boolean tooDeep = !Topics.isValidFilter(r.filter(), limits.maxTopicLevels());
            boolean tooMany = limits.maxSubscriptions() > 0
                    && session.subscriptionCount() >= limits.maxSubscriptions()
                    && session.subscriptions().stream().noneMatch(s -> s.filter().equals(r.filter()));
            if (tooDeep || tooMany) {
                granted.add(SUBSCRIPTION_FAILURE);
                continue;
            }
            int qos = Math.min(r.qos(), limits.maxQosAllowed());
            Subscription subscription = new Subscription(session.clientId(), r.filter(), qos);
            synchronized (stripe(session.clientId())) {
                if (sessions.get(session.clientId()) != session) {
                    granted.add(SUBSCRIPTION_FAILURE); // ended meanwhile (kicked or taken over)
                    continue;
                }
                session.putSubscription(subscription);
                index.add(subscription);
            }
            counters.count(Metric.SESSION_SUBSCRIBED);
            granted.add(qos);
        }
        refreshIndexGauges();
        return granted;
    }

    /** Sends the retained messages matching newly granted filters [MQTT-3.3.1-6]. */
    public void sendRetained(Session session, List<SubscriptionRequest> requests, List<Integer> granted) {
        for (int i = 0; i < requests.size(); i++) {
            int qos = granted.get(i);
            if (qos == SUBSCRIPTION_FAILURE) {
                continue;
            }
            for (Message m : retained.matching(requests.get(i).filter())) {
                session.offer(m, Math.min(m.qos(), qos), true);
            }
        }
    }

    /**
     * Removes the subscriptions of {@code session} to {@code filters}; unknown filters are ignored.
     *
     * @return for each filter, whether a subscription was removed
     */
    public List<Boolean> unsubscribe(Session session, List<String> filters) {
        List<Boolean> out = new ArrayList<>(filters.size());
        for (String f : filters) {
            counters.count(Metric.CLIENT_UNSUBSCRIBE);
            boolean removed;
            synchronized (stripe(session.clientId())) {
                removed = session.removeSubscription(f) != null;
                if (removed) {
                    index.remove(session.clientId(), f);
                }
            }
            if (removed) {
                counters.count(Metric.SESSION_UNSUBSCRIBED);
            }
            out.add(removed);
        }
        refreshIndexGauges();
        return out;
    }

    private void refreshIndexGauges() {
        counters.gauge(Stat.SUBSCRIPTIONS).set(index.subscriptionCount());
        int filters = index.filterCount();
        counters.gauge(Stat.TOPICS).set(filters);
        counters.gauge(Stat.ROUTES).set(filters);
    }

    // ---- queries ----

    public Optional<Session> session(String clientId) {
        return Optional.ofNullable(sessions.get(clientId));
    }

    public Collection<Session> sessions() {
        return Collections.unmodifiableCollection(sessions.values());
    }

    public SubscriptionIndex subscriptions() {
        return index;
    }

    public RetainedStore retained() {
        return retained;
    }

    public BrokerCounters counters() {
        return counters;
    }

    public BrokerConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    public long startedAtMillis() {
        return startedAtMillis;
    }

    public int nodeId() {
        return config.nodeId();
    }
}
