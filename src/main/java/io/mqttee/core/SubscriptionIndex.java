package io.mqttee.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The subscription index: a tree of topic levels whose nodes hold the subscriptions of the filter
 * ending there. Matching walks only the branches a topic can reach (its literal level, '+' and '#').
 *
 * <p>Threading: lookups ({@link #match}) run on every publisher's thread without locking, over
 * concurrent maps; changes are serialized by one lock so that adding and pruning nodes never race.
 * A lookup concurrent with a change sees the subscription either before or after it.
 */
public final class SubscriptionIndex {

    private static final class Node {
        final ConcurrentHashMap<String, Node> children = new ConcurrentHashMap<>();
        /** Ordinary subscriptions by client identifier. */
        final ConcurrentHashMap<String, Subscription> subscriptions = new ConcurrentHashMap<>();
        /** Shared subscriptions: share group name, then client identifier. */
        final ConcurrentHashMap<String, ConcurrentHashMap<String, Subscription>> shared = new ConcurrentHashMap<>();

        boolean hasSubscriptions() {
            return !subscriptions.isEmpty() || !shared.isEmpty();
        }

        boolean isEmpty() {
            return children.isEmpty() && !hasSubscriptions();
        }

        void visit(Consumer<Subscription> visitor) {
            subscriptions.values().forEach(visitor);
            if (!shared.isEmpty()) {
                shared.values().forEach(members -> members.values().forEach(visitor));
            }
        }

        Subscription put(Subscription s) {
            if (s.isShared()) {
                return shared.computeIfAbsent(s.shareGroup(), g -> new ConcurrentHashMap<>()).put(s.clientId(), s);
            }
            return subscriptions.put(s.clientId(), s);
        }

        Subscription remove(String clientId, String shareGroup) {
            if (shareGroup == null) {
                return subscriptions.remove(clientId);
            }
            ConcurrentHashMap<String, Subscription> members = shared.get(shareGroup);
            if (members == null) {
                return null;
            }
            Subscription removed = members.remove(clientId);
            if (members.isEmpty()) {
                shared.remove(shareGroup);
            }
            return removed;
        }
    }

    private final Node root = new Node();
    private final Object writeLock = new Object();
    private int filterCount;
    private int subscriptionCount;
    private int sharedCount;
    /** Bumped by every change, so that cached routes ({@link Routes}) know when they are stale. */
    private volatile long version;

    /**
     * Adds or replaces the subscription of {@code subscription.clientId()} to its filter.
     *
     * @return true when it is new, false when it replaced one of the same client and filter
     */
    public boolean add(Subscription subscription) {
        synchronized (writeLock) {
            Node node = root;
            for (String level : Topics.levels(subscription.filter())) {
                node = node.children.computeIfAbsent(level, l -> new Node());
            }
            boolean firstOfFilter = !node.hasSubscriptions();
            Subscription previous = node.put(subscription);
            version++; // also when replaced: the options may differ
            if (previous == null) {
                subscriptionCount++;
                if (subscription.isShared()) {
                    sharedCount++;
                }
                if (firstOfFilter) {
                    filterCount++;
                }
            }
            return previous == null;
        }
    }

    /** Removes a client's ordinary subscription to a filter; prunes nodes left empty. */
    public boolean remove(String clientId, String filter) {
        return remove(clientId, filter, null);
    }

    /** Removes a client's subscription to a filter, shared in {@code shareGroup} when not null. */
    public boolean remove(String clientId, String filter, String shareGroup) {
        synchronized (writeLock) {
            String[] levels = Topics.levels(filter);
            Node[] path = new Node[levels.length + 1];
            path[0] = root;
            for (int i = 0; i < levels.length; i++) {
                path[i + 1] = path[i].children.get(levels[i]);
                if (path[i + 1] == null) {
                    return false;
                }
            }
            Node leaf = path[levels.length];
            if (leaf.remove(clientId, shareGroup) == null) {
                return false;
            }
            version++;
            subscriptionCount--;
            if (shareGroup != null) {
                sharedCount--;
            }
            if (!leaf.hasSubscriptions()) {
                filterCount--;
            }
            for (int i = levels.length; i > 0 && path[i].isEmpty(); i--) {
                path[i - 1].children.remove(levels[i - 1], path[i]);
            }
            return true;
        }
    }

    /**
     * The sessions whose ordinary (not shared) filters match {@code topic}, each once with the
     * subscription granting the highest QoS.
     */
    public Map<String, Subscription> match(String topic) {
        Map<String, Subscription> out = new HashMap<>();
        forEachMatch(topic, s -> {
            if (!s.isShared()) {
                out.merge(s.clientId(), s, (a, b) -> b.qos() > a.qos() ? b : a);
            }
        });
        return out;
    }

    /** Every subscription whose filter matches {@code topic}, overlapping and shared ones included. */
    public void forEachMatch(String topic, Consumer<Subscription> visitor) {
        String[] levels = Topics.levels(topic);
        boolean dollar = topic.startsWith("$");
        walk(root, levels, 0, dollar, visitor);
    }

    private static void walk(Node node, String[] levels, int depth, boolean dollarTopic, Consumer<Subscription> visitor) {
        // Filters starting with a wildcard do not match topics starting with '$' [MQTT-4.7.2-1]
        boolean wildcardsAllowed = !(depth == 0 && dollarTopic);
        if (wildcardsAllowed) {
            Node multi = node.children.get(Topics.MULTI_LEVEL);
            if (multi != null) {
                // "a/#" matches "a" and everything below it [MQTT-4.7.1-2]
                multi.visit(visitor);
            }
        }
        if (depth == levels.length) {
            node.visit(visitor);
            return;
        }
        if (wildcardsAllowed) {
            Node single = node.children.get(Topics.SINGLE_LEVEL);
            if (single != null) {
                walk(single, levels, depth + 1, dollarTopic, visitor);
            }
        }
        Node literal = node.children.get(levels[depth]);
        if (literal != null) {
            walk(literal, levels, depth + 1, dollarTopic, visitor);
        }
    }

    /** The members of share group {@code group} on exactly {@code filter}. */
    public List<Subscription> shareMembers(String group, String filter) {
        Node node = root;
        for (String level : Topics.levels(filter)) {
            node = node.children.get(level);
            if (node == null) {
                return List.of();
            }
        }
        ConcurrentHashMap<String, Subscription> members = node.shared.get(group);
        return members == null ? List.of() : new ArrayList<>(members.values());
    }

    /** The distinct filters that have at least one subscription (the routes of this node). */
    public List<String> filters() {
        List<String> out = new ArrayList<>();
        collectFilters(root, null, out);
        return out;
    }

    /** The distinct filters that match {@code topic}. */
    public List<String> matchingFilters(String topic) {
        List<String> out = new ArrayList<>();
        forEachMatch(topic, s -> {
            if (!out.contains(s.filter())) {
                out.add(s.filter());
            }
        });
        return out;
    }

    private static void collectFilters(Node node, String prefix, List<String> out) {
        if (prefix != null && node.hasSubscriptions()) {
            out.add(prefix);
        }
        node.children.forEach((level, child) ->
                collectFilters(child, prefix == null ? level : prefix + Topics.SEPARATOR + level, out));
    }

    /** Changes so far; a lookup that read the same version before and after saw no change. */
    public long version() {
        return version;
    }

    /** Number of distinct filters with subscribers. */
    public int filterCount() {
        synchronized (writeLock) {
            return filterCount;
        }
    }

    /** Number of shared subscriptions (one per member of each share group and filter). */
    public int sharedCount() {
        synchronized (writeLock) {
            return sharedCount;
        }
    }

    /** Number of (client, filter) subscriptions, shared ones included. */
    public int subscriptionCount() {
        synchronized (writeLock) {
            return subscriptionCount;
        }
    }
}
