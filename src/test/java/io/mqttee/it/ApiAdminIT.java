package io.mqttee.it;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.mqttee.it.Api.assertShape;
import static io.mqttee.it.ApiClientsIT.fields;
import static jakarta.json.JsonValue.ValueType.ARRAY;
import static jakarta.json.JsonValue.ValueType.NULL;
import static jakarta.json.JsonValue.ValueType.NUMBER;
import static jakarta.json.JsonValue.ValueType.OBJECT;
import static jakarta.json.JsonValue.ValueType.STRING;
import static jakarta.json.JsonValue.ValueType.TRUE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node-level part of the management API against the deployed WAR (the Tomcat-ready one in
 * embedded Tomcat, the thin one in WildFly and TomEE: the same tests in every container): the endpoint
 * list, /nodes, /health/check, /stats, /metrics (counted for real by MQTT traffic), the Prometheus
 * exposition, /plugins (load, unload, config reload) and the bearer token.
 */
@ExtendWith({FreePorts.class, PluginsDir.class, ArquillianExtension.class})
class ApiAdminIT {

    static final List<String> STATS_KEYS = List.of("connections", "sessions", "topics", "subscriptions",
            "subscriptions_shared", "routes", "retained");
    static final List<String> METRICS_KEYS = List.of("client.auth.anonymous", "client.authenticate",
            "client.connack", "client.connect", "client.connected", "client.disconnected", "client.publish.check.acl",
            "client.subscribe.check.acl", "client.subscribe", "client.unsubscribe", "messages.publish",
            "messages.delivered", "messages.acked", "messages.dropped", "session.created", "session.resumed",
            "session.subscribed", "session.unsubscribed", "session.terminated",
            // beyond RMQTT's reference, like the keys newer RMQTT versions added
            "client.protocol_error", "client.slow_consumer", "client.max_connections_refused");

    @ArquillianResource
    private URL base;

    private Api api;

    @Deployment(testable = false)
    static WebArchive war() {
        return DeploymentIT.packagedWar("mqttee.war");
    }

    @BeforeEach
    void client() {
        api = new Api(base);
    }

    // ------------------------------------------------------------ GET /api/v1

    /**
     * {@code GET /api/v1} lists exactly the API's endpoints, as RMQTT lists them (method, path, name;
     * paths whose last parameters are optional are listed once, with them), and each listed
     * endpoint exists: with its method, and its parameters filled in, it is never an unknown path
     * nor a wrong method. Every endpoint that exists is listed: the list is generated from the
     * resource classes the application serves (pinned by {@code EndpointCatalogTest}), and the
     * shorter forms of the merged entries are served too.
     */
    @Test
    void theEndpointListNamesExactlyTheEndpointsThatExist() throws Exception {
        JsonArray list = api.get("").expect(200).array();
        assertThat(api.get("/").expect(200).array()).isEqualTo(list);
        for (JsonValue v : list) {
            JsonObject e = v.asJsonObject();
            assertShape(e, fields("name", STRING, "method", STRING, "path", STRING, "descr", STRING));
            assertThat(e.getString("descr")).as("descr of %s", e.getString("name")).isNotBlank();
        }
        assertThat(list).extracting(v -> v.asJsonObject().getString("method") + " " + v.asJsonObject().getString("path")
                + " " + v.asJsonObject().getString("name")).containsExactly(
                "GET /brokers/{node} get_brokers",
                "GET /nodes/{node} get_nodes",
                "GET /health/check/{node} check_health",
                "GET /clients search_clients",
                "DELETE /clients/offlines remove_offlines",
                "GET /clients/offlines search_offlines",
                "DELETE /clients/{clientid} kick_client",
                "GET /clients/{clientid} get_client",
                "GET /clients/{clientid}/online check_online",
                "GET /subscriptions query_subscriptions",
                "GET /subscriptions/{clientid} get_client_subscriptions",
                "GET /routes get_routes",
                "GET /routes/{topic} get_route",
                "POST /mqtt/publish publish",
                "POST /mqtt/subscribe subscribe",
                "POST /mqtt/unsubscribe unsubscribe",
                "GET /plugins all_plugins",
                "GET /plugins/{node} node_plugins",
                "GET /plugins/{node}/{plugin} node_plugin_info",
                "GET /plugins/{node}/{plugin}/config node_plugin_config",
                "PUT /plugins/{node}/{plugin}/config/reload node_plugin_config_reload",
                "PUT /plugins/{node}/{plugin}/load node_plugin_load",
                "PUT /plugins/{node}/{plugin}/unload node_plugin_unload",
                "GET /stats/{node} get_stats",
                "GET /stats/sum get_stats_sum",
                "GET /metrics/{node} get_metrics",
                "GET /metrics/sum get_metrics_sum",
                "GET /metrics/prometheus/{node} get_prometheus_metrics",
                "GET /metrics/prometheus/sum get_prometheus_metrics_sum",
                "DELETE /retains delete_retain",
                "GET /retains get_retains");

        for (JsonValue v : list) {
            JsonObject e = v.asJsonObject();
            String method = e.getString("method");
            String path = e.getString("path").replace("{node}", "1").replace("{clientid}", "nobody-here")
                    .replace("{topic}", "x").replace("{plugin}", "no-such-plugin");
            Api.Reply r = api.send(method, path, method.equals("POST") ? "{}" : null);
            assertThat(r.status()).as("%s %s", method, path).isNotIn(405, 415);
            if (r.status() == 404) {
                // the resource answered (no such client or plugin), not the container
                assertThat(r.object().getString("message")).as("%s %s", method, path).doesNotStartWith("HTTP 404");
            }
        }
        // the entries listed with optional trailing parameters are served without them too
        for (String path : List.of("/brokers", "/nodes", "/health/check", "/stats", "/metrics", "/metrics/prometheus")) {
            api.get(path).expect(200);
        }
        // and what is not listed does not exist
        api.get("/no-such-endpoint").expectError(404, "");
        assertThat(api.send("POST", "/clients", "{}").status()).as("POST /clients").isEqualTo(405);
        assertThat(api.send("DELETE", "/routes", null).status()).as("DELETE /routes").isEqualTo(405);
    }

