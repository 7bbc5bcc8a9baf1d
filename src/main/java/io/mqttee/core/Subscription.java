package io.mqttee.core;

/**
 * One session's subscription to one topic filter, with its MQTT 5 subscription options.
 *
 * @param clientId          the subscribing session's client identifier
 * @param filter            the topic filter as matched (without any {@code $share/<group>/} prefix)
 * @param qos               the granted maximum QoS
 * @param noLocal           MQTT 5 No Local: never deliver the subscriber's own messages [MQTT-3.8.3-3]
 * @param retainAsPublished MQTT 5 Retain As Published: keep the RETAIN flag when forwarding [MQTT-3.3.1-12, MQTT-3.3.1-13]
 * @param retainHandling    MQTT 5 Retain Handling: 0 send retained on subscribe, 1 only if new, 2 never
 * @param subscriptionId    MQTT 5 Subscription Identifier, 0 for none
 * @param shareGroup        the share name of a {@code $share/<group>/<filter>} subscription, or null
 * @param subscriberLimit   RMQTT's prefixes: 0 none, {@link #EXCLUSIVE} for {@code $exclusive/<filter>}, N for {@code $limit/N/<filter>}
 */
public record Subscription(String clientId, String filter, int qos, boolean noLocal, boolean retainAsPublished,
                           int retainHandling, int subscriptionId, String shareGroup, int subscriberLimit) {

    /** {@link #subscriberLimit} of an {@code $exclusive/} subscription. */
    public static final int EXCLUSIVE = Topics.EXCLUSIVE;

    /** An MQTT 3.x subscription: no options. */
    public Subscription(String clientId, String filter, int qos) {
        this(clientId, filter, qos, false, false, 0, 0, null, 0);
    }

    public boolean isShared() {
        return shareGroup != null;
    }

    /** The filter as the client wrote it, {@code $share/<group>/} prefix included. */
    public String subscribedFilter() {
        return Topics.subscribedFilter(filter, shareGroup, subscriberLimit);
    }
}
