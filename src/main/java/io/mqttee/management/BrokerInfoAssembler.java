package io.mqttee.management;

import io.mqttee.core.Broker;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/** Maps a running {@link Broker} to its {@link BrokerInfoDto}. */
public final class BrokerInfoAssembler {

    static final String SYSDESCR = "MQTTee Broker";
    static final String PRODUCT = "mqttee";
    static final String RUNNING = "Running";
    /** A standalone node's address in its name, as RMQTT writes it ({@code 1@127.0.0.1}). */
    static final String STANDALONE_ADDRESS = "127.0.0.1";

    private final Clock clock;
    private final ZoneId zone;
    private final String version;

    /**
     * @param clock   gives "now" for {@code datetime} and {@code uptime}; the broker's own clock,
     *                so that uptime is measured on the clock that stamped the start
     * @param zone    the zone of {@code datetime} (the server's local zone in the API)
     * @param version the project version, without the {@code mqttee/} prefix
     */
    public BrokerInfoAssembler(Clock clock, ZoneId zone, String version) {
        this.clock = clock;
        this.zone = zone;
        this.version = version;
    }

    /** A standalone node's name: {@code <id>@127.0.0.1}. */
    public static String nodeName(int nodeId) {
        return nodeId + "@" + STANDALONE_ADDRESS;
    }

    public BrokerInfoDto toDto(Broker broker) {
        Instant now = clock.instant();
        Duration uptime = Duration.ofMillis(now.toEpochMilli() - broker.startedAtMillis());
        return new BrokerInfoDto(
                TimeFormats.datetime(now, zone),
                broker.nodeId(),
                nodeName(broker.nodeId()),
                RUNNING,
                SYSDESCR,
                TimeFormats.uptime(uptime),
                PRODUCT + "/" + version);
    }
}