    // ------------------------------------------------------------ /nodes and /health/check

    @Test
    void nodesReportTheMachine() throws Exception {
        try (MqttClients mqtt = new MqttClients()) {
            mqtt.v3("node-1", true, null, 60);
            JsonArray all = api.get("/nodes").expect(200).array();
            assertThat(all).hasSize(1);
            JsonObject n = api.get("/nodes/1").expect(200).object();
            for (JsonObject o : List.of(all.getJsonObject(0), n)) {
                assertShape(o, fields("boottime", STRING, "connections", NUMBER, "disk_free", NUMBER,
                        "disk_total", NUMBER, "load1", NUMBER, "load5", NUMBER, "load15", NUMBER,
                        "memory_free", NUMBER, "memory_total", NUMBER, "memory_used", NUMBER, "node_id", NUMBER,
                        "node_name", STRING, "node_status", STRING, "uptime", STRING, "version", STRING));
                assertThat(o.getInt("node_id")).isEqualTo(1);
                assertThat(o.getString("node_name")).isEqualTo("1@127.0.0.1");
                assertThat(o.getString("node_status")).isEqualTo("Running");
                assertThat(o.getString("uptime")).matches("\\d+ days \\d+ hours, \\d+ minutes, \\d+ seconds");
                assertThat(o.getString("version")).startsWith("mqttee/");
                assertThat(o.getJsonNumber("connections").longValue()).isGreaterThanOrEqualTo(1);
                long total = o.getJsonNumber("memory_total").longValue();
                assertThat(total).isPositive();
                assertThat(o.getJsonNumber("memory_used").longValue() + o.getJsonNumber("memory_free").longValue())
                        .isEqualTo(total);
                assertThat(o.getJsonNumber("disk_total").longValue()).isPositive();
                assertThat(o.getJsonNumber("disk_free").longValue())
                        .isBetween(0L, o.getJsonNumber("disk_total").longValue());
                assertThat(o.getJsonNumber("load1").doubleValue()).isGreaterThanOrEqualTo(0);
                if (System.getProperty("os.name").startsWith("Linux")) {
                    assertThat(o.getString("boottime")).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC");
                }
            }
            api.get("/nodes/2").expectError(404, "2");
            api.get("/nodes/abc").expectError(400, "abc");
        }
    }

