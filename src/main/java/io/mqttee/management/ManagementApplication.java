package io.mqttee.management;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The management API's root, {@code /api/v1}. The resources and providers are listed here rather
 * than found by scanning, so Jersey on Tomcat and the REST implementation of any EE server serve
 * exactly the same set, and {@code GET /api/v1} can describe it ({@link EndpointCatalog}).
 */
@ApplicationPath("/api/v1")
public class ManagementApplication extends Application {

    /** The resource classes, in the order {@code GET /api/v1} lists their endpoints. */
    static final List<Class<?>> RESOURCES = List.of(ApiIndexResource.class, BrokersResource.class,
            NodesResource.class, HealthResource.class, ClientsResource.class, SubscriptionsResource.class,
            RoutesResource.class, MqttResource.class, PluginsResource.class, StatsResource.class,
            MetricsResource.class, PrometheusResource.class, RetainsResource.class);

    /**
     * Providers: the mapper that turns every failure into a JSON error body, and the bearer-token
     * check of the http-api plugin.
     */
    static final List<Class<?>> PROVIDERS = List.of(ApiExceptionMapper.class, BearerTokenFilter.class);

    @Override
    public Set<Class<?>> getClasses() {
        Set<Class<?>> classes = new LinkedHashSet<>(RESOURCES);
        classes.addAll(PROVIDERS);
        return classes;
    }
}
