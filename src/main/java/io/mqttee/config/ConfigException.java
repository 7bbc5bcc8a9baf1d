package io.mqttee.config;

/**
 * The broker configuration cannot be used. The message names the offending dotted key (e.g.
 * {@code listener.tcp.external.max_inflight}) and where the value came from (the file, a system
 * property or an environment variable), so an operator can fix it without reading code.
 */
public class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
