package io.mqttee.management;

import jakarta.json.bind.annotation.JsonbProperty;

import java.util.Map;

/** The JSON shapes of {@code /api/v1/stats} and {@code /api/v1/metrics}, as RMQTT writes them. */
public final class StatsDtos {

    private StatsDtos() {
    }

    /** {@code "node":{"id":1,"name":"1@127.0.0.1","status":"Running"}} of a stats entry. */
    public record StatsNode(@JsonbProperty("id") int id, @JsonbProperty("name") String name,
                            @JsonbProperty("status") String status) {
    }

    /** One node's stats: {@code {"node":{..},"stats":{"connections.count":1,..}}}. */
    public record NodeStats(@JsonbProperty("node") StatsNode node, @JsonbProperty("stats") Map<String, Long> stats) {
    }

    /** A node in {@code /stats/sum}'s {@code nodes} map (keyed by node id). */
    public record NameStatus(@JsonbProperty("name") String name, @JsonbProperty("status") String status) {
    }

    /** {@code /stats/sum}: {@code {"nodes":{"1":{..}},"stats":{..}}}. */
    public record StatsSum(@JsonbProperty("nodes") Map<String, NameStatus> nodes,
                           @JsonbProperty("stats") Map<String, Long> stats) {
    }

    /** {@code "node":{"id":1,"name":"1@127.0.0.1"}} of a metrics entry. */
    public record MetricsNode(@JsonbProperty("id") int id, @JsonbProperty("name") String name) {
    }

    /** One node's metrics: {@code {"metrics":{"client.connect":3,..},"node":{..}}}. */
    public record NodeMetrics(@JsonbProperty("metrics") Map<String, Long> metrics,
                              @JsonbProperty("node") MetricsNode node) {
    }
}
