package io.mqttee.protocol;

import io.mqttee.core.MessageProperties;
import io.mqttee.core.MessageProperties.UserProperty;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.BinaryProperty;
import io.netty.handler.codec.mqtt.MqttProperties.IntegerProperty;
import io.netty.handler.codec.mqtt.MqttProperties.MqttProperty;
import io.netty.handler.codec.mqtt.MqttProperties.StringPair;
import io.netty.handler.codec.mqtt.MqttProperties.StringProperty;
import io.netty.handler.codec.mqtt.MqttProperties.UserProperties;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates between Netty's {@link MqttProperties} and the core's {@link MessageProperties}, and
 * computes the encoded size of an outbound PUBLISH so that a client's Maximum Packet Size is never
 * exceeded [MQTT-3.1.2-24].
 */
final class MessagePropertiesCodec {

    private MessagePropertiesCodec() {
    }

    /** Reads the application-message properties of a PUBLISH or a will. */
    static MessageProperties read(MqttProperties p, int messageExpiryPropertyId) {
        if (p == null || p.isEmpty()) {
            return MessageProperties.NONE;
        }
        Integer format = intValue(p, MqttProperties.PAYLOAD_FORMAT_INDICATOR);
        Integer expiry = intValue(p, messageExpiryPropertyId);
        return new MessageProperties(
                format,
                expiry == null ? null : Integer.toUnsignedLong(expiry),
                stringValue(p, MqttProperties.CONTENT_TYPE),
                stringValue(p, MqttProperties.RESPONSE_TOPIC),
                binaryValue(p, MqttProperties.CORRELATION_DATA),
                userProperties(p));
    }

    static Integer intValue(MqttProperties p, int id) {
        MqttProperty<?> prop = p.getProperty(id);
        return prop instanceof IntegerProperty i ? i.value() : null;
    }

    static String stringValue(MqttProperties p, int id) {
        MqttProperty<?> prop = p.getProperty(id);
        return prop instanceof StringProperty s ? s.value() : null;
    }

    static byte[] binaryValue(MqttProperties p, int id) {
        MqttProperty<?> prop = p.getProperty(id);
        return prop instanceof BinaryProperty b ? b.value() : null;
    }

    static List<UserProperty> userProperties(MqttProperties p) {
        List<? extends MqttProperty> all = p.getProperties(MqttProperties.USER_PROPERTY);
        if (all.isEmpty()) {
            return List.of();
        }
        List<UserProperty> out = new ArrayList<>();
        for (MqttProperty<?> prop : all) {
            if (prop instanceof UserProperties ups) {
                for (StringPair pair : ups.value()) {
                    out.add(new UserProperty(pair.key, pair.value));
                }
            } else if (prop instanceof MqttProperties.UserProperty up) {
                out.add(new UserProperty(up.value().key, up.value().value));
            }
        }
        return out;
    }

    /**
     * The properties of an outbound PUBLISH: the message's own, the remaining expiry interval
     * [MQTT-3.3.2-6], the subscription identifiers [MQTT-3.3.4-3] and a topic alias (0 for none).
     */
    static MqttProperties write(MessageProperties m, Long remainingExpirySeconds, int[] subscriptionIds, int topicAlias) {
        MqttProperties p = new MqttProperties();
        if (m.payloadFormatIndicator() != null) {
            p.add(new IntegerProperty(MqttProperties.PAYLOAD_FORMAT_INDICATOR, m.payloadFormatIndicator()));
        }
        if (remainingExpirySeconds != null) {
            p.add(new IntegerProperty(MqttProperties.PUBLICATION_EXPIRY_INTERVAL, remainingExpirySeconds.intValue()));
        }
        if (m.contentType() != null) {
            p.add(new StringProperty(MqttProperties.CONTENT_TYPE, m.contentType()));
        }
        if (m.responseTopic() != null) {
            p.add(new StringProperty(MqttProperties.RESPONSE_TOPIC, m.responseTopic()));
        }
        if (m.correlationData() != null) {
            p.add(new BinaryProperty(MqttProperties.CORRELATION_DATA, m.correlationData()));
        }
        for (UserProperty u : m.userProperties()) {
            p.add(new MqttProperties.UserProperty(u.name(), u.value()));
        }
        for (int id : subscriptionIds) {
            p.add(new IntegerProperty(MqttProperties.SUBSCRIPTION_IDENTIFIER, id));
        }
        if (topicAlias > 0) {
            p.add(new IntegerProperty(MqttProperties.TOPIC_ALIAS, topicAlias));
        }
        return p;
    }

    /** Encoded size in bytes of a PUBLISH with these parts (MQTT 5 layout when {@code v5}). */
    static long publishSize(String topic, int qos, MqttProperties props, int payloadLength, boolean v5) {
        long remaining = 2L + utf8Length(topic) + (qos > 0 ? 2 : 0) + payloadLength;
        if (v5) {
            long propsLength = propertiesLength(props);
            remaining += variableByteIntegerSize(propsLength) + propsLength;
        }
        return 1 + variableByteIntegerSize(remaining) + remaining;
    }

    private static long propertiesLength(MqttProperties props) {
        long n = 0;
        for (MqttProperty<?> prop : props.listAll()) {
            if (prop instanceof UserProperties ups) {
                for (StringPair pair : ups.value()) {
                    n += 1 + 2 + utf8Length(pair.key) + 2 + utf8Length(pair.value);
                }
                continue;
            }
            n += 1; // identifier
            switch (prop.propertyId()) {
                case MqttProperties.PAYLOAD_FORMAT_INDICATOR -> n += 1;
                case MqttProperties.TOPIC_ALIAS -> n += 2;
                case MqttProperties.PUBLICATION_EXPIRY_INTERVAL -> n += 4;
                case MqttProperties.SUBSCRIPTION_IDENTIFIER -> n += variableByteIntegerSize((Integer) prop.value());
                case MqttProperties.CORRELATION_DATA -> n += 2 + ((byte[]) prop.value()).length;
                case MqttProperties.USER_PROPERTY -> {
                    StringPair pair = (StringPair) prop.value();
                    n += 2 + utf8Length(pair.key) + 2 + utf8Length(pair.value);
                }
                default -> n += 2 + utf8Length(String.valueOf(prop.value()));
            }
        }
        return n;
    }

    static int variableByteIntegerSize(long value) {
        int size = 1;
        while (value >= 128) {
            value >>= 7;
            size++;
        }
        return size;
    }

    static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
