package io.mqttee.management;

import io.mqttee.plugins.Plugin;
import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbProperty;

import java.util.List;
import java.util.Map;

/** One plugin in {@code GET /api/v1/plugins}, as RMQTT writes it ({@code attrs} is null: none yet). */
// RMQTT's answers carry these keys with null values. Each such key says so twice: @JsonbNillable
// (JSON-B 3.0; Yasson) and @JsonbProperty(nillable = true), because Johnzon (TomEE 9, JSON-B 2.0)
// takes a property's nillability from its @JsonbProperty alone when it has one, ignoring
// @JsonbNillable on the property and on the type.
@SuppressWarnings("deprecation") // JsonbProperty.nillable, the one form every JSON-B version reads
public record PluginDto(
        @JsonbProperty("name") String name,
        @JsonbNillable @JsonbProperty(value = "version", nillable = true) String version,
        @JsonbNillable @JsonbProperty(value = "descr", nillable = true) String descr,
        @JsonbProperty("active") boolean active,
        @JsonbProperty("inited") boolean inited,
        @JsonbProperty("immutable") boolean immutable,
        @JsonbNillable @JsonbProperty(value = "attrs", nillable = true) Map<String, Object> attrs) {

    public static PluginDto of(Plugin p) {
        return new PluginDto(p.name(), p.version(), p.descr(), p.active(), p.inited(), p.immutable(), null);
    }

    /** {@code GET /api/v1/plugins}: one entry per node. */
    public record NodePlugins(@JsonbProperty("node") int node, @JsonbProperty("plugins") List<PluginDto> plugins) {
    }
}
