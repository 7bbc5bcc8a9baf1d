package io.mqttee.management;

import io.mqttee.config.BrokerConfig;
import io.mqttee.lifecycle.BrokerLifecycle;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;

/**
 * {@code GET /api/v1/health/check[/{node}]}: {@code {"running":true,"nodes":[{"node_id":1,"running":true}]}}
 * with 200 while the broker runs, the same body with {@code false} and 503 when it does not.
 */
@Path("/health/check")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class HealthResource {

    private static final String DESCR = "Node health check";

    /** One node's health. */
    public record NodeHealth(@JsonbProperty("node_id") int nodeId, @JsonbProperty("running") boolean running) {
    }

    /** The answer: whether every node runs, and each node. */
    public record Health(@JsonbProperty("running") boolean running, @JsonbProperty("nodes") List<NodeHealth> nodes) {
    }

    private final BrokerLifecycle lifecycle;

    /** For CDI's client proxy; public because RESTEasy (WildFly) requires a public constructor. */
    public HealthResource() {
        this.lifecycle = null;
    }

    @Inject
    public HealthResource(BrokerLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @GET
    @Endpoint(name = "check_health", descr = DESCR)
    public Response check() {
        return answer(lifecycle.isRunning());
    }

    @GET
    @Path("/{node}")
    @Endpoint(name = "check_health", descr = DESCR)
    public Response checkNode(@PathParam("node") String node) {
        boolean running = lifecycle.isRunning();
        ApiParams.requireNode(node, nodeId(running));
        return answer(running);
    }

    private Response answer(boolean running) {
        Health body = new Health(running, List.of(new NodeHealth(nodeId(running), running)));
        return Response.status(running ? Response.Status.OK : Response.Status.SERVICE_UNAVAILABLE)
                .entity(body).type(MediaType.APPLICATION_JSON_TYPE).build();
    }

    private int nodeId(boolean running) {
        return running ? lifecycle.broker().nodeId() : BrokerConfig.defaults().nodeId();
    }
}
