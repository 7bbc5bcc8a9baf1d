package io.mqttee.it;

import io.mqttee.management.BuildInfo;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deploys the packaged WAR (as built, not a test archive: {@code target/mqttee-tomcat.war} in
 * embedded Tomcat, the thin {@code target/mqttee.war} in WildFly and TomEE) and checks it from
 * outside, as a client would: the MQTT listener started by the CDI lifecycle, the management API
 * over HTTP (the same JSON in every container), and MQTT round trips at QoS 0, 1 and 2. Undeploy is
 * checked by {@link UndeployIT}. The base URL comes from Arquillian: the context path is
 * {@code /mqttee} here in every container, but differs by runtime in general.
 */
@ExtendWith({FreePorts.class, ArquillianExtension.class})
class DeploymentIT {

    /** The WAR under test, set by each failsafe execution (the thin WAR for full servers). */
    static final String WAR_PROPERTY = "mqttee.testWar";
    /** The former name of {@link #WAR_PROPERTY}, still read when that one is not set. */
    static final String TOMCAT_WAR_PROPERTY = "mqttee.tomcatWar";

    @ArquillianResource
    private URL base;

    @Deployment(testable = false)
    static WebArchive war() {
        return packagedWar("mqttee.war");
    }

    /** The WAR that {@code mvn package} built, under {@code name} (which sets the context path). */
    static WebArchive packagedWar(String name) {
        String path = System.getProperty(WAR_PROPERTY, System.getProperty(TOMCAT_WAR_PROPERTY));
        assertThat(path).as("system property %s (set by failsafe)", WAR_PROPERTY).isNotBlank();
        File war = new File(path);
        assertThat(war).as("the packaged WAR; run 'mvn package' first").isFile();
        return ShrinkWrap.create(ZipImporter.class, name).importFrom(war).as(WebArchive.class);
    }

    private URI api(String path) {
        return URI.create(base.toExternalForm()).resolve("api/v1" + path);
    }

    @Test
    void theMqttListenerIsUpAfterDeploy() throws Exception {
        assertThat(Probes.connectReturnCode(FreePorts.mqttPort(), "it-raw")).as("CONNACK return code").isZero();
    }

    @Test
    void apiRootListsTheEndpoints() throws Exception {
        for (String root : new String[] {"", "/"}) {
            Probes.JsonResponse r = Probes.getJson(api(root));
            assertThat(r.status()).isEqualTo(200);
            JsonArray list = r.body().asJsonArray();
            assertThat(list).hasSizeGreaterThan(1); // every endpoint: checked one by one in ApiAdminIT
            JsonObject brokers = list.getJsonObject(0);
            assertThat(brokers.keySet()).containsExactlyInAnyOrder("name", "method", "path", "descr");
            assertThat(brokers.getString("name")).isEqualTo("get_brokers");
            assertThat(brokers.getString("method")).isEqualTo("GET");
            assertThat(brokers.getString("path")).isEqualTo("/brokers/{node}");
            assertThat(brokers.getString("descr")).isEqualTo("Return the basic information of all nodes in the cluster");
        }
    }

    @Test
    void brokersListsThisNode() throws Exception {
        Probes.JsonResponse r = Probes.getJson(api("/brokers"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        JsonArray nodes = r.body().asJsonArray();
        assertThat(nodes).hasSize(1);
        assertBrokerInfo(nodes.getJsonObject(0));
    }

    @Test
    void brokerByNodeIdIsAnObject() throws Exception {
        Probes.JsonResponse r = Probes.getJson(api("/brokers/1"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().getValueType()).isEqualTo(JsonValue.ValueType.OBJECT);
        assertBrokerInfo(r.body().asJsonObject());
    }

    private static void assertBrokerInfo(JsonObject node) {
        Api.assertShape(node, ApiClientsIT.fields("datetime", JsonValue.ValueType.STRING,
                "node_id", JsonValue.ValueType.NUMBER, "node_name", JsonValue.ValueType.STRING,
                "node_status", JsonValue.ValueType.STRING, "sysdescr", JsonValue.ValueType.STRING,
                "uptime", JsonValue.ValueType.STRING, "version", JsonValue.ValueType.STRING));
        assertThat(node.getInt("node_id")).isEqualTo(1);
        assertThat(node.getString("node_name")).isEqualTo("1@127.0.0.1");
        assertThat(node.getString("node_status")).isEqualTo("Running");
        assertThat(node.getString("sysdescr")).isEqualTo("MQTTee Broker");
        assertThat(node.getString("version")).isEqualTo("mqttee/" + BuildInfo.version());
        assertThat(node.getString("uptime")).matches("\\d+ days \\d+ hours, \\d+ minutes, \\d+ seconds");
        // The server runs on this machine (in this JVM for embedded Tomcat), so its local time is ours.
        LocalDateTime datetime = LocalDateTime.parse(node.getString("datetime"),
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
        assertThat(Duration.between(datetime, LocalDateTime.now()).abs()).isLessThan(Duration.ofMinutes(1));
    }

    @Test
    void unknownNodeIsA404WithAJsonError() throws Exception {
        Probes.JsonResponse r = Probes.getJson(api("/brokers/2"));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body().asJsonObject().getInt("code")).isEqualTo(404);
        assertThat(r.body().asJsonObject().getString("message")).contains("2");
    }

    @Test
    void nonIntegerNodeIsA400WithAJsonError() throws Exception {
        Probes.JsonResponse r = Probes.getJson(api("/brokers/abc"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().asJsonObject().getInt("code")).isEqualTo(400);
        assertThat(r.body().asJsonObject().getString("message")).contains("abc");
    }

    @Test
    void unknownPathIsA404WithAJsonError() throws Exception {
        Probes.JsonResponse r = Probes.getJson(api("/no-such-thing"));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body().asJsonObject().getInt("code")).isEqualTo(404);
    }

    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {0, 1, 2})
    void roundTripWithPaho(int qos) throws Exception {
        String server = "tcp://127.0.0.1:" + FreePorts.mqttPort();
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setConnectionTimeout(10);
        BlockingQueue<MqttMessage> received = new ArrayBlockingQueue<>(10);
        MqttClient subscriber = new MqttClient(server, "it-sub-" + qos, new MemoryPersistence());
        MqttClient publisher = new MqttClient(server, "it-pub-" + qos, new MemoryPersistence());
        try {
            subscriber.connect(options);
            subscriber.subscribe("it/round-trip/#", qos, (topic, message) -> received.add(message));
            publisher.connect(options);
            publisher.publish("it/round-trip/" + qos, ("hello " + qos).getBytes(StandardCharsets.UTF_8), qos, false);

            MqttMessage message = received.poll(10, TimeUnit.SECONDS);
            assertThat(message).as("message delivered within 10 s").isNotNull();
            assertThat(new String(message.getPayload(), StandardCharsets.UTF_8)).isEqualTo("hello " + qos);
            assertThat(message.getQos()).isEqualTo(qos);
            assertThat(message.isRetained()).isFalse();
        } finally {
            disconnect(publisher);
            disconnect(subscriber);
        }
    }

    private static void disconnect(MqttClient client) throws Exception {
        if (client.isConnected()) {
            client.disconnect(5000);
        }
        client.close();
    }
}
