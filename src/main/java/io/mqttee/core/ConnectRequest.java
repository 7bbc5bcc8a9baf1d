package io.mqttee.core;

import io.mqttee.config.ListenerConfig;

/**
 * A validated CONNECT as the core needs it.
 *
 * @param clientId              the client identifier (assigned by the server when the client sent none)
 * @param cleanSession          Clean Session (3.x) / Clean Start (5): discard any existing session
 * @param protocolVersion       3 (MQTT 3.1), 4 (3.1.1) or 5
 * @param keepalive             keepalive in seconds as in effect
 * @param username              the user name, or null
 * @param will                  the will message, or null
 * @param listener              the listener the client connected through: its limits apply to the session
 * @param remoteIp              the client's IP address
 * @param remotePort            the client's TCP port
 * @param sessionExpirySeconds  how long the session outlives the connection; 0 ends it with the connection
 * @param receiveMaximum        the client's Receive Maximum (65535 for 3.x)
 * @param willDelaySeconds      MQTT 5 Will Delay Interval (0 for 3.x)
 */
public record ConnectRequest(
        String clientId,
        boolean cleanSession,
        int protocolVersion,
        int keepalive,
        String username,
        Message will,
        ListenerConfig listener,
        String remoteIp,
        int remotePort,
        long sessionExpirySeconds,
        int receiveMaximum,
        long willDelaySeconds) {

    /**
     * An MQTT 3.x CONNECT: a clean session ends with the connection [MQTT-3.1.2-6], a persistent one
     * lasts the listener's {@code session_expiry_interval}.
     */
    public ConnectRequest(String clientId, boolean cleanSession, int protocolVersion, int keepalive, String username,
                          Message will, ListenerConfig listener, String remoteIp, int remotePort) {
        this(clientId, cleanSession, protocolVersion, keepalive, username, will, listener, remoteIp, remotePort,
                cleanSession ? 0 : listener.sessionExpiryInterval().toSeconds(), 65535, 0);
    }
}
