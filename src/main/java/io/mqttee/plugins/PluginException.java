package io.mqttee.plugins;

/** A plugin operation that was refused; {@link #kind()} says why. */
public final class PluginException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why an operation was refused. */
    public enum Kind {
        /** No plugin has that name. */
        NOT_FOUND,
        /** The plugin is immutable: it cannot be unloaded or reconfigured. */
        IMMUTABLE,
        /** Its configuration file is invalid. */
        INVALID_CONFIG
    }

    private final Kind kind;

    public PluginException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public PluginException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
