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

import java.time.ZoneId;
import java.util.List;

/** {@code GET /api/v1/nodes[/{node}]}: the node with figures of the machine it runs on. */
@Path("/nodes")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class NodesResource {

    private static final String DESCR = "Returns the status of the node";

    private final BrokerLifecycle lifecycle;

    /** For CDI's client proxy; public because RESTEasy (WildFly) requires a public constructor. */
    public NodesResource() {
        this.lifecycle = null;
    }

    @Inject
    public NodesResource(BrokerLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @GET
    @Endpoint(name = "get_nodes", descr = DESCR)
    public List<NodeInfoDto> nodes() {
        return List.of(info(lifecycle.broker()));
    }

    @GET
    @Path("/{node}")
    @Endpoint(name = "get_nodes", descr = DESCR)
    public NodeInfoDto node(@PathParam("node") String node) {
        Broker broker = lifecycle.broker();
        ApiParams.requireNode(node, broker.nodeId());
        return info(broker);
    }

    static NodeInfoDto info(Broker broker) {
        BrokerInfoAssembler brokerInfo = new BrokerInfoAssembler(broker.clock(), ZoneId.systemDefault(),
                BuildInfo.version());
        return new NodeInfoAssembler(brokerInfo).toDto(broker, SystemFigures.read());
    }
}
