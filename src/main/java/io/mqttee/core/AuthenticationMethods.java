package io.mqttee.core;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The enhanced authentication methods plugins have registered, by name. A CONNECT naming a method
 * that is not here is refused with CONNACK 0x8C Bad Authentication Method [MQTT-4.12.0-1].
 */
public final class AuthenticationMethods {

    private final Map<String, AuthenticationMethod> byName = new ConcurrentHashMap<>();

    public void register(AuthenticationMethod method) {
        if (byName.putIfAbsent(method.name(), method) != null) {
            throw new IllegalStateException("authentication method already registered: " + method.name());
        }
    }

    public void unregister(String name) {
        byName.remove(name);
    }

    public Optional<AuthenticationMethod> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public List<String> names() {
        return List.copyOf(byName.keySet());
    }
}
