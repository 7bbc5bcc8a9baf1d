package io.mqttee.management;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
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
 *
 * <p>A servlet filter (mapped to {@code /api/v1/*} in {@code web.xml}), not a JAX-RS one: it needs
 * the servlet request itself, and a JAX-RS provider only gets a proxy of it, which Jersey's HK2
 * could not create in the embedded Tomcat of the tests. It runs before any JAX-RS filter.
 */
public class ContainerAuthFilter extends HttpFilter {

    /** The role a user needs for the management API. */
    public static final String ROLE = "mqtt-admin";
    /** The switch: context parameter and system property name. */
    public static final String SWITCH = "mqttee.api.container_auth";
    /** The switch as an environment variable (the configuration's single-key convention). */
    public static final String SWITCH_ENV = "MQTTEE_API__CONTAINER_AUTH";
    /** The realm named in the 401 challenge; the same as web.xml's realm-name. */
    static final String REALM = "mqttee";

    private static final Logger LOG = Logger.getLogger(ContainerAuthFilter.class.getName());

    private static final long serialVersionUID = 1L;

    private volatile Boolean enabled;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!enabled()) {
            chain.doFilter(request, response);
            return;
        }
        if (request.getUserPrincipal() == null) {
            String[] credentials = basicCredentials(request.getHeader("Authorization"));
            if (credentials == null) {
                unauthorized(response, "authentication required");
                return;
            }
            try {
                request.login(credentials[0], credentials[1]);
            } catch (ServletException e) {
                unauthorized(response, "invalid user name or password");
                return;
            }
        }
        if (!request.isUserInRole(ROLE)) {
            error(response, HttpServletResponse.SC_FORBIDDEN,
                    "user " + request.getUserPrincipal().getName() + " lacks the role " + ROLE);
            return;
        }
        chain.doFilter(request, response);
    }

    private boolean enabled() {
        Boolean on = enabled;
        if (on == null) {
            on = isSwitchedOn(getServletContext().getInitParameter(SWITCH), System::getProperty, System.getenv());
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

    private static void unauthorized(HttpServletResponse response, String message) throws IOException {
        response.setHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\"");
        error(response, HttpServletResponse.SC_UNAUTHORIZED, message);
    }

    /** The API's error body, {@code {"code":..,"message":..}}, as {@link ErrorDto} is written. */
    private static void error(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write("{\"code\":" + status + ",\"message\":" + jsonString(message) + "}");
    }

    static String jsonString(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
