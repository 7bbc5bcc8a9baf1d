package io.mqttee.plugins;

import com.electronwill.nightconfig.core.CommentedConfig;
import com.electronwill.nightconfig.core.UnmodifiableConfig;
import com.electronwill.nightconfig.core.io.ParsingMode;
import com.electronwill.nightconfig.toml.TomlFormat;
import com.electronwill.nightconfig.toml.TomlParser;
import io.mqttee.config.TomlConfigLoader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One plugin's settings file, {@code <plugins dir>/<plugin>.toml}, read with the same TOML library
 * and value rules as the broker's own file (durations like {@code "5m"}). No folder configured, or
 * no file for the plugin, means built-in defaults. Every problem is a
 * {@link PluginException.Kind#INVALID_CONFIG} naming the file and the key.
 */
public final class PluginConfigFile {

    private final Map<String, Object> values;
    private final String where;

    private PluginConfigFile(Map<String, Object> values, String where) {
        this.values = values;
        this.where = where;
    }

    /**
     * Reads {@code dir/<plugin>.toml} and checks that it holds only {@code allowedKeys}.
     *
     * @param dir the plugins folder, or null for none (built-in defaults)
     */
    public static PluginConfigFile read(Path dir, String plugin, Set<String> allowedKeys) {
        if (dir == null) {
            return new PluginConfigFile(Map.of(), "(built-in defaults)");
        }
        Path file = dir.resolve(plugin + ".toml");
        if (!Files.exists(file)) {
            return new PluginConfigFile(Map.of(), "(built-in defaults: no " + file + ")");
        }
        String where = "in " + file;
        CommentedConfig root = TomlFormat.newConfig(LinkedHashMap::new);
        try {
            new TomlParser().parse(Files.readString(file), root, ParsingMode.REPLACE);
        } catch (IOException e) {
            throw new PluginException(PluginException.Kind.INVALID_CONFIG, "cannot read " + file + ": " + e, e);
        } catch (RuntimeException e) {
            throw new PluginException(PluginException.Kind.INVALID_CONFIG,
                    "cannot parse " + file + ": " + e.getMessage(), e);
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (UnmodifiableConfig.Entry e : root.entrySet()) {
            if (!allowedKeys.contains(e.getKey())) {
                throw new PluginException(PluginException.Kind.INVALID_CONFIG,
                        "unknown key '" + e.getKey() + "' " + where + " (known keys: " + String.join(", ",
                                allowedKeys.stream().sorted().toList()) + ")");
            }
            values.put(e.getKey(), e.getRawValue());
        }
        return new PluginConfigFile(values, where);
    }

    /** An integer within {@code min..max}, or {@code dflt} when the key is absent. */
    public int integer(String key, int min, int max, int dflt) {
        Object v = values.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Integer || v instanceof Long)) {
            throw invalid(key, "expected an integer, got " + v);
        }
        long n = ((Number) v).longValue();
        if (n < min || n > max) {
            throw invalid(key, "must be between " + min + " and " + max + ", got " + n);
        }
        return (int) n;
    }

    /** A string, or {@code dflt} when the key is absent. */
    public String string(String key, String dflt) {
        Object v = values.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof String s)) {
            throw invalid(key, "expected a string, got " + v);
        }
        return s;
    }

    /** A duration: whole seconds or a string like {@code "5m"}; {@code dflt} when the key is absent. */
    public Duration duration(String key, Duration dflt) {
        Object v = values.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Integer || v instanceof Long) {
            long seconds = ((Number) v).longValue();
            if (seconds < 0) {
                throw invalid(key, "must not be negative, got " + seconds);
            }
            return Duration.ofSeconds(seconds);
        }
        if (v instanceof String s) {
            try {
                return TomlConfigLoader.parseDuration(s);
            } catch (IllegalArgumentException e) {
                throw invalid(key, e.getMessage());
            }
        }
        throw invalid(key, "expected a duration (seconds, or a string like \"5m\"), got " + v);
    }

    private PluginException invalid(String key, String reason) {
        return new PluginException(PluginException.Kind.INVALID_CONFIG,
                "invalid value for '" + key + "' " + where + ": " + reason);
    }
}
