package io.mqttee.management;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the endpoint list of {@code GET /api/v1} from the resource classes themselves: the JAX-RS
 * annotations give each resource method's HTTP method and path, its {@link Endpoint} gives the
 * name and description. Nothing is written twice, so the list cannot drift from the code.
 *
 * <p>Rules, each enforced with an {@link IllegalStateException} naming the method:
 * <ul>
 * <li>every resource method (a public method with an HTTP method annotation such as {@code @GET})
 *     carries {@link Endpoint};</li>
 * <li>sub-resource locators (a {@code @Path} method without an HTTP method) are not used;</li>
 * <li>methods sharing an endpoint name share the HTTP method and description, and their paths
 *     differ only by trailing path parameters: {@code /brokers} and {@code /brokers/{node}} become
 *     the one entry {@code /brokers/{node}}, as RMQTT lists it.</li>
 * </ul>
 * Paths are shown relative to the application path, with any regular expression removed from
 * path parameters ({@code {node: \d+}} is shown {@code {node}}).
 */
public final class EndpointCatalog {

    private EndpointCatalog() {
    }

    /**
     * The listed endpoints of {@code resourceClasses}, in class order and, within a class, by path
     * then HTTP method. Classes without {@code @Path} (providers) are skipped.
     */
    public static List<EndpointDto> of(List<Class<?>> resourceClasses) {
        Map<String, Group> groups = new LinkedHashMap<>();
        for (Class<?> resource : resourceClasses) {
            Path classPath = resource.getAnnotation(Path.class);
            if (classPath == null) {
                continue;
            }
            List<Found> found = new ArrayList<>();
            for (Method m : resource.getMethods()) {
                String httpMethod = httpMethod(m);
                Path methodPath = m.getAnnotation(Path.class);
                if (httpMethod == null) {
                    if (methodPath != null) {
                        throw new IllegalStateException(describe(m)
                                + " is a sub-resource locator, which the endpoint list does not support");
                    }
                    continue;
                }
                Endpoint endpoint = m.getAnnotation(Endpoint.class);
                if (endpoint == null) {
                    throw new IllegalStateException(describe(m) + " is a resource method without @Endpoint");
                }
                String path = displayPath(classPath.value() + "/" + (methodPath == null ? "" : methodPath.value()));
                found.add(new Found(m, httpMethod, path, endpoint));
            }
            found.sort(Comparator.comparing(Found::path).thenComparing(Found::httpMethod));
            for (Found f : found) {
                groups.computeIfAbsent(f.endpoint().name(), n -> new Group()).add(f);
            }
        }
        List<EndpointDto> list = new ArrayList<>();
        for (Map.Entry<String, Group> e : groups.entrySet()) {
            Group g = e.getValue();
            if (g.listed) {
                list.add(new EndpointDto(e.getKey(), g.httpMethod, g.longestPath(), g.descr));
            }
        }
        return List.copyOf(list);
    }

    /**
     * A JAX-RS path template as shown in the list: one leading slash, no empty segments, no
     * trailing slash, parameters without their regular expression. The root is {@code /}.
     */
    static String displayPath(String template) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        boolean inRegex = false;
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (depth > 0) {
                if (c == '{') {
                    depth++;
                } else if (c == '}') {
                    depth--;
                    if (depth == 0) {
                        inRegex = false;
                        out.append('}');
                    }
                } else if (depth == 1 && c == ':') {
                    inRegex = true;
                } else if (!inRegex && !Character.isWhitespace(c)) {
                    out.append(c);
                }
            } else if (c == '{') {
                depth = 1;
                out.append('{');
            } else {
                out.append(c);
            }
        }
        StringBuilder path = new StringBuilder();
        for (String segment : out.toString().split("/")) {
            if (!segment.isEmpty()) {
                path.append('/').append(segment);
            }
        }
        return path.length() == 0 ? "/" : path.toString();
    }

    private static String httpMethod(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod hm = a.annotationType().getAnnotation(HttpMethod.class);
            if (hm != null) {
                return hm.value();
            }
        }
        return null;
    }

    private static String describe(Method m) {
        return m.getDeclaringClass().getName() + "." + m.getName();
    }

    private static boolean isParameter(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }

    private record Found(Method method, String httpMethod, String path, Endpoint endpoint) {
    }

    /** The resource methods that share one endpoint name. */
    private static final class Group {
        private final List<Found> members = new ArrayList<>();
        private String httpMethod;
        private String descr;
        private boolean listed;

        void add(Found f) {
            if (members.isEmpty()) {
                httpMethod = f.httpMethod();
                descr = f.endpoint().descr();
                listed = f.endpoint().listed();
            } else if (!httpMethod.equals(f.httpMethod()) || !descr.equals(f.endpoint().descr())
                    || listed != f.endpoint().listed()) {
                throw new IllegalStateException(describe(f.method()) + " reuses endpoint name '"
                        + f.endpoint().name() + "' of " + describe(members.get(0).method())
                        + " with a different HTTP method, descr or listed flag");
            }
            members.add(f);
        }

        /** The full path; every other member's path must be it minus trailing parameters. */
        String longestPath() {
            Found longest = members.stream().max(Comparator.comparingInt(f -> f.path().length())).orElseThrow();
            for (Found f : members) {
                if (!isPrefixByParameters(f.path(), longest.path())) {
                    throw new IllegalStateException(describe(f.method()) + " (" + f.path() + ") and "
                            + describe(longest.method()) + " (" + longest.path() + ") share endpoint name '"
                            + longest.endpoint().name() + "' but their paths differ by more than trailing"
                            + " path parameters");
                }
            }
            return longest.path();
        }

        private static boolean isPrefixByParameters(String shorter, String longer) {
            if (shorter.equals(longer)) {
                return true;
            }
            String base = shorter.equals("/") ? "" : shorter;
            if (!longer.startsWith(base + "/")) {
                return false;
            }
            for (String segment : longer.substring(base.length() + 1).split("/")) {
                if (!isParameter(segment)) {
                    return false;
                }
            }
            return true;
        }
    }
}
