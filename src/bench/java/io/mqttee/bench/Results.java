package io.mqttee.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Every measured figure of a benchmark session, their medians, and the Markdown and JSON reports. */
final class Results {

    String started;
    String loadAtStart;
    Map<String, String> machine = new LinkedHashMap<>();
    final Map<String, String> settings = new LinkedHashMap<>();
    final List<String> brokers = new ArrayList<>();
    final List<String> scenarios = new ArrayList<>();
    final Map<String, String> descriptions = new LinkedHashMap<>();
    /** broker -> scenario -> one map of figures per run. */
    final Map<String, Map<String, List<Map<String, Double>>>> runs = new LinkedHashMap<>();
    final Map<String, List<String>> notes = new LinkedHashMap<>();

    void add(String broker, String scenario, Map<String, Double> figures) {
        runs.computeIfAbsent(broker, k -> new LinkedHashMap<>()).computeIfAbsent(scenario, k -> new ArrayList<>())
                .add(figures);
    }

    void note(String broker, String text) {
        notes.computeIfAbsent(broker, k -> new ArrayList<>()).add(text);
    }

    /** Median over the runs of one figure; NaN when never measured. */
    double median(String broker, String scenario, String figure) {
        List<Map<String, Double>> rs = runs.getOrDefault(broker, Map.of()).getOrDefault(scenario, List.of());
        double[] v = rs.stream().map(r -> r.get(figure)).filter(x -> x != null && !x.isNaN())
                .mapToDouble(Double::doubleValue).toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    int count(String broker, String scenario) {
        return runs.getOrDefault(broker, Map.of()).getOrDefault(scenario, List.of()).size();
    }

    static String brief(String scenario, Map<String, Double> m) {
        if (scenario.equals("connections")) {
            return String.format(Locale.ROOT, "%.0f CONNACK/s (first ramp %.0f), %.0f ok, %.0f failed, rss %.1f kB/conn, heap %s kB/conn, cpu %.1fs gen %.1fs",
                    m.get("connacks_per_s"), m.get("cold_connacks_per_s"), m.get("connected"), m.get("failed"), m.get("rss_per_conn_kb"),
                    m.containsKey("heap_per_conn_kb") ? String.format(Locale.ROOT, "%.1f", m.get("heap_per_conn_kb")) : "-",
                    m.get("broker_cpu_s"), m.get("gen_cpu_s"));
        }
        String s = String.format(Locale.ROOT, "%.0f msg/s delivered (%.0f published/s), loss %.3f%%, cpu %.1fs gen %.1fs, peak rss %.0f MB, stalls %.0f",
                m.get("delivered_per_s"), m.get("published_per_s"), m.get("loss_pct"), m.get("broker_cpu_s"),
                m.get("gen_cpu_s"), m.get("peak_rss_mb"), m.get("stalls"));
        if (m.containsKey("p50_us")) {
            s += String.format(Locale.ROOT, ", p50 %.0f us p99 %.0f us p99.9 %.0f us", m.get("p50_us"),
                    m.get("p99_us"), m.get("p999_us"));
        }
        return s;
    }

    // ------------------------------------------------------------------ Markdown

    private static final List<String> THROUGHPUT = List.of("fanin-q0", "fanin-q1", "fanout-q0", "fanout-q1",
            "pairs-q0", "pairs-q1", "flood");

    String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("Started ").append(started).append("; load average at start (1/5/15 min, runnable/total, last pid): `")
                .append(loadAtStart).append("`.\n\n");
        b.append("Machine: ");
        machine.forEach((k, v) -> b.append(k).append(" ").append(v).append("; "));
        b.append("\n\nSettings: ");
        settings.forEach((k, v) -> b.append(k).append("=").append(v).append(" "));
        b.append("\n\nBrokers:\n");
        for (String br : brokers) {
            b.append("- ").append(br).append(": ").append(descriptions.getOrDefault(br, "(did not start)")).append('\n');
        }
        String head = "| scenario | " + String.join(" | ", brokers) + " |\n|---|" + "---|".repeat(brokers.size()) + "\n";

        List<String> tp = THROUGHPUT.stream().filter(scenarios::contains).toList();
        if (!tp.isEmpty()) {
            b.append("\n#### Delivered messages per second at the subscribers (median; loss over the whole scenario in brackets)\n\n")
                    .append(head);
            for (String s : tp) {
                row(b, s, br -> fmt(median(br, s, "delivered_per_s"), "%,.0f") + " ("
                        + fmt(median(br, s, "loss_pct"), "%.2f") + "% loss)");
            }
        }
        List<String> lat = List.of("latency-q0", "latency-q1").stream().filter(scenarios::contains).toList();
        if (!lat.isEmpty()) {
            b.append("\n#### End-to-end latency at 1,000 msg/s over 10 pairs, p50 / p99 / p99.9 in microseconds (median)\n\n")
                    .append(head);
            for (String s : lat) {
                row(b, s, br -> fmt(median(br, s, "p50_us"), "%,.0f") + " / " + fmt(median(br, s, "p99_us"), "%,.0f")
                        + " / " + fmt(median(br, s, "p999_us"), "%,.0f") + " (" + fmt(median(br, s, "loss_pct"), "%.2f")
                        + "% loss)");
            }
        }
        if (scenarios.contains("connections")) {
            String s = "connections";
            b.append("\n#### ").append(settings.get("connections"))
                    .append(" idle clients, 256 CONNECTs in flight (median)\n\n").append(head.replace("scenario", "figure"));
            b.append("| CONNACKs per second |");
            brokers.forEach(br -> b.append(' ').append(fmt(median(br, s, "connacks_per_s"), "%,.0f")).append(" |"));
            b.append("\n| first ramp after start (cold JIT), CONNACKs per second |");
            brokers.forEach(br -> b.append(' ').append(fmt(median(br, s, "cold_connacks_per_s"), "%,.0f")).append(" |"));
            b.append("\n| connected / failed |");
            brokers.forEach(br -> b.append(' ').append(fmt(median(br, s, "connected"), "%.0f")).append(" / ")
                    .append(fmt(median(br, s, "failed"), "%.0f")).append(" |"));
            b.append("\n| broker CPU per connection (us) |");
            brokers.forEach(br -> b.append(' ').append(fmt(median(br, s, "broker_cpu_us_per_conn"), "%.0f")).append(" |"));
            b.append("\n| broker RSS per connection (kB) |");
            brokers.forEach(br -> b.append(' ').append(fmt(median(br, s, "rss_per_conn_kb"), "%.1f")).append(" |"));
            b.append("\n| broker heap per connection after GC (kB) |");
            brokers.forEach(br -> b.append(' ').append(fmt(median(br, s, "heap_per_conn_kb"), "%.1f")).append(" |"));
            b.append("\n| broker RSS with all connected (MB) |");
            brokers.forEach(br -> b.append(' ').append(fmt(median(br, s, "rss_after_mb"), "%.0f")).append(" |"));
            b.append('\n');
        }
        b.append("\n#### Resources per scenario (median): broker CPU s / generator CPU s in the measured window; broker peak RSS MB\n\n")
                .append(head);
        for (String s : scenarios) {
            row(b, s, br -> fmt(median(br, s, "broker_cpu_s"), "%.1f") + " / " + fmt(median(br, s, "gen_cpu_s"), "%.1f")
                    + " s; " + fmt(median(br, s, "peak_rss_mb"), "%.0f") + " MB");
        }
        if (!tp.isEmpty()) {
            b.append("\n#### Broker CPU per delivered message, microseconds (median; generator's in brackets)\n\n").append(head);
            for (String s : tp) {
                row(b, s, br -> fmt(median(br, s, "broker_cpu_us_per_msg"), "%.2f") + " ("
                        + fmt(median(br, s, "gen_cpu_us_per_msg"), "%.2f") + ")");
            }
        }
        // the peers: not a second MQTTee (mqttee-b) nor the floor calibrations (floor*)
        List<String> peers = brokers.stream().filter(x -> !x.startsWith("mqttee") && !x.startsWith("floor")).toList();
        if (brokers.contains("mqttee") && !peers.isEmpty()) {
            b.append("\n#### Ratios: MQTTee's figure divided by each peer's (median figures)\n\n")
                    .append("Throughput and CONNACKs/s: above 1 means MQTTee is faster. Latency and memory: below 1 means MQTTee is better.\n\n")
                    .append("| figure | ").append(peers.stream().map(p -> "MQTTee / " + p).reduce((x, y) -> x + " | " + y).orElse(""))
                    .append(" |\n|---|").append("---|".repeat(peers.size())).append('\n');
            for (String s : tp) {
                ratioRow(b, s + " msg/s", s, "delivered_per_s", peers);
            }
            for (String s : tp) {
                ratioRow(b, s + " broker CPU per msg", s, "broker_cpu_us_per_msg", peers);
            }
            for (String s : lat) {
                ratioRow(b, s + " p50", s, "p50_us", peers);
                ratioRow(b, s + " p99", s, "p99_us", peers);
            }
            if (scenarios.contains("connections")) {
                ratioRow(b, "CONNACKs/s", "connections", "connacks_per_s", peers);
                ratioRow(b, "RSS per connection", "connections", "rss_per_conn_kb", peers);
            }
            if (scenarios.contains("flood")) {
                ratioRow(b, "flood peak RSS", "flood", "peak_rss_mb", peers);
            }
        }
        b.append("\nRuns per cell: ");
        Set<String> counts = new LinkedHashSet<>();
        for (String br : brokers) {
            for (String s : scenarios) {
                counts.add(br + "/" + s + "=" + count(br, s));
            }
        }
        b.append(String.join(", ", counts)).append(".\n");
        if (!notes.isEmpty()) {
            b.append("\nNotes:\n");
            notes.forEach((br, ns) -> ns.forEach(n -> b.append("- ").append(br).append(": ").append(n).append('\n')));
        }
        return b.toString();
    }

