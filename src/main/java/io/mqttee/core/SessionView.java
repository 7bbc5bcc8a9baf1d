package io.mqttee.core;

/**
 * A consistent snapshot of one session for queries and the management API, taken under the
 * session's lock by {@link Session#view()}. Times are epoch milliseconds; 0 when not applicable.
 *
 * @param clientId            client identifier
 * @param username            user name of the current or last connection, or null
 * @param protocolVersion     3, 4 or 5
 * @param ipAddress           client IP of the current or last connection
 * @param port                client TCP port of the current or last connection
 * @param connected           whether a connection is attached
 * @param connectedAtMillis   when the current or last connection was accepted
 * @param disconnectedAtMillis when the last connection ended (0 while connected)
 * @param disconnectedReason  why the last connection ended, or null while connected
 * @param keepalive           keepalive in seconds
 * @param cleanStart          Clean Session / Clean Start of the current or last CONNECT
 * @param sessionPresent      whether that CONNECT resumed an existing session
 * @param expiryIntervalSeconds session expiry interval
 * @param createdAtMillis     when the session was created
 * @param subscriptions       number of subscriptions
 * @param maxSubscriptions    {@code max_subscriptions} (0: no limit)
 * @param inflight            unacknowledged outbound QoS 1/2 messages
 * @param maxInflight         the outbound window
 * @param mqueueLen           queued outbound messages
 * @param maxMqueue           {@code max_mqueue_len}
 */
public record SessionView(
        String clientId,
        String username,
        int protocolVersion,
        String ipAddress,
        int port,
        boolean connected,
        long connectedAtMillis,
        long disconnectedAtMillis,
        DisconnectReason disconnectedReason,
        int keepalive,
        boolean cleanStart,
        boolean sessionPresent,
        long expiryIntervalSeconds,
        long createdAtMillis,
        int subscriptions,
        int maxSubscriptions,
        int inflight,
        int maxInflight,
        int mqueueLen,
        int maxMqueue) {
}
