package io.mqttee.management;

import io.mqttee.core.MessageProperties;
import io.mqttee.core.MessageProperties.UserProperty;
import io.mqttee.core.Topics;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import jakarta.ws.rs.BadRequestException;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON bodies of {@code POST /mqtt/publish}, {@code /mqtt/subscribe} and {@code /mqtt/unsubscribe},
 * read with JSON-P so that every problem (malformed JSON, a missing field, a field of the wrong type,
 * bad base64, a QoS out of range, an invalid topic) is a 400 naming the field, before anything changes.
 * Unknown fields are ignored, as RMQTT's parser ignores them.
 */
public final class MqttRequests {

    private MqttRequests() {
    }

    /**
     * A publish: to each topic, the payload with QoS, retain flag and MQTT 5 properties.
     *
     * @param properties its Message Expiry Interval is null when the request gave none
     */
    public record Publish(List<String> topics, String clientId, byte[] payload, int qos, boolean retain,
                          MessageProperties properties) {
    }

    /** A subscribe of an existing session to each filter (as written, possibly {@code $share/g/f}). */
    public record Subscribe(List<String> topics, String clientId, int qos) {
    }

    /** An unsubscribe of one filter. */
    public record Unsubscribe(String topic, String clientId) {
    }

    private static final Set<String> PROPERTY_NAMES = Set.of("payload_format_indicator", "message_expiry_interval",
            "content_type", "response_topic", "correlation_data", "user_properties");

    public static Publish publish(String body) {
        JsonObject o = object(body);
        List<String> topics = topics(o);
        for (String t : topics) {
            if (!Topics.isValidTopicName(t, 0)) {
                throw new BadRequestException("invalid topic: '" + t + "' is not a topic name (no wildcards)");
            }
        }
        String clientId = string(o, "clientid", "system");
        String encoding = string(o, "encoding", "plain");
        String text = string(o, "payload", null);
        if (text == null) {
            throw new BadRequestException("missing field: payload");
        }
        byte[] payload;
        switch (encoding.toLowerCase(java.util.Locale.ROOT)) {
            case "plain" -> payload = text.getBytes(StandardCharsets.UTF_8);
            case "base64" -> {
                try {
                    payload = Base64.getDecoder().decode(text);
                } catch (IllegalArgumentException e) {
                    throw new BadRequestException("invalid payload: not base64 (" + e.getMessage() + ")");
                }
            }
            default -> throw new BadRequestException("invalid encoding: expected plain or base64, got '"
                    + encoding + "'");
        }
        return new Publish(topics, clientId, payload, qos(o), bool(o, "retain", false), properties(o));
    }

    public static Subscribe subscribe(String body) {
        JsonObject o = object(body);
        List<String> topics = topics(o);
        String clientId = string(o, "clientid", null);
        if (clientId == null) {
            throw new BadRequestException("missing field: clientid");
        }
        return new Subscribe(topics, clientId, qos(o));
    }

    public static Unsubscribe unsubscribe(String body) {
        JsonObject o = object(body);
        String topic = string(o, "topic", null);
        if (topic == null || topic.isEmpty()) {
            throw new BadRequestException("missing field: topic");
        }
        String clientId = string(o, "clientid", null);
        if (clientId == null) {
            throw new BadRequestException("missing field: clientid");
        }
        return new Unsubscribe(topic, clientId);
    }

    // ---- fields ----

