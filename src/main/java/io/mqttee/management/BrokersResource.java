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

/**
 * {@code GET /api/v1/brokers[/{node}]}: basic information about the nodes. A standalone broker is
 * a cluster of one node.
 */
@Path("/brokers")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class BrokersResource {

    private static final String DESCR = "Return the basic information of all nodes in the cluster";

    private final BrokerLifecycle lifecycle;

    /**
     * For CDI's client proxy only. Public because RESTEasy (WildFly) accepts a resource class only
     * with a public constructor it could call itself; CDI still creates the instances it serves,
     * through the {@code @Inject} constructor.
     */
    public BrokersResource() {
        this.lifecycle = null;
    }

    @Inject
    public BrokersResource(BrokerLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @GET
    @Endpoint(name = "get_brokers", descr = DESCR)
    public List<BrokerInfoDto> brokers() {
        return List.of(info(lifecycle.broker()));
    }

    /**
     * @param node the node id; not an integer is a 400, an id of no node a 404 (taken as a string
     *             so that a bad id is a 400, not the 404 JAX-RS gives for an unconvertible path parameter)
     */
    @GET
    @Path("/{node}")
    @Endpoint(name = "get_brokers", descr = DESCR)
    public BrokerInfoDto broker(@PathParam("node") String node) {
        Broker broker = lifecycle.broker();
        ApiParams.requireNode(node, broker.nodeId());
        return info(broker);
    }

    private static BrokerInfoDto info(Broker broker) {
        return new BrokerInfoAssembler(broker.clock(), ZoneId.systemDefault(), BuildInfo.version()).toDto(broker);
    }
}
