package io.mqttee.core;

/**
 * One session's subscription to one topic filter.
 *
 * @param clientId the subscribing session's client identifier
 * @param filter   the topic filter as subscribed
 * @param qos      the granted maximum QoS
 */
public record Subscription(String clientId, String filter, int qos) {
}
