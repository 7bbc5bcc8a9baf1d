package io.mqttee.management;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbProperty;

/**
 * One subscription in {@code GET /api/v1/subscriptions}: the topic filter without any
 * {@code $share/<group>/} prefix, the group in {@code share} ({@code null} when not shared), the
 * subscriber's {@code ip:port} in {@code client_addr} ({@code null} if it never connected).
 */
// RMQTT's answers carry these keys with null values. Each such key says so twice: @JsonbNillable
// (JSON-B 3.0; Yasson) and @JsonbProperty(nillable = true), because Johnzon (TomEE 9, JSON-B 2.0)
// takes a property's nillability from its @JsonbProperty alone when it has one, ignoring
// @JsonbNillable on the property and on the type.
@SuppressWarnings("deprecation") // JsonbProperty.nillable, the one form every JSON-B version reads
public record SubscriptionDto(
        @JsonbProperty("node_id") int nodeId,
        @JsonbProperty("clientid") String clientId,
        @JsonbNillable @JsonbProperty(value = "client_addr", nillable = true) String clientAddr,
        @JsonbProperty("topic") String topic,
        @JsonbProperty("qos") int qos,
        @JsonbNillable @JsonbProperty(value = "share", nillable = true) String share) {
}
