package io.mqttee.robustness;

import io.mqttee.core.Broker;
import io.mqttee.core.Message;
import io.mqttee.testing.ListenerConfigBuilder;
import io.mqttee.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One I/O thread for every connection, so publishers, subscriber and the acknowledgements that
 * refill the inflight window all run on the same thread, while the core also publishes from a
 * thread that is not an I/O thread (as the REST API does): every QoS 1 message arrives exactly
 * once and in its source's order, through a small or large inflight window, the session queue and
 * a full socket. (Written for the A/B of direct same-thread writes in docs/benchmarks.md, which
 * would mix a direct path with the queued one.)
 */
class SameThreadDeliveryIT {

    private static final int PER_SOURCE = 3000;
    private static final int BATCH = 50;

    private TestBroker server;
    private ExecutorService publishers;

    @AfterEach
    void stop() {
        if (publishers != null) {
            publishers.shutdownNow();
        }
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "max_inflight {0}")
    @ValueSource(ints = {8, 64, 65535})
    @DisplayName("one I/O thread: QoS 1 from two connections and from a non-I/O thread arrives exactly once, in each source's order")
    void mixedSourcesKeepTheirOrder(int maxInflight) throws Exception {
        server = TestBroker.start(ListenerConfigBuilder.listener().maxInflight(maxInflight).maxMqueueLen(100_000).build(), 1);
        int port = server.port();
        try (Wire subscriber = Wire.connected(port, 4, "reader", true)) {
            subscriber.send(Wire.subscribe(4, 1, "order/#", 1));
            subscriber.expect(Wire.SUBACK);

            publishers = Executors.newFixedThreadPool(3);
            List<Future<?>> sent = new ArrayList<>();
            sent.add(publishers.submit(() -> publishOverMqtt(port, "a")));
            sent.add(publishers.submit(() -> publishOverMqtt(port, "b")));
            // The core's own publish from a thread that is not the I/O thread (as the REST API does):
            // it reaches the subscriber through the queue and drain task
            sent.add(publishers.submit(() -> publishFromCore(server.broker(), "c")));

            Map<String, Integer> next = new HashMap<>(Map.of("a", 0, "b", 0, "c", 0));
            for (int i = 0; i < 3 * PER_SOURCE; i++) {
                Wire.Frame f = subscriber.expect(Wire.PUBLISH);
                String[] sourceAndSeq = new String(f.payload(), StandardCharsets.UTF_8).split(":");
                int expected = next.get(sourceAndSeq[0]);
                assertThat(Integer.parseInt(sourceAndSeq[1])).as("next from " + sourceAndSeq[0]).isEqualTo(expected);
                next.put(sourceAndSeq[0], expected + 1);
                subscriber.send(Wire.ack(Wire.PUBACK, f.packetId()));
            }
            for (Future<?> f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertThat(next).containsEntry("a", PER_SOURCE).containsEntry("b", PER_SOURCE).containsEntry("c", PER_SOURCE);
            subscriber.assertQuiet(Duration.ofMillis(300));
        }
    }

    @Test
    @DisplayName("one I/O thread: a subscriber that stops reading gets every QoS 1 message, in order, once it reads again")
    void fullSocketThenServedAgain() throws Exception {
        server = TestBroker.start(ListenerConfigBuilder.listener()
                .set("maxOutboundBytes", 64 * 1024).maxInflight(1000).maxMqueueLen(100_000).build(), 1);
        int port = server.port();
        int padding = 2048;
        int messages = 2000; // about 4 MB: past the socket buffers and max_outbound_bytes
        try (Wire sloth = new Wire(port, 4, 4096);
             Wire publisher = Wire.connected(port, 4, "writer", true)) {
            assertThat(sloth.connect("sloth", true).connackCode()).isZero();
            sloth.send(Wire.subscribe(4, 1, "bulk", 1));
            sloth.expect(Wire.SUBACK);
            for (int sent = 0; sent < messages; sent += BATCH) {
                for (int k = 0; k < BATCH; k++) {
                    publisher.send(Wire.publish(4, "bulk", payload(sent + k, padding), 1, false, false, 1 + k));
                }
                for (int k = 0; k < BATCH; k++) {
                    publisher.expect(Wire.PUBACK);
                }
            }
            Broker broker = server.broker();
            assertThat(broker.session("sloth").orElseThrow().queueSize()).as("held back while the socket is full").isPositive();

            for (int i = 0; i < messages; i++) {
                Wire.Frame f = sloth.expect(Wire.PUBLISH);
                assertThat(seq(f.payload())).isEqualTo(i);
                sloth.send(Wire.ack(Wire.PUBACK, f.packetId()));
            }
            // caught up: the next message goes straight out again
            publisher.send(Wire.publish(4, "bulk", payload(messages, padding), 1, false, false, 1));
            publisher.expect(Wire.PUBACK);
            assertThat(seq(sloth.expect(Wire.PUBLISH).payload())).isEqualTo(messages);
            assertThat(broker.session("sloth").orElseThrow().queueSize()).isZero();
        }
    }

    private static void publishOverMqtt(int port, String source) {
        try (Wire w = Wire.connected(port, 4, "pub-" + source, true)) {
            for (int sent = 0; sent < PER_SOURCE; sent += BATCH) {
                for (int k = 0; k < BATCH; k++) {
                    w.send(Wire.publish(4, "order/" + source, source + ":" + (sent + k), 1, 1 + k));
                }
                for (int k = 0; k < BATCH; k++) {
                    w.expect(Wire.PUBACK);
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void publishFromCore(Broker broker, String source) {
        for (int i = 0; i < PER_SOURCE; i++) {
            byte[] payload = (source + ":" + i).getBytes(StandardCharsets.UTF_8);
            broker.publish(new Message("order/" + source, payload, 1, false, "core", System.currentTimeMillis()));
        }
    }

    private static byte[] payload(int seq, int padding) {
        byte[] head = (seq + ":").getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[head.length + padding];
        System.arraycopy(head, 0, p, 0, head.length);
        return p;
    }

    private static int seq(byte[] payload) {
        String s = new String(payload, StandardCharsets.UTF_8);
        return Integer.parseInt(s.substring(0, s.indexOf(':')));
    }
}