    @Test
    void healthCheck() throws Exception {
        JsonObject h = api.get("/health/check").expect(200).object();
        assertShape(h, fields("running", TRUE, "nodes", ARRAY));
        assertThat(h.getBoolean("running")).isTrue();
        JsonObject n = h.getJsonArray("nodes").getJsonObject(0);
        assertShape(n, fields("node_id", NUMBER, "running", TRUE));
        assertThat(n.getInt("node_id")).isEqualTo(1);
        assertThat(n.getBoolean("running")).isTrue();
        assertThat(api.get("/health/check/1").expect(200).object()).isEqualTo(h);
        api.get("/health/check/9").expectError(404, "9");
    }

    // ------------------------------------------------------------ /stats and /metrics

    private Map<String, Long> stats() throws Exception {
        JsonObject o = api.get("/stats/1").expect(200).object();
        assertShape(o, fields("node", OBJECT, "stats", OBJECT));
        assertShape(o.getJsonObject("node"), fields("id", NUMBER, "name", STRING, "status", STRING));
        return numbers(o.getJsonObject("stats"));
    }

    private Map<String, Long> metrics() throws Exception {
        return numbers(api.get("/metrics/sum").expect(200).object());
    }

    private static Map<String, Long> numbers(JsonObject o) {
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        o.forEach((k, v) -> {
            assertThat(Api.isInteger(v)).as("%s is an integer", k).isTrue();
            m.put(k, ((jakarta.json.JsonNumber) v).longValue());
        });
        return m;
    }

