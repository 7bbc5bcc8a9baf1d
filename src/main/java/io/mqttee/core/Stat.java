package io.mqttee.core;

/** The gauges RMQTT reports under {@code /stats}: each has a current value and a historical maximum. */
public enum Stat {
    CONNECTIONS("connections"),
    SESSIONS("sessions"),
    TOPICS("topics"),
    SUBSCRIPTIONS("subscriptions"),
    SUBSCRIPTIONS_SHARED("subscriptions_shared"),
    ROUTES("routes"),
    RETAINED("retained");

    private final String key;

    Stat(String key) {
        this.key = key;
    }

    /** The RMQTT name; the API reports {@code <key>.count} and {@code <key>.max}. */
    public String key() {
        return key;
    }
}