    private static JsonObject object(String body) {
        if (body == null || body.isBlank()) {
            throw new BadRequestException("malformed JSON body: the body is empty");
        }
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            JsonValue v = reader.readValue();
            if (v.getValueType() != JsonValue.ValueType.OBJECT) {
                throw new BadRequestException("malformed JSON body: expected an object, got " + v.getValueType());
            }
            return v.asJsonObject();
        } catch (JsonParsingException e) {
            throw new BadRequestException("malformed JSON body: " + e.getMessage());
        } catch (JsonException e) {
            throw new BadRequestException("malformed JSON body: " + e.getMessage());
        }
    }

    /** {@code topics} (comma-separated) then {@code topic}; at least one. */
    private static List<String> topics(JsonObject o) {
        List<String> topics = new ArrayList<>();
        String list = string(o, "topics", null);
        if (list != null) {
            for (String t : list.split(",")) {
                if (!t.trim().isEmpty()) {
                    topics.add(t.trim());
                }
            }
        }
        String one = string(o, "topic", null);
        if (one != null && !one.isEmpty()) {
            topics.add(one);
        }
        if (topics.isEmpty()) {
            throw new BadRequestException("missing field: topic or topics");
        }
        return topics;
    }

    private static int qos(JsonObject o) {
        JsonValue v = o.get("qos");
        if (v == null || v == JsonValue.NULL) {
            return 0;
        }
        if (!(v instanceof JsonNumber n) || !n.isIntegral() || n.longValue() < 0 || n.longValue() > 2) {
            throw new BadRequestException("invalid qos: expected 0, 1 or 2, got " + v);
        }
        return n.intValue();
    }

    private static String string(JsonObject o, String name, String dflt) {
        JsonValue v = o.get(name);
        if (v == null || v == JsonValue.NULL) {
            return dflt;
        }
        if (!(v instanceof JsonString s)) {
            throw new BadRequestException("invalid " + name + ": expected a string, got " + v);
        }
        return s.getString();
    }

    private static boolean bool(JsonObject o, String name, boolean dflt) {
        JsonValue v = o.get(name);
        if (v == null || v == JsonValue.NULL) {
            return dflt;
        }
        if (v == JsonValue.TRUE || v == JsonValue.FALSE) {
            return v == JsonValue.TRUE;
        }
        throw new BadRequestException("invalid " + name + ": expected true or false, got " + v);
    }

    private static long unsigned(JsonObject o, String name, long max) {
        JsonValue v = o.get(name);
        if (!(v instanceof JsonNumber n) || !n.isIntegral() || n.longValue() < 0 || n.longValue() > max) {
            throw new BadRequestException("invalid properties." + name + ": expected an integer from 0 to "
                    + max + ", got " + v);
        }
        return n.longValue();
    }

    /** MQTT 5 properties: the application-message properties a PUBLISH may carry. */
    private static MessageProperties properties(JsonObject o) {
        JsonValue v = o.get("properties");
        if (v == null || v == JsonValue.NULL) {
            return MessageProperties.NONE;
        }
        if (v.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new BadRequestException("invalid properties: expected an object, got " + v);
        }
        JsonObject p = v.asJsonObject();
        for (String name : p.keySet()) {
            if (!PROPERTY_NAMES.contains(name)) {
                throw new BadRequestException("invalid properties: unknown property '" + name + "' (known: "
                        + String.join(", ", PROPERTY_NAMES.stream().sorted().toList()) + ")");
            }
        }
        Integer format = p.containsKey("payload_format_indicator")
                ? (int) unsigned(p, "payload_format_indicator", 1) : null;
        Long expiry = p.containsKey("message_expiry_interval")
                ? unsigned(p, "message_expiry_interval", 0xFFFF_FFFFL) : null;
        String responseTopic = string(p, "response_topic", null);
        if (responseTopic != null && !Topics.isValidTopicName(responseTopic, 0)) {
            throw new BadRequestException("invalid properties.response_topic: '" + responseTopic
                    + "' is not a topic name"); // [MQTT-3.3.2-14]
        }
        String correlation = string(p, "correlation_data", null);
        return new MessageProperties(format, expiry, string(p, "content_type", null), responseTopic,
                correlation == null ? null : correlation.getBytes(StandardCharsets.UTF_8), userProperties(p));
    }

    /** {@code {"name":"value",...}} or {@code [["name","value"],...]} (names may repeat in the second form). */
    private static List<UserProperty> userProperties(JsonObject p) {
        JsonValue v = p.get("user_properties");
        if (v == null || v == JsonValue.NULL) {
            return List.of();
        }
        List<UserProperty> out = new ArrayList<>();
        String expected = "an object of strings or an array of [name, value] string pairs";
        if (v.getValueType() == JsonValue.ValueType.OBJECT) {
            for (Map.Entry<String, JsonValue> e : v.asJsonObject().entrySet()) {
                if (!(e.getValue() instanceof JsonString s)) {
                    throw new BadRequestException("invalid properties.user_properties: expected " + expected);
                }
                out.add(new UserProperty(e.getKey(), s.getString()));
            }
        } else if (v.getValueType() == JsonValue.ValueType.ARRAY) {
            for (JsonValue pair : v.asJsonArray()) {
                if (!(pair instanceof JsonArray a) || a.size() != 2 || !(a.get(0) instanceof JsonString n)
                        || !(a.get(1) instanceof JsonString s)) {
                    throw new BadRequestException("invalid properties.user_properties: expected " + expected);
                }
                out.add(new UserProperty(n.getString(), s.getString()));
            }
        } else {
            throw new BadRequestException("invalid properties.user_properties: expected " + expected);
        }
        return out;
    }
}
