package io.mqttee.core;

import java.util.List;

/**
 * The MQTT 5 properties of an application message that travel with it from publisher to
 * subscribers unchanged [MQTT-3.3.2-4 .. MQTT-3.3.2-20]. MQTT 3.x messages have {@link #NONE}.
 *
 * @param payloadFormatIndicator 1 when the payload is UTF-8 text, 0 or null otherwise
 * @param messageExpiryInterval  seconds the message may wait for delivery, or null for no expiry
 * @param contentType            MIME type of the payload, or null
 * @param responseTopic          topic for a response (request/response pattern), or null
 * @param correlationData        opaque correlation bytes, or null
 * @param userProperties         name/value pairs in order, possibly repeated names
 */
public record MessageProperties(
        Integer payloadFormatIndicator,
        Long messageExpiryInterval,
        String contentType,
        String responseTopic,
        byte[] correlationData,
        List<UserProperty> userProperties) {

    public static final MessageProperties NONE = new MessageProperties(null, null, null, null, null, List.of());

    public MessageProperties {
        userProperties = userProperties == null ? List.of() : List.copyOf(userProperties);
    }

    /** A user property: an ordered name/value pair; names may repeat. */
    public record UserProperty(String name, String value) {
    }
}
