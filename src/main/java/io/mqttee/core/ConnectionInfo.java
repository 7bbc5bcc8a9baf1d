package io.mqttee.core;

/**
 * Facts about a session's current (or last) connection, for the management API.
 *
 * @param remoteIp         the client's IP address
 * @param remotePort       the client's TCP port
 * @param username         the user name, or null
 * @param protocolVersion  3, 4 or 5
 * @param keepalive        keepalive in seconds
 * @param connectedAtMillis when the CONNECT was accepted
 * @param cleanSession     the Clean Session / Clean Start flag of that CONNECT
 * @param sessionPresent   the Session Present flag the CONNACK carried
 */
public record ConnectionInfo(
        String remoteIp,
        int remotePort,
        String username,
        int protocolVersion,
        int keepalive,
        long connectedAtMillis,
        boolean cleanSession,
        boolean sessionPresent) {
}
