package io.mqttee.config;

/** Placeholder replaced by the configuration loader work. */
final class TomlConfigLoader {
    private TomlConfigLoader() {
    }
}
