package io.mqttee.robustness;

import io.mqttee.config.BrokerConfig;
import io.mqttee.core.Broker;
import io.mqttee.core.Stat;
import io.mqttee.protocol.MqttServer;
import io.mqttee.testing.ListenerConfigBuilder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code MqttServer.stop} with clients connected: MQTT 5 clients get DISCONNECT 0x8B (Server
 * shutting down) and are closed, 3.x clients and connections that never sent CONNECT are just
 * closed, {@code stop} returns and the port is free again. (How fast is not asserted.)
 */
class ShutdownIT {

    private static final int CLIENTS = 200;

    @Test
    @DisplayName("[MQTT-4.13.1-1] stop with 200 clients connected: DISCONNECT 0x8B to MQTT 5, close to 3.1.1 and to half-open connections; stop returns, port free")
    void stopWithClientsConnected() throws Exception {
        Broker broker = new Broker(new BrokerConfig(1, List.of(ListenerConfigBuilder.listener().build())),
                Clock.systemUTC());
        MqttServer server = new MqttServer(broker);
        server.start();
        int port = server.port("external");
        LeakWatch leaks = LeakWatch.install();
        List<Wire> v4 = new ArrayList<>();
        List<Wire> v5 = new ArrayList<>();
        List<Wire> silent = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                Wire w = Wire.connected(port, i % 2 == 0 ? 4 : 5, "shutdown-" + i, i % 4 < 2);
                w.send(Wire.subscribe(w.version, 1, "shutdown/#", 1));
                w.expect(Wire.SUBACK);
                (w.version == 5 ? v5 : v4).add(w);
            }
            for (int i = 0; i < 20; i++) {
                silent.add(new Wire(port, 4)); // connected at TCP level, no CONNECT yet
            }
            // messages in flight to everyone when the server stops (nobody acknowledges)
            try (Wire publisher = Wire.connected(port, 4, "shutdown-publisher", true)) {
                for (int i = 1; i <= 5; i++) {
                    publisher.send(Wire.publish(4, "shutdown/x", "m" + i, 1, i));
                    publisher.expect(Wire.PUBACK);
                }
                CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> server.stop(Duration.ofSeconds(10)));
                stop.get(2, TimeUnit.MINUTES); // it returns
            }
            assertThat(server.isRunning()).isFalse();
            for (Wire w : v5) {
                List<Wire.Frame> last = w.awaitClose();
                assertThat(last).as("after the five PUBLISH").hasSizeGreaterThanOrEqualTo(1);
                Wire.Frame end = last.get(last.size() - 1);
                assertThat(end.type()).as("last packet to an MQTT 5 client").isEqualTo(Wire.DISCONNECT);
                assertThat(end.reasonCode()).isEqualTo(0x8B); // Server shutting down
                assertThat(last.subList(0, last.size() - 1)).allMatch(f -> f.type() == Wire.PUBLISH);
            }
            for (Wire w : v4) {
                assertThat(w.awaitClose()).as("3.1.1 clients get no DISCONNECT from a server")
                        .allMatch(f -> f.type() == Wire.PUBLISH);
            }
            for (Wire w : silent) {
                assertThat(w.awaitClose()).isEmpty();
            }
            assertThat(broker.counters().gauge(Stat.CONNECTIONS).current()).isZero();
            // The port is free: it can be bound again, and nothing answers on it any more
            try (ServerSocket again = new ServerSocket()) {
                again.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            }
            try (Socket s = new Socket()) {
                assertThat(connects(s, port)).as("a connection to the stopped port").isFalse();
            }
        } finally {
            v4.forEach(Wire::close);
            v5.forEach(Wire::close);
            silent.forEach(Wire::close);
            server.stop(Duration.ofSeconds(10)); // a second stop does nothing
            try {
                leaks.assertNoLeaks();
            } finally {
                leaks.close();
            }
        }
    }

    private static boolean connects(Socket s, int port) {
        try {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
