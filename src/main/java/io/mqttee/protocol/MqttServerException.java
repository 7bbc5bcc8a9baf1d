package io.mqttee.protocol;

/** The MQTT listener could not start (port in use, bad address); the message says which listener. */
public final class MqttServerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MqttServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
