package io.mqttee.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

/** One broker of the comparison: how to start it on a loopback port, pinned to the broker core. */
final class Peer {

    /** What the peers have in common: pinned core, JVM heap, where the build left things. */
    record Setup(String brokerCpus, String heap, Path root, Path benchClasses, String generatorClasspath,
                 Path peerClasspaths, Path work) {
    }

    final String name;
    final boolean jvm;
    private final Setup setup;
    private Process process;
    private int port;
    private String description = "";

    Peer(String name, Setup setup) {
        this.name = name;
        this.setup = setup;
        this.jvm = !name.equals("mosquitto");
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** How this peer was run, for the report. */
    String description() {
        return description;
    }

    void start() throws Exception {
        port = freePort();
        Path work = Files.createDirectories(setup.work().resolve(name + "-" + port));
        List<String> cmd = new ArrayList<>(List.of("taskset", "-c", setup.brokerCpus()));
        switch (name) {
            case "mqttee", "mqttee-b" -> {
                // mqttee-b: a second MQTTee for an A/B of a change, measured interleaved with the first
                // (its own launcher jar and JVM options); never part of a comparison with the peers
                boolean b = name.equals("mqttee-b");
                String otherJar = b ? System.getenv("BENCH_MQTTEE_B_JAR") : null;
                Path launcher = otherJar != null ? Path.of(otherJar).toAbsolutePath()
                        : setup.root().resolve("target/mqttee-launcher.jar");
                // BENCH_MQTTEE_JAVA / BENCH_MQTTEE_B_JAVA: another JDK's java for an A/B of JDKs
                String java = System.getenv().getOrDefault(b ? "BENCH_MQTTEE_B_JAVA" : "BENCH_MQTTEE_JAVA", "java");
                cmd.addAll(List.of(java, "-Xmx" + setup.heap(),
                        "-Dmqttee.listener.tcp.external.addr=127.0.0.1:" + port));
                // for experiments and profiling only, e.g. -XX:StartFlightRecording=...; the report names them
                String extra = System.getenv().getOrDefault(b ? "BENCH_MQTTEE_B_JAVA_OPTS" : "BENCH_MQTTEE_JAVA_OPTS", "")
                        .trim();
                if (!extra.isEmpty()) {
                    cmd.addAll(List.of(extra.split("\\s+")));
                }
                if (hasLauncher(launcher)) {
                    cmd.addAll(List.of("-jar", launcher.toString(), "--http-addr", "127.0.0.1:" + freePort()));
                    Path shown = launcher.startsWith(setup.root()) ? setup.root().relativize(launcher) : launcher;
                    description = "embedded default: java -jar " + shown + " (Tomcat + WAR)"
                            + (java.equals("java") ? "" : ", JVM " + java)
                            + (extra.isEmpty() ? "" : ", extra JVM options: " + extra);
                } else {
                    cmd.addAll(List.of("-cp", setup.benchClasses() + ":" + setup.generatorClasspath(),
                            "io.mqttee.bench.peers.MqtteeMain"));
                    description = "plain JVM: io.mqttee.protocol.MqttServer + core (no launcher in this build)"
                            + (extra.isEmpty() ? "" : ", extra JVM options: " + extra);
                }
            }
            case "mosquitto" -> {
                Path conf = work.resolve("mosquitto.conf");
                Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\n");
                cmd.addAll(List.of("/usr/sbin/mosquitto", "-c", conf.toString()));
                description = "/usr/sbin/mosquitto, stock settings, allow_anonymous true";
            }
            case "moquette" -> {
                cmd.addAll(List.of("java", "-Xmx" + setup.heap(), "-cp", peerClasspath("moquette"),
                        "io.mqttee.bench.peers.MoquetteMain", Integer.toString(port)));
                description = "io.moquette:moquette-broker:0.17, embedded, no persistence";
            }
            case "hivemq" -> {
                cmd.addAll(List.of("java", "-Xmx" + setup.heap(), "-cp", peerClasspath("hivemq"),
                        "io.mqttee.bench.peers.HivemqMain", Integer.toString(port), work.toString()));
                description = "com.hivemq:hivemq-community-edition-embedded:2025.5, in-memory persistence";
            }
            case "floor", "floor-task", "floor-codec", "floor-decode" -> {
                // calibrations, not brokers (see FloorMain): the name is the variant
                cmd.addAll(List.of("java", "-Xmx" + setup.heap(), "-cp",
                        setup.benchClasses() + ":" + setup.generatorClasspath(),
                        "io.mqttee.bench.peers.FloorMain", Integer.toString(port), name));
                description = "not a broker: the JVM + Netty NIO floor for latency (io.mqttee.bench.peers.FloorMain "
                        + name + ")";
            }
            default -> throw new IllegalArgumentException("unknown broker " + name);
        }
        Path log = work.resolve("broker.log");
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!answersConnect()) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            if (System.nanoTime() > deadline) {
                stop();
                throw new IllegalStateException(name + " did not answer CONNECT within 120 s; see " + log);
            }
            Thread.sleep(200);
        }
    }

    private String peerClasspath(String peer) throws IOException {
        return setup.benchClasses() + ":" + Files.readString(setup.peerClasspaths().resolve("cp-" + peer + ".txt")).trim();
    }

    private static boolean hasLauncher(Path jar) {
        if (!Files.isRegularFile(jar)) {
            return false;
        }
        try (JarFile j = new JarFile(jar.toFile())) {
            return j.getEntry("io/mqttee/launcher/EmbeddedTomcatLauncher.class") != null;
        } catch (IOException e) {
            return false;
        }
    }

    /** A raw MQTT 3.1.1 CONNECT that gets a successful CONNACK. */
    private boolean answersConnect() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            byte[] id = "bench-probe".getBytes();
            byte[] pkt = new byte[2 + 10 + 2 + id.length];
            int i = 0;
            pkt[i++] = 0x10;
            pkt[i++] = (byte) (10 + 2 + id.length);
            byte[] vh = {0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60};
            System.arraycopy(vh, 0, pkt, i, vh.length);
            i += vh.length;
            pkt[i++] = 0;
            pkt[i++] = (byte) id.length;
            System.arraycopy(id, 0, pkt, i, id.length);
            out.write(pkt);
            out.flush();
            InputStream in = s.getInputStream();
            byte[] ack = in.readNBytes(4);
            boolean ok = ack.length == 4 && ack[0] == 0x20 && ack[3] == 0;
            out.write(new byte[] {(byte) 0xE0, 0});
            out.flush();
            return ok;
        } catch (IOException e) {
            return false;
        }
    }

    void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
