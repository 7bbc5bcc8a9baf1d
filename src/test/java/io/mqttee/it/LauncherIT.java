package io.mqttee.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the README's command, {@code java -jar target/mqttee-launcher.jar}, as a separate process
 * on free ports: the API and MQTT answer, SIGTERM stops it and frees both ports; a broker that
 * cannot start makes it exit with status 1 and say why.
 */
class LauncherIT {

    private static final long START_TIMEOUT_MILLIS = 90_000;

    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }

    private Process launch(List<String> javaOptions, Map<String, String> env, String... args) throws IOException {
        String jar = System.getProperty("mqttee.launcherJar");
        assertThat(jar).as("system property mqttee.launcherJar (set by failsafe)").isNotBlank();
        assertThat(new File(jar)).as("the launcher jar; run 'mvn package' first").isFile();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(javaOptions);
        command.add("-jar");
        command.add(jar);
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("launcher.log").toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    private String log() throws IOException {
        return Files.readString(dir.resolve("launcher.log"));
    }

    @Test
    void servesApiAndMqttAndStopsCleanlyOnSigterm() throws Exception {
        int http = freePort();
        int mqtt = freePort();
        Path pidFile = dir.resolve("mqttee.pid");
        Process launcher = launch(List.of("-Dmqttee.listener.tcp.external.addr=127.0.0.1:" + mqtt), Map.of(),
                "--http-addr", "127.0.0.1:" + http, "--pid-file", pidFile.toString());
        try {
            URI brokers = URI.create("http://127.0.0.1:" + http + "/api/v1/brokers");
            long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
            int status = -1;
            while (launcher.isAlive() && System.currentTimeMillis() < deadline) {
                try {
                    status = Probes.status(brokers);
                    if (status == 200) {
                        break;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(250);
            }
            assertThat(status).as("GET /api/v1/brokers; log:%n%s", log()).isEqualTo(200);
            assertThat(Files.readString(pidFile).trim()).isEqualTo(Long.toString(launcher.pid()));
            assertThat(Probes.connectReturnCode(mqtt, "it-launcher")).isZero();
            assertThat(log()).contains("management API at http://127.0.0.1:" + http + "/api/v1");

            launcher.destroy(); // SIGTERM
            assertThat(launcher.waitFor(30, TimeUnit.SECONDS)).as("exited within 30 s after SIGTERM").isTrue();
            assertThat(launcher.exitValue()).as("status after SIGTERM").isEqualTo(128 + 15);
            assertThat(log()).contains("MQTTee broker stopped");
            assertThat(Probes.canBind(mqtt)).as("MQTT port free").isTrue();
            assertThat(Probes.canBind(http)).as("HTTP port free").isTrue();
            assertThat(pidFile).doesNotExist();
        } finally {
            stop(launcher);
        }
    }

    @Test
    void exitsWithStatus1WhenTheMqttPortIsTaken() throws Exception {
        int http = freePort();
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int mqtt = squatter.getLocalPort();
            Process launcher = launch(List.of(), Map.of("MQTTEE_LISTENER__TCP__EXTERNAL__ADDR", "127.0.0.1:" + mqtt),
                    "--http-addr", "127.0.0.1:" + http);
            try {
                assertThat(launcher.waitFor(START_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)).as("exited").isTrue();
                assertThat(launcher.exitValue()).as("exit status; log:%n%s", log()).isEqualTo(1);
                assertThat(log()).contains("mqttee: the web application")
                        .contains("cannot bind MQTT listener 'external' to 127.0.0.1:" + mqtt);
                assertThat(Probes.canBind(http)).as("HTTP port free").isTrue();
            } finally {
                stop(launcher);
            }
        }
    }

    private static void stop(Process p) throws InterruptedException {
        if (p.isAlive()) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
