package io.mqttee.management;

import io.mqttee.core.MessageProperties;
import jakarta.ws.rs.BadRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MqttRequestsTest {

    @Test
    void publishWithDefaults() {
        MqttRequests.Publish p = MqttRequests.publish("{\"topic\":\"foo/1\",\"payload\":\"Hello World\"}");
        assertThat(p.topics()).containsExactly("foo/1");
        assertThat(p.clientId()).isEqualTo("system");
        assertThat(new String(p.payload(), StandardCharsets.UTF_8)).isEqualTo("Hello World");
        assertThat(p.qos()).isZero();
        assertThat(p.retain()).isFalse();
        assertThat(p.properties()).isEqualTo(MessageProperties.NONE);
    }

    @Test
    void publishToSeveralTopicsBase64WithProperties() {
        MqttRequests.Publish p = MqttRequests.publish("""
                {"topics":"a/1, a/2","topic":"a/3","payload":"SGVsbG8gV29ybGQ=","encoding":"base64",
                 "qos":1,"retain":true,"clientid":"example",
                 "properties":{"message_expiry_interval":60,"content_type":"text/plain","payload_format_indicator":1,
                   "response_topic":"r/1","correlation_data":"c","user_properties":{"k":"v"}}}""");
        assertThat(p.topics()).containsExactly("a/1", "a/2", "a/3");
        assertThat(new String(p.payload(), StandardCharsets.UTF_8)).isEqualTo("Hello World");
        assertThat(p.qos()).isEqualTo(1);
        assertThat(p.retain()).isTrue();
        assertThat(p.clientId()).isEqualTo("example");
        assertThat(p.properties().messageExpiryInterval()).isEqualTo(60L);
        assertThat(p.properties().contentType()).isEqualTo("text/plain");
        assertThat(p.properties().payloadFormatIndicator()).isEqualTo(1);
        assertThat(p.properties().responseTopic()).isEqualTo("r/1");
        assertThat(p.properties().userProperties()).containsExactly(new MessageProperties.UserProperty("k", "v"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{                                            | malformed JSON",
            "[1]                                          | expected an object",
            "''                                           | empty",
            "{\"payload\":\"x\"}                          | topic or topics",
            "{\"topic\":\"a\"}                            | payload",
            "{\"topic\":\"a/#\",\"payload\":\"x\"}        | invalid topic",
            "{\"topic\":\"a\",\"payload\":\"x\",\"qos\":3}  | qos",
            "{\"topic\":\"a\",\"payload\":\"x\",\"qos\":\"1\"} | qos",
            "{\"topic\":\"a\",\"payload\":\"x\",\"retain\":1} | retain",
            "{\"topic\":\"a\",\"payload\":\"%%\",\"encoding\":\"base64\"} | base64",
            "{\"topic\":\"a\",\"payload\":\"x\",\"encoding\":\"hex\"} | encoding",
            "{\"topic\":\"a\",\"payload\":\"x\",\"properties\":{\"foo\":1}} | foo",
            "{\"topic\":\"a\",\"payload\":\"x\",\"properties\":{\"message_expiry_interval\":-1}} | message_expiry_interval",
            "{\"topic\":1,\"payload\":\"x\"}              | topic"})
    void badPublishesNameTheProblem(String body, String named) {
        assertThatThrownBy(() -> MqttRequests.publish(body)).isInstanceOf(BadRequestException.class)
                .hasMessageContaining(named);
    }

    @Test
    void subscribeAndUnsubscribe() {
        MqttRequests.Subscribe s = MqttRequests.subscribe("{\"topics\":\"foo/a,foo/b\",\"qos\":1,\"clientid\":\"c\"}");
        assertThat(s.topics()).isEqualTo(List.of("foo/a", "foo/b"));
        assertThat(s.qos()).isEqualTo(1);
        assertThatThrownBy(() -> MqttRequests.subscribe("{\"topic\":\"a\"}")).hasMessageContaining("clientid");
        assertThat(MqttRequests.unsubscribe("{\"topic\":\"foo/a\",\"clientid\":\"c\"}"))
                .isEqualTo(new MqttRequests.Unsubscribe("foo/a", "c"));
        assertThatThrownBy(() -> MqttRequests.unsubscribe("{\"clientid\":\"c\"}")).hasMessageContaining("topic");
    }

    @Test
    void apiSubscriptionsMayBeShared() {
        assertThat(MqttResource.request("$share/g/a/+", 1).shareGroup()).isEqualTo("g");
        assertThat(MqttResource.request("$share/g/a/+", 1).filter()).isEqualTo("a/+");
        assertThat(MqttResource.request("a/#/b", 1)).isNull();
        assertThat(MqttResource.request("$share//a", 1)).isNull();
    }

    @Test
    void bearerTokens() {
        assertThat(BearerTokenFilter.matches("s3cret", "Bearer s3cret")).isTrue();
        assertThat(BearerTokenFilter.matches("s3cret", "bearer s3cret")).isTrue();
        assertThat(BearerTokenFilter.matches("s3cret", "Bearer s3cre")).isFalse();
        assertThat(BearerTokenFilter.matches("s3cret", "Basic s3cret")).isFalse();
        assertThat(BearerTokenFilter.matches("s3cret", null)).isFalse();
    }
}
