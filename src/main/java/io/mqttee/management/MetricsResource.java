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
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/metrics[/{node}|/sum]}: the broker's counters; and
 * {@code GET /api/v1/metrics/prometheus[/{node}|/sum]}: nodes, stats and metrics in the Prometheus
 * text format. The literal paths ({@code sum}, {@code prometheus}) are matched before {@code {node}}.
 */
@Path("/metrics")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class MetricsResource {

    private static final String DESCR = "Returns all metrics information from the cluster";
    private static final String PROMETHEUS_DESCR = "Returns nodes, stats and metrics in the Prometheus text format";
    /** The label of the sum over all nodes. */
    static final String ALL = "all";

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

    /** Each node labelled by its id, then the sum labelled {@code all}. */
    @GET
    @Path("/prometheus")
    @Produces(PrometheusFormatter.CONTENT_TYPE)
    @Endpoint(name = "get_prometheus_metrics", descr = PROMETHEUS_DESCR)
    public Response prometheus() {
        Broker broker = lifecycle.broker();
        SystemFigures os = SystemFigures.read();
        return text(List.of(sample(broker, os, Integer.toString(broker.nodeId())), sample(broker, os, ALL)));
    }

    @GET
    @Path("/prometheus/{node}")
    @Produces(PrometheusFormatter.CONTENT_TYPE)
    @Endpoint(name = "get_prometheus_metrics", descr = PROMETHEUS_DESCR)
    public Response prometheusNode(@PathParam("node") String node) {
        Broker broker = lifecycle.broker();
        ApiParams.requireNode(node, broker.nodeId());
        return text(List.of(sample(broker, SystemFigures.read(), Integer.toString(broker.nodeId()))));
    }

    @GET
    @Path("/prometheus/sum")
    @Produces(PrometheusFormatter.CONTENT_TYPE)
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

    private static StatsDtos.NodeMetrics of(Broker broker) {
        return new StatsDtos.NodeMetrics(broker.counters().metricsView(),
                new StatsDtos.MetricsNode(broker.nodeId(), BrokerInfoAssembler.nodeName(broker.nodeId())));
    }
}
