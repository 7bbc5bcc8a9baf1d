package io.mqttee.plugins;

import java.util.Map;

/**
 * A part of the broker that can be switched on and off and reconfigured while it runs, as RMQTT's
 * plugins are. Implementations are thread-safe; {@link PluginRegistry} serializes the state changes.
 */
public interface Plugin {

    /** RMQTT's name, e.g. {@code rmqtt-http-api}; also the name of its configuration file, {@code <name>.toml}. */
    String name();

    String version();

    /** One line saying what it does. */
    String descr();

    /** Immutable plugins cannot be unloaded or reconfigured while the broker runs. */
    boolean immutable();

    /** Whether it is working now. */
    boolean active();

    /** Whether it has been initialized (its configuration read). */
    boolean inited();

    /** Starts it (again); nothing happens when it is active already. */
    void load();

    /**
     * Stops it.
     *
     * @return false when the plugin declined to stop and is still active
     */
    boolean unload();

    /**
     * Reads its configuration file again and applies it.
     *
     * @throws PluginException ({@link PluginException.Kind#INVALID_CONFIG}) when the file is invalid;
     *                         the previous configuration then stays in force
     */
    void reloadConfig();

    /** Its configuration in force, as JSON-able values (strings, numbers, booleans, lists, maps). */
    Map<String, Object> config();
}
