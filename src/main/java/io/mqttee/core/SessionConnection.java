package io.mqttee.core;

/**
 * The network side of a session, implemented by the protocol layer. The core calls it with the
 * session's lock held, from any thread; implementations hand the work to the connection's own I/O
 * thread and never call back into the core synchronously.
 */
public interface SessionConnection {

    /**
     * Queues a PUBLISH to the client.
     *
     * @param packetId        0 for QoS 0
     * @param retain          the RETAIN flag as delivered
     * @param dup             whether this is a re-delivery
     * @param subscriptionIds MQTT 5 Subscription Identifiers of the matching subscriptions, possibly empty
     * @return false when the packet would exceed the client's Maximum Packet Size and was not sent
     */
    boolean sendPublish(Message message, int qos, boolean retain, boolean dup, int packetId, int[] subscriptionIds);

    /** Queues a PUBREL for an outbound QoS 2 message whose PUBREC arrived earlier. */
    void sendPubrel(int packetId);

    /** False when the client does not keep up and the connection's write buffer is full. */
    boolean isWritable();

    /** Closes the connection from the server side for {@code reason}. */
    void close(DisconnectReason reason);
}
