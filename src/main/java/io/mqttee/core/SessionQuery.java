package io.mqttee.core;

import java.util.Locale;

/**
 * Filters over sessions, as RMQTT's {@code GET /clients} takes them. Every field is optional
 * (null: no condition); all given conditions must hold. Times are epoch milliseconds.
 *
 * @param clientId       exact client identifier (answered by one lookup, not a scan)
 * @param username       exact user name
 * @param ipAddress      exact client IP address
 * @param connected      connection state
 * @param cleanStart     Clean Session / Clean Start flag
 * @param sessionPresent Session Present flag of the last CONNACK
 * @param protocolVersion 3, 4 or 5
 * @param likeClientId   substring of the client identifier
 * @param likeUsername   substring of the user name
 * @param createdFrom    session created at or after
 * @param createdTo      session created at or before
 * @param connectedFrom  connected at or after
 * @param connectedTo    connected at or before
 * @param mqueueLenFrom  queue length at least
 * @param mqueueLenTo    queue length at most
 */
public record SessionQuery(
        String clientId,
        String username,
        String ipAddress,
        Boolean connected,
        Boolean cleanStart,
        Boolean sessionPresent,
        Integer protocolVersion,
        String likeClientId,
        String likeUsername,
        Long createdFrom,
        Long createdTo,
        Long connectedFrom,
        Long connectedTo,
        Integer mqueueLenFrom,
        Integer mqueueLenTo) {

    /** No conditions: every session. */
    public static final SessionQuery ALL = new SessionQuery(null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null);

    /** The same conditions, restricted to disconnected sessions. */
    public SessionQuery offlineOnly() {
        return new SessionQuery(clientId, username, ipAddress, Boolean.FALSE, cleanStart, sessionPresent,
                protocolVersion, likeClientId, likeUsername, createdFrom, createdTo, connectedFrom, connectedTo,
                mqueueLenFrom, mqueueLenTo);
    }

    public boolean matches(SessionView v) {
        return (clientId == null || clientId.equals(v.clientId()))
                && (username == null || username.equals(v.username()))
                && (ipAddress == null || ipAddress.equals(v.ipAddress()))
                && (connected == null || connected == v.connected())
                && (cleanStart == null || cleanStart == v.cleanStart())
                && (sessionPresent == null || sessionPresent == v.sessionPresent())
                && (protocolVersion == null || protocolVersion == v.protocolVersion())
                && (likeClientId == null || contains(v.clientId(), likeClientId))
                && (likeUsername == null || v.username() != null && contains(v.username(), likeUsername))
                && (createdFrom == null || v.createdAtMillis() >= createdFrom)
                && (createdTo == null || v.createdAtMillis() <= createdTo)
                && (connectedFrom == null || v.connectedAtMillis() >= connectedFrom)
                && (connectedTo == null || v.connectedAtMillis() <= connectedTo)
                && (mqueueLenFrom == null || v.mqueueLen() >= mqueueLenFrom)
                && (mqueueLenTo == null || v.mqueueLen() <= mqueueLenTo);
    }

    private static boolean contains(String value, String part) {
        return value.toLowerCase(Locale.ROOT).contains(part.toLowerCase(Locale.ROOT));
    }
}
