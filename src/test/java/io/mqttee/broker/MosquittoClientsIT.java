package io.mqttee.broker;

import io.mqttee.core.Session;
import io.mqttee.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Interoperability with Debian's {@code mosquitto_pub} / {@code mosquitto_sub} (package
 * {@code mosquitto-clients}) at MQTT 3.1 and 3.1.1. The tools are required: without them this test
 * fails, it never skips.
 */
class MosquittoClientsIT {

    private static final Path PUB = Path.of("/usr/bin/mosquitto_pub");
    private static final Path SUB = Path.of("/usr/bin/mosquitto_sub");
    /** Output format of mosquitto_sub: topic|payload|qos|retain. */
    private static final String FORMAT = "%t|%p|%q|%r";

    private TestBroker server;
    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void requireMosquittoClients() {
        if (!Files.isExecutable(PUB) || !Files.isExecutable(SUB)) {
            fail("mosquitto_pub/mosquitto_sub not found in /usr/bin: install them with "
                    + "'apt-get install mosquitto-clients' (.ci/run does this) to run the interoperability tests");
        }
    }

    @BeforeEach
    void start() {
        server = TestBroker.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        try {
            for (Process p : processes) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            server.close();
        }
    }

    private Process start(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes.add(p);
        return p;
    }

    private List<String> common(Path tool, String version, String clientId) {
        return new ArrayList<>(List.of(tool.toString(), "-h", "127.0.0.1", "-p", Integer.toString(server.port()),
                "-V", version, "-i", clientId));
    }

    /** Starts mosquitto_sub and waits until its subscription is in place. */
    private Process subscribe(String version, String clientId, String topic, int qos, String... extra)
            throws IOException {
        List<String> cmd = common(SUB, version, clientId);
        cmd.addAll(List.of("-t", topic, "-q", Integer.toString(qos), "-F", FORMAT));
        cmd.addAll(List.of(extra));
        Process p = start(cmd);
        TestBroker.await(clientId + " subscribed", () -> !p.isAlive()
                || server.broker().session(clientId).map(Session::subscriptionCount).orElse(0) > 0);
        // with -C N it may already have received its N messages (a retained one) and exited
        assertThat(p.isAlive() || p.exitValue() == 0).as(clientId + " is running or done").isTrue();
        return p;
    }

    private void publish(String version, String clientId, String topic, String message, int qos, String... extra)
            throws Exception {
        List<String> cmd = common(PUB, version, clientId);
        cmd.addAll(List.of("-t", topic, "-q", Integer.toString(qos)));
        cmd.addAll(List.of(extra));
        if (message != null) {
            cmd.addAll(List.of("-m", message));
        }
        Process p = start(cmd);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("mosquitto_pub finished").isTrue();
        assertThat(p.exitValue()).as("mosquitto_pub exit code, output: " + output(p)).isZero();
    }

    /** Waits for a mosquitto_sub started with -C to exit and returns its output lines. */
    private static List<String> lines(Process p) throws Exception {
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("mosquitto_sub received its messages and exited").isTrue();
        String out = output(p);
        assertThat(p.exitValue()).as("mosquitto_sub exit code, output: " + out).isZero();
        return out.lines().toList();
    }

    private static String output(Process p) throws IOException {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    static Stream<Arguments> versionsAndQos() {
        List<Arguments> out = new ArrayList<>();
        for (String v : List.of("mqttv31", "mqttv311")) {
            for (int qos = 0; qos <= 2; qos++) {
                out.add(Arguments.of(v, qos));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "-V {0}, QoS {1}: mosquitto_pub to mosquitto_sub")
    @MethodSource("versionsAndQos")
    void publishSubscribe(String version, int qos) throws Exception {
        String topic = "mosq/" + version + "/" + qos;
        Process sub = subscribe(version, "sub-" + version + "-" + qos, topic, qos, "-C", "1");
        publish(version, "pub-" + version + "-" + qos, topic, "hello " + qos, qos);
        assertThat(lines(sub)).containsExactly(topic + "|hello " + qos + "|" + qos + "|0");
    }

    @ParameterizedTest(name = "-V {0}: retained message delivered on subscribe with RETAIN, deleted by -r -n")
    @ValueSource(strings = {"mqttv31", "mqttv311"})
    @DisplayName("retained")
    void retained(String version) throws Exception {
        String topic = "mosq/retained/" + version;
        publish(version, "rpub-" + version, topic, "kept", 1, "-r");

        Process late = subscribe(version, "rsub-" + version, topic, 1, "-C", "1");
        assertThat(lines(late)).containsExactly(topic + "|kept|1|1"); // [MQTT-3.3.1-6]

        publish(version, "rdel-" + version, topic, null, 1, "-r", "-n"); // empty payload deletes [MQTT-3.3.1-10]
        TestBroker.await("retained message deleted", () -> server.broker().retained().get(topic).isEmpty());
    }

    @ParameterizedTest(name = "-V {0}: will of a SIGKILLed mosquitto_sub reaches another subscriber")
    @ValueSource(strings = {"mqttv31", "mqttv311"})
    void willOnKill(String version) throws Exception {
        String willTopic = "mosq/will/" + version;
        Process watcher = subscribe(version, "watch-" + version, willTopic, 1, "-C", "1");
        Process dying = subscribe(version, "dying-" + version, "mosq/nothing", 0,
                "--will-topic", willTopic, "--will-payload", "killed", "--will-qos", "1", "-k", "60");

        dying.destroyForcibly(); // SIGKILL: no DISCONNECT is sent [MQTT-3.1.2-8]
        assertThat(dying.waitFor(10, TimeUnit.SECONDS)).isTrue();

        assertThat(lines(watcher)).containsExactly(willTopic + "|killed|1|0");
    }
}
