package io.mqttee.core;

/**
 * What {@link Broker#connect} decided.
 *
 * @param session        the session now attached to the connection, or null when refused
 * @param sessionPresent the CONNACK Session Present flag [MQTT-3.2.2-2, MQTT-3.2.2-3]
 */
public record ConnectOutcome(Session session, boolean sessionPresent) {

    /** Refused: {@code mqtt.max_sessions} sessions exist already. */
    public static final ConnectOutcome REFUSED_SESSION_LIMIT = new ConnectOutcome(null, false);

    public boolean isRefused() {
        return session == null;
    }
}
