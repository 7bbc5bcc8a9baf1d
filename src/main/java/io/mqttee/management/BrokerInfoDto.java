package io.mqttee.management;

import jakarta.json.bind.annotation.JsonbProperty;

/**
 * One node in {@code GET /api/v1/brokers[/{node}]}, field for field as RMQTT's "Broker Basic
 * Information".
 *
 * @param datetime   the node's current local time, {@code YYYY-MM-DD HH:mm:ss}
 * @param nodeId     the node id ({@code node.id})
 * @param nodeName   {@code <id>@<address>}, e.g. {@code 1@127.0.0.1}
 * @param nodeStatus {@code Running}
 * @param sysdescr   {@code MQTTee Broker}
 * @param uptime     e.g. {@code 5 days 23 hours, 16 minutes, 3 seconds}
 * @param version    {@code mqttee/<version>}
 */
public record BrokerInfoDto(
        @JsonbProperty("datetime") String datetime,
        @JsonbProperty("node_id") int nodeId,
        @JsonbProperty("node_name") String nodeName,
        @JsonbProperty("node_status") String nodeStatus,
        @JsonbProperty("sysdescr") String sysdescr,
        @JsonbProperty("uptime") String uptime,
        @JsonbProperty("version") String version) {
}
