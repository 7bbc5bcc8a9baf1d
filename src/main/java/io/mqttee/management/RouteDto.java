package io.mqttee.management;

import jakarta.json.bind.annotation.JsonbProperty;

/** One route in {@code GET /api/v1/routes}: a topic filter with subscribers on a node. */
public record RouteDto(@JsonbProperty("node_id") int nodeId, @JsonbProperty("topic") String topic) {
}
