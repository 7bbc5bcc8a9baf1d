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
public record RetainDto(
        @JsonbProperty("topic") String topic,
        @JsonbNillable @JsonbProperty("msg_id") Long msgId,
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
