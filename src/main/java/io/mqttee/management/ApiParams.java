package io.mqttee.management;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.NotFoundException;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;

/**
 * Parsing of query and path parameters as RMQTT reads them. Every parameter arrives as a string so
 * that a bad value is a 400 naming the parameter (JAX-RS itself would answer an unconvertible query
 * parameter with a bare 404). An absent or empty parameter is "no condition" ({@code null}).
 */
public final class ApiParams {

    private static final DateTimeFormatter DATETIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss").withResolverStyle(ResolverStyle.STRICT);

    private ApiParams() {
    }

    /** A non-negative integer, or null when absent. */
    public static Integer integer(String name, String value) {
        if (isAbsent(value)) {
            return null;
        }
        String v = value.trim();
        if (!v.matches("\\d{1,10}")) {
            throw bad(name, "a non-negative integer", value);
        }
        long n = Long.parseLong(v);
        if (n > Integer.MAX_VALUE) {
            throw bad(name, "an integer of at most " + Integer.MAX_VALUE, value);
        }
        return (int) n;
    }

    /** An integer within {@code min..max}, or null when absent. */
    public static Integer integer(String name, String value, int min, int max) {
        Integer n = integer(name, value);
        if (n != null && (n < min || n > max)) {
            throw bad(name, "an integer from " + min + " to " + max, value);
        }
        return n;
    }

    /** {@code true} or {@code false}, or null when absent. */
    public static Boolean bool(String name, String value) {
        if (isAbsent(value)) {
            return null;
        }
        return switch (value.trim()) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw bad(name, "true or false", value);
        };
    }

    /**
     * A point in time as RMQTT's {@code _gte_created_at} and the like take it: unix seconds, or
     * {@code YYYY-MM-DD HH:mm:ss} in the server's zone. Returns epoch milliseconds, or null when absent.
     */
    public static Long time(String name, String value, ZoneId zone) {
        if (isAbsent(value)) {
            return null;
        }
        String v = value.trim();
        if (v.matches("\\d{1,12}")) {
            return Long.parseLong(v) * 1000L;
        }
        try {
            return LocalDateTime.parse(v, DATETIME).atZone(zone).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw bad(name, "unix seconds or a time like 2024-01-31 23:59:59", value);
        }
    }

    /**
     * The row limit of a list: {@code _limit} when given and at most {@code maxRowLimit}; absent, 0
     * or larger is {@code maxRowLimit}, as in RMQTT.
     */
    public static int limit(String name, String value, int maxRowLimit) {
        Integer n = integer(name, value);
        return n == null || n == 0 || n > maxRowLimit ? maxRowLimit : n;
    }

    /**
     * A {@code {node}} path parameter that must name this node.
     *
     * @throws BadRequestException when it is not an integer
     * @throws NotFoundException   when it names another node
     */
    public static void requireNode(String node, int localNodeId) {
        int id;
        try {
            id = Integer.parseInt(node);
        } catch (NumberFormatException e) {
            throw new BadRequestException("node must be an integer node id, got '" + node + "'");
        }
        if (id != localNodeId) {
            throw new NotFoundException("node " + id + " does not exist");
        }
    }

    private static boolean isAbsent(String value) {
        return value == null || value.isEmpty();
    }

    static BadRequestException bad(String name, String expected, Object value) {
        return new BadRequestException("invalid " + name + ": expected " + expected + ", got '" + value + "'");
    }
}
