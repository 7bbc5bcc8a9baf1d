package io.mqttee.core;

/**
 * Topic name and topic filter rules of MQTT 3.1.1 section 4.7 (the same in 5.0 section 4.7).
 * Pure functions; the subscription index uses the same level rules when it walks its tree.
 */
public final class Topics {

    public static final char SEPARATOR = '/';
    public static final String MULTI_LEVEL = "#";
    public static final String SINGLE_LEVEL = "+";

    private Topics() {
    }

    /**
     * Whether {@code topic} may be published to: at least one character [MQTT-4.7.3-1], no wildcard
     * characters [MQTT-3.3.2-2], no U+0000 [MQTT-4.7.3-2], and at most {@code maxLevels} levels
     * when {@code maxLevels > 0}.
     */
    public static boolean isValidTopicName(String topic, int maxLevels) {
        if (topic == null || topic.isEmpty()) {
            return false;
        }
        int levels = 1;
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (c == '+' || c == '#' || c == '\u0000') {
                return false;
            }
            if (c == SEPARATOR) {
                levels++;
            }
        }
        return maxLevels <= 0 || levels <= maxLevels;
    }

    /**
     * Whether {@code filter} may be subscribed to: at least one character [MQTT-4.7.3-1], no U+0000
     * [MQTT-4.7.3-2], '#' only alone as the last level [MQTT-4.7.1-2], '+' only as a whole level
     * [MQTT-4.7.1-3], and at most {@code maxLevels} levels when {@code maxLevels > 0}.
     */
    public static boolean isValidFilter(String filter, int maxLevels) {
        if (filter == null || filter.isEmpty()) {
            return false;
        }
        int levels = 1;
        int length = filter.length();
        for (int i = 0; i < length; i++) {
            char c = filter.charAt(i);
            boolean levelStart = i == 0 || filter.charAt(i - 1) == SEPARATOR;
            boolean levelEnd = i == length - 1 || filter.charAt(i + 1) == SEPARATOR;
            switch (c) {
                case '\u0000':
                    return false;
                case '#':
                    if (!levelStart || i != length - 1) {
                        return false;
                    }
                    break;
                case '+':
                    if (!levelStart || !levelEnd) {
                        return false;
                    }
                    break;
                case SEPARATOR:
                    levels++;
                    break;
                default:
                    break;
            }
        }
        return maxLevels <= 0 || levels <= maxLevels;
    }

    /** Subscriber limit of RMQTT's {@code $exclusive/<filter>}: one subscriber at a time. */
    public static final int EXCLUSIVE = -1;

    /**
     * The filter as a client writes it, with the prefix that carries its share group
     * ({@code $share/<group>/}) or subscriber limit ({@code $exclusive/}, {@code $limit/<N>/}).
     */
    public static String subscribedFilter(String filter, String shareGroup, int subscriberLimit) {
        if (shareGroup != null) {
            return "$share/" + shareGroup + "/" + filter;
        }
        if (subscriberLimit == EXCLUSIVE) {
            return "$exclusive/" + filter;
        }
        return subscriberLimit > 0 ? "$limit/" + subscriberLimit + "/" + filter : filter;
    }

    /** Whether a filter contains a wildcard level. */
    public static boolean isWildcard(String filter) {
        return filter.indexOf('+') >= 0 || filter.indexOf('#') >= 0;
    }

    /** The levels of a topic or filter; empty levels are kept ("a//b" has three). */
    public static String[] levels(String topicOrFilter) {
        return topicOrFilter.split("/", -1);
    }

    /**
     * Whether a valid {@code filter} matches a valid topic {@code name}. Topics starting with '$' are
     * not matched by filters starting with a wildcard [MQTT-4.7.2-1].
     */
    public static boolean matches(String filter, String name) {
        if (name.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) {
            return false;
        }
        String[] f = levels(filter);
        String[] t = levels(name);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals(MULTI_LEVEL)) {
                return true; // '#' also matches the parent level [MQTT-4.7.1-2]
            }
            if (i >= t.length) {
                return false;
            }
            if (!f[i].equals(SINGLE_LEVEL) && !f[i].equals(t[i])) {
                return false;
            }
        }
        return f.length == t.length;
    }
}
