package io.mqttee.management;

import java.util.List;
import java.util.Map;

/**
 * The Prometheus text exposition (format 0.0.4) of {@code GET /api/v1/metrics/prometheus}: three
 * gauge families as RMQTT names them, so its dashboards work unchanged, each labelled by
 * {@code node} (a node id, or {@code all} for the sum) and {@code item}:
 * <ul>
 * <li>{@code rmqtt_nodes}: load1, load5, load15, memory_total, memory_used, memory_free, disk_total,
 *     disk_free, running (1 or 0);</li>
 * <li>{@code rmqtt_stats}: every stats key ({@code connections.count}, {@code connections.max}, ...);</li>
 * <li>{@code rmqtt_metrics}: every metrics key ({@code client.connect}, ...).</li>
 * </ul>
 */
public final class PrometheusFormatter {

    /** The media type of the exposition. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /**
     * The figures of one node (or of the sum, labelled {@code all}).
     *
     * @param node    the {@code node} label
     * @param nodes   the {@code rmqtt_nodes} items, in order
     * @param stats   the {@code rmqtt_stats} items, in order
     * @param metrics the {@code rmqtt_metrics} items, in order
     */
    public record Sample(String node, Map<String, Double> nodes, Map<String, Long> stats, Map<String, Long> metrics) {
    }

    private PrometheusFormatter() {
    }

    public static String format(List<Sample> samples) {
        StringBuilder out = new StringBuilder();
        family(out, "rmqtt_nodes", "nodes status", samples, Sample::nodes);
        family(out, "rmqtt_stats", "status data", samples, Sample::stats);
        family(out, "rmqtt_metrics", "metrics data", samples, Sample::metrics);
        return out.toString();
    }

    private static void family(StringBuilder out, String name, String help, List<Sample> samples,
                               java.util.function.Function<Sample, Map<String, ? extends Number>> items) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        for (Sample s : samples) {
            for (Map.Entry<String, ? extends Number> e : items.apply(s).entrySet()) {
                out.append(name).append("{item=\"").append(escape(e.getKey())).append("\",node=\"")
                        .append(escape(s.node())).append("\"} ").append(number(e.getValue())).append('\n');
            }
        }
    }

    /** A label value with {@code \}, {@code "} and newlines escaped, as the format requires. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** Integers without a fraction; other values as Go/Prometheus parse them ({@code NaN}, {@code +Inf}). */
    static String number(Number n) {
        if (n instanceof Long || n instanceof Integer) {
            return Long.toString(n.longValue());
        }
        double d = n.doubleValue();
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }
}
