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
 * {@code GET /api/v1/metrics[/{node}|/sum]}: the broker's counters. The Prometheus exposition under
 * {@code /metrics/prometheus} is {@link PrometheusResource}, a root resource of its own so that no
 * JAX-RS implementation can take {@code prometheus} for a {@code {node}}.
 */
@Path("/metrics")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class MetricsResource {

    private static final String DESCR = "Returns all metrics information from the cluster";

    private final BrokerLifecycle lifecycle;

    /** For CDI's client proxy; public because RESTEasy (WildFly) requires a public constructor. */
    public MetricsResource() {
        this.lifecycle = null;
    }

    @Inject
    public MetricsResource(BrokerLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @GET
    @Endpoint(name = "get_metrics", descr = DESCR)
    public List<StatsDtos.NodeMetrics> all() {
        return List.of(of(lifecycle.broker()));
    }

    @GET
    @Path("/{node}")
    @Endpoint(name = "get_metrics", descr = DESCR)
    public StatsDtos.NodeMetrics node(@PathParam("node") String node) {
        Broker broker = lifecycle.broker();
        ApiParams.requireNode(node, broker.nodeId());
        return of(broker);
    }

    @GET
    @Path("/sum")
    @Endpoint(name = "get_metrics_sum", descr = "Summarize all metrics information from the cluster")
    public Map<String, Long> sum() {
        return lifecycle.broker().counters().metricsView();
    }

    private static StatsDtos.NodeMetrics of(Broker broker) {
        return new StatsDtos.NodeMetrics(broker.counters().metricsView(),
                new StatsDtos.MetricsNode(broker.nodeId(), BrokerInfoAssembler.nodeName(broker.nodeId())));
    }
}
