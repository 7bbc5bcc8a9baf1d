package io.mqttee.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The whole broker configuration, immutable. Built from the TOML file by {@link TomlConfigLoader}
 * or with {@link #defaults()} in tests.
 *
 * @param nodeId                     {@code node.id}: this node's number in API paths ({@code /brokers/{node}})
 * @param listeners                  the {@code [listener.tcp.<name>]} tables, at least one
 * @param sharedSubscriptionStrategy {@code mqtt.shared_subscription_strategy}: which member of a share group gets a message
 * @param delayedPublishMax          {@code mqtt.delayed_publish_max}: most {@code $delayed/} messages waiting at once
 * @param maxSessions                {@code mqtt.max_sessions}: most sessions at once, 0 for no limit
 * @param pluginsDir                 {@code plugins.dir}: the folder of the plugins' {@code <plugin>.toml} files
 *                                   (absolute), or null: every plugin runs with its built-in defaults
 */
public record BrokerConfig(int nodeId, List<ListenerConfig> listeners,
                           SharedSubscriptionStrategy sharedSubscriptionStrategy, int delayedPublishMax,
                           int maxSessions, Path pluginsDir) {

    public BrokerConfig {
        listeners = List.copyOf(listeners);
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("at least one listener is required");
        }
    }

    /** Without a plugins folder: plugins run with their built-in defaults. */
    public BrokerConfig(int nodeId, List<ListenerConfig> listeners,
                        SharedSubscriptionStrategy sharedSubscriptionStrategy, int delayedPublishMax, int maxSessions) {
        this(nodeId, listeners, sharedSubscriptionStrategy, delayedPublishMax, maxSessions, null);
    }

    /** The given node and listeners with the built-in defaults of the {@code [mqtt]} table. */
    public BrokerConfig(int nodeId, List<ListenerConfig> listeners) {
        this(nodeId, listeners, SharedSubscriptionStrategy.ROUND_ROBIN, 100_000, 0);
    }

    /** The same configuration with another plugins folder. */
    public BrokerConfig withPluginsDir(Path dir) {
        return new BrokerConfig(nodeId, listeners, sharedSubscriptionStrategy, delayedPublishMax, maxSessions, dir);
    }

    /** Node 1 with one listener, {@code external}, on 0.0.0.0:1883. */
    public static BrokerConfig defaults() {
        return new BrokerConfig(1, List.of(ListenerConfig.defaults("external")));
    }

    /** The first listener: the one whose limits apply to sessions created outside MQTT (the API). */
    public ListenerConfig primaryListener() {
        return listeners.get(0);
    }
}
