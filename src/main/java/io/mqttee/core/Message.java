package io.mqttee.core;

/**
 * An application message as the core routes it: what a client (or the management API) published.
 * The payload array is never modified after construction; it is shared by every delivery.
 *
 * @param topic           the topic name it was published to (never a filter)
 * @param payload         the payload bytes, possibly empty
 * @param qos             the QoS it was published with (0, 1 or 2)
 * @param retain          whether it was published with the RETAIN flag
 * @param publisherId     client identifier of the publisher ({@code system} for the API)
 * @param createdAtMillis when the broker accepted it, from the broker's clock
 */
public record Message(String topic, byte[] payload, int qos, boolean retain, String publisherId, long createdAtMillis) {

    public Message {
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2: " + qos);
        }
    }

    /** The same message with another QoS: what a subscriber granted a lower maximum receives. */
    public Message withQos(int newQos) {
        return newQos == qos ? this : new Message(topic, payload, newQos, retain, publisherId, createdAtMillis);
    }
}
