package io.mqttee.it;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** An HTTP client of the deployed management API, with JSON shape checks against the reference tables. */
final class Api {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final URI root;
    private volatile String token;

    Api(URL base) {
        this.root = URI.create(base.toExternalForm()).resolve("api/v1");
    }

    /** Sends {@code Authorization: Bearer <token>} from now on (null: none). */
    void token(String token) {
        this.token = token;
    }

    record Reply(int status, String contentType, String text, Map<String, java.util.List<String>> headers) {

        JsonValue json() {
            assertThat(contentType).as("content type of %s", text).startsWith("application/json");
            try (JsonReader r = Json.createReader(new StringReader(text))) {
                return r.readValue();
            }
        }

        JsonObject object() {
            return json().asJsonObject();
        }

        JsonArray array() {
            return json().asJsonArray();
        }

        /** Asserts the status; on mismatch the body is in the message. */
        Reply expect(int expected) {
            assertThat(status).as("status of a reply with body %s", text).isEqualTo(expected);
            return this;
        }

        /** A 4xx/5xx with the JSON error body {@code {"code":..,"message":..}} mentioning {@code named}. */
        void expectError(int expected, String named) {
            expect(expected);
            JsonObject e = object();
            assertThat(e.getInt("code")).isEqualTo(expected);
            assertThat(e.getString("message")).contains(named);
        }
    }

    Reply get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    Reply delete(String path) throws IOException, InterruptedException {
        return send("DELETE", path, null);
    }

    Reply put(String path) throws IOException, InterruptedException {
        return send("PUT", path, "");
    }

    Reply post(String path, String json) throws IOException, InterruptedException {
        return send("POST", path, json);
    }

    Reply send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(root + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(),
                r.headers().map());
    }

    /** Asserts that {@code o} has exactly these fields with these JSON types. */
    static void assertShape(JsonObject o, Map<String, JsonValue.ValueType> fields) {
        assertThat(o.keySet()).as("fields of %s", o).containsExactlyInAnyOrderElementsOf(fields.keySet());
        fields.forEach((name, type) -> {
            JsonValue.ValueType actual = o.get(name).getValueType();
            if (type == JsonValue.ValueType.TRUE || type == JsonValue.ValueType.FALSE) {
                assertThat(actual).as("type of %s in %s", name, o)
                        .isIn(JsonValue.ValueType.TRUE, JsonValue.ValueType.FALSE);
            } else {
                assertThat(actual).as("type of %s in %s", name, o).isEqualTo(type);
            }
        });
    }

    /** Whether {@code v} is a JSON integer (not a fraction). */
    static boolean isInteger(JsonValue v) {
        return v.getValueType() == JsonValue.ValueType.NUMBER && ((jakarta.json.JsonNumber) v).isIntegral();
    }

    /** Waits (at most 20 s, polling) until {@code condition} holds: for effects of a disconnect. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() < deadline).as("within 20 s: " + what).isTrue();
            Thread.sleep(20);
        }
    }
}
