package io.mqttee.management;

import jakarta.json.bind.annotation.JsonbProperty;

/** One node in {@code GET /api/v1/nodes[/{node}]}, field for field as RMQTT's "Node". */
public record NodeInfoDto(
        @JsonbProperty("boottime") String boottime,
        @JsonbProperty("connections") long connections,
        @JsonbProperty("disk_free") long diskFree,
        @JsonbProperty("disk_total") long diskTotal,
        @JsonbProperty("load1") double load1,
        @JsonbProperty("load5") double load5,
        @JsonbProperty("load15") double load15,
        @JsonbProperty("memory_free") long memoryFree,
        @JsonbProperty("memory_total") long memoryTotal,
        @JsonbProperty("memory_used") long memoryUsed,
        @JsonbProperty("node_id") int nodeId,
        @JsonbProperty("node_name") String nodeName,
        @JsonbProperty("node_status") String nodeStatus,
        @JsonbProperty("uptime") String uptime,
        @JsonbProperty("version") String version) {
}
