package io.mqttee.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TomlConfigLoaderTest {

    private static final Map<String, String> NONE = Map.of();

    @TempDir
    Path dir;

    private Path write(String toml) throws IOException {
        Path file = dir.resolve("mqttee.toml");
        Files.writeString(file, toml);
        return file;
    }

    private BrokerConfig load(String toml) throws IOException {
        return TomlConfigLoader.load(write(toml), NONE, NONE);
    }

    private static ListenerConfig external() {
        return ListenerConfig.defaults("external");
    }

    // ------------------------------------------------------------ defaults and the example file

    @Test
    void noFileGivesDefaults() {
        assertThat(TomlConfigLoader.load(null, NONE, NONE)).isEqualTo(BrokerConfig.defaults());
    }

    @Test
    void emptyFileGivesDefaults() throws IOException {
        assertThat(load("")).isEqualTo(BrokerConfig.defaults());
    }

    @Test
    void noConfigLocationGivesDefaults() {
        assertThat(TomlConfigLoader.fromEnvironment(Map.of("user.dir", "/x"), Map.of("PATH", "/bin")))
                .isEqualTo(BrokerConfig.defaults());
    }

    @Test
    void exampleFileEqualsDefaultsWithTheShippedPluginsFolder() {
        Path example = Path.of("server-config", "mqttee.toml");
        assertThat(TomlConfigLoader.load(example, NONE, NONE)).isEqualTo(BrokerConfig.defaults()
                .withPluginsDir(Path.of("server-config", "plugins").toAbsolutePath().normalize()));
    }

    // ------------------------------------------------------------ [plugins]

    @Test
    void pluginsDirIsResolvedAgainstTheFilesFolder() throws IOException {
        Files.createDirectories(dir.resolve("plugins"));
        assertThat(load("[plugins]\ndir = \"plugins\"\n").pluginsDir()).isEqualTo(dir.resolve("plugins"));
    }

    @Test
    void noPluginsDirMeansBuiltInPluginDefaults() throws IOException {
        assertThat(load("").pluginsDir()).isNull();
    }

    @Test
    void pluginsDirThatDoesNotExistIsRefusedWithTheKey() {
        assertThatThrownBy(() -> load("[plugins]\ndir = \"nowhere\"\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("plugins.dir")
                .hasMessageContaining("does not exist");
    }

    @Test
    void unknownPluginsKeyIsRefusedWithTheKey() {
        assertThatThrownBy(() -> load("[plugins]\ndirectory = \"x\"\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("plugins.directory");
    }

    @Test
    void pluginsDirCanBeOverriddenBySystemPropertyAndEnvironment() throws IOException {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        assertThat(TomlConfigLoader.load(null, NONE, Map.of("MQTTEE_PLUGINS__DIR", a.toString())).pluginsDir())
                .isEqualTo(a);
        assertThat(TomlConfigLoader.load(null, Map.of("mqttee.plugins.dir", b.toString()),
                Map.of("MQTTEE_PLUGINS__DIR", a.toString())).pluginsDir()).isEqualTo(b);
    }

    @Test
    void exampleFileShowsEveryKey() throws IOException {
        String example = Files.readString(Path.of("server-config", "mqttee.toml"));
        assertThat(example).contains("node.id = ");
        for (String key : TomlConfigLoader.LISTENER_KEYS) {
            assertThat(example).contains("\n" + key + " = ");
        }
    }

    @Test
    void everyListenerFieldHasAKey() {
        // name and host/port come from the table name and addr; every other field needs its own key
        assertThat(TomlConfigLoader.LISTENER_KEYS)
                .hasSize(ListenerConfig.class.getRecordComponents().length - 2);
    }

    // ------------------------------------------------------------ parsing

    @Test
    void parsesEveryKey() throws IOException {
        BrokerConfig config = load("""
                node.id = 7
                [listener.tcp.external]
                addr = "127.0.0.1:11883"
                max_connections = 500
                max_packet_size = "64K"
                max_inflight = 32
                max_mqueue_len = 200
                max_clientid_len = 100
                handshake_timeout = "10s"
                allow_anonymous = false
                allow_zero_keepalive = false
                min_keepalive = 5
                max_keepalive = 600
                keepalive_backoff = 1.5
                session_expiry_interval = "1d"
                max_session_expiry_interval = "7d"
                message_retry_interval = "20s"
                message_expiry_interval = "10m"
                max_qos_allowed = 1
                max_topic_levels = 8
                max_subscriptions = 50
                max_topic_aliases = 10
                limit_subscription = true
                delayed_publish = true
                backlog = 128
                nodelay = true
                max_outbound_bytes = "2MB"
                slow_consumer_policy = "disconnect"
                """);

        assertThat(config.nodeId()).isEqualTo(7);
        assertThat(config.listeners()).containsExactly(new ListenerConfig("external", "127.0.0.1", 11883,
                500, 64 * 1024, 32, 200, 100, Duration.ofSeconds(10), false, false, 5, 600, 1.5,
                Duration.ofDays(1), Duration.ofDays(7), Duration.ofSeconds(20), Duration.ofMinutes(10), 1, 8, 50, 10, true, true, 128, true,
                2 * 1024 * 1024, SlowConsumerPolicy.DISCONNECT));
    }

    @Test
    void parsesTheMqttTable() throws IOException {
        BrokerConfig config = load("""
                [mqtt]
                shared_subscription_strategy = "hash_topic"
                delayed_publish_max = 10
                max_sessions = 500
                """);
        assertThat(config.sharedSubscriptionStrategy()).isEqualTo(SharedSubscriptionStrategy.HASH_TOPIC);
        assertThat(config.maxSessions()).isEqualTo(500);
        assertThat(config.delayedPublishMax()).isEqualTo(10);
    }

    @Test
    void rejectsAnUnknownSharedSubscriptionStrategy() {
        assertThatThrownBy(() -> load("[mqtt]\nshared_subscription_strategy = \"fastest\"\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("mqtt.shared_subscription_strategy")
                .hasMessageContaining("fastest");
    }

    @Test
    void rejectsAnUnknownMqttKey() {
        assertThatThrownBy(() -> load("[mqtt]\nmax_sesions = 3\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("mqtt.max_sesions");
    }

    @Test
    void overridesAnMqttKeyFromTheEnvironment() {
        BrokerConfig config = TomlConfigLoader.load(null, NONE,
                Map.of("MQTTEE_MQTT__SHARED_SUBSCRIPTION_STRATEGY", "sticky", "MQTTEE_MQTT__MAX_SESSIONS", "7"));
        assertThat(config.sharedSubscriptionStrategy()).isEqualTo(SharedSubscriptionStrategy.STICKY);
        assertThat(config.maxSessions()).isEqualTo(7);
    }

    @Test
    void nodeIdAsTable() throws IOException {
        assertThat(load("[node]\nid = 3\n").nodeId()).isEqualTo(3);
    }

    @Test
    void missingKeysTakeDefaults() throws IOException {
        BrokerConfig config = load("""
                [listener.tcp.internal]
                max_inflight = 8
                """);
        assertThat(config.listeners()).containsExactly(new ListenerConfig("internal", "0.0.0.0", 1883,
                1_024_000, 1024 * 1024, 8, 1000, 65535, Duration.ofSeconds(15), true, true, 0, 65535, 0.75,
                Duration.ofHours(2), Duration.ZERO, Duration.ofSeconds(30), Duration.ofMinutes(5), 2, 0, 0, 32, false, false, 1024, false,
                1024 * 1024, SlowConsumerPolicy.DROP));
    }

    @Test
    void multipleListenersKeepFileOrder() throws IOException {
        BrokerConfig config = load("""
                [listener.tcp.zeta]
                addr = "0.0.0.0:1001"
                [listener.tcp.alpha]
                addr = "0.0.0.0:1002"
                [listener.tcp.mid]
                addr = "0.0.0.0:1003"
                max_inflight = 5
                [listener.tcp.beta]
                addr = "0.0.0.0:1004"
                """);
        assertThat(config.listeners()).extracting(ListenerConfig::name).containsExactly("zeta", "alpha", "mid", "beta");
        assertThat(config.listeners()).extracting(ListenerConfig::port).containsExactly(1001, 1002, 1003, 1004);
        assertThat(config.listeners().get(2).maxInflight()).isEqualTo(5);
        assertThat(config.primaryListener().name()).isEqualTo("zeta");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0.0.0.0:1883         | 0.0.0.0     | 1883",
            "127.0.0.1:0          | 127.0.0.1   | 0",
            "localhost:65535      | localhost   | 65535",
            "broker.example.com:1 | broker.example.com | 1",
            "[::]:1883            | ::          | 1883",
            "[::1]:11883          | ::1         | 11883",
            "[fe80::1:2]:1884     | fe80::1:2   | 1884",
            "[::ffff:10.0.0.1]:1885 | ::ffff:10.0.0.1 | 1885",
    })
    void parsesAddr(String addr, String host, int port) throws IOException {
        ListenerConfig listener = load("[listener.tcp.external]\naddr = \"" + addr + "\"\n").primaryListener();
        assertThat(listener.host()).isEqualTo(host);
        assertThat(listener.port()).isEqualTo(port);
    }

    @ParameterizedTest
    @CsvSource({
            "'\"1M\"', 1048576",
            "'\"1MB\"', 1048576",
            "'\"1m\"', 1048576",
            "'\"2 M\"', 2097152",
            "'\"512K\"', 524288",
            "'\"512KB\"', 524288",
            "'\"100B\"', 100",
            "'\"100\"', 100",
            "'4096', 4096",
            "'268435455', 268435455",
            "'\"255M\"', 267386880",
    })
    void parsesSizes(String toml, int bytes) throws IOException {
        assertThat(load("[listener.tcp.external]\nmax_packet_size = " + toml + "\n").primaryListener().maxPacketSize())
                .isEqualTo(bytes);
    }

    @ParameterizedTest
    @CsvSource({
            "1G, 1073741824",
            "1GB, 1073741824",
            "3g, 3221225472",
            "0, 0",
            "7b, 7",
    })
    void parsesSizeUnits(String text, long bytes) {
        assertThat(TomlConfigLoader.parseSize(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @CsvSource({
            "'\"15s\"', PT15S",
            "'\"2h\"', PT2H",
            "'\"5m\"', PT5M",
            "'\"500ms\"', PT0.5S",
            "'\"1d\"', PT24H",
            "'\"1h30m\"', PT1H30M",
            "'\"1m 30s\"', PT1M30S",
            "'\"90\"', PT1M30S",
            "'90', PT1M30S",
            "'0', PT0S",
            "'\"0s\"', PT0S",
    })
    void parsesDurations(String toml, Duration expected) throws IOException {
        assertThat(load("[listener.tcp.external]\nsession_expiry_interval = " + toml + "\n")
                .primaryListener().sessionExpiryInterval()).isEqualTo(expected);
    }

    @Test
    void integerBackoffIsAccepted() throws IOException {
        assertThat(load("[listener.tcp.external]\nkeepalive_backoff = 2\n").primaryListener().keepaliveBackoff())
                .isEqualTo(2.0);
    }

    // ------------------------------------------------------------ bad values

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "max_inflight = 0                      | max_inflight            | between 1 and 65535",
            "max_inflight = 65536                  | max_inflight            | between 1 and 65535",
            "max_inflight = \"16\"                 | max_inflight            | expected an integer",
            "max_inflight = 1.5                    | max_inflight            | expected an integer",
            "max_connections = -1                  | max_connections         | must not be negative",
            "max_connections = 3000000000          | max_connections         | at most 2147483647",
            "max_mqueue_len = -1                   | max_mqueue_len          | must not be negative",
            "max_clientid_len = 65536              | max_clientid_len        | between 0 and 65535",
            "max_topic_levels = -1                 | max_topic_levels        | must not be negative",
            "max_subscriptions = -1                | max_subscriptions       | must not be negative",
            "backlog = -1                          | backlog                 | must not be negative",
            "min_keepalive = -1                    | min_keepalive           | must not be negative",
            "max_keepalive = 65536                 | max_keepalive           | between 0 and 65535",
            "min_keepalive = 100\\nmax_keepalive = 60 | min_keepalive         | must not exceed",
            "max_qos_allowed = 3                   | max_qos_allowed         | between 0 and 2",
            "max_qos_allowed = -1                  | max_qos_allowed         | must not be negative",
            "max_packet_size = 1                   | max_packet_size         | between 2 and 268435455",
            "max_packet_size = 268435456           | max_packet_size         | between 2 and 268435455",
            "max_packet_size = \"1G\"              | max_packet_size         | between 2 and 268435455",
            "max_packet_size = \"-1M\"             | max_packet_size         | must not be negative",
            "max_packet_size = \"1X\"              | max_packet_size         | expected a size",
            "max_packet_size = \"1.5M\"            | max_packet_size         | expected a size",
            "max_packet_size = \"\"                | max_packet_size         | expected a size",
            "max_packet_size = \"99999999999999999999\" | max_packet_size    | too large",
            "max_packet_size = 1.0                 | max_packet_size         | expected a size",
            "keepalive_backoff = 0                 | keepalive_backoff       | greater than 0",
            "keepalive_backoff = -0.5              | keepalive_backoff       | greater than 0",
            "keepalive_backoff = nan               | keepalive_backoff       | greater than 0",
            "keepalive_backoff = inf               | keepalive_backoff       | greater than 0",
            "keepalive_backoff = \"fast\"          | keepalive_backoff       | expected a number",
            "handshake_timeout = \"15x\"           | handshake_timeout       | expected a duration",
            "handshake_timeout = \"s\"             | handshake_timeout       | expected a duration",
            "handshake_timeout = \"1.5s\"          | handshake_timeout       | expected a duration",
            "handshake_timeout = \"-5s\"           | handshake_timeout       | must not be negative",
            "handshake_timeout = -1                | handshake_timeout       | must not be negative",
            "handshake_timeout = 1.5               | handshake_timeout       | expected a duration",
            "session_expiry_interval = \"99999999999999999d\" | session_expiry_interval | too large",
            "message_retry_interval = true         | message_retry_interval  | expected a duration",
            "message_expiry_interval = \"5 minutes\" | message_expiry_interval | expected a duration",
            "allow_anonymous = \"yes\"             | allow_anonymous         | expected true or false",
            "allow_zero_keepalive = 1              | allow_zero_keepalive    | expected true or false",
            "nodelay = \"true\"                    | nodelay                 | expected true or false",
            "slow_consumer_policy = \"block\"      | slow_consumer_policy    | expected one of drop, disconnect, got string",
            "slow_consumer_policy = 1              | slow_consumer_policy    | expected one of drop, disconnect",
            "max_outbound_bytes = 100              | max_outbound_bytes      | must be at least 1024 bytes",
            "addr = \"0.0.0.0:70000\"              | addr                    | port must be a number from 0 to 65535",
            "addr = \"0.0.0.0:-1\"                 | addr                    | port must be a number from 0 to 65535",
            "addr = \"0.0.0.0:\"                   | addr                    | port must be a number from 0 to 65535",
            "addr = \"0.0.0.0\"                    | addr                    | expected \"host:port\"",
            "addr = \":1883\"                      | addr                    | missing host",
            "addr = \"::1:1883\"                   | addr                    | needs brackets",
            "addr = \"[::1]\"                      | addr                    | expected \"[ipv6]:port\"",
            "addr = \"[::1]1883\"                  | addr                    | expected \"[ipv6]:port\"",
            "addr = \"[zz::1]:1883\"               | addr                    | invalid IPv6 address",
            "addr = \"[1.2.3.4]:1883\"             | addr                    | invalid IPv6 address",
            "addr = \"999.1.1.1:1883\"             | addr                    | invalid host",
            "addr = \"01.1.1.1:1883\"              | addr                    | invalid host",
            "addr = \"256.1.1.1:1883\"             | addr                    | invalid host",
            "addr = \"1.2.3:1883\"                 | addr                    | invalid host",
            "addr = \"bad_host!:1883\"             | addr                    | invalid host",
            "addr = 1883                           | addr                    | expected a string",
            "addr = [\"0.0.0.0:1883\"]             | addr                    | expected a string",
    })
    void badListenerValueNamesKeyAndFile(String line, String key, String reason) throws IOException {
        Path file = write("[listener.tcp.external]\n" + line.replace("\\n", "\n") + "\n");
        assertThatThrownBy(() -> TomlConfigLoader.load(file, NONE, NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'listener.tcp.external." + key + "'")
                .hasMessageContaining(file.toString())
                .hasMessageContaining(reason);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "node.id = 0            | 'node.id'                 | at least 1",
            "node.id = -3           | 'node.id'                 | at least 1",
            "node.id = \"one\"      | 'node.id'                 | expected an integer",
            "node.id = 3000000000   | 'node.id'                 | at most 2147483647",
            "node = 1               | 'node'                    | expected a table",
            "listener = \"tcp\"     | 'listener'                | expected a table",
            "listener.tcp = 1       | 'listener.tcp'            | expected a table",
            "listener.tcp.external = 1 | 'listener.tcp.external' | expected a table",
            "[[listener.tcp.external]] | 'listener.tcp.external' | expected a table",
            "[listener.tcp.\"a.b\"] | 'listener.tcp.a.b'        | invalid listener name",
    })
    void badStructureNamesKeyAndFile(String toml, String key, String reason) throws IOException {
        Path file = write(toml + "\n");
        assertThatThrownBy(() -> TomlConfigLoader.load(file, NONE, NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(key)
                .hasMessageContaining(file.toString())
                .hasMessageContaining(reason);
    }

    @Test
    void duplicatePortOnSameHostFails() throws IOException {
        Path file = write("""
                [listener.tcp.external]
                addr = "127.0.0.1:1883"
                [listener.tcp.internal]
                addr = "127.0.0.1:1883"
                """);
        assertThatThrownBy(() -> TomlConfigLoader.load(file, NONE, NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'listener.tcp.internal.addr'")
                .hasMessageContaining(file.toString())
                .hasMessageContaining("already used by listener 'external'");
    }

    @ParameterizedTest
    @CsvSource({
            "0.0.0.0:1883, 127.0.0.1:1883",
            "127.0.0.1:1883, 0.0.0.0:1883",
            "[::]:1883, 127.0.0.1:1883",
            "[::1]:1883, [0:0:0:0:0:0:0:1]:1883",
            "0.0.0.0:1883, localhost:1883",
            "LOCALHOST:1883, localhost:1883",
    })
    void overlappingBindsFail(String first, String second) throws IOException {
        Path file = write("[listener.tcp.a]\naddr = \"" + first + "\"\n[listener.tcp.b]\naddr = \"" + second + "\"\n");
        assertThatThrownBy(() -> TomlConfigLoader.load(file, NONE, NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'listener.tcp.b.addr'");
    }

    @ParameterizedTest
    @CsvSource({
            "127.0.0.1:1883, 127.0.0.2:1883",
            "0.0.0.0:1883, 0.0.0.0:1884",
            "0.0.0.0:0, 0.0.0.0:0",
            "0.0.0.0:1883, [::1]:1883",
            "localhost:1883, otherhost:1883",
    })
    void distinctBindsAreAccepted(String first, String second) throws IOException {
        BrokerConfig config = load("[listener.tcp.a]\naddr = \"" + first + "\"\n[listener.tcp.b]\naddr = \""
                + second + "\"\n");
        assertThat(config.listeners()).hasSize(2);
    }

    @Test
    void secondListenerOnDefaultAddressClashesWithFirst() throws IOException {
        Path file = write("[listener.tcp.external]\n[listener.tcp.internal]\nmax_inflight = 4\n");
        assertThatThrownBy(() -> TomlConfigLoader.load(file, NONE, NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'listener.tcp.internal.addr' (built-in default)")
                .hasMessageContaining("give it its own addr");
    }

    // ------------------------------------------------------------ unknown keys, syntax, missing file

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "foo = 1                                                   | foo",
            "[mqtt]\\nx = 1                                             | mqtt.x",
            "node.name = \"a\"                                         | node.name",
            "[listener]\\nfoo = 1                                       | listener.foo",
            "[listener.ws.external]\\naddr = \"0.0.0.0:8080\"           | listener.ws",
            "[listener.tcp.external]\\nmax_inflightt = 16               | listener.tcp.external.max_inflightt",
            "[listener.tcp.external.tls]\\ncert = \"x\"                   | listener.tcp.external.tls",
    })
    void unknownKeyFailsNamingFullKey(String toml, String key) throws IOException {
        Path file = write(toml.replace("\\n", "\n") + "\n");
        assertThatThrownBy(() -> TomlConfigLoader.load(file, NONE, NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("unknown key '" + key + "' in " + file);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "node.id = ",
            "[listener.tcp.external\naddr = \"x\"",
            "[listener.tcp.external]\naddr = \"unterminated\n",
            "node.id = 1\nnode.id = 2",
            "[listener.tcp.a]\nmax_inflight = 1\n[listener.tcp.a]\nmax_inflight = 2",
            "listener.tcp.a = { addr = \"0.0.0.0:1\" ",
    })
    void syntaxErrorNamesFile(String toml) throws IOException {
        Path file = write(toml + "\n");
        assertThatThrownBy(() -> TomlConfigLoader.load(file, NONE, NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("cannot parse configuration file " + file + ": ");
    }

    @Test
    void missingFileFailsNamingIt() {
        Path missing = dir.resolve("nope.toml");
        assertThatThrownBy(() -> TomlConfigLoader.load(missing, NONE, NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void configuredMissingFileFailsNamingItAndItsOrigin() {
        String missing = dir.resolve("nope.toml").toString();
        assertThatThrownBy(() -> TomlConfigLoader.fromEnvironment(Map.of("mqttee.config", missing), NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(missing)
                .hasMessageContaining("system property mqttee.config");
        assertThatThrownBy(() -> TomlConfigLoader.fromEnvironment(NONE, Map.of("MQTTEE_CONFIG", missing)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(missing)
                .hasMessageContaining("environment variable MQTTEE_CONFIG");
    }

    @Test
    void configPropertyWinsOverEnvironment() throws IOException {
        Path fromProperty = dir.resolve("a.toml");
        Path fromEnv = dir.resolve("b.toml");
        Files.writeString(fromProperty, "node.id = 2\n");
        Files.writeString(fromEnv, "node.id = 3\n");

        assertThat(TomlConfigLoader.fromEnvironment(Map.of("mqttee.config", fromProperty.toString()),
                Map.of("MQTTEE_CONFIG", fromEnv.toString())).nodeId()).isEqualTo(2);
        assertThat(TomlConfigLoader.fromEnvironment(NONE, Map.of("MQTTEE_CONFIG", fromEnv.toString())).nodeId())
                .isEqualTo(3);
    }

    // ------------------------------------------------------------ overrides

    @Test
    void systemPropertiesOverrideFile() throws IOException {
        Path file = write("node.id = 1\n[listener.tcp.external]\naddr = \"0.0.0.0:1883\"\nmax_inflight = 8\n");
        BrokerConfig config = TomlConfigLoader.load(file, Map.of(
                "mqttee.listener.tcp.external.addr", "127.0.0.1:11883",
                "mqttee.node.id", "2"), NONE);

        assertThat(config.nodeId()).isEqualTo(2);
        assertThat(config.primaryListener().host()).isEqualTo("127.0.0.1");
        assertThat(config.primaryListener().port()).isEqualTo(11883);
        assertThat(config.primaryListener().maxInflight()).isEqualTo(8);
    }

    @Test
    void environmentOverridesFile() throws IOException {
        Path file = write("[listener.tcp.external]\nmax_inflight = 8\n");
        BrokerConfig config = TomlConfigLoader.load(file, NONE, Map.of(
                "MQTTEE_LISTENER__TCP__EXTERNAL__MAX_INFLIGHT", "32",
                "MQTTEE_NODE__ID", "2"));

        assertThat(config.nodeId()).isEqualTo(2);
        assertThat(config.primaryListener().maxInflight()).isEqualTo(32);
    }

    @Test
    void overridesWorkWithoutFile() {
        BrokerConfig config = TomlConfigLoader.load(null,
                Map.of("mqttee.listener.tcp.external.addr", "[::1]:0"), NONE);
        assertThat(config.listeners()).containsExactly(external().withAddress("::1", 0));
    }

    @Test
    void systemPropertyWinsOverEnvironmentWhichWinsOverFile() throws IOException {
        Path file = write("[listener.tcp.external]\nmax_inflight = 8\nmax_mqueue_len = 10\n");
        BrokerConfig config = TomlConfigLoader.load(file,
                Map.of("mqttee.listener.tcp.external.max_inflight", "64"),
                Map.of("MQTTEE_LISTENER__TCP__EXTERNAL__MAX_INFLIGHT", "32",
                        "MQTTEE_LISTENER__TCP__EXTERNAL__MAX_MQUEUE_LEN", "20"));

        assertThat(config.primaryListener().maxInflight()).isEqualTo(64);
        assertThat(config.primaryListener().maxMqueueLen()).isEqualTo(20);
    }

    @Test
    void overrideValuesUseFileRules() {
        BrokerConfig config = TomlConfigLoader.load(null, Map.of(
                "mqttee.listener.tcp.external.max_packet_size", "2M",
                "mqttee.listener.tcp.external.handshake_timeout", "500ms",
                "mqttee.listener.tcp.external.session_expiry_interval", "3600",
                "mqttee.listener.tcp.external.keepalive_backoff", "1.25",
                "mqttee.listener.tcp.external.max_connections", "1_000",
                "mqttee.listener.tcp.external.nodelay", "true"),
                Map.of("MQTTEE_LISTENER__TCP__EXTERNAL__ALLOW_ANONYMOUS", "FALSE"));

        ListenerConfig l = config.primaryListener();
        assertThat(l.maxPacketSize()).isEqualTo(2 * 1024 * 1024);
        assertThat(l.handshakeTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(l.sessionExpiryInterval()).isEqualTo(Duration.ofHours(1));
        assertThat(l.keepaliveBackoff()).isEqualTo(1.25);
        assertThat(l.maxConnections()).isEqualTo(1000);
        assertThat(l.nodelay()).isTrue();
        assertThat(l.allowAnonymous()).isFalse();
    }

    @Test
    void overrideCanCreateListener() throws IOException {
        Path file = write("[listener.tcp.external]\naddr = \"0.0.0.0:1883\"\n");
        BrokerConfig config = TomlConfigLoader.load(file,
                Map.of("mqttee.listener.tcp.internal.addr", "127.0.0.1:11883"),
                Map.of("MQTTEE_LISTENER__TCP__INTERNAL__MAX_INFLIGHT", "4"));

        assertThat(config.listeners()).extracting(ListenerConfig::name).containsExactly("external", "internal");
        ListenerConfig internal = config.listeners().get(1);
        assertThat(internal.host()).isEqualTo("127.0.0.1");
        assertThat(internal.port()).isEqualTo(11883);
        assertThat(internal.maxInflight()).isEqualTo(4);
    }

    @Test
    void overrideAddsListenerNextToImplicitExternal() {
        BrokerConfig config = TomlConfigLoader.load(null,
                Map.of("mqttee.listener.tcp.internal.addr", "127.0.0.1:11883"), NONE);
        assertThat(config.listeners()).extracting(ListenerConfig::name).containsExactly("external", "internal");
    }

    @Test
    void environmentMatchesListenerNameIgnoringCase() throws IOException {
        Path file = write("[listener.tcp.Internal]\naddr = \"127.0.0.1:1884\"\n");
        BrokerConfig config = TomlConfigLoader.load(file, NONE,
                Map.of("MQTTEE_LISTENER__TCP__INTERNAL__MAX_INFLIGHT", "3"));
        assertThat(config.listeners()).singleElement()
                .satisfies(l -> assertThat(l.name()).isEqualTo("Internal"))
                .satisfies(l -> assertThat(l.maxInflight()).isEqualTo(3));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "mqttee.listener.tcp.external.max_inflightt | listener.tcp.external.max_inflightt",
            "mqttee.listener.ws.external.addr           | listener.ws.external.addr",
            "mqttee.listener.tcp.addr                   | listener.tcp.addr",
            "mqttee.node.name                           | node.name",
            "mqttee.node.id.x                           | node.id.x",
    })
    void unknownPropertyOverrideFails(String property, String key) {
        assertThatThrownBy(() -> TomlConfigLoader.load(null, Map.of(property, "1"), NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown key '" + key + "' in system property " + property);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "MQTTEE_LISTENER__TCP__EXTERNAL__MAX_INFLIGHTT | listener.tcp.external.max_inflightt",
            "MQTTEE_LISTENER__WS__EXTERNAL__ADDR           | listener.ws.external.addr",
            "MQTTEE_NODE__NAME                             | node.name",
    })
    void unknownEnvironmentOverrideFails(String variable, String key) {
        assertThatThrownBy(() -> TomlConfigLoader.load(null, NONE, Map.of(variable, "1")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown key '" + key + "' in environment variable " + variable);
    }

    @Test
    void badOverrideValueNamesKeyAndSource() {
        assertThatThrownBy(() -> TomlConfigLoader.load(null,
                Map.of("mqttee.listener.tcp.external.max_inflight", "lots"), NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'listener.tcp.external.max_inflight'")
                .hasMessageContaining("system property mqttee.listener.tcp.external.max_inflight")
                .hasMessageContaining("expected an integer");
        assertThatThrownBy(() -> TomlConfigLoader.load(null, NONE, Map.of("MQTTEE_NODE__ID", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'node.id'")
                .hasMessageContaining("environment variable MQTTEE_NODE__ID");
        assertThatThrownBy(() -> TomlConfigLoader.load(null, NONE,
                Map.of("MQTTEE_LISTENER__TCP__EXTERNAL__NODELAY", "yes")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'listener.tcp.external.nodelay'")
                .hasMessageContaining("expected true or false");
    }

    @Test
    void overrideCanFixABadFileValue() throws IOException {
        Path file = write("[listener.tcp.external]\nmax_inflight = 0\n");
        assertThat(TomlConfigLoader.load(file, Map.of("mqttee.listener.tcp.external.max_inflight", "16"), NONE))
                .isEqualTo(BrokerConfig.defaults());
    }

    @Test
    void unrelatedNamesAreIgnored() {
        Map<String, String> env = Map.of(
                "MQTTEE_CONFIG", "",
                "MQTTEE_HTTP_ADDR", "0.0.0.0:8080",
                "MQTTEE_WAR", "/opt/mqttee.war",
                "MQTTEE_API_TOKEN", "secret",
                "MQTTEE_NODE_ID", "9",
                "MQTTEE_LISTENERS", "x",
                "PATH", "/usr/bin");
        Map<String, String> properties = Map.of(
                "mqttee.config", "",
                "mqttee.tomcatWar", "/tmp/x.war",
                "mqttee.build.dir", "/tmp/build",
                "mqttee.nodes", "3",
                "java.version", "17");
        assertThat(TomlConfigLoader.load(null, properties, env)).isEqualTo(BrokerConfig.defaults());
        assertThat(TomlConfigLoader.fromEnvironment(properties, env)).isEqualTo(BrokerConfig.defaults());
    }

    @Test
    void overrideListenersAreAddedInSortedOrder() {
        BrokerConfig config = TomlConfigLoader.load(null, Map.of(
                "mqttee.listener.tcp.external.addr", "0.0.0.0:1",
                "mqttee.listener.tcp.zz.addr", "0.0.0.0:2",
                "mqttee.listener.tcp.aa.addr", "0.0.0.0:3"), NONE);
        assertThat(config.listeners()).extracting(ListenerConfig::name).containsExactly("external", "aa", "zz");
        assertThat(List.copyOf(config.listeners())).extracting(ListenerConfig::port).containsExactly(1, 3, 2);
    }
}
