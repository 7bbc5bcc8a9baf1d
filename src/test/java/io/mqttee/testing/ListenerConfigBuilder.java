package io.mqttee.testing;

import io.mqttee.config.ListenerConfig;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds a {@link ListenerConfig} from the defaults (listener {@code external} on 127.0.0.1 port 0),
 * changing only the limits a test names. It goes through the record's components by name, so a
 * new configuration key does not break every test.
 */
public final class ListenerConfigBuilder {

    private final Map<String, Object> values = new LinkedHashMap<>();

    private ListenerConfigBuilder(ListenerConfig defaults) {
        try {
            for (RecordComponent c : ListenerConfig.class.getRecordComponents()) {
                values.put(c.getName(), c.getAccessor().invoke(defaults));
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        values.put("host", "127.0.0.1");
        values.put("port", 0);
    }

    public static ListenerConfigBuilder listener() {
        return new ListenerConfigBuilder(ListenerConfig.defaults("external"));
    }

    /** Sets any component by its record name. */
    public ListenerConfigBuilder set(String component, Object value) {
        if (!values.containsKey(component)) {
            throw new IllegalArgumentException("ListenerConfig has no component " + component);
        }
        values.put(component, value);
        return this;
    }

    public ListenerConfigBuilder maxConnections(int v) { return set("maxConnections", v); }
    public ListenerConfigBuilder maxPacketSize(int v) { return set("maxPacketSize", v); }
    public ListenerConfigBuilder maxInflight(int v) { return set("maxInflight", v); }
    public ListenerConfigBuilder maxMqueueLen(int v) { return set("maxMqueueLen", v); }
    public ListenerConfigBuilder maxClientIdLen(int v) { return set("maxClientIdLen", v); }
    public ListenerConfigBuilder handshakeTimeout(Duration v) { return set("handshakeTimeout", v); }
    public ListenerConfigBuilder allowAnonymous(boolean v) { return set("allowAnonymous", v); }
    public ListenerConfigBuilder allowZeroKeepalive(boolean v) { return set("allowZeroKeepalive", v); }
    public ListenerConfigBuilder minKeepalive(int v) { return set("minKeepalive", v); }
    public ListenerConfigBuilder maxKeepalive(int v) { return set("maxKeepalive", v); }
    public ListenerConfigBuilder keepaliveBackoff(double v) { return set("keepaliveBackoff", v); }
    public ListenerConfigBuilder sessionExpiryInterval(Duration v) { return set("sessionExpiryInterval", v); }
    public ListenerConfigBuilder messageRetryInterval(Duration v) { return set("messageRetryInterval", v); }
    public ListenerConfigBuilder messageExpiryInterval(Duration v) { return set("messageExpiryInterval", v); }
    public ListenerConfigBuilder maxQosAllowed(int v) { return set("maxQosAllowed", v); }
    public ListenerConfigBuilder maxTopicLevels(int v) { return set("maxTopicLevels", v); }
    public ListenerConfigBuilder maxSubscriptions(int v) { return set("maxSubscriptions", v); }

    public ListenerConfig build() {
        try {
            Class<?>[] types = Arrays.stream(ListenerConfig.class.getRecordComponents())
                    .map(RecordComponent::getType).toArray(Class<?>[]::new);
            Constructor<ListenerConfig> canonical = ListenerConfig.class.getDeclaredConstructor(types);
            return canonical.newInstance(values.values().toArray());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build ListenerConfig: " + e, e);
        }
    }
}
