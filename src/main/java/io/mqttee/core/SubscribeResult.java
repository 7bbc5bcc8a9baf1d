package io.mqttee.core;

import java.util.List;

/**
 * What {@link Broker#subscribe} decided.
 *
 * @param codes       one SUBACK code per request, in order: the granted QoS or a failure code
 * @param retainedFor the subscriptions that must now receive matching retained messages (Retain
 *                    Handling 0, or 1 for a new subscription [MQTT-3.3.1-9 .. MQTT-3.3.1-11 in 5.0])
 */
public record SubscribeResult(List<Integer> codes, List<Subscription> retainedFor) {
}
