package io.mqttee.management;

import io.mqttee.core.Broker;
import io.mqttee.lifecycle.BrokerLifecycle;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/stats[/{node}|/sum]}: the broker's gauges, each with its current value
 * ({@code .count}) and historical maximum ({@code .max}). {@code /stats/sum} is a literal path,
 * matched before {@code {node}}.
 */
@Path("/stats")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class StatsResource {

    private static final String DESCR = "Returns all statistics information from the cluster";

    private final BrokerLifecycle lifecycle;

    /** For CDI's client proxy; public because RESTEasy (WildFly) requires a public constructor. */
    public StatsResource() {
        this.lifecycle = null;
    }

    @Inject
    public StatsResource(BrokerLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @GET
    @Endpoint(name = "get_stats", descr = DESCR)
    public List<StatsDtos.NodeStats> all() {
        return List.of(of(lifecycle.broker()));
    }

    @GET
    @Path("/{node}")
    @Endpoint(name = "get_stats", descr = DESCR)
    public StatsDtos.NodeStats node(@PathParam("node") String node) {
        Broker broker = lifecycle.broker();
        ApiParams.requireNode(node, broker.nodeId());
        return of(broker);
    }

    @GET
    @Path("/sum")
    @Endpoint(name = "get_stats_sum", descr = "Summarize all statistics information from the cluster")
    public StatsDtos.StatsSum sum() {
        Broker broker = lifecycle.broker();
        return new StatsDtos.StatsSum(
                Map.of(Integer.toString(broker.nodeId()), new StatsDtos.NameStatus(
                        BrokerInfoAssembler.nodeName(broker.nodeId()), BrokerInfoAssembler.RUNNING)),
                broker.counters().statsView());
    }

    private static StatsDtos.NodeStats of(Broker broker) {
        return new StatsDtos.NodeStats(new StatsDtos.StatsNode(broker.nodeId(),
                BrokerInfoAssembler.nodeName(broker.nodeId()), BrokerInfoAssembler.RUNNING),
                broker.counters().statsView());
    }
}
