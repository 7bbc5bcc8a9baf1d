package io.mqttee.management;

import io.mqttee.core.Broker;
import io.mqttee.lifecycle.BrokerLifecycle;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/metrics/prometheus[/{node}|/sum]}: nodes, stats and metrics in the Prometheus
 * text format, with RMQTT's metric family names so existing dashboards work. A root resource of its
 * own, so that no JAX-RS implementation can take {@code prometheus} for the {@code {node}} of
 * {@link MetricsResource} (RESTEasy did, for a client asking for JSON).
 */
@Path("/metrics/prometheus")
@Produces(PrometheusFormatter.CONTENT_TYPE)
@RequestScoped
public class PrometheusResource {

    private static final String PROMETHEUS_DESCR = "Returns nodes, stats and metrics in the Prometheus text format";
    /** The label of the sum over all nodes. */
    static final String ALL = "all";

    private final BrokerLifecycle lifecycle;

    /** For CDI's client proxy; public because RESTEasy (WildFly) requires a public constructor. */
    public PrometheusResource() {
        this.lifecycle = null;
    }

    @Inject
    public PrometheusResource(BrokerLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    /** Each node labelled by its id, then the sum labelled {@code all}. */
    @GET
    @Endpoint(name = "get_prometheus_metrics", descr = PROMETHEUS_DESCR)
    public Response prometheus() {
        Broker broker = lifecycle.broker();
        SystemFigures os = SystemFigures.read();
        return text(List.of(sample(broker, os, Integer.toString(broker.nodeId())), sample(broker, os, ALL)));
    }

    @GET
    @Path("/{node}")
    @Endpoint(name = "get_prometheus_metrics", descr = PROMETHEUS_DESCR)
    public Response prometheusNode(@PathParam("node") String node) {
        Broker broker = lifecycle.broker();
        ApiParams.requireNode(node, broker.nodeId());
        return text(List.of(sample(broker, SystemFigures.read(), Integer.toString(broker.nodeId()))));
    }

    @GET
    @Path("/sum")
    @Endpoint(name = "get_prometheus_metrics_sum", descr = "Returns the sum over all nodes in the Prometheus text format")
    public Response prometheusSum() {
        return text(List.of(sample(lifecycle.broker(), SystemFigures.read(), ALL)));
    }

    private static Response text(List<PrometheusFormatter.Sample> samples) {
        return Response.ok(PrometheusFormatter.format(samples), PrometheusFormatter.CONTENT_TYPE).build();
    }

    static PrometheusFormatter.Sample sample(Broker broker, SystemFigures os, String label) {
        Map<String, Double> nodes = new LinkedHashMap<>();
        nodes.put("load1", os.load1());
        nodes.put("load5", os.load5());
        nodes.put("load15", os.load15());
        nodes.put("memory_total", (double) os.memoryTotal());
        nodes.put("memory_used", (double) os.memoryUsed());
        nodes.put("memory_free", (double) os.memoryFree());
        nodes.put("disk_total", (double) os.diskTotal());
        nodes.put("disk_free", (double) os.diskFree());
        nodes.put("running", 1.0);
        return new PrometheusFormatter.Sample(label, nodes, broker.counters().statsView(),
                broker.counters().metricsView());
    }
}
