package io.mqttee.robustness;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import io.mqttee.core.Broker;
import io.mqttee.core.Session;
import io.mqttee.testing.TestBroker;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Interoperability matrix: every client publishes to every client (itself included) at QoS 0, 1
 * and 2, publishes a retained message that every client receives on a later subscription, and
 * leaves a will (abrupt close, or DISCONNECT 0x04 where the client has no abrupt close) that every
 * client receives. Clients: Debian's {@code mosquitto_pub}/{@code mosquitto_sub} at MQTT 3.1,
 * 3.1.1 and 5, Eclipse Paho v3 (3.1.1) and v5, the HiveMQ MQTT client (5), and MQTT.js 5.x at 3.1.1
 * and 5 ({@code src/test/node}: {@code npm ci} is run when {@code node_modules} is missing).
 * Missing mosquitto clients or node fail the test; it never skips.
 */
class InteropMatrixIT {

    private static final Path MOSQUITTO_PUB = Path.of("/usr/bin/mosquitto_pub");
    private static final Path MOSQUITTO_SUB = Path.of("/usr/bin/mosquitto_sub");
    private static final Path NODE_DIR = Path.of("src/test/node");
    private static final long WAIT_MILLIS = 30_000;

    /** One message as a client received it. */
    record Received(String topic, String payload, int qos, boolean retain) {
    }

    /** A client library or tool, driven the same way for every one of them. */
    interface Peer extends AutoCloseable {
        String name();

        /** A new connection subscribed to {@code filters} at QoS 2; what it receives goes to {@link #received}. */
        void subscribe(List<String> filters) throws Exception;

        /** Publishes and returns once the publish flow is complete (for QoS 1/2). */
        void publish(String topic, String payload, int qos, boolean retain) throws Exception;

        /** A new connection with a will (QoS 1), which then ends so that the will is published. */
        void leaveWill(String topic, String payload) throws Exception;

        List<Received> received();

        @Override
        void close();
    }

    private static TestBroker server;
    private final List<Peer> peers = new ArrayList<>();
    private static MqttJs mqttJs;

