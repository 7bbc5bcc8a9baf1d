package io.mqttee.management;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EndpointCatalogTest {

    // ------------------------------------------------------------ the real API

    @Test
    void listsTheApisEndpointsLikeRmqtt() {
        assertThat(EndpointCatalog.of(ManagementApplication.RESOURCES)).containsExactly(
                new EndpointDto("get_brokers", "GET", "/brokers/{node}",
                        "Return the basic information of all nodes in the cluster"),
                new EndpointDto("get_nodes", "GET", "/nodes/{node}", "Returns the status of the node"),
                new EndpointDto("check_health", "GET", "/health/check/{node}", "Node health check"),
                new EndpointDto("search_clients", "GET", "/clients", "Search clients information from the cluster"),
                new EndpointDto("remove_offlines", "DELETE", "/clients/offlines",
                        "Remove offline sessions from the cluster"),
                new EndpointDto("search_offlines", "GET", "/clients/offlines",
                        "Search offline sessions from the cluster"),
                new EndpointDto("kick_client", "DELETE", "/clients/{clientid}", "Kick client from the cluster"),
                new EndpointDto("get_client", "GET", "/clients/{clientid}", "Get client information from the cluster"),
                new EndpointDto("check_online", "GET", "/clients/{clientid}/online",
                        "Check a client whether online from the cluster"),
                new EndpointDto("query_subscriptions", "GET", "/subscriptions",
                        "Query subscriptions information from the cluster"),
                new EndpointDto("get_client_subscriptions", "GET", "/subscriptions/{clientid}",
                        "Get subscriptions information for the client from the cluster"),
                new EndpointDto("get_routes", "GET", "/routes", "Return all routing information from the cluster"),
                new EndpointDto("get_route", "GET", "/routes/{topic}", "Get routing information from the cluster"),
                new EndpointDto("publish", "POST", "/mqtt/publish", "Publish MQTT message"),
                new EndpointDto("subscribe", "POST", "/mqtt/subscribe", "Subscribe to MQTT topic"),
                new EndpointDto("unsubscribe", "POST", "/mqtt/unsubscribe", "Unsubscribe"),
                new EndpointDto("all_plugins", "GET", "/plugins", "Returns information of all plugins in the cluster"),
                new EndpointDto("node_plugins", "GET", "/plugins/{node}",
                        "Similar with GET /api/v1/plugins, return the plugin information under the specified node"),
                new EndpointDto("node_plugin_info", "GET", "/plugins/{node}/{plugin}", "Get a plugin info"),
                new EndpointDto("node_plugin_config", "GET", "/plugins/{node}/{plugin}/config", "Get a plugin config"),
                new EndpointDto("node_plugin_config_reload", "PUT", "/plugins/{node}/{plugin}/config/reload",
                        "Reload a plugin config"),
                new EndpointDto("node_plugin_load", "PUT", "/plugins/{node}/{plugin}/load",
                        "Load the specified plugin under the specified node."),
                new EndpointDto("node_plugin_unload", "PUT", "/plugins/{node}/{plugin}/unload",
                        "Unload the specified plugin under the specified node."),
                new EndpointDto("get_stats", "GET", "/stats/{node}",
                        "Returns all statistics information from the cluster"),
                new EndpointDto("get_stats_sum", "GET", "/stats/sum",
                        "Summarize all statistics information from the cluster"),
                new EndpointDto("get_metrics", "GET", "/metrics/{node}", "Returns all metrics information from the cluster"),
                new EndpointDto("get_metrics_sum", "GET", "/metrics/sum",
                        "Summarize all metrics information from the cluster"),
                new EndpointDto("get_prometheus_metrics", "GET", "/metrics/prometheus/{node}",
                        "Returns nodes, stats and metrics in the Prometheus text format"),
                new EndpointDto("get_prometheus_metrics_sum", "GET", "/metrics/prometheus/sum",
                        "Returns the sum over all nodes in the Prometheus text format"),
                new EndpointDto("delete_retain", "DELETE", "/retains", "Delete the retained message of a topic"),
                new EndpointDto("get_retains", "GET", "/retains", "Query retained messages"));
    }

    /**
     * Pins the resource methods that exist. Adding one fails here until it is added to this list
     * (and, without an {@link Endpoint}, already in the test above).
     */
    @Test
    void theResourceMethodsAreExactlyThese() {
        List<String> methods = new ArrayList<>();
        for (Class<?> resource : ManagementApplication.RESOURCES) {
            for (Method m : resource.getMethods()) {
                for (Annotation a : m.getAnnotations()) {
                    HttpMethod hm = a.annotationType().getAnnotation(HttpMethod.class);
                    if (hm != null) {
                        Path p = m.getAnnotation(Path.class);
                        methods.add(hm.value() + " " + EndpointCatalog.displayPath(
                                resource.getAnnotation(Path.class).value() + "/" + (p == null ? "" : p.value()))
                                + " " + m.getAnnotation(Endpoint.class).name());
                    }
                }
            }
        }
        assertThat(methods).containsExactlyInAnyOrder(
                "GET / list_apis",
                "GET /brokers get_brokers",
                "GET /brokers/{node} get_brokers",
                "GET /nodes get_nodes",
                "GET /nodes/{node} get_nodes",
                "GET /health/check check_health",
                "GET /health/check/{node} check_health",
                "GET /clients search_clients",
                "GET /clients/offlines search_offlines",
                "DELETE /clients/offlines remove_offlines",
                "GET /clients/{clientid} get_client",
                "DELETE /clients/{clientid} kick_client",
                "GET /clients/{clientid}/online check_online",
                "GET /subscriptions query_subscriptions",
                "GET /subscriptions/{clientid} get_client_subscriptions",
                "GET /routes get_routes",
                "GET /routes/{topic} get_route",
                "POST /mqtt/publish publish",
                "POST /mqtt/subscribe subscribe",
                "POST /mqtt/unsubscribe unsubscribe",
                "GET /plugins all_plugins",
                "GET /plugins/{node} node_plugins",
                "GET /plugins/{node}/{plugin} node_plugin_info",
                "GET /plugins/{node}/{plugin}/config node_plugin_config",
                "PUT /plugins/{node}/{plugin}/config/reload node_plugin_config_reload",
                "PUT /plugins/{node}/{plugin}/load node_plugin_load",
                "PUT /plugins/{node}/{plugin}/unload node_plugin_unload",
                "GET /stats get_stats",
                "GET /stats/{node} get_stats",
                "GET /stats/sum get_stats_sum",
                "GET /metrics get_metrics",
                "GET /metrics/{node} get_metrics",
                "GET /metrics/sum get_metrics_sum",
                "GET /metrics/prometheus get_prometheus_metrics",
                "GET /metrics/prometheus/{node} get_prometheus_metrics",
                "GET /metrics/prometheus/sum get_prometheus_metrics_sum",
                "GET /retains get_retains",
                "DELETE /retains delete_retain");
    }

    /** Every {@code @Path} class of the package is served: none was forgotten in getClasses(). */
    @Test
    void theApplicationServesEveryResourceClassOfThePackage() throws IOException, URISyntaxException {
        java.nio.file.Path dir = Paths.get(ManagementApplication.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI()).resolve(ManagementApplication.class.getPackageName().replace('.', '/'));
        List<Class<?>> resources = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.list(dir)) {
            for (java.nio.file.Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String simple = f.getFileName().toString().replace(".class", "");
                try {
                    Class<?> c = Class.forName(ManagementApplication.class.getPackageName() + "." + simple);
                    if (c.isAnnotationPresent(Path.class)) {
                        resources.add(c);
                    }
                } catch (ClassNotFoundException e) {
                    throw new AssertionError(e);
                }
            }
        }
        assertThat(resources).containsExactlyInAnyOrderElementsOf(ManagementApplication.RESOURCES);
        assertThat(new ManagementApplication().getClasses())
                .containsAll(ManagementApplication.RESOURCES)
                .contains(ApiExceptionMapper.class, BearerTokenFilter.class);
    }

    // ------------------------------------------------------------ the rules, on fixtures

    @Path("/things")
    public static class Things {
        @GET
        @Endpoint(name = "get_things", descr = "Things")
        public String all() {
            return "";
        }

        @GET
        @Path("{id: \\d{1,3}}/{part}")
        @Endpoint(name = "get_things", descr = "Things")
        public String one(@PathParam("id") int id, @PathParam("part") String part) {
            return "";
        }

        @DELETE
        @Path("/{id}/")
        @Endpoint(name = "delete_thing", descr = "Delete a thing")
        public void delete(@PathParam("id") int id) {
        }

        public String notAResourceMethod() {
            return "";
        }
    }

    @Path("/")
    public static class Root {
        @GET
        @Endpoint(name = "index", descr = "Index", listed = false)
        public String index() {
            return "";
        }

        @POST
        @Path("health/check")
        @Endpoint(name = "check", descr = "Check")
        public String check() {
            return "";
        }
    }

    @Test
    void mergesOptionalTrailingParametersAndStripsRegularExpressions() {
        assertThat(EndpointCatalog.of(List.of(Root.class, Things.class, ApiExceptionMapper.class))).containsExactly(
                new EndpointDto("check", "POST", "/health/check", "Check"),
                new EndpointDto("get_things", "GET", "/things/{id}/{part}", "Things"),
                new EndpointDto("delete_thing", "DELETE", "/things/{id}", "Delete a thing"));
    }

    @Test
    void displayPathNormalizesSlashesAndParameters() {
        assertThat(EndpointCatalog.displayPath("/")).isEqualTo("/");
        assertThat(EndpointCatalog.displayPath("//")).isEqualTo("/");
        assertThat(EndpointCatalog.displayPath("brokers/")).isEqualTo("/brokers");
        assertThat(EndpointCatalog.displayPath("/brokers//{ node : [0-9]+ }")).isEqualTo("/brokers/{node}");
        assertThat(EndpointCatalog.displayPath("/a/{path: .*/x}/b")).isEqualTo("/a/{path}/b");
    }

    @Path("/x")
    public static class MissingEndpoint {
        @GET
        public String get() {
            return "";
        }
    }

    @Test
    void refusesAResourceMethodWithoutEndpoint() {
        assertThatThrownBy(() -> EndpointCatalog.of(List.of(MissingEndpoint.class)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("MissingEndpoint.get")
                .hasMessageContaining("without @Endpoint");
    }

    @Path("/x")
    public static class ConflictingDescr {
        @GET
        @Endpoint(name = "x", descr = "one")
        public String a() {
            return "";
        }

        @GET
        @Path("{id}")
        @Endpoint(name = "x", descr = "two")
        public String b() {
            return "";
        }
    }

    @Test
    void refusesOneNameWithTwoDescriptions() {
        assertThatThrownBy(() -> EndpointCatalog.of(List.of(ConflictingDescr.class)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("reuses endpoint name 'x'");
    }

    @Path("/x")
    public static class UnrelatedPaths {
        @GET
        @Path("a")
        @Endpoint(name = "x", descr = "d")
        public String a() {
            return "";
        }

        @GET
        @Path("b/{id}")
        @Endpoint(name = "x", descr = "d")
        public String b() {
            return "";
        }
    }

    @Test
    void refusesOneNameForPathsThatDifferByMoreThanTrailingParameters() {
        assertThatThrownBy(() -> EndpointCatalog.of(List.of(UnrelatedPaths.class)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("differ by more than trailing path parameters");
    }

    @Path("/x")
    public static class Locator {
        @Path("sub")
        public Things sub() {
            return new Things();
        }
    }

    @Test
    void refusesSubResourceLocators() {
        assertThatThrownBy(() -> EndpointCatalog.of(List.of(Locator.class)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sub-resource locator");
    }
}
