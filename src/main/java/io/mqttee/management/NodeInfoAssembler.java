package io.mqttee.management;

import io.mqttee.core.Broker;
import io.mqttee.core.Stat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Maps a running {@link Broker} and the machine's {@link SystemFigures} to a {@link NodeInfoDto}. */
public final class NodeInfoAssembler {

    private static final DateTimeFormatter BOOTTIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");

    private final BrokerInfoAssembler brokerInfo;

    public NodeInfoAssembler(BrokerInfoAssembler brokerInfo) {
        this.brokerInfo = brokerInfo;
    }

    public NodeInfoDto toDto(Broker broker, SystemFigures os) {
        BrokerInfoDto b = brokerInfo.toDto(broker);
        return new NodeInfoDto(
                boottime(os.bootTimeMillis()),
                broker.counters().gauge(Stat.CONNECTIONS).current(),
                os.diskFree(),
                os.diskTotal(),
                os.load1(),
                os.load5(),
                os.load15(),
                os.memoryFree(),
                os.memoryTotal(),
                os.memoryUsed(),
                b.nodeId(),
                b.nodeName(),
                b.nodeStatus(),
                b.uptime(),
                b.version());
    }

    /** RMQTT's boot time: {@code 2022-06-30 05:20:24 UTC}; "" when unknown. */
    static String boottime(long millis) {
        return millis <= 0 ? "" : BOOTTIME.format(Instant.ofEpochMilli(millis).atOffset(ZoneOffset.UTC));
    }
}
