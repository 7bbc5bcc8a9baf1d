package io.mqttee.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Retained messages in a concurrent map by topic name. A subscribe with a wildcard filter scans all
 * retained messages; an exact filter is one lookup.
 */
public final class InMemoryRetainedStore implements RetainedStore {

    private final ConcurrentHashMap<String, Message> byTopic = new ConcurrentHashMap<>();

    @Override
    public void retain(Message message) {
        if (message.payload().length == 0) {
            byTopic.remove(message.topic());
        } else {
            byTopic.put(message.topic(), message);
        }
    }

    @Override
    public List<Message> matching(String filter) {
        if (!Topics.isWildcard(filter)) {
            Message exact = byTopic.get(filter);
            return exact == null ? List.of() : List.of(exact);
        }
        List<Message> out = new ArrayList<>();
        for (Message m : byTopic.values()) {
            if (Topics.matches(filter, m.topic())) {
                out.add(m);
            }
        }
        out.sort(Comparator.comparing(Message::topic));
        return out;
    }

    @Override
    public Optional<Message> get(String topic) {
        return Optional.ofNullable(byTopic.get(topic));
    }

    @Override
    public boolean remove(String topic) {
        return byTopic.remove(topic) != null;
    }

    @Override
    public int size() {
        return byTopic.size();
    }
}
