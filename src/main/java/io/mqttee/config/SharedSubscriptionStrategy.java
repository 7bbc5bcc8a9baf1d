package io.mqttee.config;

/**
 * How a message on a shared subscription picks the one member of the share group that receives it
 * ({@code mqtt.shared_subscription_strategy}, RMQTT's names).
 */
public enum SharedSubscriptionStrategy {
    /** A member chosen at random. */
    RANDOM("random"),
    /** Members in turn (the default). */
    ROUND_ROBIN("round_robin"),
    /** The same member as last time while it stays connected. */
    STICKY("sticky"),
    /** A member chosen by the hash of the publisher's client identifier. */
    HASH_CLIENTID("hash_clientid"),
    /** A member chosen by the hash of the topic. */
    HASH_TOPIC("hash_topic");

    private final String key;

    SharedSubscriptionStrategy(String key) {
        this.key = key;
    }

    /** The configuration value, e.g. {@code round_robin}. */
    public String key() {
        return key;
    }

    /** The strategy named {@code key}, or null when there is none of that name. */
    public static SharedSubscriptionStrategy fromKey(String key) {
        for (SharedSubscriptionStrategy s : values()) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        return null;
    }
}
