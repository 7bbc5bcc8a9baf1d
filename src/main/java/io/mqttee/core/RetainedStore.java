package io.mqttee.core;

import java.util.List;
import java.util.Optional;

/**
 * Where retained messages live: at most one per topic name. Implementations are thread-safe.
 */
public interface RetainedStore {

    /**
     * Stores {@code message} as the retained message of its topic, replacing any earlier one; an
     * empty payload removes it instead [MQTT-3.3.1-10, MQTT-3.3.1-11].
     */
    void retain(Message message);

    /** The retained messages whose topic matches {@code filter}. */
    List<Message> matching(String filter);

    /** The retained message of one topic name. */
    Optional<Message> get(String topic);

    /** Removes the retained message of one topic name; false when there was none. */
    boolean remove(String topic);

    /** Number of retained messages. */
    int size();
}
