package io.mqttee.core;

/**
 * What {@link Broker#connect} decided.
 *
 * @param session        the session now attached to the connection
 * @param sessionPresent the CONNACK Session Present flag [MQTT-3.2.2-2, MQTT-3.2.2-3]
 */
public record ConnectOutcome(Session session, boolean sessionPresent) {
}
