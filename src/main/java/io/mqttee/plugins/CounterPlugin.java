package io.mqttee.plugins;

import io.mqttee.core.BrokerCounters;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * {@code rmqtt-counter}: the metrics counters of {@code /api/v1/metrics}. Unloading it stops counting
 * ({@link BrokerCounters#setCounting(boolean)}); loading it resumes from the values reached. Stats
 * (current figures such as connections) are not counters and stay exact either way. It has no
 * settings: {@code rmqtt-counter.toml}, if present, must be empty.
 */
public final class CounterPlugin implements Plugin {

    public static final String NAME = "rmqtt-counter";

    private final Path dir;
    private final String version;
    private final BrokerCounters counters;

    /**
     * @param dir the plugins folder, or null
     * @throws PluginException INVALID_CONFIG when its file holds any key
     */
    public CounterPlugin(Path dir, String version, BrokerCounters counters) {
        this.dir = dir;
        this.version = version;
        this.counters = counters;
        PluginConfigFile.read(dir, NAME, Set.of());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public String descr() {
        return "Counts the broker's metrics (GET /api/v1/metrics)";
    }

    @Override
    public boolean immutable() {
        return false;
    }

    @Override
    public boolean active() {
        return counters.isCounting();
    }

    @Override
    public boolean inited() {
        return true;
    }

    @Override
    public void load() {
        counters.setCounting(true);
    }

    @Override
    public boolean unload() {
        counters.setCounting(false);
        return true;
    }

    @Override
    public void reloadConfig() {
        PluginConfigFile.read(dir, NAME, Set.of());
    }

    @Override
    public Map<String, Object> config() {
        return Map.of();
    }
}
