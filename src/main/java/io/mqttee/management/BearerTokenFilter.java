package io.mqttee.management;

import io.mqttee.lifecycle.BrokerLifecycle;
import io.mqttee.plugins.HttpApiPlugin;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * RMQTT's {@code http_bearer_token}: when the http-api plugin has one, every {@code /api/v1} request
 * must carry {@code Authorization: Bearer <token>}, else it is answered 401 with a JSON error and
 * {@code WWW-Authenticate: Bearer}. Checked before matching, so unknown paths are no oracle. The
 * token is read on every request, so a reload of the plugin applies to the next one.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION)
@ApplicationScoped
public class BearerTokenFilter implements ContainerRequestFilter {

    private static final String SCHEME = "Bearer ";

    private final BrokerLifecycle lifecycle;

    /** For CDI's client proxy; public because RESTEasy (WildFly) requires a public constructor. */
    public BearerTokenFilter() {
        this.lifecycle = null;
    }

    @Inject
    public BearerTokenFilter(BrokerLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (!lifecycle.isRunning()) {
            return; // the health check answers 503; everything else fails on its own
        }
        String token = lifecycle.plugins().plugin(HttpApiPlugin.class).settings().bearerToken();
        if (token == null || authenticatedByContainer(request)) {
            return;
        }
        if (!matches(token, request.getHeaderString(HttpHeaders.AUTHORIZATION))) {
            int status = Response.Status.UNAUTHORIZED.getStatusCode();
            request.abortWith(Response.status(status)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ErrorDto(status, "missing or wrong bearer token (Authorization: Bearer <token>)"))
                    .build());
        }
    }

    /**
     * A caller the server's own realm already admitted with the role {@code mqtt-admin}
     * ({@link ContainerAuthFilter}) used its one Authorization header for that: it needs no token.
     */
    private static boolean authenticatedByContainer(ContainerRequestContext request) {
        SecurityContext sc = request.getSecurityContext();
        return sc != null && sc.getUserPrincipal() != null && sc.isUserInRole(ContainerAuthFilter.ROLE);
    }

    /** Constant-time comparison, so timing does not reveal how much of a guess was right. */
    static boolean matches(String token, String authorization) {
        if (authorization == null || authorization.length() < SCHEME.length()
                || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return false;
        }
        byte[] given = authorization.substring(SCHEME.length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8));
    }
}
