package io.mqttee.plugins;

import io.mqttee.core.BrokerCounters;
import io.mqttee.core.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PluginRegistryTest {

    @TempDir
    Path dir;

    private final BrokerCounters counters = new BrokerCounters();

    private PluginRegistry registry(Path pluginsDir) {
        return new PluginRegistry(List.of(new HttpApiPlugin(pluginsDir, "1.0"),
                new CounterPlugin(pluginsDir, "1.0", counters)));
    }

    @Test
    void listsThePluginsInOrderWithTheirFacts() {
        PluginRegistry r = registry(null);
        assertThat(r.list()).extracting(Plugin::name).containsExactly("rmqtt-http-api", "rmqtt-counter");
        assertThat(r.list()).allSatisfy(p -> {
            assertThat(p.active()).isTrue();
            assertThat(p.inited()).isTrue();
            assertThat(p.immutable()).isFalse();
            assertThat(p.version()).isEqualTo("1.0");
        });
    }

    @Test
    void withoutAFolderTheHttpApiRunsWithItsDefaults() {
        HttpApiPlugin api = registry(null).plugin(HttpApiPlugin.class);
        assertThat(api.settings()).isEqualTo(HttpApiPlugin.Settings.DEFAULTS);
        assertThat(api.settings().maxRowLimit()).isEqualTo(10_000);
        assertThat(api.settings().messageExpiryInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(api.config()).containsExactly(Map.entry("max_row_limit", 10_000),
                Map.entry("http_bearer_token", ""), Map.entry("message_expiry_interval", "300s"));
    }

    @Test
    void theShippedExampleFilesAreTheDefaults() {
        PluginRegistry r = registry(Path.of("server-config", "plugins"));
        assertThat(r.plugin(HttpApiPlugin.class).settings()).isEqualTo(HttpApiPlugin.Settings.DEFAULTS);
    }

    @Test
    void reloadAppliesTheNewFileAndHidesTheToken() throws IOException {
        PluginRegistry r = registry(dir);
        Files.writeString(dir.resolve("rmqtt-http-api.toml"),
                "max_row_limit = 3\nhttp_bearer_token = \"s3cret\"\nmessage_expiry_interval = \"1m\"\n");
        assertThat(r.plugin(HttpApiPlugin.class).settings().maxRowLimit()).isEqualTo(10_000);
        r.reloadConfig("rmqtt-http-api");
        HttpApiPlugin.Settings s = r.plugin(HttpApiPlugin.class).settings();
        assertThat(s).isEqualTo(new HttpApiPlugin.Settings(3, "s3cret", Duration.ofMinutes(1)));
        assertThat(r.plugin(HttpApiPlugin.class).config()).containsEntry("http_bearer_token", "******");
    }

    @Test
    void aBadFileIsRefusedNamingTheKeyAndTheOldSettingsStay() throws IOException {
        PluginRegistry r = registry(dir);
        Files.writeString(dir.resolve("rmqtt-http-api.toml"), "max_row_limt = 3\n");
        assertThatThrownBy(() -> r.reloadConfig("rmqtt-http-api"))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("max_row_limt")
                .satisfies(e -> assertThat(((PluginException) e).kind()).isEqualTo(PluginException.Kind.INVALID_CONFIG));
        Files.writeString(dir.resolve("rmqtt-http-api.toml"), "max_row_limit = \"many\"\n");
        assertThatThrownBy(() -> r.reloadConfig("rmqtt-http-api")).hasMessageContaining("max_row_limit");
        Files.writeString(dir.resolve("rmqtt-http-api.toml"), "max_row_limit = [\n");
        assertThatThrownBy(() -> r.reloadConfig("rmqtt-http-api")).hasMessageContaining("cannot parse");
        assertThat(r.plugin(HttpApiPlugin.class).settings()).isEqualTo(HttpApiPlugin.Settings.DEFAULTS);
    }

    @Test
    void aBadFileAtStartIsRefused() throws IOException {
        Files.writeString(dir.resolve("rmqtt-counter.toml"), "enabled = true\n");
        assertThatThrownBy(() -> registry(dir)).isInstanceOf(PluginException.class)
                .hasMessageContaining("enabled").hasMessageContaining("rmqtt-counter.toml");
    }

    @Test
    void unloadingTheCounterStopsCountingAndLoadingResumes() {
        PluginRegistry r = registry(null);
        counters.count(Metric.CLIENT_CONNECT);
        assertThat(r.unload("rmqtt-counter")).isTrue();
        assertThat(r.get("rmqtt-counter").orElseThrow().active()).isFalse();
        counters.count(Metric.CLIENT_CONNECT);
        assertThat(counters.get(Metric.CLIENT_CONNECT)).isEqualTo(1);
        r.load("rmqtt-counter");
        r.load("rmqtt-counter"); // loading an active plugin changes nothing
        counters.count(Metric.CLIENT_CONNECT);
        assertThat(counters.get(Metric.CLIENT_CONNECT)).isEqualTo(2);
        assertThat(r.get("rmqtt-counter").orElseThrow().active()).isTrue();
    }

    @Test
    void theHttpApiDeclinesToUnloadItself() {
        PluginRegistry r = registry(null);
        assertThat(r.unload("rmqtt-http-api")).isFalse();
        assertThat(r.get("rmqtt-http-api").orElseThrow().active()).isTrue();
    }

    @Test
    void unknownPluginsAreNotFound() {
        PluginRegistry r = registry(null);
        for (Runnable op : List.<Runnable>of(() -> r.load("nope"), () -> r.unload("nope"), () -> r.reloadConfig("nope"))) {
            assertThatThrownBy(op::run).isInstanceOf(PluginException.class)
                    .satisfies(e -> assertThat(((PluginException) e).kind()).isEqualTo(PluginException.Kind.NOT_FOUND));
        }
        assertThat(r.get("nope")).isEmpty();
    }

    @Test
    void immutablePluginsRefuseUnloadAndReload() {
        Plugin fixed = new Plugin() {
            boolean active = true;

            public String name() { return "rmqtt-fixed"; }
            public String version() { return "1"; }
            public String descr() { return ""; }
            public boolean immutable() { return true; }
            public boolean active() { return active; }
            public boolean inited() { return true; }
            public void load() { active = true; }
            public boolean unload() { active = false; return true; }
            public void reloadConfig() { }
            public Map<String, Object> config() { return Map.of(); }
        };
        PluginRegistry r = new PluginRegistry(List.of(fixed));
        assertThatThrownBy(() -> r.unload("rmqtt-fixed")).isInstanceOf(PluginException.class)
                .hasMessageContaining("immutable")
                .satisfies(e -> assertThat(((PluginException) e).kind()).isEqualTo(PluginException.Kind.IMMUTABLE));
        assertThatThrownBy(() -> r.reloadConfig("rmqtt-fixed")).hasMessageContaining("immutable");
        assertThat(fixed.active()).isTrue();
    }

    @Test
    void twoPluginsCannotShareAName() {
        assertThatThrownBy(() -> new PluginRegistry(List.of(new CounterPlugin(null, "1", counters),
                new CounterPlugin(null, "1", counters)))).isInstanceOf(IllegalArgumentException.class);
    }
}
