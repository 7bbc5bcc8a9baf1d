package io.mqttee.plugins;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The plugins of this node by name, in registration order. Load, unload and reload of all plugins
 * are serialized by the registry's lock, so two API calls never change one plugin at once.
 */
public final class PluginRegistry {

    private final Map<String, Plugin> plugins = new LinkedHashMap<>();

    /**
     * @throws IllegalArgumentException when two plugins share a name
     */
    public PluginRegistry(List<? extends Plugin> plugins) {
        for (Plugin p : plugins) {
            if (this.plugins.putIfAbsent(p.name(), p) != null) {
                throw new IllegalArgumentException("two plugins named " + p.name());
            }
        }
    }

    /** Every plugin, in registration order. */
    public List<Plugin> list() {
        return List.copyOf(new ArrayList<>(plugins.values()));
    }

    public Optional<Plugin> get(String name) {
        return Optional.ofNullable(plugins.get(name));
    }

    /** The one plugin of type {@code type}. */
    public <T extends Plugin> T plugin(Class<T> type) {
        for (Plugin p : plugins.values()) {
            if (type.isInstance(p)) {
                return type.cast(p);
            }
        }
        throw new IllegalStateException("no plugin of type " + type.getName());
    }

    /** Starts the plugin; nothing happens when it is active already. */
    public synchronized void load(String name) {
        require(name).load();
    }

    /**
     * Stops the plugin.
     *
     * @return false when the plugin declined (it is still active)
     * @throws PluginException NOT_FOUND, or IMMUTABLE for an immutable plugin
     */
    public synchronized boolean unload(String name) {
        Plugin p = require(name);
        if (p.immutable()) {
            throw new PluginException(PluginException.Kind.IMMUTABLE,
                    "plugin " + name + " is immutable and cannot be unloaded");
        }
        return p.unload();
    }

    /**
     * Re-reads the plugin's configuration file and applies it.
     *
     * @throws PluginException NOT_FOUND, IMMUTABLE, or INVALID_CONFIG (the old configuration stays)
     */
    public synchronized void reloadConfig(String name) {
        Plugin p = require(name);
        if (p.immutable()) {
            throw new PluginException(PluginException.Kind.IMMUTABLE,
                    "plugin " + name + " is immutable and cannot be reconfigured");
        }
        p.reloadConfig();
    }

    private Plugin require(String name) {
        Plugin p = plugins.get(name);
        if (p == null) {
            throw new PluginException(PluginException.Kind.NOT_FOUND, "plugin " + name + " does not exist");
        }
        return p;
    }
}
