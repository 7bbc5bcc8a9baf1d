package io.mqttee.management;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PrometheusFormatterTest {

    @Test
    void threeGaugeFamiliesLabelledByNodeAndItem() {
        Map<String, Double> nodes = new LinkedHashMap<>();
        nodes.put("load1", 0.0224609375);
        nodes.put("memory_total", 2084057088.0);
        Map<String, Long> stats = new LinkedHashMap<>();
        stats.put("connections.count", 1L);
        stats.put("connections.max", 2L);
        String text = PrometheusFormatter.format(List.of(
                new PrometheusFormatter.Sample("1", nodes, stats, Map.of("client.connect", 47L)),
                new PrometheusFormatter.Sample("all", nodes, stats, Map.of("client.connect", 47L))));
        assertThat(text).isEqualTo("""
                # HELP rmqtt_nodes nodes status
                # TYPE rmqtt_nodes gauge
                rmqtt_nodes{item="load1",node="1"} 0.0224609375
                rmqtt_nodes{item="memory_total",node="1"} 2084057088
                rmqtt_nodes{item="load1",node="all"} 0.0224609375
                rmqtt_nodes{item="memory_total",node="all"} 2084057088
                # HELP rmqtt_stats status data
                # TYPE rmqtt_stats gauge
                rmqtt_stats{item="connections.count",node="1"} 1
                rmqtt_stats{item="connections.max",node="1"} 2
                rmqtt_stats{item="connections.count",node="all"} 1
                rmqtt_stats{item="connections.max",node="all"} 2
                # HELP rmqtt_metrics metrics data
                # TYPE rmqtt_metrics gauge
                rmqtt_metrics{item="client.connect",node="1"} 47
                rmqtt_metrics{item="client.connect",node="all"} 47
                """);
    }

    @Test
    void labelValuesAndSpecialNumbersAreEscaped() {
        assertThat(PrometheusFormatter.escape("a\"b\\c\nd")).isEqualTo("a\\\"b\\\\c\\nd");
        assertThat(PrometheusFormatter.number(Double.NaN)).isEqualTo("NaN");
        assertThat(PrometheusFormatter.number(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(PrometheusFormatter.number(0.0)).isEqualTo("0");
        assertThat(PrometheusFormatter.number(1.5)).isEqualTo("1.5");
    }
}