    @BeforeAll
    static void requireTools() throws Exception {
        if (!Files.isExecutable(MOSQUITTO_PUB) || !Files.isExecutable(MOSQUITTO_SUB)) {
            fail("mosquitto_pub/mosquitto_sub not found in /usr/bin: install them with "
                    + "'apt-get install mosquitto-clients' to run the interoperability matrix");
        }
        Process version;
        try {
            version = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("node not found on the PATH (" + e.getMessage() + "): install Node.js (and npm) to run the "
                    + "MQTT.js part of the interoperability matrix");
            return;
        }
        assertThat(version.waitFor(60, TimeUnit.SECONDS) && version.exitValue() == 0).as("node --version").isTrue();
        if (!Files.isDirectory(NODE_DIR.resolve("node_modules/mqtt"))) {
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(NODE_DIR.toFile())
                    .redirectErrorStream(true).start();
            String log = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                fail("'npm ci' in " + NODE_DIR + " failed:\n" + log);
            }
        }
    }

    @BeforeEach
    void start() throws Exception {
        server = TestBroker.start();
        mqttJs = new MqttJs(server.tcpUri().replace("tcp:", "mqtt:"));
        peers.add(new Mosquitto("mqttv31", "mosq31"));
        peers.add(new Mosquitto("mqttv311", "mosq311"));
        peers.add(new Mosquitto("mqttv5", "mosq5"));
        peers.add(new Paho3());
        peers.add(new Paho5());
        peers.add(new HiveMq5());
        peers.add(mqttJs.peer("mqttjs4", 4));
        peers.add(mqttJs.peer("mqttjs5", 5));
    }

    @AfterEach
    void stop() {
        peers.forEach(Peer::close);
        if (mqttJs != null) {
            mqttJs.close();
        }
        server.close();
    }

    @Test
    @DisplayName("mosquitto 3.1/3.1.1/5, Paho v3/v5, HiveMQ, MQTT.js 3.1.1/5: each publishes to each at QoS 0/1/2, retained and will included")
    void everyClientToEveryClient() throws Exception {
        Broker broker = server.broker();
        for (Peer p : peers) {
            p.subscribe(List.of("m/#", "w/#"));
        }
        for (Peer p : peers) {
            for (int qos = 0; qos <= 2; qos++) {
                p.publish("m/" + p.name() + "/q" + qos, p.name() + "-q" + qos, qos, false);
            }
            p.publish("r/" + p.name(), p.name() + "-retained", 1, true);
        }
        for (Peer p : peers) {
            p.leaveWill("w/" + p.name(), p.name() + "-will");
        }
        for (Peer p : peers) {
            p.subscribe(List.of("r/#"));
        }
        List<Received> expected = new ArrayList<>();
        for (Peer p : peers) {
            for (int qos = 0; qos <= 2; qos++) {
                expected.add(new Received("m/" + p.name() + "/q" + qos, p.name() + "-q" + qos, qos, false));
            }
            expected.add(new Received("w/" + p.name(), p.name() + "-will", 1, false));
            expected.add(new Received("r/" + p.name(), p.name() + "-retained", 1, true));
        }
        List<String> problems = new ArrayList<>();
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        for (Peer p : peers) {
            while (p.received().size() < expected.size() && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
        }
        Thread.sleep(200); // anything extra (a duplicate) would arrive now
        for (Peer p : peers) {
            List<Received> got;
            synchronized (p.received()) {
                got = new ArrayList<>(p.received());
            }
            List<Received> missing = new ArrayList<>(expected);
            got.forEach(missing::remove);
            List<Received> extra = new ArrayList<>(got);
            expected.forEach(extra::remove);
            if (!missing.isEmpty() || !extra.isEmpty()) {
                problems.add(p.name() + " missing " + missing + ", unexpected " + extra);
            }
        }
        System.out.printf("InteropMatrixIT: %d clients, each received %d messages (%d from each client)%n",
                peers.size(), expected.size(), expected.size() / peers.size());
        assertThat(problems).as("what each client received (%d peers, %d messages each)", peers.size(),
                expected.size()).isEmpty();
        assertThat(broker.sessions()).allMatch(s -> s.isConnected() || !s.isCleanSession());
    }

    private static int port() {
        return server.port();
    }

    private static void awaitSubscribed(String clientId, int filters) {
        TestBroker.await(clientId + " subscribed", () -> server.broker().session(clientId)
                .map(Session::subscriptionCount).orElse(0) == filters);
    }

    private static void awaitConnected(String clientId) {
        TestBroker.await(clientId + " connected", () -> server.broker().session(clientId)
                .map(Session::isConnected).orElse(false));
    }

    private static List<Received> newInbox() {
        return Collections.synchronizedList(new ArrayList<>());
    }

    // ---- mosquitto_pub / mosquitto_sub ----

    private static final class Mosquitto implements Peer {
        private final String version;
        private final String name;
        private final List<Received> inbox = newInbox();
        private final List<Process> processes = new ArrayList<>();
        private int next;

        Mosquitto(String version, String name) {
            this.version = version;
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        private List<String> base(String tool, String clientId) {
            return new ArrayList<>(List.of(tool, "-h", "127.0.0.1", "-p", String.valueOf(port()), "-V", version,
                    "-i", clientId));
        }

        @Override
        public void subscribe(List<String> filters) throws IOException {
            String id = name + "-s" + next++;
            List<String> cmd = base(MOSQUITTO_SUB.toString(), id);
            cmd.addAll(List.of("-q", "2", "-F", "%t|%p|%q|%r"));
            for (String f : filters) {
                cmd.add("-t");
                cmd.add(f);
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            processes.add(p);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        String[] f = line.split("\\|", -1);
                        if (f.length == 4) {
                            inbox.add(new Received(f[0], f[1], Integer.parseInt(f[2]), f[3].equals("1")));
                        } else {
                            inbox.add(new Received("?", line, -1, false)); // shows up as unexpected
                        }
                    }
                } catch (IOException e) {
                    // process ended
                }
            }, "mosquitto_sub-" + id);
            reader.setDaemon(true);
            reader.start();
            awaitSubscribed(id, filters.size());
        }

        @Override
        public void publish(String topic, String payload, int qos, boolean retain) throws Exception {
            List<String> cmd = base(MOSQUITTO_PUB.toString(), name + "-p" + next++);
            cmd.addAll(List.of("-t", topic, "-m", payload, "-q", String.valueOf(qos)));
            if (retain) {
                cmd.add("-r");
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
        }

        @Override
        public void leaveWill(String topic, String payload) throws Exception {
            String id = name + "-w";
            List<String> cmd = base(MOSQUITTO_SUB.toString(), id);
            cmd.addAll(List.of("-t", "nothing/here", "--will-topic", topic, "--will-payload", payload, "--will-qos", "1"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            processes.add(p);
            awaitSubscribed(id, 1);
            p.destroyForcibly(); // SIGKILL: the kernel closes the socket, no DISCONNECT
            p.waitFor(30, TimeUnit.SECONDS);
        }

        @Override
        public List<Received> received() {
            return inbox;
        }

        @Override
        public void close() {
            for (Process p : processes) {
                p.destroyForcibly();
            }
        }
    }

    // ---- Eclipse Paho v3 (MQTT 3.1.1) ----

    private static final class Paho3 implements Peer {
        private final List<Received> inbox = newInbox();
        private final List<org.eclipse.paho.client.mqttv3.MqttClient> clients = new ArrayList<>();
        private org.eclipse.paho.client.mqttv3.MqttClient publisher;
        private int next;

        @Override
        public String name() {
            return "paho3";
        }

        private org.eclipse.paho.client.mqttv3.MqttClient connect(String id, String willTopic, String willPayload)
                throws org.eclipse.paho.client.mqttv3.MqttException {
            org.eclipse.paho.client.mqttv3.MqttClient c =
                    new org.eclipse.paho.client.mqttv3.MqttClient(server.tcpUri(), id, new MemoryPersistence());
            clients.add(c);
            c.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage m) {
                    inbox.add(new Received(topic, new String(m.getPayload(), StandardCharsets.UTF_8), m.getQos(),
                            m.isRetained()));
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            MqttConnectOptions o = new MqttConnectOptions();
            o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            o.setCleanSession(true);
            o.setAutomaticReconnect(false);
            if (willTopic != null) {
                o.setWill(willTopic, willPayload.getBytes(StandardCharsets.UTF_8), 1, false);
            }
            c.connect(o);
            return c;
        }

        @Override
        public void subscribe(List<String> filters) throws Exception {
            org.eclipse.paho.client.mqttv3.MqttClient c = connect("paho3-s" + next++, null, null);
            int[] qos = new int[filters.size()];
            java.util.Arrays.fill(qos, 2);
            c.subscribe(filters.toArray(new String[0]), qos);
        }

        @Override
        public void publish(String topic, String payload, int qos, boolean retain) throws Exception {
            if (publisher == null) {
                publisher = connect("paho3-p", null, null);
            }
            publisher.publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retain);
        }

        @Override
        public void leaveWill(String topic, String payload) throws Exception {
            org.eclipse.paho.client.mqttv3.MqttClient c = connect("paho3-w", topic, payload);
            c.disconnectForcibly(0, 0, false); // closes the socket without DISCONNECT
        }

        @Override
        public List<Received> received() {
            return inbox;
        }

        @Override
        public void close() {
            for (org.eclipse.paho.client.mqttv3.MqttClient c : clients) {
                try {
                    if (c.isConnected()) {
                        c.disconnectForcibly(0, 1000, false);
                    }
                    c.close(true);
                } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                    // closing anyway
                }
            }
        }
    }

    // ---- Eclipse Paho v5 ----

    private static final class Paho5 implements Peer {
        private final List<Received> inbox = newInbox();
        private final List<org.eclipse.paho.mqttv5.client.MqttClient> clients = new ArrayList<>();
        private org.eclipse.paho.mqttv5.client.MqttClient publisher;
        private int next;

        @Override
        public String name() {
            return "paho5";
        }

        private org.eclipse.paho.mqttv5.client.MqttClient connect(String id, String willTopic, String willPayload)
                throws MqttException {
            org.eclipse.paho.mqttv5.client.MqttClient c = new org.eclipse.paho.mqttv5.client.MqttClient(
                    server.tcpUri(), id, new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
            clients.add(c);
            c.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback() {
                @Override
                public void disconnected(MqttDisconnectResponse r) {
                }

                @Override
                public void mqttErrorOccurred(MqttException e) {
                }

                @Override
                public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage m) {
                    inbox.add(new Received(topic, new String(m.getPayload(), StandardCharsets.UTF_8), m.getQos(),
                            m.isRetained()));
                }

                @Override
                public void deliveryComplete(IMqttToken token) {
                }

                @Override
                public void connectComplete(boolean reconnect, String uri) {
                }

                @Override
                public void authPacketArrived(int reasonCode, MqttProperties properties) {
                }
            });
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setCleanStart(true);
            o.setAutomaticReconnect(false);
            if (willTopic != null) {
                o.setWill(willTopic, new org.eclipse.paho.mqttv5.common.MqttMessage(
                        willPayload.getBytes(StandardCharsets.UTF_8), 1, false, null));
            }
            c.connect(o);
            return c;
        }

        @Override
        public void subscribe(List<String> filters) throws Exception {
            org.eclipse.paho.mqttv5.client.MqttClient c = connect("paho5-s" + next++, null, null);
            int[] qos = new int[filters.size()];
            java.util.Arrays.fill(qos, 2);
            c.subscribe(filters.toArray(new String[0]), qos);
        }

        @Override
        public void publish(String topic, String payload, int qos, boolean retain) throws Exception {
            if (publisher == null) {
                publisher = connect("paho5-p", null, null);
            }
            publisher.publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retain);
        }

        @Override
        public void leaveWill(String topic, String payload) throws Exception {
            org.eclipse.paho.mqttv5.client.MqttClient c = connect("paho5-w", topic, payload);
            c.disconnectForcibly(0, 0, false); // closes the socket without DISCONNECT
        }

        @Override
        public List<Received> received() {
            return inbox;
        }

        @Override
        public void close() {
            for (org.eclipse.paho.mqttv5.client.MqttClient c : clients) {
                try {
                    if (c.isConnected()) {
                        c.disconnectForcibly(0, 1000, false);
                    }
                    c.close(true);
                } catch (MqttException e) {
                    // closing anyway
                }
            }
        }
    }

    // ---- HiveMQ MQTT client (MQTT 5) ----

    private static final class HiveMq5 implements Peer {
        private final List<Received> inbox = newInbox();
        private final List<Mqtt5BlockingClient> clients = new ArrayList<>();
        private Mqtt5BlockingClient publisher;
        private int next;

        @Override
        public String name() {
            return "hivemq5";
        }

        private Mqtt5BlockingClient client(String id) {
            Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(port())
                    .buildBlocking();
            clients.add(c);
            return c;
        }

        @Override
        public void subscribe(List<String> filters) {
            Mqtt5BlockingClient c = client("hivemq5-s" + next++);
            c.connect();
            for (String f : filters) {
                c.toAsync().subscribeWith().topicFilter(f).qos(MqttQos.EXACTLY_ONCE)
                        .callback(p -> inbox.add(new Received(p.getTopic().toString(),
                                new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8), p.getQos().getCode(),
                                p.isRetain())))
                        .send().join();
            }
        }

        @Override
        public void publish(String topic, String payload, int qos, boolean retain) {
            if (publisher == null) {
                publisher = client("hivemq5-p");
                publisher.connect();
            }
            publisher.publishWith().topic(topic).payload(payload.getBytes(StandardCharsets.UTF_8))
                    .qos(MqttQos.fromCode(qos)).retain(retain).send();
        }

        @Override
        public void leaveWill(String topic, String payload) {
            Mqtt5BlockingClient c = Mqtt5Client.builder().identifier("hivemq5-w").serverHost("127.0.0.1")
                    .serverPort(port()).willPublish().topic(topic).payload(payload.getBytes(StandardCharsets.UTF_8))
                    .qos(MqttQos.AT_LEAST_ONCE).applyWillPublish().buildBlocking();
            c.connect();
            // The client has no abrupt close: DISCONNECT 0x04 asks the server to publish the will
            c.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send();
        }

        @Override
        public List<Received> received() {
            return inbox;
        }

        @Override
        public void close() {
            for (Mqtt5BlockingClient c : clients) {
                try {
                    c.disconnect();
                } catch (RuntimeException e) {
                    // not connected
                }
            }
        }
    }

    // ---- MQTT.js (one node process serves every MQTT.js connection) ----

    private static final class MqttJs implements AutoCloseable {
        private final String url;
        private final Process node;
        private final Writer in;
        private final AtomicInteger seq = new AtomicInteger();
        private final Map<Integer, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();
        private final Map<String, List<Received>> inboxes = new ConcurrentHashMap<>();
        private final List<String> strays = Collections.synchronizedList(new ArrayList<>());

        MqttJs(String url) throws IOException {
            this.url = url;
            node = new ProcessBuilder("node", "mqttjs-peer.js").directory(NODE_DIR.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            in = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8);
            Thread reader = new Thread(this::read, "mqttjs-peer");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    String[] f = line.split("\t", -1);
                    switch (f[0]) {
                        case "ok" -> pending.remove(Integer.parseInt(f[1])).complete(null);
                        case "error" -> {
                            CompletableFuture<Void> p = pending.remove(Integer.parseInt(f[1]));
                            if (p != null) {
                                p.completeExceptionally(new AssertionError("MQTT.js: " + f[2]));
                            } else {
                                strays.add(line);
                            }
                        }
                        case "msg" -> {
                            String client = f[1];
                            String peer = client.substring(0, client.indexOf('-'));
                            inboxes.computeIfAbsent(peer, k -> newInbox()).add(new Received(f[4], f[5],
                                    Integer.parseInt(f[2]), f[3].equals("1")));
                        }
                        default -> strays.add(line);
                    }
                }
            } catch (IOException e) {
                // node ended
            }
            pending.values().forEach(p -> p.completeExceptionally(new AssertionError("node ended; " + strays)));
        }

        /** Sends one command (a JSON object without its "seq") and waits for its answer. */
        void call(String json) throws Exception {
            int s = seq.incrementAndGet();
            CompletableFuture<Void> done = new CompletableFuture<>();
            pending.put(s, done);
            synchronized (in) {
                in.write("{\"seq\":" + s + "," + json + "}\n");
                in.flush();
            }
            done.get(30, TimeUnit.SECONDS);
        }

        Peer peer(String name, int version) {
            List<Received> inbox = inboxes.computeIfAbsent(name, k -> newInbox());
            return new Peer() {
                private int next;
                private boolean publisher;

                @Override
                public String name() {
                    return name;
                }

                private void connect(String id, String will) throws Exception {
                    call("\"op\":\"connect\",\"client\":\"" + id + "\",\"url\":\"" + url + "\",\"version\":" + version
                            + (will == null ? "" : ",\"will\":" + will));
                }

                @Override
                public void subscribe(List<String> filters) throws Exception {
                    String id = name + "-s" + next++;
                    connect(id, null);
                    for (String f : filters) {
                        call("\"op\":\"subscribe\",\"client\":\"" + id + "\",\"filter\":\"" + f + "\",\"qos\":2");
                    }
                }

                @Override
                public void publish(String topic, String payload, int qos, boolean retain) throws Exception {
                    if (!publisher) {
                        connect(name + "-p", null);
                        publisher = true;
                    }
                    call("\"op\":\"publish\",\"client\":\"" + name + "-p\",\"topic\":\"" + topic + "\",\"payload\":\""
                            + payload + "\",\"qos\":" + qos + ",\"retain\":" + retain);
                }

                @Override
                public void leaveWill(String topic, String payload) throws Exception {
                    String id = name + "-w";
                    connect(id, "{\"topic\":\"" + topic + "\",\"payload\":\"" + payload + "\",\"qos\":1}");
                    awaitConnected(id);
                    call("\"op\":\"crash\",\"client\":\"" + id + "\""); // destroys the socket, no DISCONNECT
                }

                @Override
                public List<Received> received() {
                    return inbox;
                }

                @Override
                public void close() {
                    // the node process ends with MqttJs.close
                }
            };
        }

        @Override
        public void close() {
            try {
                in.close(); // the script ends its clients and exits on end of input
                if (!node.waitFor(10, TimeUnit.SECONDS)) {
                    node.destroyForcibly();
                }
            } catch (IOException | InterruptedException e) {
                node.destroyForcibly();
            }
        }
    }
}
