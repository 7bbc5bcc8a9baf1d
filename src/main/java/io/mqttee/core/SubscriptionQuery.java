package io.mqttee.core;

/**
 * Filters over subscriptions, as RMQTT's {@code GET /subscriptions} takes them; null fields are no
 * condition.
 *
 * @param clientId   the subscriber's client identifier (answered from that session alone)
 * @param filter     the topic filter, compared exactly ({@code topic})
 * @param qos        the granted QoS
 * @param shareGroup the share group name ({@code share})
 * @param matchTopic a topic name the filter must match ({@code _match_topic})
 */
public record SubscriptionQuery(String clientId, String filter, Integer qos, String shareGroup, String matchTopic) {

    public static final SubscriptionQuery ALL = new SubscriptionQuery(null, null, null, null, null);

    public boolean matches(Subscription s) {
        return (clientId == null || clientId.equals(s.clientId()))
                && (filter == null || filter.equals(s.filter()))
                && (qos == null || qos == s.qos())
                && (shareGroup == null || shareGroup.equals(s.shareGroup()))
                && (matchTopic == null || Topics.matches(s.filter(), matchTopic));
    }
}
