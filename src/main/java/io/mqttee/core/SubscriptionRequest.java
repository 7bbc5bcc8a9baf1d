package io.mqttee.core;

/**
 * One topic filter of a SUBSCRIBE (or of the API's subscribe call).
 *
 * @param filter a filter already checked with {@link Topics#isValidFilter}
 * @param qos    the requested maximum QoS
 */
public record SubscriptionRequest(String filter, int qos) {
}
