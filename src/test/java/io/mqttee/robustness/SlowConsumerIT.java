package io.mqttee.robustness;

import io.mqttee.config.SlowConsumerPolicy;
import io.mqttee.core.Broker;
import io.mqttee.core.Metric;
import io.mqttee.testing.ListenerConfigBuilder;
import io.mqttee.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code max_outbound_bytes} and {@code slow_consumer_policy}: a subscriber that stops reading
 * while a publisher sends it far more than its socket takes. Under "drop" it keeps its connection,
 * messages that do not fit are dropped and counted, and it is served again once it reads; under
 * "disconnect" it is disconnected (counted in {@code client.slow_consumer}) and its persistent
 * session keeps its subscription. Bystanders keep working throughout.
 */
class SlowConsumerIT {

    /** 64 KB: small, so the outbound bound is reached soon after the kernel's buffers fill. */
    private static final int MAX_OUTBOUND = 64 * 1024;
    private static final int PAYLOAD = 4096;
    /** 16 MB in all: past what loopback's socket buffers take (a few MB) plus MAX_OUTBOUND. */
    private static final int MESSAGES = 4096;

    private TestBroker server;
    private Wire sloth;

    @AfterEach
    void stop() {
        if (sloth != null) {
            sloth.abort();
        }
        if (server != null) {
            server.close();
        }
    }

    private TestBroker start(SlowConsumerPolicy policy) {
        return TestBroker.start(ListenerConfigBuilder.listener()
                .set("maxOutboundBytes", MAX_OUTBOUND)
                .set("slowConsumerPolicy", policy)
                .build());
    }

    /** A persistent QoS 0 subscriber to "flood" with a small receive buffer, that then never reads. */
    private Wire sloth(int port, int version) throws IOException {
        Wire w = new Wire(port, version, 4096);
        assertThat(w.connect("sloth", false).connackCode()).isZero();
        w.send(Wire.subscribe(version, 1, "flood", 0));
        w.expect(Wire.SUBACK);
        return w;
    }

    /** QoS 1 publishes (so each is routed before its PUBACK) of {@link #MESSAGES} x 4 KB to "flood". */
    private static void flood(int port, Bystander bystander) throws IOException {
        byte[] payload = new byte[PAYLOAD];
        try (Wire publisher = Wire.connected(port, 4, "flooder", true)) {
            int batch = 64;
            for (int sent = 0; sent < MESSAGES; sent += batch) {
                for (int k = 0; k < batch; k++) {
                    publisher.send(Wire.publish(4, "flood", payload, 1, false, false, 1 + k));
                }
                for (int k = 0; k < batch; k++) {
                    publisher.expect(Wire.PUBACK);
                }
                if (sent % 1024 == 0) {
                    bystander.assertWorks();
                }
            }
        }
    }

    @ParameterizedTest(name = "MQTT {0}")
    @ValueSource(ints = {4, 5})
    @DisplayName("slow_consumer_policy = drop: QoS 0 past max_outbound_bytes dropped and counted, the client stays connected and is served again once it reads")
    void dropKeepsTheClient(int version) throws Exception {
        server = start(SlowConsumerPolicy.DROP);
        Broker broker = server.broker();
        int port = server.port();
        try (Bystander bystander = new Bystander(port, 5, "drop-bystander")) {
            sloth = sloth(port, version);
            long droppedBefore = broker.counters().get(Metric.MESSAGES_DROPPED);
            long deliveredBefore = broker.counters().get(Metric.MESSAGES_DELIVERED);
            flood(port, bystander);

            long dropped = broker.counters().get(Metric.MESSAGES_DROPPED) - droppedBefore;
            long delivered = broker.counters().get(Metric.MESSAGES_DELIVERED) - deliveredBefore;
            long queued = broker.session("sloth").orElseThrow().queueSize();
            assertThat(dropped).as("dropped").isPositive();
            // the session queue took what the connection could not, up to max_mqueue_len (1000)
            assertThat(queued).as("queued for the sloth").isEqualTo(1000);
            // every message for the sloth was written, queued or dropped (the bystander's go elsewhere)
            assertThat(dropped + delivered + queued).isGreaterThanOrEqualTo(MESSAGES);
            // What was written to the sloth is bounded by its socket buffers plus max_outbound_bytes,
            // not by the flood: well below the 16 MB sent
            long forSloth = MESSAGES - dropped;
            assertThat((forSloth - queued) * PAYLOAD).as("bytes written to the sloth").isLessThan(MESSAGES * (long) PAYLOAD / 2);
            assertThat(broker.counters().get(Metric.CLIENT_SLOW_CONSUMER)).isZero();
            assertThat(broker.session("sloth").orElseThrow().isConnected()).isTrue();

            // It reads again: everything written and queued reaches it, in order, then new messages too
            for (long i = 0; i < forSloth; i++) {
                assertThat(sloth.expect(Wire.PUBLISH).payload()).hasSize(PAYLOAD);
            }
            assertThat(broker.session("sloth").orElseThrow().queueSize()).isZero();
            try (Wire publisher = Wire.connected(port, 4, "after", true)) {
                publisher.send(Wire.publish(4, "flood", "again", 0, 0));
            }
            Wire.Frame again = sloth.expect(Wire.PUBLISH);
            assertThat(new String(again.payload())).isEqualTo("again");
            bystander.assertWorks();
        }
    }

    @ParameterizedTest(name = "MQTT {0}")
    @ValueSource(ints = {4, 5})
    @DisplayName("slow_consumer_policy = disconnect: the client is disconnected once (0x97 for MQTT 5), counted, and its persistent session keeps its subscription")
    void disconnectClosesTheClient(int version) throws Exception {
        server = start(SlowConsumerPolicy.DISCONNECT);
        Broker broker = server.broker();
        int port = server.port();
        try (Bystander bystander = new Bystander(port, 5, "disconnect-bystander")) {
            sloth = sloth(port, version);
            flood(port, bystander);

            TestBroker.await("sloth disconnected", () -> !broker.session("sloth").orElseThrow().isConnected());
            assertThat(broker.counters().get(Metric.CLIENT_SLOW_CONSUMER)).isEqualTo(1);
            List<Wire.Frame> beforeClose = sloth.awaitClose();
            for (Wire.Frame f : beforeClose) {
                if (f.type() == Wire.DISCONNECT) {
                    // may not get through a full buffer; when it does, it says why [MQTT-3.14.2-1]
                    assertThat(version).isEqualTo(5);
                    assertThat(f.reasonCode()).isEqualTo(0x97);
                }
            }
            bystander.assertWorks();

            // The persistent session kept its subscription: a reconnecting client is served
            sloth = Wire.connected(port, version, "sloth", false);
            try (Wire publisher = Wire.connected(port, 4, "after", true)) {
                publisher.send(Wire.publish(4, "flood", "again", 0, 0));
            }
            Wire.Frame again = sloth.expect(Wire.PUBLISH);
            assertThat(new String(again.payload())).isEqualTo("again");
        }
    }
}
