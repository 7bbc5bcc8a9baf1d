package io.mqttee.it;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.management.Attribute;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import static io.mqttee.it.Api.assertShape;
import static jakarta.json.JsonValue.ValueType.ARRAY;
import static jakarta.json.JsonValue.ValueType.NUMBER;
import static jakarta.json.JsonValue.ValueType.OBJECT;
import static jakarta.json.JsonValue.ValueType.STRING;
import static jakarta.json.JsonValue.ValueType.TRUE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client-facing part of the management API against the deployed WAR (the Tomcat-ready one in
 * embedded Tomcat, the thin one in WildFly and TomEE: the same tests in every container), with real
 * MQTT 3.1.1 and 5 clients: /clients (every filter), /clients/offlines, kick, online,
 * /subscriptions, /routes, /mqtt/publish|subscribe|unsubscribe and /retains. Each test uses its own
 * client ids and topics, so the tests share one deployment without seeing each other.
 */
@ExtendWith({FreePorts.class, PluginsDir.class, ArquillianExtension.class})
class ApiClientsIT {

    private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** The client table of the reference, field by field. */
    static final Map<String, JsonValue.ValueType> CLIENT_FIELDS = fields(
            "node_id", NUMBER, "clientid", STRING, "username", STRING, "proto_ver", NUMBER, "ip_address", STRING,
            "port", NUMBER, "connected_at", STRING, "disconnected_at", STRING, "disconnected_reason", STRING,
            "connected", TRUE, "keepalive", NUMBER, "clean_start", TRUE, "expiry_interval", NUMBER,
            "created_at", STRING, "subscriptions_cnt", NUMBER, "max_subscriptions", NUMBER, "inflight", NUMBER,
            "max_inflight", NUMBER, "mqueue_len", NUMBER, "max_mqueue", NUMBER);

    static final Map<String, JsonValue.ValueType> SUBSCRIPTION_FIELDS = fields(
            "node_id", NUMBER, "clientid", STRING, "client_addr", STRING, "topic", STRING, "qos", NUMBER,
            "share", STRING);

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

