package io.mqttee.management;

import io.mqttee.core.Message;
import io.mqttee.core.MessageProperties;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Maps a retained {@link Message} to its {@link RetainDto}. */
public final class RetainAssembler {

    private RetainAssembler() {
    }

    public static RetainDto toDto(Message m, int nodeId, long nowMillis) {
        long expiresAt = m.expiresAtMillis();
        Long ttl = expiresAt == Long.MAX_VALUE ? null : Math.max(0, (expiresAt - nowMillis + 999) / 1000);
        return new RetainDto(m.topic(), null, new RetainDto.From(nodeId, m.publisherId()),
                new RetainDto.Publish(m.topic(), m.qos(), true, false,
                        Base64.getEncoder().encodeToString(m.payload()), m.createdAtMillis(),
                        properties(m.properties())),
                ttl);
    }

    static Map<String, Object> properties(MessageProperties p) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (p.payloadFormatIndicator() != null) {
            out.put("payload_format_indicator", p.payloadFormatIndicator());
        }
        if (p.messageExpiryInterval() != null) {
            out.put("message_expiry_interval", p.messageExpiryInterval());
        }
        if (p.contentType() != null) {
            out.put("content_type", p.contentType());
        }
        if (p.responseTopic() != null) {
            out.put("response_topic", p.responseTopic());
        }
        if (p.correlationData() != null) {
            out.put("correlation_data", new String(p.correlationData(), StandardCharsets.UTF_8));
        }
        if (!p.userProperties().isEmpty()) {
            out.put("user_properties", p.userProperties().stream().map(u -> List.of(u.name(), u.value())).toList());
        }
        return out;
    }
}