    private void ratioRow(StringBuilder b, String label, String s, String figure, List<String> peers) {
        b.append("| ").append(label).append(" |");
        double mine = median("mqttee", s, figure);
        for (String p : peers) {
            double theirs = median(p, s, figure);
            b.append(' ').append(Double.isNaN(mine) || Double.isNaN(theirs) || theirs == 0 ? "n/a"
                    : String.format(Locale.ROOT, "%.2f", mine / theirs)).append(" |");
        }
        b.append('\n');
    }

    private void row(StringBuilder b, String s, java.util.function.Function<String, String> cell) {
        b.append("| ").append(s).append(" |");
        for (String br : brokers) {
            b.append(' ').append(count(br, s) == 0 ? "n/a" : cell.apply(br)).append(" |");
        }
        b.append('\n');
    }

    private static String fmt(double v, String f) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, f, v);
    }

    // ------------------------------------------------------------------ JSON

    String json() {
        StringBuilder b = new StringBuilder("{\n");
        b.append("  \"started\": ").append(str(started)).append(",\n");
        b.append("  \"load_at_start\": ").append(str(loadAtStart)).append(",\n");
        b.append("  \"machine\": ").append(obj(machine)).append(",\n");
        b.append("  \"settings\": ").append(obj(settings)).append(",\n");
        b.append("  \"brokers\": ").append(obj(descriptions)).append(",\n");
        b.append("  \"results\": [\n");
        List<String> items = new ArrayList<>();
        runs.forEach((br, byScenario) -> byScenario.forEach((s, rs) -> {
            StringBuilder i = new StringBuilder("    {\"broker\": ").append(str(br)).append(", \"scenario\": ")
                    .append(str(s)).append(", \"median\": {");
            List<String> keys = new ArrayList<>(rs.get(0).keySet());
            i.append(String.join(", ", keys.stream().map(k -> str(k) + ": " + num(median(br, s, k))).toList()));
            i.append("}, \"runs\": [");
            i.append(String.join(", ", rs.stream().map(r -> "{" + String.join(", ",
                    r.entrySet().stream().map(e -> str(e.getKey()) + ": " + num(e.getValue())).toList()) + "}").toList()));
            i.append("]}");
            items.add(i.toString());
        }));
        b.append(String.join(",\n", items)).append("\n  ],\n");
        b.append("  \"notes\": {");
        b.append(String.join(", ", notes.entrySet().stream().map(e -> str(e.getKey()) + ": ["
                + String.join(", ", e.getValue().stream().map(Results::str).toList()) + "]").toList()));
        b.append("}\n}\n");
        return b.toString();
    }

    private static String obj(Map<String, String> m) {
        return "{" + String.join(", ", m.entrySet().stream().map(e -> str(e.getKey()) + ": " + str(e.getValue())).toList()) + "}";
    }

    private static String num(Double v) {
        return v == null || v.isNaN() || v.isInfinite() ? "null" : String.format(Locale.ROOT, "%.4f", v);
    }

    static String str(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
