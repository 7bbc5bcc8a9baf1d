package io.mqttee.core;

import io.mqttee.config.BrokerConfig;
import io.mqttee.config.ListenerConfig;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

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
    /** SUBACK reason code (MQTT 5) when {@code $exclusive/} or {@code $limit/N/} is full; 3.x sends 0x80. */
    public static final int SUBSCRIPTION_QUOTA_EXCEEDED = 0x97;
    /** SUBACK reason code (MQTT 5) for a filter with more levels than {@code max_topic_levels}; 3.x sends 0x80. */
    public static final int SUBSCRIPTION_FILTER_INVALID = 0x8F;

    private static final int LOCK_STRIPES = 256;

    private final BrokerConfig config;
    private final Clock clock;
    private final long startedAtMillis;
    private final BrokerCounters counters = new BrokerCounters();
    private final SubscriptionIndex index = new SubscriptionIndex();
    private final Routes routes = new Routes(index);
    private final RetainedStore retained;
    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
    private final AuthenticationMethods authenticationMethods = new AuthenticationMethods();
    private final Object[] stripes = new Object[LOCK_STRIPES];
    private final ConcurrentHashMap<String, AtomicInteger> shareCursors = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> stickyMembers = new ConcurrentHashMap<>();
    /** Holders of {@code $exclusive/} and {@code $limit/N/} subscriptions, by subscribed filter; guarded by itself. */
    private final Map<String, Set<String>> limitedHolders = new HashMap<>();
    /** Wills waiting for their Will Delay Interval, by client identifier. */
    private final ConcurrentHashMap<String, PendingWill> pendingWills = new ConcurrentHashMap<>();

    private record PendingWill(Message will, long dueAtMillis) {
    }

    /** {@code $delayed/} messages by due time; bounded by {@code mqtt.delayed_publish_max}. */
    private final PriorityQueue<DelayedMessage> delayed =
            new PriorityQueue<>(Comparator.comparingLong(DelayedMessage::dueAtMillis).thenComparingLong(DelayedMessage::seq));
    private long delayedSeq;

    private record DelayedMessage(Message message, long dueAtMillis, long seq) {
    }

    /** Prefix of RMQTT's delayed publish: {@code $delayed/<seconds>/<topic>}. */
    public static final String DELAYED_PREFIX = "$delayed/";

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
            if (existing == null && config.maxSessions() > 0 && sessions.size() >= config.maxSessions()) {
                return ConnectOutcome.REFUSED_SESSION_LIMIT; // mqtt.max_sessions reached
            }
            // A delayed will is cancelled by a new connection to the session [MQTT-3.1.3-9]; with
            // Clean Start the session ends instead, which releases the will at once
            PendingWill pending = pendingWills.remove(request.clientId());
            if (pending != null && request.cleanSession()) {
                takenOverWill = pending.will();
            }
            if (existing != null) {
                SessionConnection old = existing.connection();
                if (old != null && existing.detach(old, DisconnectReason.TAKEN_OVER)) {
                    takenOverWill = existing.takeWill();
                    if (existing.willDelaySeconds() > 0 && !request.cleanSession()) {
                        // A new connection to the session before the Will Delay Interval has passed
                        // means the will is not sent [MQTT-3.1.3-9]
                        takenOverWill = null;
                    }
                    counters.gauge(Stat.CONNECTIONS).decrement();
                    counters.count(Metric.CLIENT_DISCONNECTED);
                    old.close(DisconnectReason.TAKEN_OVER);
                }
                if (request.cleanSession() || existing.endsWithConnection()) {
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
            session.attach(connection, info, request.listener(), request.will(), request.willDelaySeconds(),
                    request.sessionExpirySeconds(), request.receiveMaximum());
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
            if (session.endsWithConnection()) {
                terminate(session);
            } else {
                redistributeShared(session, null, true);
            }
            if (!session.endsWithConnection() && will != null && session.willDelaySeconds() > 0) {
                // Will Delay Interval: held until the delay passes or the session ends [MQTT-3.1.3-9]
                pendingWills.put(session.clientId(),
                        new PendingWill(will, clock.millis() + session.willDelaySeconds() * 1000L));
                will = null;
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

    /**
     * The broker's timers, run about once a second by the listener: delayed wills and
     * {@code $delayed/} messages that are due go out, expired offline sessions end.
     */
    public void tick() {
        long now = clock.millis();
        for (Map.Entry<String, PendingWill> e : pendingWills.entrySet()) {
            if (e.getValue().dueAtMillis() <= now && pendingWills.remove(e.getKey(), e.getValue())) {
                publish(e.getValue().will());
            }
        }
        for (DelayedMessage d = pollDueDelayed(now); d != null; d = pollDueDelayed(now)) {
            publish(d.message());
        }
        expireSessions();
    }

    private synchronized DelayedMessage pollDueDelayed(long now) {
        DelayedMessage head = delayed.peek();
        return head != null && head.dueAtMillis() <= now ? delayed.poll() : null;
    }

    /**
     * Holds {@code message} (already addressed to its real topic) for {@code delaySeconds}, then
     * publishes it. Refused when {@code mqtt.delayed_publish_max} messages wait already.
     */
    public synchronized boolean publishDelayed(Message message, long delaySeconds) {
        if (delayed.size() >= config.delayedPublishMax()) {
            counters.count(Metric.MESSAGES_DROPPED);
            return false;
        }
        delayed.add(new DelayedMessage(message, clock.millis() + delaySeconds * 1000L, delayedSeq++));
        return true;
    }

    /** Number of {@code $delayed/} messages waiting. */
    public synchronized int delayedCount() {
        return delayed.size();
    }

    /** Ends offline persistent sessions whose expiry interval has passed. */
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

    /** Must hold the stripe of {@code session}. A will still waiting for its delay goes out now. */
    private void terminate(Session session) {
        if (!sessions.remove(session.clientId(), session)) {
            return;
        }
        redistributeShared(session, null, false);
        PendingWill pending = pendingWills.remove(session.clientId());
        if (pending != null) {
            publish(pending.will());
        }
        for (Subscription s : session.clear()) {
            index.remove(s.clientId(), s.filter(), s.shareGroup());
            releaseLimitedSlot(s);
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
        Routes.Route route = routes.of(message.topic());
        int qos = message.qos();
        for (Routes.Target t : route.targets) {
            Routes.Target target = t.forMessageFrom(message.publisherId()); // No Local [MQTT-3.8.3-3]
            Session session = target == null ? null : sessions.get(target.clientId());
            if (session != null) {
                session.offer(message, Math.min(qos, target.maxQos()), target.retainAsPublished() && message.retain(),
                        target.subscriptionIds());
            }
        }
        if (route.shareGroups.isEmpty()) {
            return;
        }
        // Each share group gets the message once, at one member [MQTT 5.0 section 4.8.2]
        route.shareGroups.forEach((groupKey, members) -> {
            Subscription chosen = chooseShareMember(groupKey, members, message);
            Session session = chosen == null ? null : sessions.get(chosen.clientId());
            if (session != null) {
                session.offer(message, Math.min(qos, chosen.qos()), chosen.retainAsPublished() && message.retain(),
                        subscriptionIds(chosen), groupKey);
            }
        });
    }

    private static final int[] NO_IDS = new int[0];

    private static int[] subscriptionIds(Subscription s) {
        return s.subscriptionId() > 0 ? new int[] {s.subscriptionId()} : NO_IDS;
    }

    /**
     * Hands the unacknowledged share-group messages of {@code leaver} (all, or {@code onlyShareKey}'s)
     * to other members of their groups, connected ones first: a member that leaves its group or
     * disconnects does not keep the group's messages. With no other member, a session that stays
     * ({@code keepIfAlone}) queues them again; otherwise they are dropped and counted.
     */
    private void redistributeShared(Session leaver, String onlyShareKey, boolean keepIfAlone) {
        for (Session.SharedMessage sm : leaver.takeSharedMessages(onlyShareKey)) {
            String key = sm.shareKey();
            int slash = key.indexOf('/');
            List<Subscription> members = new ArrayList<>(index.shareMembers(key.substring(0, slash),
                    key.substring(slash + 1)));
            members.removeIf(m -> m.clientId().equals(leaver.clientId()) || !sessions.containsKey(m.clientId()));
            Message m = sm.message();
            if (!members.isEmpty()) {
                Subscription chosen = chooseShareMember(key, members, m);
                Session target = sessions.get(chosen.clientId());
                if (target != null) {
                    target.offer(m, Math.min(m.qos(), chosen.qos()), chosen.retainAsPublished() && m.retain(),
                            subscriptionIds(chosen), key);
                    continue;
                }
            }
            if (keepIfAlone) {
                leaver.offer(m, m.qos(), false, new int[0], key);
            } else {
                counters.count(Metric.MESSAGES_DROPPED);
            }
        }
    }

    /**
     * Picks the member of a share group that receives {@code message}, by the configured
     * {@code shared_subscription_strategy}, among connected members when there are any (offline
     * members would only queue it).
     */
    private Subscription chooseShareMember(String groupKey, List<Subscription> members, Message message) {
        List<Subscription> connected = new ArrayList<>(members.size());
        for (Subscription m : members) {
            Session s = sessions.get(m.clientId());
            if (s != null && s.isConnected()) {
                connected.add(m);
            }
        }
        List<Subscription> candidates = connected.isEmpty() ? new ArrayList<>(members) : connected;
        candidates.sort(Comparator.comparing(Subscription::clientId));
        int n = candidates.size();
        return switch (config.sharedSubscriptionStrategy()) {
            case RANDOM -> candidates.get(ThreadLocalRandom.current().nextInt(n));
            case HASH_CLIENTID -> candidates.get(Math.floorMod(message.publisherId().hashCode(), n));
            case HASH_TOPIC -> candidates.get(Math.floorMod(message.topic().hashCode(), n));
            case STICKY -> {
                String previous = stickyMembers.get(groupKey);
                for (Subscription c : candidates) {
                    if (c.clientId().equals(previous)) {
                        yield c;
                    }
                }
                Subscription pick = candidates.get(ThreadLocalRandom.current().nextInt(n));
                stickyMembers.put(groupKey, pick.clientId());
                yield pick;
            }
            case ROUND_ROBIN -> candidates.get(Math.floorMod(
                    shareCursors.computeIfAbsent(groupKey, k -> new AtomicInteger()).getAndIncrement(), n));
        };
    }

    // ---- subscriptions ----

    /**
     * Subscribes {@code session} to each valid filter: granted QoS is the lower of the requested and
     * {@code max_qos_allowed} [MQTT-3.8.4-6]; a repeated filter replaces the earlier subscription
     * [MQTT-3.8.4-3]. Refused: more levels than {@code max_topic_levels} (0x8F), more subscriptions
     * than {@code max_subscriptions} (0x97); 3.x clients get 0x80 for both. The caller sends the
     * SUBACK, then {@link #sendRetained}.
     *
     * @return one return code per request, in order [MQTT-3.8.4-5]
     */
    public SubscribeResult subscribe(Session session, List<SubscriptionRequest> requests) {
        ListenerConfig limits = session.limits();
        List<Integer> codes = new ArrayList<>(requests.size());
        List<Subscription> retainedFor = new ArrayList<>();
        for (SubscriptionRequest r : requests) {
            counters.count(Metric.CLIENT_SUBSCRIBE);
            boolean tooDeep = !Topics.isValidFilter(r.filter(), limits.maxTopicLevels());
            boolean exists = session.hasSubscription(r.subscribedFilter());
            boolean tooMany = limits.maxSubscriptions() > 0 && !exists
                    && session.subscriptionCount() >= limits.maxSubscriptions();
            if (tooDeep || tooMany) {
                // the specific MQTT 5 reason codes (0x80 is for when none applies, 5.0 section 3.9.3)
                codes.add(tooDeep ? SUBSCRIPTION_FILTER_INVALID : SUBSCRIPTION_QUOTA_EXCEEDED);
                continue;
            }
            if (r.subscriberLimit() != 0 && !takeLimitedSlot(r, session.clientId())) {
                codes.add(SUBSCRIPTION_QUOTA_EXCEEDED); // $exclusive/ or $limit/N/ already full
                continue;
            }
            int qos = Math.min(r.qos(), limits.maxQosAllowed());
            Subscription subscription = new Subscription(session.clientId(), r.filter(), qos, r.noLocal(),
                    r.retainAsPublished(), r.retainHandling(), r.subscriptionId(), r.shareGroup(),
                    r.subscriberLimit());
            synchronized (stripe(session.clientId())) {
                if (sessions.get(session.clientId()) != session) {
                    releaseLimitedSlot(subscription);
                    codes.add(SUBSCRIPTION_FAILURE); // ended meanwhile (kicked or taken over)
                    continue;
                }
                session.putSubscription(subscription);
                index.add(subscription);
            }
            counters.count(Metric.SESSION_SUBSCRIBED);
            codes.add(qos);
            // Retained messages are not sent for shared subscriptions [MQTT-3.8.4 5.0]; Retain Handling
            // 1 sends them only for a new subscription, 2 never
            boolean sendRetained = !subscription.isShared()
                    && (r.retainHandling() == 0 || r.retainHandling() == 1 && !exists);
            if (sendRetained) {
                retainedFor.add(subscription);
            }
        }
        refreshIndexGauges();
        return new SubscribeResult(codes, retainedFor);
    }

    /** Reserves a place among the holders of a limited subscription; false when it is full. */
    private boolean takeLimitedSlot(SubscriptionRequest r, String clientId) {
        int max = r.subscriberLimit() == SubscriptionRequest.EXCLUSIVE ? 1 : r.subscriberLimit();
        synchronized (limitedHolders) {
            Set<String> holders = limitedHolders.computeIfAbsent(r.subscribedFilter(), k -> new HashSet<>());
            if (holders.contains(clientId) || holders.size() < max) {
                holders.add(clientId);
                return true;
            }
            return false;
        }
    }

    private void releaseLimitedSlot(Subscription s) {
        if (s.subscriberLimit() == 0) {
            return;
        }
        synchronized (limitedHolders) {
            Set<String> holders = limitedHolders.get(s.subscribedFilter());
            if (holders != null && holders.remove(s.clientId()) && holders.isEmpty()) {
                limitedHolders.remove(s.subscribedFilter());
            }
        }
    }

    /**
     * Sends the retained messages matching the subscriptions of {@code result}, with RETAIN set
     * [MQTT-3.3.1-6, MQTT-3.3.1-8]. Called after the SUBACK is written.
     */
    public void sendRetained(Session session, SubscribeResult result) {
        long now = clock.millis();
        for (Subscription s : result.retainedFor()) {
            for (Message m : retained.matching(s.filter())) {
                if (m.expiresAtMillis() <= now) {
                    retained.remove(m.topic()); // expired retained messages are dropped [MQTT-3.3.2-5]
                    counters.gauge(Stat.RETAINED).set(retained.size());
                    continue;
                }
                int[] ids = s.subscriptionId() > 0 ? new int[] {s.subscriptionId()} : new int[0];
                session.offer(m, Math.min(m.qos(), s.qos()), true, ids);
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
                Subscription s = session.removeSubscription(f);
                removed = s != null;
                if (removed) {
                    index.remove(session.clientId(), s.filter(), s.shareGroup());
                    releaseLimitedSlot(s);
                    if (s.isShared()) {
                        redistributeShared(session, s.shareGroup() + '/' + s.filter(), false);
                    }
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
        counters.gauge(Stat.SUBSCRIPTIONS_SHARED).set(index.sharedCount());
        int filters = index.filterCount();
        counters.gauge(Stat.TOPICS).set(filters);
        counters.gauge(Stat.ROUTES).set(filters);
    }

    // ---- queries ----

    /**
     * Snapshots of the sessions matching {@code query}, at most {@code limit}. A query by client
     * identifier is one lookup; otherwise sessions are scanned, each snapshot taken under its own lock.
     */
    public List<SessionView> querySessions(SessionQuery query, int limit) {
        if (query.clientId() != null) {
            Session s = sessions.get(query.clientId());
            if (s == null || limit <= 0) {
                return List.of();
            }
            SessionView v = s.view();
            return query.matches(v) ? List.of(v) : List.of();
        }
        List<SessionView> out = new ArrayList<>();
        for (Session s : sessions.values()) {
            if (out.size() >= limit) {
                break;
            }
            SessionView v = s.view();
            if (query.matches(v)) {
                out.add(v);
            }
        }
        return out;
    }

    /** Subscriptions matching {@code query}, at most {@code limit}; by client id it reads one session. */
    public List<SubscriptionView> querySubscriptions(SubscriptionQuery query, int limit) {
        List<SubscriptionView> out = new ArrayList<>();
        Iterable<Session> scope = query.clientId() == null ? sessions.values()
                : session(query.clientId()).map(List::of).orElse(List.of());
        for (Session session : scope) {
            ConnectionInfo c = session.connectionInfo();
            String addr = c == null ? null : c.remoteIp() + ":" + c.remotePort();
            for (Subscription s : session.subscriptions()) {
                if (out.size() >= limit) {
                    return out;
                }
                if (query.matches(s)) {
                    out.add(new SubscriptionView(s.clientId(), addr, s.filter(), s.qos(), s.shareGroup()));
                }
            }
        }
        return out;
    }

    /** Ends every offline session matching {@code query}; returns how many ended. */
    public int removeOfflineSessions(SessionQuery query) {
        int removed = 0;
        for (Session s : sessions.values()) {
            if (s.isConnected() || !query.matches(s.view())) {
                continue;
            }
            synchronized (stripe(s.clientId())) {
                if (!s.isConnected() && sessions.get(s.clientId()) == s) {
                    terminate(s);
                    removed++;
                }
            }
        }
        return removed;
    }

    /**
     * Removes the retained message of one topic name (the API's delete); the retained gauge follows.
     *
     * @return false when the topic had none
     */
    public boolean removeRetained(String topic) {
        boolean removed = retained.remove(topic);
        counters.gauge(Stat.RETAINED).set(retained.size());
        return removed;
    }

    /**
     * The retained messages matching {@code filter}, by topic, without expired ones (which are
     * dropped as they are found [MQTT-3.3.2-5]).
     */
    public List<Message> retainedMatching(String filter) {
        long now = clock.millis();
        List<Message> out = new ArrayList<>();
        for (Message m : retained.matching(filter)) {
            if (m.expiresAtMillis() <= now) {
                removeRetained(m.topic());
            } else {
                out.add(m);
            }
        }
        out.sort(Comparator.comparing(Message::topic));
        return out;
    }

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

    /** MQTT 5 enhanced authentication methods registered by plugins. */
    public AuthenticationMethods authenticationMethods() {
        return authenticationMethods;
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
