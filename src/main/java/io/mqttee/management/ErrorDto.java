package io.mqttee.management;

/**
 * The body of every error response: {@code {"code":404,"message":"node 7 does not exist"}}.
 *
 * @param code    the HTTP status code, repeated in the body for scripts that only read the body
 * @param message what went wrong, for a human
 */
public record ErrorDto(int code, String message) {
}
