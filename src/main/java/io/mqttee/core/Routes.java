package io.mqttee.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The routes of topic names: for each topic, who receives a message published to it, worked out
 * from the subscription index once and reused until the index changes. Publishers usually send to
 * the same few topics over and over, so this spares every publish the tree walk, the split of the
 * topic into levels and the per-publish merging of overlapping subscriptions.
 *
 * <p>Validity: each route records the index {@link SubscriptionIndex#version() version} read
 * <em>before</em> it was computed and is used only while the index still has that version, so a
 * publish never sees a route older than a subscription change that completed before it started.
 * The cache is bounded: when it holds {@link #MAX_ROUTES} topics it is emptied and refills.
 */
final class Routes {

    /** Topics kept at most; beyond that the cache starts over (cheap, and rare for real workloads). */
    static final int MAX_ROUTES = 8192;

    private final SubscriptionIndex index;
    private final ConcurrentHashMap<String, Route> cache = new ConcurrentHashMap<>();

    Routes(SubscriptionIndex index) {
        this.index = index;
    }

    /** The route of {@code topic}, from the cache when the index has not changed since. */
    Route of(String topic) {
        long version = index.version();
        Route r = cache.get(topic);
        if (r != null && r.version == version) {
            return r;
        }
        r = Route.compute(index, topic, version);
        if (cache.size() >= MAX_ROUTES) {
            cache.clear();
        }
        cache.put(topic, r);
        return r;
    }

    /**
     * Who receives a message published to one topic: each session once, with what its matching
     * ordinary subscriptions grant together, and each share group with its members.
     */
    static final class Route {
        final long version;
        final Target[] targets;
        /** Share groups ("group/filter") with their members sorted by client identifier. */
        final Map<String, List<Subscription>> shareGroups;

        private Route(long version, Target[] targets, Map<String, List<Subscription>> shareGroups) {
            this.version = version;
            this.targets = targets;
            this.shareGroups = shareGroups;
        }

        static Route compute(SubscriptionIndex index, String topic, long version) {
            Map<String, List<Subscription>> bySession = new LinkedHashMap<>();
            Map<String, List<Subscription>> groups = new LinkedHashMap<>();
            index.forEachMatch(topic, s -> (s.isShared() ? groups.computeIfAbsent(s.shareGroup() + '/' + s.filter(),
                    k -> new ArrayList<>()) : bySession.computeIfAbsent(s.clientId(), k -> new ArrayList<>())).add(s));
            Target[] targets = new Target[bySession.size()];
            int i = 0;
            for (Map.Entry<String, List<Subscription>> e : bySession.entrySet()) {
                targets[i++] = Target.of(e.getKey(), e.getValue());
            }
            groups.values().forEach(members -> members.sort(Comparator.comparing(Subscription::clientId)));
            groups.replaceAll((k, members) -> List.copyOf(members));
            return new Route(version, targets, groups.isEmpty() ? Map.of() : groups);
        }
    }

    /**
     * What one session's matching ordinary subscriptions grant together: the highest QoS
     * [MQTT-3.3.5-1], Retain As Published if any has it, every Subscription Identifier
     * [MQTT-3.3.4-3].
     *
     * @param withoutNoLocal the same over its subscriptions without No Local, for the session's own
     *                       messages [MQTT-3.8.3-3]: null when every one is No Local; unused when
     *                       {@code hasNoLocal} is false
     */
    record Target(String clientId, int maxQos, boolean retainAsPublished, int[] subscriptionIds,
                  boolean hasNoLocal, Target withoutNoLocal) {

        static Target of(String clientId, List<Subscription> subs) {
            if (subs.stream().noneMatch(Subscription::noLocal)) {
                return combine(clientId, subs, false, null);
            }
            List<Subscription> local = subs.stream().filter(s -> !s.noLocal()).toList();
            return combine(clientId, subs, true, local.isEmpty() ? null : combine(clientId, local, false, null));
        }

        private static Target combine(String clientId, List<Subscription> subs, boolean hasNoLocal, Target withoutNoLocal) {
            int qos = 0;
            boolean rap = false;
            int[] ids = new int[subs.size()];
            int n = 0;
            for (Subscription s : subs) {
                qos = Math.max(qos, s.qos());
                rap |= s.retainAsPublished();
                if (s.subscriptionId() > 0) {
                    ids[n++] = s.subscriptionId();
                }
            }
            return new Target(clientId, qos, rap, Arrays.copyOf(ids, n), hasNoLocal, withoutNoLocal);
        }

        /** What applies to a message from {@code publisherId}; null when this session must not get it. */
        Target forMessageFrom(String publisherId) {
            return hasNoLocal && clientId.equals(publisherId) ? withoutNoLocal : this;
        }
    }
}