    @Test
    void statsAreTheBrokersGaugesWithTheirMaximum() throws Exception {
        JsonArray all = api.get("/stats").expect(200).array();
        assertThat(all).hasSize(1);
        assertShape(all.getJsonObject(0), fields("node", OBJECT, "stats", OBJECT));
        assertThat(numbers(all.getJsonObject(0).getJsonObject("stats")).keySet()).containsExactlyInAnyOrderElementsOf(
                STATS_KEYS.stream().flatMap(k -> java.util.stream.Stream.of(k + ".count", k + ".max")).toList());
        JsonObject node = all.getJsonObject(0).getJsonObject("node");
        assertShape(node, fields("id", NUMBER, "name", STRING, "status", STRING));
        assertThat(node.getString("name")).isEqualTo("1@127.0.0.1");
        assertThat(node.getString("status")).isEqualTo("Running");
        Map<String, Long> before = stats();
        assertThat(before.keySet()).containsExactlyInAnyOrderElementsOf(
                STATS_KEYS.stream().flatMap(k -> java.util.stream.Stream.of(k + ".count", k + ".max")).toList());

        try (MqttClients mqtt = new MqttClients()) {
            MqttClient c = mqtt.v3("stats-1", true, null, 60);
            c.subscribe(new String[] {"stats/a", "$share/g/stats/b"}, new int[] {1, 1});
            c.publish("stats/r", "x".getBytes(StandardCharsets.UTF_8), 1, true);
            Map<String, Long> during = stats();
            assertThat(during.get("connections.count")).isEqualTo(before.get("connections.count") + 1);
            assertThat(during.get("sessions.count")).isEqualTo(before.get("sessions.count") + 1);
            assertThat(during.get("subscriptions.count")).isEqualTo(before.get("subscriptions.count") + 2);
            assertThat(during.get("subscriptions_shared.count")).isEqualTo(before.get("subscriptions_shared.count") + 1);
            assertThat(during.get("topics.count")).isEqualTo(before.get("topics.count") + 2);
            assertThat(during.get("routes.count")).isEqualTo(before.get("routes.count") + 2);
            assertThat(during.get("retained.count")).isEqualTo(before.get("retained.count") + 1);
            for (String k : STATS_KEYS) {
                assertThat(during.get(k + ".max")).as(k).isGreaterThanOrEqualTo(during.get(k + ".count"));
            }
            c.disconnect();
            Api.await("stats-1 gone", () -> {
                try {
                    return stats().get("sessions.count").equals(before.get("sessions.count"));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            Map<String, Long> after = stats();
            assertThat(after.get("connections.count")).isEqualTo(before.get("connections.count"));
            assertThat(after.get("subscriptions.count")).isEqualTo(before.get("subscriptions.count"));
            assertThat(after.get("connections.max")).isGreaterThanOrEqualTo(during.get("connections.count"));
            assertThat(after.get("subscriptions.max")).isGreaterThanOrEqualTo(during.get("subscriptions.count"));
        }

        JsonObject sum = api.get("/stats/sum").expect(200).object();
        assertShape(sum, fields("nodes", OBJECT, "stats", OBJECT));
        assertShape(sum.getJsonObject("nodes").getJsonObject("1"), fields("name", STRING, "status", STRING));
        assertThat(numbers(sum.getJsonObject("stats")).keySet()).isEqualTo(before.keySet());
        api.get("/stats/2").expectError(404, "2");
        api.get("/stats/two").expectError(400, "two");
    }

    @Test
    void metricsCountRealTraffic() throws Exception {
        JsonArray all = api.get("/metrics").expect(200).array();
        assertThat(all).hasSize(1);
        assertShape(all.getJsonObject(0), fields("metrics", OBJECT, "node", OBJECT));
        assertShape(all.getJsonObject(0).getJsonObject("node"), fields("id", NUMBER, "name", STRING));
        assertThat(numbers(all.getJsonObject(0).getJsonObject("metrics")).keySet())
                .containsExactlyInAnyOrderElementsOf(METRICS_KEYS);
        JsonObject one = api.get("/metrics/1").expect(200).object();
        assertShape(one, fields("metrics", OBJECT, "node", OBJECT));
        assertShape(one.getJsonObject("node"), fields("id", NUMBER, "name", STRING));
        assertThat(one.getJsonObject("node").getInt("id")).isEqualTo(1);
        assertThat(numbers(one.getJsonObject("metrics")).keySet()).containsExactlyInAnyOrderElementsOf(METRICS_KEYS);
        api.get("/metrics/2").expectError(404, "2");
        api.get("/metrics/x").expectError(400, "x");
        Map<String, Long> before = metrics();
        assertThat(before.keySet()).containsExactlyInAnyOrderElementsOf(METRICS_KEYS);

        try (MqttClients mqtt = new MqttClients()) {
            BlockingQueue<String> got = new ArrayBlockingQueue<>(5);
            MqttClient c = mqtt.v3("metrics-1", true, null, 60);
            c.subscribe("metrics/x", 1, (t, m) -> got.add(t));
            c.publish("metrics/x", "x".getBytes(StandardCharsets.UTF_8), 1, false);
            assertThat(got.poll(20, TimeUnit.SECONDS)).isEqualTo("metrics/x");
            Api.await("PUBACK counted", () -> delta(before, "messages.acked") == 1);
            c.unsubscribe("metrics/x");
            c.disconnect();
            Api.await("session ended", () -> delta(before, "session.terminated") == 1);

            Map<String, Long> after = metrics();
            for (String k : List.of("client.connect", "client.connack", "client.connected", "client.authenticate",
                    "client.auth.anonymous", "session.created", "client.subscribe", "client.subscribe.check.acl",
                    "session.subscribed", "messages.publish", "client.publish.check.acl", "messages.delivered",
                    "messages.acked", "client.unsubscribe", "session.unsubscribed", "client.disconnected",
                    "session.terminated")) {
                assertThat(after.get(k) - before.get(k)).as(k).isEqualTo(1);
            }

            // a resumed persistent session, and a QoS 0 message it cannot take while offline
            MqttClient p = mqtt.v3("metrics-2", false, null, 60);
            p.subscribe("metrics/q0", 0);
            p.disconnect();
            Api.await("metrics-2 offline", () -> delta(before, "client.disconnected") == 2);
            api.post("/mqtt/publish", "{\"topic\":\"metrics/q0\",\"payload\":\"x\",\"qos\":0}").expect(200);
            assertThat(delta(before, "messages.dropped")).isEqualTo(1);
            mqtt.v3("metrics-2", false, null, 60);
            assertThat(delta(before, "session.resumed")).isEqualTo(1);
        }
    }

    private long delta(Map<String, Long> before, String key) {
        try {
            return metrics().get(key) - before.get(key);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void prometheusExposition() throws Exception {
        Api.Reply all = api.get("/metrics/prometheus").expect(200);
        assertThat(all.contentType()).startsWith("text/plain").contains("version=0.0.4");
        for (String family : List.of("rmqtt_nodes", "rmqtt_stats", "rmqtt_metrics")) {
            assertThat(all.text()).contains("# TYPE " + family + " gauge\n");
        }
        for (String node : List.of("1", "all")) {
            assertThat(all.text()).contains("rmqtt_nodes{item=\"running\",node=\"" + node + "\"} 1\n");
            assertThat(all.text()).containsPattern("rmqtt_nodes\\{item=\"load1\",node=\"" + node + "\"} [0-9.e-]+\n");
            assertThat(all.text()).containsPattern("rmqtt_nodes\\{item=\"memory_total\",node=\"" + node + "\"} \\d+\n");
            for (String k : STATS_KEYS) {
                assertThat(all.text()).containsPattern("rmqtt_stats\\{item=\"" + k + ".count\",node=\"" + node + "\"} \\d+\n");
            }
            for (String k : METRICS_KEYS) {
                assertThat(all.text()).containsPattern("rmqtt_metrics\\{item=\"" + k + "\",node=\"" + node + "\"} \\d+\n");
            }
        }
        for (String line : all.text().split("\n")) {
            assertThat(line).matches("# (HELP|TYPE) .*|rmqtt_(nodes|stats|metrics)\\{item=\"[^\"]+\",node=\"(1|all)\"} \\S+");
        }
        String one = api.get("/metrics/prometheus/1").expect(200).text();
        assertThat(one).contains("node=\"1\"").doesNotContain("node=\"all\"");
        String sum = api.get("/metrics/prometheus/sum").expect(200).text();
        assertThat(sum).contains("node=\"all\"").doesNotContain("node=\"1\"");
        api.get("/metrics/prometheus/2").expect(404);
    }

    // ------------------------------------------------------------ /plugins and the bearer token

    @Test
    void pluginsAreListedAndConfigured() throws Exception {
        JsonArray all = api.get("/plugins").expect(200).array();
        assertThat(all).hasSize(1);
        assertShape(all.getJsonObject(0), fields("node", NUMBER, "plugins", ARRAY));
        JsonArray plugins = all.getJsonObject(0).getJsonArray("plugins");
        assertThat(plugins).extracting(v -> v.asJsonObject().getString("name"))
                .contains("rmqtt-http-api", "rmqtt-counter");
        for (JsonValue v : plugins) {
            assertShape(v.asJsonObject(), fields("name", STRING, "version", STRING, "descr", STRING, "active", TRUE,
                    "inited", TRUE, "immutable", TRUE, "attrs", NULL));
        }
        assertThat(api.get("/plugins/1").expect(200).array()).isEqualTo(plugins);
        JsonObject counter = api.get("/plugins/1/rmqtt-counter").expect(200).object();
        assertShape(counter, fields("name", STRING, "version", STRING, "descr", STRING, "active", TRUE,
                "inited", TRUE, "immutable", TRUE, "attrs", NULL));
        assertThat(counter.getString("name")).isEqualTo("rmqtt-counter");
        assertThat(counter.getBoolean("active")).isTrue();
        assertThat(counter.getBoolean("immutable")).isFalse();
        api.get("/plugins/1/no-such-plugin").expectError(404, "no-such-plugin");
        api.get("/plugins/2").expectError(404, "2");
        api.get("/plugins/one").expectError(400, "one");

        JsonObject config = api.get("/plugins/1/rmqtt-http-api/config").expect(200).object();
        assertThat(config).isEqualTo(jakarta.json.Json.createObjectBuilder().add("max_row_limit", 10000)
                .add("http_bearer_token", "").add("message_expiry_interval", "300s").build());
        assertThat(api.get("/plugins/1/rmqtt-counter/config").expect(200).object()).isEmpty();

        // the http-api declines to unload itself, as RMQTT's: false, and says why
        Api.Reply declined = api.put("/plugins/1/rmqtt-http-api/unload").expect(200);
        assertThat(declined.json()).isEqualTo(JsonValue.FALSE);
        assertThat(declined.headers().get("x-mqttee-reason")).isNotNull();
        assertThat(api.get("/plugins/1/rmqtt-http-api").expect(200).object().getBoolean("active")).isTrue();
        api.put("/plugins/1/no-such-plugin/unload").expectError(404, "no-such-plugin");
        api.put("/plugins/1/no-such-plugin/load").expectError(404, "no-such-plugin");
        api.put("/plugins/1/no-such-plugin/config/reload").expectError(404, "no-such-plugin");

        // reload applies the file: max_row_limit caps every list
        try (MqttClients mqtt = new MqttClients()) {
            for (int i = 0; i < 3; i++) {
                mqtt.v3("rows-" + i, true, null, 60);
            }
            assertThat(api.get("/clients?_like_clientid=rows-").expect(200).array()).hasSize(3);
            PluginsDir.write("rmqtt-http-api", "max_row_limit = 2\n");
            Api.Reply ok = api.put("/plugins/1/rmqtt-http-api/config/reload").expect(200);
            assertThat(ok.contentType()).startsWith("text/plain");
            assertThat(ok.text()).isEqualTo("ok");
            assertThat(api.get("/clients?_like_clientid=rows-").expect(200).array()).hasSize(2);
            assertThat(api.get("/clients?_like_clientid=rows-&_limit=100").expect(200).array()).hasSize(2);

            PluginsDir.write("rmqtt-http-api", "max_row_limt = 5\n");
            api.put("/plugins/1/rmqtt-http-api/config/reload").expectError(500, "max_row_limt");
            assertThat(api.get("/plugins/1/rmqtt-http-api/config").expect(200).object().getInt("max_row_limit"))
                    .as("the previous configuration stays").isEqualTo(2);
        } finally {
            PluginsDir.write("rmqtt-http-api", "");
            api.put("/plugins/1/rmqtt-http-api/config/reload").expect(200);
        }
    }

    @Test
    void unloadingTheCounterStopsCounting() throws Exception {
        try (MqttClients mqtt = new MqttClients()) {
            Api.Reply unloaded = api.put("/plugins/1/rmqtt-counter/unload").expect(200);
            assertThat(unloaded.json()).isEqualTo(JsonValue.TRUE);
            try {
                assertThat(api.get("/plugins/1/rmqtt-counter").expect(200).object().getBoolean("active")).isFalse();
                Map<String, Long> before = metrics();
                mqtt.v3("count-off", true, null, 60);
                assertThat(metrics().get("client.connect")).isEqualTo(before.get("client.connect"));
            } finally {
                Api.Reply loaded = api.put("/plugins/1/rmqtt-counter/load").expect(200);
                assertThat(loaded.contentType()).startsWith("text/plain");
                assertThat(loaded.text()).isEqualTo("ok");
            }
            assertThat(api.get("/plugins/1/rmqtt-counter").expect(200).object().getBoolean("active")).isTrue();
            Map<String, Long> before = metrics();
            mqtt.v3("count-on", true, null, 60);
            assertThat(metrics().get("client.connect")).isEqualTo(before.get("client.connect") + 1);
        }
    }

    @Test
    void aBearerTokenGuardsEveryRequest() throws Exception {
        PluginsDir.write("rmqtt-http-api", "http_bearer_token = \"s3cret\"\n");
        api.put("/plugins/1/rmqtt-http-api/config/reload").expect(200);
        try {
            for (String path : List.of("", "/brokers", "/clients", "/no-such-path")) {
                Api.Reply denied = api.get(path);
                denied.expectError(401, "bearer");
                assertThat(denied.headers().get("www-authenticate")).containsExactly("Bearer");
            }
            api.token("wrong");
            api.get("/brokers").expect(401);
            api.post("/mqtt/publish", "{\"topic\":\"t\",\"payload\":\"x\"}").expect(401);
            api.token("s3cret");
            api.get("/brokers").expect(200);
            assertThat(api.get("/plugins/1/rmqtt-http-api/config").expect(200).object().getString("http_bearer_token"))
                    .isEqualTo("******");
        } finally {
            api.token("s3cret");
            PluginsDir.write("rmqtt-http-api", "");
            api.put("/plugins/1/rmqtt-http-api/config/reload").expect(200);
            api.token(null);
        }
        api.get("/brokers").expect(200);
    }
}
