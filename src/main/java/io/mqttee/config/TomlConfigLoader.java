package io.mqttee.config;

import com.electronwill.nightconfig.core.CommentedConfig;
import com.electronwill.nightconfig.core.UnmodifiableConfig;
import com.electronwill.nightconfig.core.io.ParsingMode;
import com.electronwill.nightconfig.toml.TomlFormat;
import com.electronwill.nightconfig.toml.TomlParser;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the {@link BrokerConfig} from a TOML file and single-key overrides.
 *
 * <h2>Format</h2>
 * Key names are RMQTT's, so its files and documentation carry over:
 * <pre>
 * node.id = 1
 * [listener.tcp.external]       # one table per listener, kept in file order
 * addr = "0.0.0.0:1883"         # IPv6 in brackets: "[::]:1883"
 * max_packet_size = "1M"        # sizes: bytes, or a string with B, K/KB, M/MB, G/GB (1024-based)
 * handshake_timeout = "15s"     # durations: seconds, or a string with ms, s, m, h, d ("1h30m" works too)
 * </pre>
 * A key left out takes its built-in default ({@link ListenerConfig#defaults(String)}); without any
 * listener table there is one listener, {@code external}. {@code server-config/mqttee.toml} shows
 * every key.
 *
 * <h2>Lookup order (later wins)</h2>
 * <ol>
 * <li>built-in defaults;</li>
 * <li>the file named by system property {@code mqttee.config}, else by environment variable
 *     {@code MQTTEE_CONFIG} (no file at all is fine);</li>
 * <li>environment variables {@code MQTTEE_<KEY>}: the dotted key upper-cased with each {@code .}
 *     written {@code __}, e.g. {@code MQTTEE_LISTENER__TCP__EXTERNAL__MAX_INFLIGHT=32}, because
 *     variable names cannot hold dots and the keys themselves contain {@code _};</li>
 * <li>system properties {@code mqttee.<key>}, e.g. {@code -Dmqttee.node.id=2}.</li>
 * </ol>
 * The file is the deployment's shared setting, the environment is how containers specialise it,
 * and a system property is the narrowest (one JVM launch, one test), so the narrowest wins.
 * Overrides are strings read by the same rules as file values; one may also add a listener.
 * <p>
 * Only {@code mqttee.node.*}, {@code mqttee.listener.*}, {@code mqttee.mqtt.*}, {@code mqttee.plugins.*}
 * and their {@code MQTTEE_NODE__*}, {@code MQTTEE_LISTENER__*}, {@code MQTTEE_MQTT__*},
 * {@code MQTTEE_PLUGINS__*} variables are read as overrides: other {@code mqttee.*} / {@code MQTTEE_*} names
 * belong to other parts (HTTP, launcher, build). Inside those namespaces, and in the file, an
 * unknown key is an error so that a typo cannot silently leave a default in place.
 * <p>
 * Everything is validated here, up front, and the first problem throws {@link ConfigException}
 * naming the dotted key and its source: a broker that refuses to start is easier to fix than one
 * that runs with part of its configuration ignored.
 */
public final class TomlConfigLoader {

    static final String CONFIG_PROPERTY = "mqttee.config";
    static final String CONFIG_ENV = "MQTTEE_CONFIG";

    /** The keys of a {@code [listener.tcp.<name>]} table, in {@link ListenerConfig} order. */
    static final Set<String> LISTENER_KEYS = Collections.unmodifiableSet(new LinkedHashSet<>(List.of(
            "addr", "max_connections", "max_packet_size", "max_inflight", "max_mqueue_len",
            "max_clientid_len", "handshake_timeout", "allow_anonymous", "allow_zero_keepalive",
            "min_keepalive", "max_keepalive", "keepalive_backoff", "session_expiry_interval",
            "max_session_expiry_interval",
            "message_retry_interval", "message_expiry_interval", "max_qos_allowed", "max_topic_levels",
            "max_subscriptions", "max_topic_aliases", "limit_subscription", "delayed_publish", "backlog",
            "nodelay", "max_outbound_bytes", "slow_consumer_policy")));

    /** The remaining-length field of an MQTT fixed header cannot express more. */
    static final int MQTT_MAX_PACKET_SIZE = 268_435_455;

    private static final String PROPERTY_PREFIX = "mqttee.";
    private static final String ENV_PREFIX = "MQTTEE_";
    private static final List<String> PROPERTY_NAMESPACES =
            List.of("mqttee.node.", "mqttee.listener.", "mqttee.mqtt.", "mqttee.plugins.");
    private static final List<String> ENV_NAMESPACES =
            List.of("MQTTEE_NODE__", "MQTTEE_LISTENER__", "MQTTEE_MQTT__", "MQTTEE_PLUGINS__");

    /** The keys of the {@code [mqtt]} table: broker-wide MQTT settings. */
    static final Set<String> MQTT_KEYS = Set.of("shared_subscription_strategy", "delayed_publish_max", "max_sessions");
    /** The keys of the {@code [plugins]} table. */
    static final Set<String> PLUGINS_KEYS = Set.of("dir");
    private static final String DEFAULT_LISTENER = "external";
    private static final String BUILT_IN = "(built-in default)";

    // Bare TOML key characters only, so "listener.tcp.<name>.<key>" splits back unambiguously.
    private static final Pattern LISTENER_NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+(_\\d+)*");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|K|KB|M|MB|G|GB)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\s*\\d+\\s*(ms|s|m|h|d))+\\s*");
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    // Leading zeros are refused: some resolvers read them as octal.
    private static final String OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    // A first character that is a hex digit or ':' makes InetAddress parse a literal, never ask DNS.
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*(%[A-Za-z0-9_.-]+)?");
    private static final Pattern HOSTNAME = Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");

    private TomlConfigLoader() {
    }

    /**
     * Locates the file ({@code -Dmqttee.config}, else {@code MQTTEE_CONFIG}; neither means defaults
     * only; a blank value counts as unset) and loads it with this JVM's system properties and
     * environment as overrides.
     *
     * @throws ConfigException if the configured file is missing or anything in the result is invalid
     */
    public static BrokerConfig fromEnvironment() {
        Properties properties = System.getProperties();
        Map<String, String> snapshot = new HashMap<>();
        for (String name : properties.stringPropertyNames()) {
            snapshot.put(name, properties.getProperty(name));
        }
        return fromEnvironment(snapshot, System.getenv());
    }

    /** {@link #fromEnvironment()} with explicit maps, so tests need not touch the real JVM state. */
    static BrokerConfig fromEnvironment(Map<String, String> systemProperties, Map<String, String> environment) {
        Map<String, String> properties = orEmpty(systemProperties);
        Map<String, String> env = orEmpty(environment);
        String location;
        String origin;
        if (!isBlank(properties.get(CONFIG_PROPERTY))) {
            location = properties.get(CONFIG_PROPERTY).trim();
            origin = "system property " + CONFIG_PROPERTY;
        } else if (!isBlank(env.get(CONFIG_ENV))) {
            location = env.get(CONFIG_ENV).trim();
            origin = "environment variable " + CONFIG_ENV;
        } else {
            return load(null, properties, env);
        }
        Path file;
        try {
            file = Path.of(location).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw new ConfigException("invalid configuration file path '" + location + "' in " + origin
                    + ": " + e.getMessage(), e);
        }
        if (!Files.exists(file)) {
            throw new ConfigException("configuration file " + file + " (from " + origin + ") does not exist");
        }
        return load(file, properties, env);
    }

    /**
     * Reads {@code file} (or nothing when it is {@code null}), then applies the overrides found in
     * {@code environment} and {@code systemProperties}, in that order.
     *
     * @param file             the TOML file, or {@code null} for built-in defaults plus overrides
     * @param systemProperties {@code mqttee.node.*} / {@code mqttee.listener.*} entries are overrides;
     *                         others are ignored
     * @param environment      {@code MQTTEE_NODE__*} / {@code MQTTEE_LISTENER__*} entries are overrides;
     *                         others are ignored
     * @throws ConfigException naming the key and its source for any unknown key or invalid value,
     *                         or naming the file if it is missing, unreadable or not valid TOML
     */
    public static BrokerConfig load(Path file, Map<String, String> systemProperties, Map<String, String> environment) {
        Tree tree = new Tree();
        if (file != null) {
            readFile(file.toAbsolutePath(), tree);
            tree.fileDir = file.toAbsolutePath().getParent();
        }
        if (tree.listeners.isEmpty()) {
            tree.listeners.put(DEFAULT_LISTENER, new LinkedHashMap<>());
        }
        // Environment first so that a system property for the same key replaces it.
        for (Map.Entry<String, String> e : new TreeMap<>(orEmpty(environment)).entrySet()) {
            String name = e.getKey();
            if (ENV_NAMESPACES.stream().anyMatch(name::startsWith)) {
                String key = name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace("__", ".");
                override(tree, key, e.getValue(), "in environment variable " + name, true);
            }
        }
        for (Map.Entry<String, String> e : new TreeMap<>(orEmpty(systemProperties)).entrySet()) {
            String name = e.getKey();
            if (PROPERTY_NAMESPACES.stream().anyMatch(name::startsWith)) {
                override(tree, name.substring(PROPERTY_PREFIX.length()), e.getValue(),
                        "in system property " + name, false);
            }
        }
        return build(tree);
    }

    // ---------------------------------------------------------------- raw settings

    /** One raw value and where it came from; {@code text} marks override strings still to be parsed. */
    private record Setting(Object value, String where, boolean text) {
    }

    /** The raw settings by dotted key, before conversion. */
    private static final class Tree {
        Setting nodeId;
        Setting pluginsDir;
        /** The folder of the configuration file: relative paths in the file are resolved against it. */
        Path fileDir;
        final Map<String, Setting> mqtt = new LinkedHashMap<>();
        final Map<String, Map<String, Setting>> listeners = new LinkedHashMap<>();
    }

    private static void readFile(Path file, Tree tree) {
        if (!Files.exists(file)) {
            throw new ConfigException("configuration file " + file + " does not exist");
        }
        String content;
        try {
            content = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e, e);
        }
        // LinkedHashMap (inherited by sub-tables) keeps listeners in file order.
        CommentedConfig root = TomlFormat.newConfig(LinkedHashMap::new);
        try {
            new TomlParser().parse(content, root, ParsingMode.REPLACE);
        } catch (RuntimeException e) {
            throw new ConfigException("cannot parse configuration file " + file + ": " + e.getMessage(), e);
        }
        String where = "in " + file;
        for (UnmodifiableConfig.Entry top : root.entrySet()) {
            switch (top.getKey()) {
                case "node" -> {
                    for (UnmodifiableConfig.Entry e : table("node", top.getRawValue(), where)) {
                        if (!e.getKey().equals("id")) {
                            throw unknownKey("node." + e.getKey(), where);
                        }
                        tree.nodeId = new Setting(e.getRawValue(), where, false);
                    }
                }
                case "listener" -> readListeners(table("listener", top.getRawValue(), where), tree, where);
                case "mqtt" -> {
                    for (UnmodifiableConfig.Entry e : table("mqtt", top.getRawValue(), where)) {
                        if (!MQTT_KEYS.contains(e.getKey())) {
                            throw unknownKey("mqtt." + e.getKey(), where);
                        }
                        tree.mqtt.put(e.getKey(), new Setting(e.getRawValue(), where, false));
                    }
                }
                case "plugins" -> {
                    for (UnmodifiableConfig.Entry e : table("plugins", top.getRawValue(), where)) {
                        if (!PLUGINS_KEYS.contains(e.getKey())) {
                            throw unknownKey("plugins." + e.getKey(), where);
                        }
                        tree.pluginsDir = new Setting(e.getRawValue(), where, false);
                    }
                }
                default -> throw unknownKey(top.getKey(), where);
            }
        }
    }

    private static void readListeners(Set<? extends UnmodifiableConfig.Entry> types, Tree tree, String where) {
        for (UnmodifiableConfig.Entry type : types) {
            if (!type.getKey().equals("tcp")) {
                throw new ConfigException("unknown key 'listener." + type.getKey() + "' " + where
                        + " (supported listener types: tcp)");
            }
            for (UnmodifiableConfig.Entry listener : table("listener.tcp", type.getRawValue(), where)) {
                String name = listener.getKey();
                String prefix = "listener.tcp." + name;
                if (!LISTENER_NAME.matcher(name).matches()) {
                    throw new ConfigException("invalid listener name in '" + prefix + "' " + where
                            + ": use only letters, digits, '_' and '-'");
                }
                Map<String, Setting> settings = new LinkedHashMap<>();
                for (UnmodifiableConfig.Entry e : table(prefix, listener.getRawValue(), where)) {
                    if (!LISTENER_KEYS.contains(e.getKey())) {
                        throw unknownKey(prefix + "." + e.getKey(), where);
                    }
                    settings.put(e.getKey(), new Setting(e.getRawValue(), where, false));
                }
                tree.listeners.put(name, settings);
            }
        }
    }

    private static Set<? extends UnmodifiableConfig.Entry> table(String key, Object value, String where) {
        if (value instanceof UnmodifiableConfig config) {
            return config.entrySet();
        }
        throw invalid(key, where, "expected a table, got " + describe(value));
    }

    private static void override(Tree tree, String key, String value, String where, boolean ignoreCase) {
        Setting setting = new Setting(Objects.toString(value, "").trim(), where, true);
        String[] parts = key.split("\\.", -1);
        if (parts.length == 2 && parts[0].equals("node") && parts[1].equals("id")) {
            tree.nodeId = setting;
        } else if (parts.length == 2 && parts[0].equals("mqtt") && MQTT_KEYS.contains(parts[1])) {
            tree.mqtt.put(parts[1], setting);
        } else if (parts.length == 2 && parts[0].equals("plugins") && PLUGINS_KEYS.contains(parts[1])) {
            tree.pluginsDir = setting;
        } else if (parts.length == 4 && parts[0].equals("listener") && parts[1].equals("tcp")
                && LISTENER_NAME.matcher(parts[2]).matches() && LISTENER_KEYS.contains(parts[3])) {
            String name = parts[2];
            if (ignoreCase && !tree.listeners.containsKey(name)) {
                // Variable names are upper-cased, so they cannot spell a file's "Internal" exactly.
                name = tree.listeners.keySet().stream()
                        .filter(parts[2]::equalsIgnoreCase).findFirst().orElse(parts[2]);
            }
            tree.listeners.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(parts[3], setting);
        } else {
            throw unknownKey(key, where);
        }
    }

    // ---------------------------------------------------------------- conversion

    private static BrokerConfig build(Tree tree) {
        int nodeId = BrokerConfig.defaults().nodeId();
        if (tree.nodeId != null) {
            nodeId = (int) checkRange("node.id", tree.nodeId, integer("node.id", tree.nodeId),
                    1, Integer.MAX_VALUE, "");
        }
        List<ListenerConfig> listeners = new ArrayList<>();
        List<Bound> bound = new ArrayList<>();
        for (Map.Entry<String, Map<String, Setting>> e : tree.listeners.entrySet()) {
            ListenerConfig listener = listener(e.getKey(), e.getValue());
            String addrKey = "listener.tcp." + listener.name() + ".addr";
            Setting addr = e.getValue().get("addr");
            Bound b = new Bound(listener.name(), listener.host(), listener.port(),
                    literal(listener.host()), addr == null ? BUILT_IN : addr.where());
            for (Bound other : bound) {
                if (b.clashesWith(other)) {
                    throw invalid(addrKey, b.where(), "port " + b.port() + " on " + b.host()
                            + " is already used by listener '" + other.listener() + "' (" + other.host() + ")"
                            + (addr == null ? "; give it its own addr" : ""));
                }
            }
            bound.add(b);
            listeners.add(listener);
        }
        BrokerConfig d = BrokerConfig.defaults();
        SharedSubscriptionStrategy strategy = d.sharedSubscriptionStrategy();
        Setting st = tree.mqtt.get("shared_subscription_strategy");
        if (st != null) {
            String key = "mqtt.shared_subscription_strategy";
            if (!(st.value() instanceof String name)) {
                throw invalid(key, st.where(), "expected a string, got " + describe(st));
            }
            strategy = SharedSubscriptionStrategy.fromKey(name);
            if (strategy == null) {
                throw invalid(key, st.where(), "expected one of random, round_robin, sticky, hash_clientid, "
                        + "hash_topic, got '" + name + "'");
            }
        }
        int delayedPublishMax = mqttInteger(tree, "delayed_publish_max", d.delayedPublishMax());
        int maxSessions = mqttInteger(tree, "max_sessions", d.maxSessions());
        return new BrokerConfig(nodeId, listeners, strategy, delayedPublishMax, maxSessions, pluginsDir(tree));
    }

    /**
     * {@code plugins.dir}: a relative path in the file is resolved against the file's folder, one in
     * an override against the working directory. The folder must exist: a typo would otherwise
     * silently leave every plugin on its defaults.
     */
    private static Path pluginsDir(Tree tree) {
        Setting s = tree.pluginsDir;
        if (s == null) {
            return null;
        }
        String key = "plugins.dir";
        if (!(s.value() instanceof String text) || text.isBlank()) {
            throw invalid(key, s.where(), "expected a folder path, got " + describe(s));
        }
        Path dir;
        try {
            dir = Path.of(text.trim());
        } catch (InvalidPathException e) {
            throw invalid(key, s.where(), "invalid path \"" + text + "\": " + e.getMessage());
        }
        if (!dir.isAbsolute() && !s.text() && tree.fileDir != null) {
            dir = tree.fileDir.resolve(dir);
        }
        dir = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw invalid(key, s.where(), "folder " + dir + " does not exist");
        }
        return dir;
    }

    private static int mqttInteger(Tree tree, String name, int fallback) {
        Setting s = tree.mqtt.get(name);
        if (s == null) {
            return fallback;
        }
        String key = "mqtt." + name;
        return (int) checkRange(key, s, integer(key, s), 0, Integer.MAX_VALUE, "");
    }

    private static ListenerConfig listener(String name, Map<String, Setting> settings) {
        ListenerConfig d = ListenerConfig.defaults(name);
        Values v = new Values("listener.tcp." + name + ".", settings);
        Address addr = v.address("addr", new Address(d.host(), d.port()));
        int minKeepalive = v.integer("min_keepalive", 0, 65535, d.minKeepalive());
        int maxKeepalive = v.integer("max_keepalive", 0, 65535, d.maxKeepalive());
        if (minKeepalive > maxKeepalive) {
            String key = settings.containsKey("min_keepalive") ? "min_keepalive" : "max_keepalive";
            throw invalid(v.prefix + key, settings.get(key).where(), "min_keepalive (" + minKeepalive
                    + ") must not exceed max_keepalive (" + maxKeepalive + ")");
        }
        return new ListenerConfig(
                name,
                addr.host(),
                addr.port(),
                v.integer("max_connections", 0, Integer.MAX_VALUE, d.maxConnections()),
                v.size("max_packet_size", 2, MQTT_MAX_PACKET_SIZE, d.maxPacketSize()),
                v.integer("max_inflight", 1, 65535, d.maxInflight()),
                v.integer("max_mqueue_len", 0, Integer.MAX_VALUE, d.maxMqueueLen()),
                // A client identifier is an MQTT string: its length prefix is 16 bits.
                v.integer("max_clientid_len", 0, 65535, d.maxClientIdLen()),
                v.duration("handshake_timeout", d.handshakeTimeout()),
                v.bool("allow_anonymous", d.allowAnonymous()),
                v.bool("allow_zero_keepalive", d.allowZeroKeepalive()),
                minKeepalive,
                maxKeepalive,
                v.positiveDouble("keepalive_backoff", d.keepaliveBackoff()),
                v.duration("session_expiry_interval", d.sessionExpiryInterval()),
                v.duration("max_session_expiry_interval", d.maxSessionExpiryInterval()),
                v.duration("message_retry_interval", d.messageRetryInterval()),
                v.duration("message_expiry_interval", d.messageExpiryInterval()),
                v.integer("max_qos_allowed", 0, 2, d.maxQosAllowed()),
                v.integer("max_topic_levels", 0, Integer.MAX_VALUE, d.maxTopicLevels()),
                v.integer("max_subscriptions", 0, Integer.MAX_VALUE, d.maxSubscriptions()),
                v.integer("max_topic_aliases", 0, 65535, d.maxTopicAliases()),
                v.bool("limit_subscription", d.limitSubscription()),
                v.bool("delayed_publish", d.delayedPublish()),
                v.integer("backlog", 0, Integer.MAX_VALUE, d.backlog()),
                v.bool("nodelay", d.nodelay()),
                v.size("max_outbound_bytes", 1024, Integer.MAX_VALUE, d.maxOutboundBytes()),
                v.choice("slow_consumer_policy", SlowConsumerPolicy.class, d.slowConsumerPolicy()));
    }

    /** Typed reads of one listener's settings, falling back to the default when a key is absent. */
    private static final class Values {
        final String prefix;
        final Map<String, Setting> settings;

        Values(String prefix, Map<String, Setting> settings) {
            this.prefix = prefix;
            this.settings = settings;
        }

        int integer(String name, int min, int max, int dflt) {
            Setting s = settings.get(name);
            if (s == null) {
                return dflt;
            }
            return (int) checkRange(prefix + name, s, TomlConfigLoader.integer(prefix + name, s), min, max, "");
        }

        boolean bool(String name, boolean dflt) {
            Setting s = settings.get(name);
            if (s == null) {
                return dflt;
            }
            Object value = s.value();
            if (value instanceof Boolean b) {
                return b;
            }
            // Case-insensitive for overrides: shells and container tools often write TRUE.
            if (s.text() && value instanceof String text
                    && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"))) {
                return text.equalsIgnoreCase("true");
            }
            throw invalid(prefix + name, s.where(), "expected true or false, got " + describe(s));
        }

        double positiveDouble(String name, double dflt) {
            Setting s = settings.get(name);
            if (s == null) {
                return dflt;
            }
            Object value = s.value();
            double d;
            if (s.text() && DECIMAL.matcher((String) value).matches()) {
                d = Double.parseDouble((String) value);
            } else if (!s.text() && (value instanceof Double || value instanceof Integer || value instanceof Long)) {
                d = ((Number) value).doubleValue();
            } else {
                throw invalid(prefix + name, s.where(), "expected a number, got " + describe(s));
            }
            if (!(d > 0) || Double.isInfinite(d)) {
                throw invalid(prefix + name, s.where(), "must be a finite number greater than 0, got " + value);
            }
            return d;
        }

        /** One of an enum's constants, written in lower case ({@code drop}, {@code disconnect}). */
        <E extends Enum<E>> E choice(String name, Class<E> type, E dflt) {
            Setting s = settings.get(name);
            if (s == null) {
                return dflt;
            }
            List<String> names = new ArrayList<>();
            for (E e : type.getEnumConstants()) {
                String key = e.name().toLowerCase(Locale.ROOT);
                if (key.equals(s.value())) {
                    return e;
                }
                names.add(key);
            }
            throw invalid(prefix + name, s.where(), "expected one of " + String.join(", ", names) + ", got "
                    + describe(s));
        }

        int size(String name, int min, int max, int dflt) {
            Setting s = settings.get(name);
            if (s == null) {
                return dflt;
            }
            long bytes;
            if (s.value() instanceof String text) {
                try {
                    bytes = parseSize(text);
                } catch (IllegalArgumentException e) {
                    throw invalid(prefix + name, s.where(), e.getMessage());
                }
            } else if (s.value() instanceof Integer || s.value() instanceof Long) {
                bytes = ((Number) s.value()).longValue();
            } else {
                throw invalid(prefix + name, s.where(), "expected a size (bytes, or a string like \"1M\"), got "
                        + describe(s));
            }
            return (int) checkRange(prefix + name, s, bytes, min, max, " bytes");
        }

        Duration duration(String name, Duration dflt) {
            Setting s = settings.get(name);
            if (s == null) {
                return dflt;
            }
            if (s.value() instanceof String text) {
                try {
                    return parseDuration(text);
                } catch (IllegalArgumentException e) {
                    throw invalid(prefix + name, s.where(), e.getMessage());
                }
            }
            if (s.value() instanceof Integer || s.value() instanceof Long) {
                long seconds = checkRange(prefix + name, s, ((Number) s.value()).longValue(), 0, Long.MAX_VALUE, "");
                return Duration.ofSeconds(seconds);
            }
            throw invalid(prefix + name, s.where(), "expected a duration (seconds, or a string like \"15s\"), got "
                    + describe(s));
        }

        Address address(String name, Address dflt) {
            Setting s = settings.get(name);
            if (s == null) {
                return dflt;
            }
            if (!(s.value() instanceof String text)) {
                throw invalid(prefix + name, s.where(), "expected a string like \"0.0.0.0:1883\", got " + describe(s));
            }
            try {
                return parseAddress(text);
            } catch (IllegalArgumentException e) {
                throw invalid(prefix + name, s.where(), e.getMessage());
            }
        }
    }

    private static long integer(String key, Setting s) {
        Object value = s.value();
        if (s.text()) {
            String text = (String) value;
            if (!INTEGER.matcher(text).matches()) {
                throw invalid(key, s.where(), "expected an integer, got " + describe(s));
            }
            try {
                return Long.parseLong(text.replace("_", ""));
            } catch (NumberFormatException e) {
                throw invalid(key, s.where(), "number too large: " + text);
            }
        }
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        throw invalid(key, s.where(), "expected an integer, got " + describe(s));
    }

    private static long checkRange(String key, Setting s, long value, long min, long max, String unit) {
        if (value >= min && value <= max) {
            return value;
        }
        String reason;
        if (value < 0 && min == 0) {
            reason = "must not be negative";
        } else if (max == Integer.MAX_VALUE || max == Long.MAX_VALUE) {
            reason = value < min ? "must be at least " + min + unit : "must be at most " + max + unit;
        } else {
            reason = "must be between " + min + " and " + max + unit;
        }
        throw invalid(key, s.where(), reason + ", got " + value + unit);
    }

    // ---------------------------------------------------------------- value syntax

    /**
     * A size: plain bytes, or a number with B, K/KB, M/MB, G/GB (1024-based, any case).
     *
     * @throws IllegalArgumentException with the reason
     */
    static long parseSize(String text) {
        String t = text.trim();
        if (t.startsWith("-")) {
            throw new IllegalArgumentException("must not be negative, got \"" + text + "\"");
        }
        Matcher m = SIZE.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a size like \"1048576\", \"512K\", \"1M\" or \"1G\", got \""
                    + text + "\"");
        }
        String unit = m.group(2) == null ? "" : m.group(2).toUpperCase(Locale.ROOT);
        int shift = switch (unit) {
            case "", "B" -> 0;
            case "K", "KB" -> 10;
            case "M", "MB" -> 20;
            default -> 30;
        };
        try {
            long number = Long.parseLong(m.group(1));
            return Math.multiplyExact(number, 1L << shift);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("size too large: \"" + text + "\"", e);
        }
    }

    /**
     * A duration: whole seconds, or number-unit pairs with ms, s, m, h, d ({@code "15s"}, {@code "1h30m"}).
     *
     * @throws IllegalArgumentException with the reason
     */
    public static Duration parseDuration(String text) {
        String t = text.trim();
        if (t.startsWith("-")) {
            throw new IllegalArgumentException("must not be negative, got \"" + text + "\"");
        }
        try {
            if (t.matches("\\d+")) {
                return Duration.ofSeconds(Long.parseLong(t));
            }
            if (!DURATION.matcher(t).matches()) {
                throw new IllegalArgumentException("expected a duration like \"500ms\", \"15s\", \"5m\", \"2h\", \"1d\""
                        + " or whole seconds, got \"" + text + "\"");
            }
            Duration total = Duration.ZERO;
            Matcher m = DURATION_PART.matcher(t);
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                total = total.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
            }
            return total;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("duration too large: \"" + text + "\"", e);
        }
    }

    /** A bind address: host and port; the host may be an IPv4 literal, a bracketed IPv6 literal or a name. */
    record Address(String host, int port) {
    }

    /**
     * Parses {@code host:port}; IPv6 needs brackets ({@code [::]:1883}) because its colons would
     * otherwise be ambiguous. The host is returned without brackets, as {@code InetSocketAddress} wants it.
     *
     * @throws IllegalArgumentException with the reason
     */
    static Address parseAddress(String text) {
        String t = text.trim();
        String host;
        String port;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0 || close + 1 >= t.length() || t.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("expected \"[ipv6]:port\", got \"" + text + "\"");
            }
            host = t.substring(1, close);
            port = t.substring(close + 2);
            if (!host.contains(":") || !IPV6.matcher(host).matches() || literal(host) == null) {
                throw new IllegalArgumentException("invalid IPv6 address \"" + host + "\" in \"" + text + "\"");
            }
        } else {
            int colon = t.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("expected \"host:port\", got \"" + text + "\"");
            }
            host = t.substring(0, colon);
            port = t.substring(colon + 1);
            if (host.contains(":")) {
                throw new IllegalArgumentException("an IPv6 address needs brackets, e.g. \"[::]:1883\"; got \""
                        + text + "\"");
            }
            if (host.isEmpty()) {
                throw new IllegalArgumentException("missing host in \"" + text + "\" (use 0.0.0.0 for all interfaces)");
            }
            if (host.matches("[0-9.]+") ? !IPV4.matcher(host).matches() : !HOSTNAME.matcher(host).matches()) {
                throw new IllegalArgumentException("invalid host \"" + host + "\" in \"" + text + "\"");
            }
        }
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("port must be a number from 0 to 65535, got \"" + port
                    + "\" in \"" + text + "\"");
        }
        return new Address(host, Integer.parseInt(port));
    }

    /** The address for an IP literal (never a DNS lookup), or {@code null} for a host name or a bad literal. */
    private static InetAddress literal(String host) {
        boolean ip = IPV4.matcher(host).matches() || (host.contains(":") && IPV6.matcher(host).matches());
        if (!ip) {
            return null;
        }
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Where a listener binds, to find two listeners that cannot both bind. */
    private record Bound(String listener, String host, int port, InetAddress ip, String where) {

        boolean clashesWith(Bound other) {
            if (port == 0 || port != other.port) {
                return false; // port 0 is a fresh ephemeral port each time
            }
            if (ip == null && other.ip == null) {
                return host.equalsIgnoreCase(other.host);
            }
            return covers(this, other) || covers(other, this);
        }

        // A wildcard bind takes the port on every address of its family ("::" is dual-stack in Java).
        private static boolean covers(Bound a, Bound b) {
            if (a.ip == null) {
                return false;
            }
            if (a.ip.equals(b.ip)) {
                return true;
            }
            if (!a.ip.isAnyLocalAddress()) {
                return false;
            }
            return a.ip instanceof Inet6Address || !(b.ip instanceof Inet6Address);
        }
    }

    // ---------------------------------------------------------------- messages

    private static ConfigException unknownKey(String key, String where) {
        return new ConfigException("unknown key '" + key + "' " + where);
    }

    private static ConfigException invalid(String key, String where, String reason) {
        return new ConfigException("invalid value for '" + key + "' " + where + ": " + reason);
    }

    private static String describe(Setting s) {
        return s.text() ? "\"" + s.value() + "\"" : describe(s.value());
    }

    private static String describe(Object value) {
        if (value instanceof String s) {
            return "string \"" + s + "\"";
        }
        if (value instanceof Integer || value instanceof Long) {
            return "integer " + value;
        }
        if (value instanceof Double) {
            return "float " + value;
        }
        if (value instanceof Boolean) {
            return "boolean " + value;
        }
        if (value instanceof UnmodifiableConfig) {
            return "a table";
        }
        if (value instanceof List) {
            return "an array";
        }
        if (value instanceof Temporal) {
            return "date/time " + value;
        }
        return String.valueOf(value);
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
