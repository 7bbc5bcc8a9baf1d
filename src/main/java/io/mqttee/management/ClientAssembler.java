package io.mqttee.management;

import io.mqttee.core.SessionView;

import java.time.Instant;
import java.time.ZoneId;

/** Maps a {@link SessionView} to its {@link ClientDto}, as RMQTT writes a client. */
public final class ClientAssembler {

    /** RMQTT's user name of a client that gave none. */
    static final String NO_USERNAME = "undefined";

    private final int nodeId;
    private final ZoneId zone;

    public ClientAssembler(int nodeId, ZoneId zone) {
        this.nodeId = nodeId;
        this.zone = zone;
    }

    public ClientDto toDto(SessionView v) {
        return new ClientDto(
                nodeId,
                v.clientId(),
                v.username() == null ? NO_USERNAME : v.username(),
                v.protocolVersion(),
                v.ipAddress() == null ? "" : v.ipAddress(),
                v.port(),
                time(v.connectedAtMillis()),
                v.connected() ? "" : time(v.disconnectedAtMillis()),
                v.connected() || v.disconnectedReason() == null ? "" : v.disconnectedReason().description(),
                v.connected(),
                v.keepalive(),
                v.cleanStart(),
                v.expiryIntervalSeconds(),
                time(v.createdAtMillis()),
                v.subscriptions(),
                v.maxSubscriptions(),
                v.inflight(),
                v.maxInflight(),
                v.mqueueLen(),
                v.maxMqueue());
    }

    /** RMQTT writes an unset time (0) as an empty string. */
    private String time(long millis) {
        return millis <= 0 ? "" : TimeFormats.datetime(Instant.ofEpochMilli(millis), zone);
    }

    /**
     * RMQTT's connection id, the answer to a kick: {@code <node>@<listener addr>/<client ip:port>/<clientid>/<username>}.
     */
    public String connectionId(SessionView v, String listenerAddr) {
        return nodeId + "@" + listenerAddr + "/" + (v.ipAddress() == null ? "" : v.ipAddress()) + ":" + v.port()
                + "/" + v.clientId() + "/" + (v.username() == null ? NO_USERNAME : v.username());
    }
}
