package io.mqttee.management;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbProperty;

import java.util.List;
import java.util.Map;

/**
 * One retained message in {@code GET /api/v1/retains}, as RMQTT's:
 * {@code {"topic","msg_id","from":{..},"publish":{..},"remaining_ttl"}}. {@code msg_id} is null (the
 * broker does not number messages); {@code remaining_ttl} (seconds) is left out when the message
 * never expires.
 */
// RMQTT's answers carry these keys with null values. Each such key says so twice: @JsonbNillable
// (JSON-B 3.0; Yasson) and @JsonbProperty(nillable = true), because Johnzon (TomEE 9, JSON-B 2.0)
// takes a property's nillability from its @JsonbProperty alone when it has one, ignoring
// @JsonbNillable on the property and on the type.
@SuppressWarnings("deprecation") // JsonbProperty.nillable, the one form every JSON-B version reads
public record RetainDto(
        @JsonbProperty("topic") String topic,
        @JsonbNillable @JsonbProperty(value = "msg_id", nillable = true) Long msgId,
        @JsonbProperty("from") From from,
        @JsonbProperty("publish") Publish publish,
        @JsonbProperty("remaining_ttl") Long remainingTtl) {

    /** Who published it. */
    public record From(@JsonbProperty("node_id") int nodeId, @JsonbProperty("clientid") String clientId) {
    }

    /**
     * The message.
     *
     * @param payload    base64
     * @param createTime when it was published, epoch milliseconds
     * @param properties its MQTT 5 properties by RMQTT's names, only those present
     */
    public record Publish(@JsonbProperty("topic") String topic, @JsonbProperty("qos") int qos,
                          @JsonbProperty("retain") boolean retain, @JsonbProperty("dup") boolean dup,
                          @JsonbProperty("payload") String payload, @JsonbProperty("create_time") long createTime,
                          @JsonbProperty("properties") Map<String, Object> properties) {
    }

    /** A page of retained messages: {@code {"items":[..],"has_more":false}}. */
    public record Page(@JsonbProperty("items") List<RetainDto> items, @JsonbProperty("has_more") boolean hasMore) {
    }
}
