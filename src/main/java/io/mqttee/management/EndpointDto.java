package io.mqttee.management;

/**
 * One entry of {@code GET /api/v1}: {@code {"descr":..,"method":..,"name":..,"path":..}}.
 *
 * @param name   endpoint name, e.g. {@code get_brokers}
 * @param method HTTP method, e.g. {@code GET}
 * @param path   path under {@code /api/v1}, RMQTT-style, e.g. {@code /brokers/{node}}
 * @param descr  one-line description
 */
public record EndpointDto(String name, String method, String path, String descr) {
}
