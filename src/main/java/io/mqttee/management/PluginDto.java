package io.mqttee.management;

import io.mqttee.plugins.Plugin;
import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbProperty;

import java.util.List;
import java.util.Map;

/** One plugin in {@code GET /api/v1/plugins}, as RMQTT writes it ({@code attrs} is null: none yet). */
public record PluginDto(
        @JsonbProperty("name") String name,
        @JsonbNillable @JsonbProperty("version") String version,
        @JsonbNillable @JsonbProperty("descr") String descr,
        @JsonbProperty("active") boolean active,
        @JsonbProperty("inited") boolean inited,
        @JsonbProperty("immutable") boolean immutable,
        @JsonbNillable @JsonbProperty("attrs") Map<String, Object> attrs) {

    public static PluginDto of(Plugin p) {
        return new PluginDto(p.name(), p.version(), p.descr(), p.active(), p.inited(), p.immutable(), null);
    }

    /** {@code GET /api/v1/plugins}: one entry per node. */
    public record NodePlugins(@JsonbProperty("node") int node, @JsonbProperty("plugins") List<PluginDto> plugins) {
    }
}
