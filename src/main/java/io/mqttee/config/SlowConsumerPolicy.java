package io.mqttee.config;

/**
 * What a listener does with a connected client that does not keep up: one whose outbound buffer
 * holds {@code max_outbound_bytes} not yet taken by its socket, or whose session queue is full
 * ({@code slow_consumer_policy}). Either way the message that does not fit is counted in
 * {@code messages.dropped}; QoS 1/2 messages first wait in the session (inflight window, then
 * {@code max_mqueue_len}), so only a client that is far behind reaches the policy at those QoS.
 */
public enum SlowConsumerPolicy {
    /** Drop the message that does not fit and keep the client connected (the default). */
    DROP,
    /**
     * Drop it and disconnect the client (DISCONNECT 0x97 Quota exceeded for MQTT 5), counted in
     * {@code client.slow_consumer}: a persistent session keeps queueing, and the client resumes it
     * when it reconnects.
     */
    DISCONNECT
}
