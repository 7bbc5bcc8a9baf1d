package io.mqttee.management;

import io.mqttee.core.Broker;
import io.mqttee.lifecycle.BrokerLifecycle;
import io.mqttee.plugins.HttpApiPlugin;
import io.mqttee.plugins.Plugin;
import io.mqttee.plugins.PluginException;
import io.mqttee.plugins.PluginRegistry;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.InternalServerErrorException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /api/v1/plugins}: the plugin registry of the node. Answers as RMQTT's: load and reload say
 * {@code ok} (text), unload says {@code true} or {@code false} (JSON). An unknown plugin is a 404, an
 * immutable one refuses unload and reload with a 400, a configuration file that does not read is a
 * 500 naming the file and key (the previous configuration stays in force).
 *
 * <p>{@code rmqtt-http-api} declines to unload (it serves this very API): the answer is RMQTT's
 * {@code false}, with the reason in the {@value #REASON_HEADER} header.
 */
@Path("/plugins")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class PluginsResource {

    /** Says why an unload answered {@code false}. */
    static final String REASON_HEADER = "X-MQTTee-Reason";

    private final BrokerLifecycle lifecycle;

    /** For CDI's client proxy; public because RESTEasy (WildFly) requires a public constructor. */
    public PluginsResource() {
        this.lifecycle = null;
    }

    @Inject
    public PluginsResource(BrokerLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @GET
    @Endpoint(name = "all_plugins", descr = "Returns information of all plugins in the cluster")
    public List<PluginDto.NodePlugins> all() {
        return List.of(new PluginDto.NodePlugins(lifecycle.broker().nodeId(), list()));
    }

    @GET
    @Path("/{node}")
    @Endpoint(name = "node_plugins",
            descr = "Similar with GET /api/v1/plugins, return the plugin information under the specified node")
    public List<PluginDto> node(@PathParam("node") String node) {
        requireNode(node);
        return list();
    }

    @GET
    @Path("/{node}/{plugin}")
    @Endpoint(name = "node_plugin_info", descr = "Get a plugin info")
    public PluginDto info(@PathParam("node") String node, @PathParam("plugin") String plugin) {
        requireNode(node);
        return PluginDto.of(plugin(plugin));
    }

    @GET
    @Path("/{node}/{plugin}/config")
    @Endpoint(name = "node_plugin_config", descr = "Get a plugin config")
    public Map<String, Object> config(@PathParam("node") String node, @PathParam("plugin") String plugin) {
        requireNode(node);
        return plugin(plugin).config();
    }

    @PUT
    @Path("/{node}/{plugin}/config/reload")
    @Produces(MediaType.TEXT_PLAIN)
    @Endpoint(name = "node_plugin_config_reload", descr = "Reload a plugin config")
    public String reload(@PathParam("node") String node, @PathParam("plugin") String plugin) {
        requireNode(node);
        PluginRegistry registry = lifecycle.plugins();
        run(() -> {
            registry.reloadConfig(plugin);
            return null;
        });
        return "ok";
    }

    @PUT
    @Path("/{node}/{plugin}/load")
    @Produces(MediaType.TEXT_PLAIN)
    @Endpoint(name = "node_plugin_load", descr = "Load the specified plugin under the specified node.")
    public String load(@PathParam("node") String node, @PathParam("plugin") String plugin) {
        requireNode(node);
        PluginRegistry registry = lifecycle.plugins();
        run(() -> {
            registry.load(plugin);
            return null;
        });
        return "ok";
    }

    @PUT
    @Path("/{node}/{plugin}/unload")
    @Endpoint(name = "node_plugin_unload", descr = "Unload the specified plugin under the specified node.")
    public Response unload(@PathParam("node") String node, @PathParam("plugin") String plugin) {
        requireNode(node);
        PluginRegistry registry = lifecycle.plugins();
        boolean unloaded = run(() -> registry.unload(plugin));
        Response.ResponseBuilder ok = Response.ok(unloaded, MediaType.APPLICATION_JSON_TYPE);
        if (!unloaded && HttpApiPlugin.NAME.equals(plugin)) {
            ok.header(REASON_HEADER, HttpApiPlugin.NAME + " serves this API and cannot unload itself");
        }
        return ok.build();
    }

    private List<PluginDto> list() {
        return lifecycle.plugins().list().stream().map(PluginDto::of).toList();
    }

    private Plugin plugin(String name) {
        return lifecycle.plugins().get(name)
                .orElseThrow(() -> new NotFoundException("plugin " + name + " does not exist"));
    }

    private void requireNode(String node) {
        Broker broker = lifecycle.broker();
        ApiParams.requireNode(node, broker.nodeId());
    }

    /** Runs a registry operation, turning its refusal into the HTTP answer. */
    private static <T> T run(Supplier<T> operation) {
        try {
            return operation.get();
        } catch (PluginException e) {
            throw switch (e.kind()) {
                case NOT_FOUND -> new NotFoundException(e.getMessage());
                case IMMUTABLE -> new BadRequestException(e.getMessage());
                case INVALID_CONFIG -> new InternalServerErrorException(e.getMessage());
            };
        }
    }

}
