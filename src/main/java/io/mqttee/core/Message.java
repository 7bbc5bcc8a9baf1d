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
 * @param properties      MQTT 5 properties that travel with it ({@link MessageProperties#NONE} for 3.x)
 */
public record Message(String topic, byte[] payload, int qos, boolean retain, String publisherId, long createdAtMillis,
                      MessageProperties properties) {

    public Message {
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2: " + qos);
        }
        if (properties == null) {
            properties = MessageProperties.NONE;
        }
    }

    /** A message without MQTT 5 properties. */
    public Message(String topic, byte[] payload, int qos, boolean retain, String publisherId, long createdAtMillis) {
        this(topic, payload, qos, retain, publisherId, createdAtMillis, MessageProperties.NONE);
    }

    /** The same message with another QoS: what a subscriber granted a lower maximum receives. */
    public Message withQos(int newQos) {
        return newQos == qos ? this
                : new Message(topic, payload, newQos, retain, publisherId, createdAtMillis, properties);
    }

    /** When the message expires (Message Expiry Interval), or {@code Long.MAX_VALUE} for never. */
    public long expiresAtMillis() {
        Long interval = properties.messageExpiryInterval();
        return interval == null ? Long.MAX_VALUE : createdAtMillis + interval * 1000L;
    }
}
