package io.mqttee.management;

import io.mqttee.config.BrokerConfig;
import io.mqttee.core.Broker;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class BrokerInfoAssemblerTest {

    private static final Instant STARTED = Instant.parse("2022-07-18T23:45:28Z");

    @Test
    void mapsTheBrokerToRmqttsBrokerInformation() {
        Broker broker = new Broker(new BrokerConfig(1, BrokerConfig.defaults().listeners()),
                Clock.fixed(STARTED, ZoneOffset.UTC));
        Instant now = STARTED.plus(Duration.ofDays(5).plusHours(23).plusMinutes(16).plusSeconds(3));
        BrokerInfoAssembler assembler = new BrokerInfoAssembler(Clock.fixed(now, ZoneOffset.UTC),
                ZoneId.of("Asia/Shanghai"), "1.2.3");

        BrokerInfoDto dto = assembler.toDto(broker);

        assertThat(dto).isEqualTo(new BrokerInfoDto("2022-07-25 07:01:31", 1, "1@127.0.0.1", "Running",
                "MQTTee Broker", "5 days 23 hours, 16 minutes, 3 seconds", "mqttee/1.2.3"));
    }

    @Test
    void usesTheConfiguredNodeId() {
        Broker broker = new Broker(new BrokerConfig(7, BrokerConfig.defaults().listeners()),
                Clock.fixed(STARTED, ZoneOffset.UTC));
        BrokerInfoDto dto = new BrokerInfoAssembler(Clock.fixed(STARTED, ZoneOffset.UTC), ZoneOffset.UTC, "x")
                .toDto(broker);
        assertThat(dto.nodeId()).isEqualTo(7);
        assertThat(dto.nodeName()).isEqualTo("7@127.0.0.1");
        assertThat(dto.uptime()).isEqualTo("0 days 0 hours, 0 minutes, 0 seconds");
    }
}
