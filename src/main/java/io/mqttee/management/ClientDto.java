package io.mqttee.management;

import jakarta.json.bind.annotation.JsonbProperty;

/**
 * One session in {@code GET /api/v1/clients}, field for field as RMQTT's client table. Times are
 * {@code YYYY-MM-DD HH:mm:ss} in the server's zone; {@code disconnected_at} and
 * {@code disconnected_reason} are {@code ""} while connected.
 */
public record ClientDto(
        @JsonbProperty("node_id") int nodeId,
        @JsonbProperty("clientid") String clientId,
        @JsonbProperty("username") String username,
        @JsonbProperty("proto_ver") int protoVer,
        @JsonbProperty("ip_address") String ipAddress,
        @JsonbProperty("port") int port,
        @JsonbProperty("connected_at") String connectedAt,
        @JsonbProperty("disconnected_at") String disconnectedAt,
        @JsonbProperty("disconnected_reason") String disconnectedReason,
        @JsonbProperty("connected") boolean connected,
        @JsonbProperty("keepalive") int keepalive,
        @JsonbProperty("clean_start") boolean cleanStart,
        @JsonbProperty("expiry_interval") long expiryInterval,
        @JsonbProperty("created_at") String createdAt,
        @JsonbProperty("subscriptions_cnt") int subscriptionsCnt,
        @JsonbProperty("max_subscriptions") int maxSubscriptions,
        @JsonbProperty("inflight") int inflight,
        @JsonbProperty("max_inflight") int maxInflight,
        @JsonbProperty("mqueue_len") int mqueueLen,
        @JsonbProperty("max_mqueue") int maxMqueue) {
}
