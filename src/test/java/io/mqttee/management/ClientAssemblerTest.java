package io.mqttee.management;

import io.mqttee.core.DisconnectReason;
import io.mqttee.core.SessionView;
import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

class ClientAssemblerTest {

    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    private static final long T0 = LocalDateTime.of(2022, 7, 30, 18, 14, 8).atZone(ZONE).toInstant().toEpochMilli();

    private final ClientAssembler assembler = new ClientAssembler(1, ZONE);

    @Test
    void aConnectedClientAsRmqttWritesIt() {
        SessionView v = new SessionView("c1", null, 4, "183.193.169.110", 10839, true, T0, 0, null, 60, true,
                false, 7200, T0, 0, 0, 0, 16, 0, 1000);
        assertThat(assembler.toDto(v)).isEqualTo(new ClientDto(1, "c1", "undefined", 4, "183.193.169.110", 10839,
                "2022-07-30 18:14:08", "", "", true, 60, true, 7200, "2022-07-30 18:14:08", 0, 0, 0, 16, 0, 1000));
    }

    @Test
    void anOfflineSessionHasDisconnectTimeAndReason() {
        SessionView v = new SessionView("c2", "alice", 5, "10.0.0.1", 5000, false, T0, T0 + 61_000,
                DisconnectReason.CONNECTION_LOST, 30, false, true, 3600, T0 - 1000, 2, 10, 0, 16, 3, 1000);
        ClientDto d = assembler.toDto(v);
        assertThat(d.username()).isEqualTo("alice");
        assertThat(d.connected()).isFalse();
        assertThat(d.disconnectedAt()).isEqualTo("2022-07-30 18:15:09");
        assertThat(d.disconnectedReason()).isEqualTo("Connection lost");
        assertThat(d.createdAt()).isEqualTo("2022-07-30 18:14:07");
        assertThat(d.subscriptionsCnt()).isEqualTo(2);
        assertThat(d.mqueueLen()).isEqualTo(3);
    }

    @Test
    void theKickAnswerIsRmqttsConnectionId() {
        SessionView v = new SessionView("example1", null, 4, "183.193.169.110", 10876, true, T0, 0, null, 60, true,
                false, 7200, T0, 0, 0, 0, 16, 0, 1000);
        assertThat(assembler.connectionId(v, "0.0.0.0:1883"))
                .isEqualTo("1@0.0.0.0:1883/183.193.169.110:10876/example1/undefined");
    }
}
