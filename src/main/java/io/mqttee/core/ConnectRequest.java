package io.mqttee.core;

import io.mqttee.config.ListenerConfig;

/**
 * A validated CONNECT as the core needs it.
 *
 * @param clientId        the client identifier (assigned by the server when the client sent none)
 * @param cleanSession    Clean Session (3.x) / Clean Start (5)
 * @param protocolVersion 3 (MQTT 3.1), 4 (3.1.1) or 5
 * @param keepalive       keepalive in seconds as in effect
 * @param username        the user name, or null
 * @param will            the will message, or null
 * @param listener        the listener the client connected through: its limits apply to the session
 * @param remoteIp        the client's IP address
 * @param remotePort      the client's TCP port
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
        int remotePort) {
}
