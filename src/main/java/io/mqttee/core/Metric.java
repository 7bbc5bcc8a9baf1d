package io.mqttee.core;

/** The monotonic counters RMQTT reports under {@code /metrics}, with RMQTT's names. */
public enum Metric {
    CLIENT_AUTH_ANONYMOUS("client.auth.anonymous"),
    CLIENT_AUTHENTICATE("client.authenticate"),
    CLIENT_CONNACK("client.connack"),
    CLIENT_CONNECT("client.connect"),
    CLIENT_CONNECTED("client.connected"),
    CLIENT_DISCONNECTED("client.disconnected"),
    CLIENT_PUBLISH_CHECK_ACL("client.publish.check.acl"),
    CLIENT_SUBSCRIBE_CHECK_ACL("client.subscribe.check.acl"),
    CLIENT_SUBSCRIBE("client.subscribe"),
    CLIENT_UNSUBSCRIBE("client.unsubscribe"),
    /**
     * Connections the server closed or refused because of a packet that broke the protocol:
     * malformed, a protocol error, or a protocol limit (packet size, topic alias, receive maximum,
     * QoS not supported). Not an RMQTT name; MQTTee's own. Counted once per connection.
     */
    CLIENT_PROTOCOL_ERROR("client.protocol_error"),
    /**
     * Clients disconnected because they did not keep up with their messages
     * ({@code slow_consumer_policy = "disconnect"}). Not an RMQTT name; MQTTee's own.
     */
    CLIENT_SLOW_CONSUMER("client.slow_consumer"),
    /**
     * Connections closed as soon as they were accepted because their listener already had
     * {@code max_connections} open (they are in no other counter: their CONNECT is never read).
     * Not an RMQTT name; MQTTee's own.
     */
    CLIENT_MAX_CONNECTIONS_REFUSED("client.max_connections_refused"),
    MESSAGES_PUBLISH("messages.publish"),
    MESSAGES_DELIVERED("messages.delivered"),
    MESSAGES_ACKED("messages.acked"),
    MESSAGES_DROPPED("messages.dropped"),
    SESSION_CREATED("session.created"),
    SESSION_RESUMED("session.resumed"),
    SESSION_SUBSCRIBED("session.subscribed"),
    SESSION_UNSUBSCRIBED("session.unsubscribed"),
    SESSION_TERMINATED("session.terminated");

    private final String key;

    Metric(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
