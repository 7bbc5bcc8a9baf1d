package io.mqttee.config;

/**
 * What a listener does when a message for a connected client does not fit: the client is behind by
 * {@code max_outbound_bytes} (written and not yet taken by its socket), so the message waits in its
 * session queue, and that queue already holds {@code max_mqueue_len} messages
 * ({@code slow_consumer_policy}). Either way that message is counted in {@code messages.dropped}.
 */
public enum SlowConsumerPolicy {
    /** Drop the message that does not fit and keep the client connected (the default). */
    DROP,
    /**
     * Drop it and disconnect the client (DISCONNECT 0x97 Quota exceeded for MQTT 5), counted in
     * {@code client.slow_consumer}: a persistent session keeps its queue, and the client resumes it
     * when it reconnects.
     */
    DISCONNECT
}
