package io.mqttee.core;

/**
 * One subscription with its subscriber's address, for the management API.
 *
 * @param clientId   subscriber
 * @param clientAddr the subscriber's "ip:port" (current or last connection), or null
 * @param filter     the topic filter without any {@code $share/<group>/} prefix
 * @param qos        granted QoS
 * @param shareGroup share group name, or null
 */
public record SubscriptionView(String clientId, String clientAddr, String filter, int qos, String shareGroup) {
}
