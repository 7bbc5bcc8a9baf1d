package io.mqttee.management;

import io.mqttee.core.Broker;
import io.mqttee.core.Topics;
import io.mqttee.lifecycle.BrokerLifecycle;
import io.mqttee.plugins.HttpApiPlugin;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/**
 * {@code /api/v1/routes}: the topic filters that have subscribers, and those matching one topic.
 * The topic is URL-encoded in the path ({@code foo%2f1}); the template takes the rest of the path,
 * so a server that decodes {@code %2F} before routing ({@code /routes/foo/1}) is answered the same.
 */
@Path("/routes")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class RoutesResource {

    private final BrokerLifecycle lifecycle;

    /** For CDI's client proxy; public because RESTEasy (WildFly) requires a public constructor. */
    public RoutesResource() {
        this.lifecycle = null;
    }

    @Inject
    public RoutesResource(BrokerLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @GET
    @Endpoint(name = "get_routes", descr = "Return all routing information from the cluster")
    public List<RouteDto> all(@QueryParam("_limit") String limit) {
        int maxRows = lifecycle.plugins().plugin(HttpApiPlugin.class).settings().maxRowLimit();
        int n = ApiParams.limit("_limit", limit, maxRows);
        Broker broker = lifecycle.broker();
        return broker.subscriptions().filters().stream().limit(n)
                .map(f -> new RouteDto(broker.nodeId(), f)).toList();
    }

    @GET
    @Path("/{topic: .+}")
    @Endpoint(name = "get_route", descr = "Get routing information from the cluster")
    public List<RouteDto> ofTopic(@PathParam("topic") String topic) {
        if (!Topics.isValidTopicName(topic, 0)) {
            throw new BadRequestException("invalid topic: '" + topic + "' is not a topic name");
        }
        Broker broker = lifecycle.broker();
        return broker.subscriptions().matchingFilters(topic).stream()
                .map(f -> new RouteDto(broker.nodeId(), f)).toList();
    }
}