    static Map<String, JsonValue.ValueType> fields(Object... namesAndTypes) {
        Map<String, JsonValue.ValueType> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndTypes.length; i += 2) {
            m.put((String) namesAndTypes[i], (JsonValue.ValueType) namesAndTypes[i + 1]);
        }
        return m;
    }

    private List<String> clientIds(String query) throws Exception {
        JsonArray a = api.get("/clients" + query).expect(200).array();
        List<String> ids = new ArrayList<>();
        for (JsonValue v : a) {
            ids.add(v.asJsonObject().getString("clientid"));
        }
        return ids;
    }

    private boolean online(String clientId) {
        try {
            return api.get("/clients/" + clientId + "/online").expect(200).json() == JsonValue.TRUE;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------ /clients

    @Test
    void aConnectedClientHasEveryFieldOfTheReference() throws Exception {
        try (MqttClients mqtt = new MqttClients()) {
            MqttClient c = mqtt.v3("shape-1", true, "alice", 30);
            c.subscribe("shape/a", 1);
            mqtt.v3("shape-2", true, null, 60);

            JsonArray list = api.get("/clients?clientid=shape-1").expect(200).array();
            assertThat(list).hasSize(1);
            JsonObject o = list.getJsonObject(0);
            assertShape(o, CLIENT_FIELDS);
            assertThat(o.getInt("node_id")).isEqualTo(1);
            assertThat(o.getString("clientid")).isEqualTo("shape-1");
            assertThat(o.getString("username")).isEqualTo("alice");
            assertThat(o.getInt("proto_ver")).isEqualTo(4);
            assertThat(o.getString("ip_address")).isEqualTo("127.0.0.1");
            assertThat(o.getInt("port")).isBetween(1, 65535);
            assertThat(o.getBoolean("connected")).isTrue();
            assertThat(o.getString("disconnected_at")).isEmpty();
            assertThat(o.getString("disconnected_reason")).isEmpty();
            assertThat(o.getInt("keepalive")).isEqualTo(30);
            assertThat(o.getBoolean("clean_start")).isTrue();
            assertThat(o.getInt("subscriptions_cnt")).isEqualTo(1);
            assertThat(o.getInt("max_subscriptions")).isZero();
            assertThat(o.getInt("inflight")).isZero();
            assertThat(o.getInt("max_inflight")).isEqualTo(16);
            assertThat(o.getInt("mqueue_len")).isZero();
            assertThat(o.getInt("max_mqueue")).isEqualTo(1000);
            for (String time : List.of("connected_at", "created_at")) {
                LocalDateTime t = LocalDateTime.parse(o.getString(time), DATETIME);
                assertThat(java.time.Duration.between(t, LocalDateTime.now()).abs()).isLessThan(java.time.Duration.ofMinutes(5));
            }

            JsonObject one = api.get("/clients/shape-2").expect(200).object();
            assertShape(one, CLIENT_FIELDS);
            assertThat(one.getString("username")).isEqualTo("undefined");
            assertThat(one.getInt("keepalive")).isEqualTo(60);

            api.get("/clients/nobody-here").expectError(404, "nobody-here");
            assertThat(online("shape-1")).isTrue();
            assertThat(online("nobody-here")).isFalse();
        }
    }

    @Test
    void everyFilterOfClients() throws Exception {
        try (MqttClients mqtt = new MqttClients()) {
            mqtt.v3("flt-a", true, "alice", 60);
            org.eclipse.paho.mqttv5.client.MqttClient b = mqtt.v5("flt-b", false, 3600, "Bob");
            b.disconnect();
            Api.await("flt-b offline", () -> !online("flt-b"));
            mqtt.v5("flt-b", false, 3600, "Bob"); // resumes: session_present
            MqttClient c = mqtt.v3("flt-c", false, null, 60);
            c.subscribe("flt/q", 1);
            c.disconnect();
            Api.await("flt-c offline", () -> !online("flt-c"));
            for (int i = 0; i < 2; i++) {
                api.post("/mqtt/publish", "{\"topic\":\"flt/q\",\"payload\":\"m" + i + "\",\"qos\":1}").expect(200);
            }
            String scope = "&_like_clientid=flt-";

            assertThat(clientIds("?clientid=flt-a")).containsExactly("flt-a");
            assertThat(clientIds("?username=alice" + scope)).containsExactly("flt-a");
            assertThat(clientIds("?ip_address=127.0.0.1" + scope)).containsExactlyInAnyOrder("flt-a", "flt-b", "flt-c");
            assertThat(clientIds("?ip_address=10.9.9.9" + scope)).isEmpty();
            assertThat(clientIds("?connected=true" + scope)).containsExactlyInAnyOrder("flt-a", "flt-b");
            assertThat(clientIds("?connected=false" + scope)).containsExactly("flt-c");
            assertThat(clientIds("?clean_start=true" + scope)).containsExactly("flt-a");
            assertThat(clientIds("?clean_start=false" + scope)).containsExactlyInAnyOrder("flt-b", "flt-c");
            assertThat(clientIds("?session_present=true" + scope)).containsExactly("flt-b");
            assertThat(clientIds("?session_present=false" + scope)).containsExactlyInAnyOrder("flt-a", "flt-c");
            assertThat(clientIds("?proto_ver=5" + scope)).containsExactly("flt-b");
            assertThat(clientIds("?proto_ver=4" + scope)).containsExactlyInAnyOrder("flt-a", "flt-c");
            assertThat(clientIds("?_like_clientid=LT-")).containsExactlyInAnyOrder("flt-a", "flt-b", "flt-c");
            assertThat(clientIds("?_like_username=ob" + scope)).containsExactly("flt-b");
            assertThat(clientIds("?_gte_mqueue_len=2" + scope)).containsExactly("flt-c");
            assertThat(clientIds("?_lte_mqueue_len=0" + scope)).containsExactlyInAnyOrder("flt-a", "flt-b");
            assertThat(api.get("/clients/flt-c").expect(200).object().getInt("mqueue_len")).isEqualTo(2);
            // An MQTT 5 session reports its protocol and its own Session Expiry Interval
            JsonObject v5 = api.get("/clients/flt-b").expect(200).object();
            assertThat(v5.getInt("proto_ver")).isEqualTo(5);
            assertThat(v5.getInt("expiry_interval")).isEqualTo(3600);
            assertThat(v5.getBoolean("clean_start")).isFalse();

            long inAnHour = Instant.now().plusSeconds(3600).getEpochSecond();
            long anHourAgo = Instant.now().minusSeconds(3600).getEpochSecond();
            String hourAgoText = enc(DATETIME.format(LocalDateTime.now(ZoneId.systemDefault()).minusHours(1)));
            for (String field : List.of("created_at", "connected_at")) {
                assertThat(clientIds("?_gte_" + field + "=" + inAnHour + scope)).isEmpty();
                assertThat(clientIds("?_lte_" + field + "=" + inAnHour + scope)).hasSize(3);
                assertThat(clientIds("?_gte_" + field + "=" + anHourAgo + scope)).hasSize(3);
                assertThat(clientIds("?_lte_" + field + "=" + anHourAgo + scope)).isEmpty();
                assertThat(clientIds("?_gte_" + field + "=" + hourAgoText + scope)).hasSize(3);
            }
            assertThat(clientIds("?_limit=1" + scope)).hasSize(1);
            assertThat(clientIds("?_limit=0" + scope)).hasSize(3);

            for (String bad : List.of("connected=maybe", "clean_start=1", "session_present=yes", "proto_ver=five",
                    "_gte_created_at=yesterday", "_lte_connected_at=2024-13-01%2000:00:00", "_gte_mqueue_len=-1",
                    "_lte_mqueue_len=x", "_limit=many")) {
                api.get("/clients?" + bad).expectError(400, bad.substring(0, bad.indexOf('=')));
                api.get("/clients/offlines?" + bad).expect(400);
            }

            // offline sessions: listed with when and why they went, removed on request
            JsonArray offline = api.get("/clients/offlines?_like_clientid=flt-").expect(200).array();
            assertThat(offline).hasSize(1);
            JsonObject off = offline.getJsonObject(0);
            assertShape(off, CLIENT_FIELDS);
            assertThat(off.getString("clientid")).isEqualTo("flt-c");
            assertThat(off.getBoolean("connected")).isFalse();
            LocalDateTime.parse(off.getString("disconnected_at"), DATETIME);
            assertThat(off.getString("disconnected_reason")).isEqualTo("Disconnected by client");
            assertThat(api.get("/clients/offlines?clientid=flt-a").expect(200).array()).isEmpty();

            assertThat(api.delete("/clients/offlines?clientid=flt-a").expect(200).object())
                    .isEqualTo(jakarta.json.Json.createObjectBuilder().add("count", 0).build());
            assertThat(api.delete("/clients/offlines?_like_clientid=flt-").expect(200).object().getInt("count"))
                    .isEqualTo(1);
            api.get("/clients/flt-c").expect(404);
            assertThat(clientIds("?_like_clientid=flt-")).containsExactlyInAnyOrder("flt-a", "flt-b");
        }
    }

    @Test
    void kickClosesTheConnectionWithReason0x98AndEndsTheSession() throws Exception {
        try (MqttClients mqtt = new MqttClients()) {
            org.eclipse.paho.mqttv5.client.MqttClient k = mqtt.v5("kick-1", false, 3600, null);
            BlockingQueue<Integer> reasons = new ArrayBlockingQueue<>(1);
            k.setCallback(new MqttCallback() {
                public void disconnected(MqttDisconnectResponse r) {
                    reasons.add(r.getReturnCode());
                }

                public void mqttErrorOccurred(MqttException e) {
                }

                public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage m) {
                }

                public void deliveryComplete(IMqttToken token) {
                }

                public void connectComplete(boolean reconnect, String uri) {
                }

                public void authPacketArrived(int reason, MqttProperties p) {
                }
            });
            Api.Reply r = api.delete("/clients/kick-1").expect(200);
            assertThat(r.contentType()).startsWith("text/plain");
            assertThat(r.text()).matches("1@127\\.0\\.0\\.1:" + FreePorts.mqttPort() + "/127\\.0\\.0\\.1:\\d+/kick-1/undefined");
            assertThat(reasons.poll(20, TimeUnit.SECONDS)).as("DISCONNECT reason").isEqualTo(0x98);
            api.get("/clients/kick-1").expect(404);
            api.delete("/clients/kick-1").expectError(404, "kick-1");
            assertThat(online("kick-1")).isFalse();
        }
    }

    // ------------------------------------------------------------ /subscriptions and /routes

    @Test
    void subscriptionsWithEveryFilter() throws Exception {
        try (MqttClients mqtt = new MqttClients()) {
            MqttClient s = mqtt.v3("sub-1", true, null, 60);
            s.subscribe(new String[] {"sub/a/#", "$share/grp/sub/b", "sub/c"}, new int[] {2, 1, 0});

            JsonArray all = api.get("/subscriptions?clientid=sub-1").expect(200).array();
            assertThat(all).hasSize(3);
            Map<String, JsonObject> byTopic = new LinkedHashMap<>();
            for (JsonValue v : all) {
                JsonObject o = v.asJsonObject();
                byTopic.put(o.getString("topic"), o);
            }
            JsonObject shared = byTopic.get("sub/b");
            assertShape(shared, SUBSCRIPTION_FIELDS);
            assertThat(shared.getString("share")).isEqualTo("grp");
            assertThat(shared.getInt("qos")).isEqualTo(1);
            assertThat(shared.getInt("node_id")).isEqualTo(1);
            assertThat(shared.getString("client_addr")).matches("127\\.0\\.0\\.1:\\d+");
            JsonObject plain = byTopic.get("sub/a/#");
            assertShape(plain, fields("node_id", NUMBER, "clientid", STRING, "client_addr", STRING, "topic", STRING,
                    "qos", NUMBER, "share", JsonValue.ValueType.NULL));
            assertThat(plain.getInt("qos")).isEqualTo(2);

            assertThat(api.get("/subscriptions?topic=sub/a/%23").expect(200).array()).hasSize(1);
            assertThat(api.get("/subscriptions?clientid=sub-1&qos=0").expect(200).array())
                    .extracting(v -> v.asJsonObject().getString("topic")).containsExactly("sub/c");
            assertThat(api.get("/subscriptions?share=grp").expect(200).array())
                    .extracting(v -> v.asJsonObject().getString("clientid")).containsExactly("sub-1");
            assertThat(api.get("/subscriptions?_match_topic=sub/a/x/y").expect(200).array())
                    .extracting(v -> v.asJsonObject().getString("topic")).containsExactly("sub/a/#");
            assertThat(api.get("/subscriptions?clientid=sub-1&_limit=2").expect(200).array()).hasSize(2);
            api.get("/subscriptions?qos=3").expectError(400, "qos");
            api.get("/subscriptions?qos=high").expectError(400, "qos");
            api.get("/subscriptions?_limit=-2").expectError(400, "_limit");

            JsonArray ofClient = api.get("/subscriptions/sub-1").expect(200).array();
            assertThat(ofClient).hasSize(3);
            for (JsonValue v : ofClient) {
                assertThat(v.asJsonObject().keySet()).containsExactlyInAnyOrderElementsOf(SUBSCRIPTION_FIELDS.keySet());
                if (v.asJsonObject().isNull("share")) {
                    assertShape(v.asJsonObject(), fields("node_id", NUMBER, "clientid", STRING, "client_addr", STRING,
                            "topic", STRING, "qos", NUMBER, "share", JsonValue.ValueType.NULL));
                } else {
                    assertShape(v.asJsonObject(), SUBSCRIPTION_FIELDS);
                }
            }
            assertThat(ofClient).containsExactlyInAnyOrderElementsOf(all);
            api.get("/subscriptions/nobody-here").expectError(404, "nobody-here");
        }
    }

    @Test
    void routesAndTheRoutesOfAnEncodedTopic() throws Exception {
        allowEncodedSlashesInTheEmbeddedTomcat();
        try (MqttClients mqtt = new MqttClients()) {
            MqttClient s = mqtt.v3("rt-1", true, null, 60);
            s.subscribe(new String[] {"rte/+/x", "rte/#", "rte/other"}, new int[] {0, 0, 0});

            JsonArray all = api.get("/routes").expect(200).array();
            assertThat(all).contains(jakarta.json.Json.createObjectBuilder().add("node_id", 1).add("topic", "rte/+/x").build());
            assertShape(all.getJsonObject(0), fields("node_id", NUMBER, "topic", STRING));
            assertThat(api.get("/routes?_limit=1").expect(200).array()).hasSize(1);
            api.get("/routes?_limit=x").expectError(400, "_limit");

            JsonArray of = api.get("/routes/rte%2f1%2fx").expect(200).array();
            for (JsonValue v : of) {
                assertShape(v.asJsonObject(), fields("node_id", NUMBER, "topic", STRING));
                assertThat(v.asJsonObject().getInt("node_id")).isEqualTo(1);
            }
            assertThat(of).extracting(v -> v.asJsonObject().getString("topic")).containsExactlyInAnyOrder("rte/+/x", "rte/#");
            assertThat(api.get("/routes/rte%2F1%2Fx").expect(200).array()).hasSize(2);
            assertThat(api.get("/routes/nothing%2Fhere").expect(200).array()).isEmpty();
            api.get("/routes/rte%2F%2B").expectError(400, "topic");
        }
    }

    /**
     * Tomcat (and so TomEE) answers 400 to {@code %2F} in a path by default; its connector lets it
     * through with {@code encodedSolidusHandling}, as {@code server-config/tomcat/server.xml.snippet}
     * tells administrators. The launcher sets it on its own connector, the build on the managed
     * TomEE's ({@code src/test/tomee/conf/server.xml}); WildFly's stock listener needs nothing. The
     * embedded Tomcat of the test JVM has no such setting in its Arquillian configuration, so its
     * connector is switched here by JMX; only that container runs in this JVM.
     */
    private static void allowEncodedSlashesInTheEmbeddedTomcat() throws Exception {
        if (!FreePorts.brokerInThisJvm()) {
            return;
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        var connectors = server.queryNames(new ObjectName("*:type=Connector,port=" + FreePorts.httpPort() + ",*"), null);
        assertThat(connectors).as("the embedded Tomcat's connector MBean").isNotEmpty();
        for (ObjectName n : connectors) {
            server.setAttribute(n, new Attribute("encodedSolidusHandling", "passthrough"));
        }
    }

    // ------------------------------------------------------------ /mqtt

    @Test
    void publishReachesSubscribersLikeAClientPublish() throws Exception {
        try (MqttClients mqtt = new MqttClients()) {
            BlockingQueue<String> got = new ArrayBlockingQueue<>(20);
            MqttClient s = mqtt.v3("pub-sub", true, null, 60);
            s.subscribe("pub/#", 1, (t, m) -> got.add(t + " " + new String(m.getPayload(), StandardCharsets.UTF_8)
                    + " q" + m.getQos() + (m.isRetained() ? " r" : "")));

            Api.Reply ok = api.post("/mqtt/publish",
                    "{\"topic\":\"pub/1\",\"payload\":\"Hello World\",\"qos\":1,\"retain\":false,\"clientid\":\"example\"}");
            ok.expect(200);
            assertThat(ok.contentType()).startsWith("text/plain");
            assertThat(ok.text()).isEqualTo("ok");
            assertThat(got.poll(20, TimeUnit.SECONDS)).isEqualTo("pub/1 Hello World q1");

            Api.Reply ok64 = api.post("/mqtt/publish",
                    "{\"topic\":\"pub/2\",\"payload\":\"SGVsbG8gV29ybGQ=\",\"qos\":1,\"encoding\":\"base64\"}").expect(200);
            assertThat(ok64.contentType()).startsWith("text/plain");
            assertThat(ok64.text()).isEqualTo("ok");
            assertThat(got.poll(20, TimeUnit.SECONDS)).isEqualTo("pub/2 Hello World q1");

            api.post("/mqtt/publish", "{\"topics\":\"pub/3,pub/4\",\"payload\":\"x\"}").expect(200);
            assertThat(List.of(got.poll(20, TimeUnit.SECONDS), got.poll(20, TimeUnit.SECONDS)))
                    .containsExactlyInAnyOrder("pub/3 x q0", "pub/4 x q0");

            // errors change nothing: the next message the subscriber gets is the one after them
            api.post("/mqtt/publish", "{\"topic\":\"pub/5\",\"payload\":\"%%\",\"encoding\":\"base64\"}")
                    .expectError(400, "base64");
            api.post("/mqtt/publish", "{\"topic\":\"pub/5\",\"payload\":\"x\"").expectError(400, "malformed JSON");
            api.post("/mqtt/publish", "{\"topic\":\"pub/5\"}").expectError(400, "payload");
            api.post("/mqtt/publish", "{\"payload\":\"x\"}").expectError(400, "topic");
            api.post("/mqtt/publish", "{\"topic\":\"pub/5\",\"payload\":\"x\",\"qos\":5}").expectError(400, "qos");
            api.post("/mqtt/publish", "{\"topic\":\"pub/+\",\"payload\":\"x\"}").expectError(400, "topic");
            api.post("/mqtt/publish", "{\"topic\":\"pub/5\",\"payload\":\"x\",\"retain\":\"yes\"}").expectError(400, "retain");
            api.post("/mqtt/publish", "{\"topic\":\"pub/6\",\"payload\":\"after\"}").expect(200);
            assertThat(got.poll(20, TimeUnit.SECONDS)).isEqualTo("pub/6 after q0");

            // retained: stored like a client's, sent to a later subscriber
            api.post("/mqtt/publish", "{\"topic\":\"pubr/1\",\"payload\":\"kept\",\"qos\":1,\"retain\":true}").expect(200);
            BlockingQueue<String> late = new ArrayBlockingQueue<>(5);
            mqtt.v3("pub-late", true, null, 60).subscribe("pubr/#", 1,
                    (t, m) -> late.add(t + " " + new String(m.getPayload(), StandardCharsets.UTF_8) + " " + m.isRetained()));
            assertThat(late.poll(20, TimeUnit.SECONDS)).isEqualTo("pubr/1 kept true");
        }
    }

    @Test
    void publishCarriesMqtt5PropertiesAndTheDefaultExpiry() throws Exception {
        try (MqttClients mqtt = new MqttClients()) {
            BlockingQueue<org.eclipse.paho.mqttv5.common.MqttMessage> got = new ArrayBlockingQueue<>(5);
            org.eclipse.paho.mqttv5.client.MqttClient s = mqtt.v5("pub5-sub", true, 0, null);
            s.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {
                    new org.eclipse.paho.mqttv5.common.MqttSubscription("p5/#", 1)},
                    new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(t, m) -> got.add(m)});

            api.post("/mqtt/publish", "{\"topic\":\"p5/a\",\"payload\":\"x\",\"qos\":1,\"properties\":"
                    + "{\"message_expiry_interval\":60,\"content_type\":\"text/plain\",\"user_properties\":{\"k\":\"v\"}}}")
                    .expect(200);
            org.eclipse.paho.mqttv5.common.MqttMessage m = got.poll(20, TimeUnit.SECONDS);
            assertThat(m).isNotNull();
            assertThat(m.getProperties().getMessageExpiryInterval()).isBetween(55L, 60L);
            assertThat(m.getProperties().getContentType()).isEqualTo("text/plain");
            assertThat(m.getProperties().getUserProperties()).hasSize(1);
            assertThat(m.getProperties().getUserProperties().get(0).getKey()).isEqualTo("k");

            api.post("/mqtt/publish", "{\"topic\":\"p5/b\",\"payload\":\"x\",\"qos\":1}").expect(200);
            m = got.poll(20, TimeUnit.SECONDS);
            assertThat(m).isNotNull();
            assertThat(m.getProperties().getMessageExpiryInterval())
                    .as("the http-api's message_expiry_interval, 5 minutes").isBetween(295L, 300L);
            api.post("/mqtt/publish", "{\"topic\":\"p5/c\",\"payload\":\"x\",\"properties\":{\"nope\":1}}")
                    .expectError(400, "nope");
        }
    }

    @Test
    void subscribeAndUnsubscribeForAClient() throws Exception {
        try (MqttClients mqtt = new MqttClients()) {
            BlockingQueue<String> got = new ArrayBlockingQueue<>(10);
            MqttClient c = mqtt.v3("msub-1", true, null, 60);
            c.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
                public void connectionLost(Throwable cause) {
                }

                public void messageArrived(String topic, MqttMessage m) {
                    got.add(topic + " " + new String(m.getPayload(), StandardCharsets.UTF_8) + (m.isRetained() ? " r" : ""));
                }

                public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
                }
            });
            api.post("/mqtt/publish", "{\"topic\":\"msub/r\",\"payload\":\"old\",\"retain\":true}").expect(200);

            JsonObject result = api.post("/mqtt/subscribe",
                    "{\"topics\":\"msub/a,msub/r,msub/#/x\",\"qos\":1,\"clientid\":\"msub-1\"}").expect(200).object();
            assertShape(result, fields("msub/a", TRUE, "msub/r", TRUE, "msub/#/x", TRUE));
            assertThat(result.getBoolean("msub/a")).isTrue();
            assertThat(result.getBoolean("msub/r")).isTrue();
            assertThat(result.getBoolean("msub/#/x")).isFalse();
            assertThat(got.poll(20, TimeUnit.SECONDS)).isEqualTo("msub/r old r");
            assertThat(api.get("/subscriptions/msub-1").expect(200).array())
                    .extracting(v -> v.asJsonObject().getString("topic") + " " + v.asJsonObject().getInt("qos"))
                    .containsExactlyInAnyOrder("msub/a 1", "msub/r 1");

            api.post("/mqtt/publish", "{\"topic\":\"msub/a\",\"payload\":\"new\",\"qos\":1}").expect(200);
            assertThat(got.poll(20, TimeUnit.SECONDS)).isEqualTo("msub/a new");

            Api.Reply un = api.post("/mqtt/unsubscribe", "{\"topic\":\"msub/a\",\"clientid\":\"msub-1\"}").expect(200);
            assertThat(un.json()).isEqualTo(JsonValue.TRUE);
            assertThat(api.post("/mqtt/unsubscribe", "{\"topic\":\"msub/a\",\"clientid\":\"msub-1\"}").expect(200).json())
                    .isEqualTo(JsonValue.FALSE);
            assertThat(api.get("/subscriptions/msub-1").expect(200).array()).hasSize(1);

            api.post("/mqtt/subscribe", "{\"topic\":\"x\",\"clientid\":\"nobody-here\"}").expectError(404, "nobody-here");
            api.post("/mqtt/subscribe", "{\"topic\":\"x\"}").expectError(400, "clientid");
            api.post("/mqtt/subscribe", "{\"clientid\":\"msub-1\"}").expectError(400, "topic");
            api.post("/mqtt/subscribe", "{\"topic\":\"x\",\"clientid\":\"msub-1\",\"qos\":7}").expectError(400, "qos");
            api.post("/mqtt/subscribe", "not json").expectError(400, "malformed JSON");
            api.post("/mqtt/unsubscribe", "{\"topic\":\"x\",\"clientid\":\"nobody-here\"}").expectError(404, "nobody-here");
            api.post("/mqtt/unsubscribe", "{\"clientid\":\"msub-1\"}").expectError(400, "topic");
            assertThat(api.get("/subscriptions/msub-1").expect(200).array()).hasSize(1);
        }
    }

    // ------------------------------------------------------------ /retains

    @Test
    void retainedMessagesListedAndDeleted() throws Exception {
        try (MqttClients mqtt = new MqttClients()) {
            mqtt.v3("ret-pub", true, null, 60).publish("ret/1", "one".getBytes(StandardCharsets.UTF_8), 1, true);
            api.post("/mqtt/publish", "{\"topic\":\"ret/2\",\"payload\":\"two\",\"qos\":2,\"retain\":true,"
                    + "\"properties\":{\"content_type\":\"text/plain\"}}").expect(200);

            JsonObject page = api.get("/retains?topic_filter=ret/%23").expect(200).object();
            assertShape(page, fields("items", ARRAY, "has_more", TRUE));
            assertThat(page.getBoolean("has_more")).isFalse();
            JsonArray items = page.getJsonArray("items");
            assertThat(items).hasSize(2);
            JsonObject first = items.getJsonObject(0);
            assertShape(first, fields("topic", STRING, "msg_id", JsonValue.ValueType.NULL, "from", OBJECT,
                    "publish", OBJECT));
            assertThat(first.getString("topic")).isEqualTo("ret/1");
            assertThat(first.getJsonObject("from").getString("clientid")).isEqualTo("ret-pub");
            JsonObject publish = first.getJsonObject("publish");
            assertShape(publish, fields("topic", STRING, "qos", NUMBER, "retain", TRUE, "dup", TRUE, "payload", STRING,
                    "create_time", NUMBER, "properties", OBJECT));
            assertThat(new String(Base64.getDecoder().decode(publish.getString("payload")), StandardCharsets.UTF_8))
                    .isEqualTo("one");
            assertThat(publish.getInt("qos")).isEqualTo(1);
            assertThat(publish.getJsonNumber("create_time").longValue())
                    .isBetween(System.currentTimeMillis() - 600_000, System.currentTimeMillis() + 1000);
            JsonObject second = items.getJsonObject(1);
            assertThat(second.getString("topic")).isEqualTo("ret/2");
            assertThat(second.getJsonObject("publish").getJsonObject("properties").getString("content_type"))
                    .isEqualTo("text/plain");
            assertThat(second.getJsonNumber("remaining_ttl").longValue()).as("the API's 5 minutes").isBetween(290L, 300L);

            JsonObject p1 = api.get("/retains?topic_filter=ret/%23&limit=1").expect(200).object();
            assertThat(p1.getBoolean("has_more")).isTrue();
            assertThat(p1.getJsonArray("items")).hasSize(1);
            JsonObject p2 = api.get("/retains?topic_filter=ret/%23&limit=1&offset=1").expect(200).object();
            assertThat(p2.getBoolean("has_more")).isFalse();
            assertThat(p2.getJsonArray("items").getJsonObject(0).getString("topic")).isEqualTo("ret/2");
            api.get("/retains?limit=x").expectError(400, "limit");
            api.get("/retains?offset=-1").expectError(400, "offset");
            api.get("/retains?topic_filter=a/%23/b").expectError(400, "topic_filter");

            api.delete("/retains?topic=ret/%23").expectError(400, "topic");
            api.delete("/retains").expectError(400, "topic");
            api.delete("/retains?topic=ret/none").expectError(404, "ret/none");
            Api.Reply ok = api.delete("/retains?topic=ret/1").expect(200);
            assertThat(ok.text()).isEqualTo("ok");
            assertThat(api.get("/retains?topic_filter=ret/%23").expect(200).object().getJsonArray("items")).hasSize(1);
        }
    }
}
