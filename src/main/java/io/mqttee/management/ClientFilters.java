package io.mqttee.management;

import io.mqttee.core.SessionQuery;
import jakarta.ws.rs.QueryParam;

import java.time.ZoneId;

/**
 * The query parameters of {@code GET /clients} and {@code /clients/offlines}, all optional, taken
 * as strings so that {@link #toQuery} can answer a bad value with a 400 naming the parameter.
 */
public class ClientFilters {

    @QueryParam("_limit")
    String limit;
    @QueryParam("clientid")
    String clientId;
    @QueryParam("username")
    String username;
    @QueryParam("ip_address")
    String ipAddress;
    @QueryParam("connected")
    String connected;
    @QueryParam("clean_start")
    String cleanStart;
    @QueryParam("session_present")
    String sessionPresent;
    @QueryParam("proto_ver")
    String protoVer;
    @QueryParam("_like_clientid")
    String likeClientId;
    @QueryParam("_like_username")
    String likeUsername;
    @QueryParam("_gte_created_at")
    String gteCreatedAt;
    @QueryParam("_lte_created_at")
    String lteCreatedAt;
    @QueryParam("_gte_connected_at")
    String gteConnectedAt;
    @QueryParam("_lte_connected_at")
    String lteConnectedAt;
    @QueryParam("_gte_mqueue_len")
    String gteMqueueLen;
    @QueryParam("_lte_mqueue_len")
    String lteMqueueLen;

    /** The raw {@code _limit}. */
    public String limit() {
        return limit;
    }

    /** The core query; a bad value is a 400 naming its parameter. */
    public SessionQuery toQuery(ZoneId zone) {
        return new SessionQuery(
                text(clientId), text(username), text(ipAddress),
                ApiParams.bool("connected", connected),
                ApiParams.bool("clean_start", cleanStart),
                ApiParams.bool("session_present", sessionPresent),
                ApiParams.integer("proto_ver", protoVer),
                text(likeClientId), text(likeUsername),
                ApiParams.time("_gte_created_at", gteCreatedAt, zone),
                ApiParams.time("_lte_created_at", lteCreatedAt, zone),
                ApiParams.time("_gte_connected_at", gteConnectedAt, zone),
                ApiParams.time("_lte_connected_at", lteConnectedAt, zone),
                ApiParams.integer("_gte_mqueue_len", gteMqueueLen),
                ApiParams.integer("_lte_mqueue_len", lteMqueueLen));
    }

    private static String text(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
