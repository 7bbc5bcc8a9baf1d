package io.mqttee.core;

/**
 * One topic filter of a SUBSCRIBE (or of the API's subscribe call), with its MQTT 5 options.
 *
 * @param filter            a filter already checked with {@link Topics#isValidFilter}, without {@code $share/} prefix
 * @param qos               the requested maximum QoS
 * @param noLocal           MQTT 5 No Local
 * @param retainAsPublished MQTT 5 Retain As Published
 * @param retainHandling    MQTT 5 Retain Handling (0, 1 or 2)
 * @param subscriptionId    MQTT 5 Subscription Identifier, 0 for none
 * @param shareGroup        share name for {@code $share/<group>/<filter>}, or null
 * @param subscriberLimit   RMQTT's prefixes: 0 none, {@link #EXCLUSIVE} for {@code $exclusive/<filter>}, N for {@code $limit/N/<filter>}
 */
public record SubscriptionRequest(String filter, int qos, boolean noLocal, boolean retainAsPublished,
                                  int retainHandling, int subscriptionId, String shareGroup, int subscriberLimit) {

    /** {@link #subscriberLimit} of an {@code $exclusive/} subscription. */
    public static final int EXCLUSIVE = Topics.EXCLUSIVE;

    /** An MQTT 3.x request: no options. */
    public SubscriptionRequest(String filter, int qos) {
        this(filter, qos, false, false, 0, 0, null, 0);
    }

    /** The filter as the client wrote it. */
    public String subscribedFilter() {
        return Topics.subscribedFilter(filter, shareGroup, subscriberLimit);
    }
}
