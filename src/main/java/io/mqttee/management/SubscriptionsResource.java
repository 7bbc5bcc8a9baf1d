package io.mqttee.management;

import io.mqttee.core.Broker;
import io.mqttee.core.SubscriptionQuery;
import io.mqttee.lifecycle.BrokerLifecycle;
import io.mqttee.plugins.HttpApiPlugin;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** {@code /api/v1/subscriptions}: subscriptions with RMQTT's filters, or those of one client. */
@Path("/subscriptions")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class SubscriptionsResource {

    private final BrokerLifecycle lifecycle;

    /** For CDI's client proxy; public because RESTEasy (WildFly) requires a public constructor. */
    public SubscriptionsResource() {
        this.lifecycle = null;
    }

    @Inject
    public SubscriptionsResource(BrokerLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @GET
    @Endpoint(name = "query_subscriptions", descr = "Query subscriptions information from the cluster")
    public List<SubscriptionDto> query(@QueryParam("_limit") String limit,
                                       @QueryParam("clientid") String clientId,
                                       @QueryParam("topic") String topic,
                                       @QueryParam("qos") String qos,
                                       @QueryParam("share") String share,
                                       @QueryParam("_match_topic") String matchTopic) {
        SubscriptionQuery query = new SubscriptionQuery(text(clientId), text(topic),
                ApiParams.integer("qos", qos, 0, 2), text(share), text(matchTopic));
        int maxRows = lifecycle.plugins().plugin(HttpApiPlugin.class).settings().maxRowLimit();
        return list(query, ApiParams.limit("_limit", limit, maxRows));
    }

    @GET
    @Path("/{clientid}")
    @Endpoint(name = "get_client_subscriptions", descr = "Get subscriptions information for the client from the cluster")
    public List<SubscriptionDto> ofClient(@PathParam("clientid") String clientId) {
        if (lifecycle.broker().session(clientId).isEmpty()) {
            throw new NotFoundException("client " + clientId + " does not exist");
        }
        return list(new SubscriptionQuery(clientId, null, null, null, null), Integer.MAX_VALUE);
    }

    private List<SubscriptionDto> list(SubscriptionQuery query, int limit) {
        Broker broker = lifecycle.broker();
        int node = broker.nodeId();
        return broker.querySubscriptions(query, limit).stream()
                .map(s -> new SubscriptionDto(node, s.clientId(), s.clientAddr(), s.filter(), s.qos(), s.shareGroup()))
                .toList();
    }

    private static String text(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
