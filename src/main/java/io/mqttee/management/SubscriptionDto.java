package io.mqttee.management;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbProperty;

/**
 * One subscription in {@code GET /api/v1/subscriptions}: the topic filter without any
 * {@code $share/<group>/} prefix, the group in {@code share} ({@code null} when not shared), the
 * subscriber's {@code ip:port} in {@code client_addr} ({@code null} if it never connected).
 */
public record SubscriptionDto(
        @JsonbProperty("node_id") int nodeId,
        @JsonbProperty("clientid") String clientId,
        @JsonbNillable @JsonbProperty("client_addr") String clientAddr,
        @JsonbProperty("topic") String topic,
        @JsonbProperty("qos") int qos,
        @JsonbNillable @JsonbProperty("share") String share) {
}
