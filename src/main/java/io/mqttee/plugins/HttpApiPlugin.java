package io.mqttee.plugins;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code rmqtt-http-api}: the management API under {@code /api/v1}. The API itself is served by the
 * web container; this plugin holds its settings, read from {@code rmqtt-http-api.toml}:
 * {@code max_row_limit} (10000), {@code http_bearer_token} (none) and {@code message_expiry_interval}
 * (5 minutes). A reload applies a new file to the next request.
 *
 * <p>As in RMQTT it is not immutable, yet it declines to unload: it serves the very API that would
 * unload it, so {@link #unload()} answers false and it stays active.
 */
public final class HttpApiPlugin implements Plugin {

    public static final String NAME = "rmqtt-http-api";

    static final Set<String> KEYS = Set.of("max_row_limit", "http_bearer_token", "message_expiry_interval");

    /**
     * The settings in force.
     *
     * @param maxRowLimit           most rows a list answers; also the default {@code _limit}
     * @param bearerToken           the token every request must carry, or null for none
     * @param messageExpiryInterval Message Expiry Interval of API publishes that give none
     */
    public record Settings(int maxRowLimit, String bearerToken, Duration messageExpiryInterval) {

        public static final Settings DEFAULTS = new Settings(10_000, null, Duration.ofMinutes(5));
    }

    private final Path dir;
    private final String version;
    private volatile Settings settings;

    /**
     * Reads the settings file now.
     *
     * @param dir the plugins folder, or null for built-in defaults
     * @throws PluginException INVALID_CONFIG when the file is invalid
     */
    public HttpApiPlugin(Path dir, String version) {
        this.dir = dir;
        this.version = version;
        this.settings = read(dir);
    }

    static Settings read(Path dir) {
        PluginConfigFile f = PluginConfigFile.read(dir, NAME, KEYS);
        Settings d = Settings.DEFAULTS;
        String token = f.string("http_bearer_token", "");
        return new Settings(
                f.integer("max_row_limit", 1, Integer.MAX_VALUE, d.maxRowLimit()),
                token.isEmpty() ? null : token,
                f.duration("message_expiry_interval", d.messageExpiryInterval()));
    }

    public Settings settings() {
        return settings;
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
        return "HTTP management API under /api/v1, wire-compatible with RMQTT's";
    }

    @Override
    public boolean immutable() {
        return false;
    }

    @Override
    public boolean active() {
        return true;
    }

    @Override
    public boolean inited() {
        return true;
    }

    @Override
    public void load() {
        // always active
    }

    /** Declines: the API cannot switch itself off while it answers the request. */
    @Override
    public boolean unload() {
        return false;
    }

    @Override
    public void reloadConfig() {
        settings = read(dir);
    }

    /** The settings, with a bearer token shown as {@code "******"} so the answer does not leak it. */
    @Override
    public Map<String, Object> config() {
        Settings s = settings;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("max_row_limit", s.maxRowLimit());
        out.put("http_bearer_token", s.bearerToken() == null ? "" : "******");
        out.put("message_expiry_interval", s.messageExpiryInterval().toSeconds() + "s");
        return out;
    }
}
