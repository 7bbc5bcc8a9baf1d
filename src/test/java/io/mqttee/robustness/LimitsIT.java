package io.mqttee.robustness;

import io.mqttee.core.Metric;
import io.mqttee.testing.ListenerConfigBuilder;
import io.mqttee.testing.TestBroker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resource limits at the limit and one past it, where {@code RawSocketIT} / {@code HiveMqClientIT}
 * do not test the exact boundary.
 */
class LimitsIT {

    private static final int MAX_PACKET_SIZE = 100;

    private TestBroker server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A QoS 0 PUBLISH of exactly {@code total} bytes, fixed header included. */
    private static byte[] publishOfSize(int version, int total) {
        int overhead = 2 + 2 + 1 + (version == 5 ? 1 : 0); // fixed header, topic "t", properties length
        byte[] p = Wire.publish(version, "t", "x".repeat(total - overhead), 0, 0);
        assertThat(p).hasSize(total);
        return p;
    }

    @ParameterizedTest(name = "MQTT level {0}")
    @ValueSource(ints = {4, 5})
    @DisplayName("[MQTT-3.2.2-15] max_packet_size counts the whole packet: a packet of exactly max_packet_size bytes passes, one byte more is refused")
    void maxPacketSizeIsTheWholePacket(int version) throws Exception {
        server = TestBroker.start(ListenerConfigBuilder.listener().maxPacketSize(MAX_PACKET_SIZE).build());
        try (Wire sub = Wire.connected(server.port(), version, "mps-sub", true);
             Wire pub = Wire.connected(server.port(), version, "mps-pub", true)) {
            sub.send(Wire.subscribe(version, 1, "t", 0));
            sub.expect(Wire.SUBACK);
            pub.send(publishOfSize(version, MAX_PACKET_SIZE));
            pub.ping();
            assertThat(sub.expect(Wire.PUBLISH).payload()).hasSize(MAX_PACKET_SIZE - (version == 5 ? 6 : 5));

            long before = server.broker().counters().get(Metric.CLIENT_PROTOCOL_ERROR);
            pub.send(publishOfSize(version, MAX_PACKET_SIZE + 1));
            List<Wire.Frame> sent = pub.awaitClose();
            if (version == 5) {
                assertThat(sent).hasSize(1);
                assertThat(sent.get(0).type()).isEqualTo(Wire.DISCONNECT);
                assertThat(sent.get(0).reasonCode()).isEqualTo(0x95); // Packet too large
            } else {
                assertThat(sent).isEmpty();
            }
            TestBroker.await("counted", () -> server.broker().counters().get(Metric.CLIENT_PROTOCOL_ERROR) == before + 1);
            sub.ping(); // nothing was forwarded, the subscriber is fine
        }
    }
}
