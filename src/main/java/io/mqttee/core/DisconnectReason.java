package io.mqttee.core;

/**
 * Why a connection ended, as reported by the API ({@code disconnected_reason}). MQTT 5 maps the
 * server-initiated ones to DISCONNECT reason codes.
 */
public enum DisconnectReason {
    CLIENT_DISCONNECT("Disconnected by client"),
    CONNECTION_LOST("Connection lost"),
    KEEPALIVE_TIMEOUT("Keepalive timeout"),
    PROTOCOL_ERROR("Protocol error"),
    TAKEN_OVER("Session taken over"),
    KICKED("Kicked by administrator"),
    SERVER_SHUTDOWN("Server shutting down"),
    /** {@code slow_consumer_policy = "disconnect"}: the client did not keep up with its messages. */
    SLOW_CONSUMER("Slow consumer");

    private final String description;

    DisconnectReason(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
