package io.mqttee.management;

import io.mqttee.config.ListenerConfig;
import io.mqttee.core.Broker;
import io.mqttee.core.Session;
import io.mqttee.core.SessionQuery;
import io.mqttee.core.SessionView;
import io.mqttee.lifecycle.BrokerLifecycle;
import io.mqttee.plugins.HttpApiPlugin;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/clients}: sessions, connected or not, with RMQTT's filters; a client's details,
 * kick and online check; offline sessions listed and removed ({@code /clients/offlines}, a literal
 * path, which JAX-RS matches before the {@code {clientid}} template).
 */
@Path("/clients")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class ClientsResource {

    private final BrokerLifecycle lifecycle;

    /** For CDI's client proxy; public because RESTEasy (WildFly) requires a public constructor. */
    public ClientsResource() {
        this.lifecycle = null;
    }

    @Inject
    public ClientsResource(BrokerLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @GET
    @Endpoint(name = "search_clients", descr = "Search clients information from the cluster")
    public List<ClientDto> search(@BeanParam ClientFilters filters) {
        return list(filters.toQuery(zone()), filters.limit());
    }

    @GET
    @Path("/offlines")
    @Endpoint(name = "search_offlines", descr = "Search offline sessions from the cluster")
    public List<ClientDto> searchOfflines(@BeanParam ClientFilters filters) {
        return list(filters.toQuery(zone()).offlineOnly(), filters.limit());
    }

    @DELETE
    @Path("/offlines")
    @Endpoint(name = "remove_offlines", descr = "Remove offline sessions from the cluster")
    public Map<String, Integer> removeOfflines(@BeanParam ClientFilters filters) {
        SessionQuery query = filters.toQuery(zone()).offlineOnly();
        return Map.of("count", lifecycle.broker().removeOfflineSessions(query));
    }

    @GET
    @Path("/{clientid}")
    @Endpoint(name = "get_client", descr = "Get client information from the cluster")
    public ClientDto get(@PathParam("clientid") String clientId) {
        Broker broker = lifecycle.broker();
        Session session = broker.session(clientId).orElseThrow(() -> unknown(clientId));
        return assembler(broker).toDto(session.view());
    }

    /** Ends the session (closing its connection, without its will); answers RMQTT's connection id as text. */
    @DELETE
    @Path("/{clientid}")
    @Produces(MediaType.TEXT_PLAIN)
    @Endpoint(name = "kick_client", descr = "Kick client from the cluster")
    public String kick(@PathParam("clientid") String clientId) {
        Broker broker = lifecycle.broker();
        Session session = broker.session(clientId).orElseThrow(() -> unknown(clientId));
        SessionView view = session.view();
        ListenerConfig listener = session.limits();
        if (!broker.kick(clientId)) {
            throw unknown(clientId); // ended meanwhile
        }
        return assembler(broker).connectionId(view, listener.host() + ":" + listener.port());
    }

    @GET
    @Path("/{clientid}/online")
    @Endpoint(name = "check_online", descr = "Check a client whether online from the cluster")
    public boolean online(@PathParam("clientid") String clientId) {
        return lifecycle.broker().session(clientId).map(Session::isConnected).orElse(false);
    }

    private List<ClientDto> list(SessionQuery query, String limitParam) {
        Broker broker = lifecycle.broker();
        int maxRows = lifecycle.plugins().plugin(HttpApiPlugin.class).settings().maxRowLimit();
        int limit = ApiParams.limit("_limit", limitParam, maxRows);
        ClientAssembler assembler = assembler(broker);
        return broker.querySessions(query, limit).stream().map(assembler::toDto).toList();
    }

    private static ClientAssembler assembler(Broker broker) {
        return new ClientAssembler(broker.nodeId(), zone());
    }

    private static ZoneId zone() {
        return ZoneId.systemDefault();
    }

    private static NotFoundException unknown(String clientId) {
        return new NotFoundException("client " + clientId + " does not exist");
    }
}
