package io.mqttee.management;

import jakarta.annotation.Priority;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * Protects every {@code /api/v1} resource with the server's own users and roles when switched on:
 * the caller must be a user of the container's realm (WildFly's application realm, Tomcat's/TomEE's
 * {@code tomcat-users.xml}, ...) with the role {@value #ROLE}.
 *
 * <p>Switched on by {@value #SWITCH} = {@code true}, read in this order: the web application's
 * context parameter (a {@code <context-param>} in a {@code web.xml}/{@code web-fragment.xml}, or a
 * Tomcat {@code <Parameter>} in the context's XML), the system property, then the environment
 * variable {@value #SWITCH_ENV}. Off by default.
 *
 * <p>Why a filter and not a {@code <security-constraint>}: constraints in {@code web.xml} cannot be
 * switched at run time. {@code web.xml} declares the role and a BASIC {@code <login-config>}, which
 * ties the application to the container's realm; this filter then logs the caller in with the
 * credentials of an {@code Authorization: Basic} header ({@link HttpServletRequest#login}), unless
 * the container has already authenticated the request, and checks the role
 * ({@link HttpServletRequest#isUserInRole}). Answers, as JSON errors: no or wrong credentials 401
 * (with a {@code WWW-Authenticate: Basic} challenge), a user without the role 403.
 */
@Priority(Priorities.AUTHENTICATION)
public class ContainerAuthFilter implements ContainerRequestFilter {

    /** The role a user needs for the management API. */
    public static final String ROLE = "mqtt-admin";
    /** The switch: context parameter and system property name. */
    public static final String SWITCH = "mqttee.api.container_auth";
    /** The switch as an environment variable (the configuration's single-key convention). */
    public static final String SWITCH_ENV = "MQTTEE_API__CONTAINER_AUTH";
    /** The realm named in the 401 challenge; the same as web.xml's realm-name. */
    static final String REALM = "mqttee";

    private static final Logger LOG = Logger.getLogger(ContainerAuthFilter.class.getName());

    @Context
    private HttpServletRequest request;

    @Context
    private ServletContext servletContext;

    private volatile Boolean enabled;

    @Override
    public void filter(ContainerRequestContext context) {
        if (!enabled()) {
            return;
        }
        if (request.getUserPrincipal() == null) {
            String[] credentials = basicCredentials(context.getHeaderString(HttpHeaders.AUTHORIZATION));
            if (credentials == null) {
                context.abortWith(unauthorized("authentication required"));
                return;
            }
            try {
                request.login(credentials[0], credentials[1]);
            } catch (ServletException e) {
                context.abortWith(unauthorized("invalid user name or password"));
                return;
            }
        }
        if (!request.isUserInRole(ROLE)) {
            int status = Response.Status.FORBIDDEN.getStatusCode();
            context.abortWith(Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ErrorDto(status, "user " + request.getUserPrincipal().getName()
                            + " lacks the role " + ROLE)).build());
        }
    }

    private boolean enabled() {
        Boolean on = enabled;
        if (on == null) {
            on = isSwitchedOn(servletContext.getInitParameter(SWITCH), System::getProperty, System.getenv());
            enabled = on;
            if (on) {
                LOG.info("management API: container authentication on, role " + ROLE + " required");
            }
        }
        return on;
    }

    /**
     * Whether the switch is on: the first of context parameter, system property, environment that is
     * set decides. A value other than {@code true}/{@code false} keeps the API protected (and is
     * logged): a typo must not open it.
     */
    static boolean isSwitchedOn(String contextParameter, UnaryOperator<String> systemProperties, Map<String, String> env) {
        String value = contextParameter;
        if (value == null || value.isBlank()) {
            value = systemProperties.apply(SWITCH);
        }
        if (value == null || value.isBlank()) {
            value = env.get(SWITCH_ENV);
        }
        if (value == null || value.isBlank()) {
            return false;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            LOG.severe(SWITCH + " must be true or false, not '" + value + "': container authentication stays on");
            return true;
        }
        return v.equals("true");
    }

    /** {@code [user, password]} from an {@code Authorization: Basic ...} header, or null. */
    static String[] basicCredentials(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return null;
        }
        return new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    private static Response unauthorized(String message) {
        int status = Response.Status.UNAUTHORIZED.getStatusCode();
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"" + REALM + "\"")
                .entity(new ErrorDto(status, message)).build();
    }
}
