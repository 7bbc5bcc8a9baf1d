package io.mqttee.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** A fake {@link SessionConnection} that records what the core sends through it. */
final class RecordingConnection implements SessionConnection {

    /** One PUBLISH as the core asked for it. */
    record Sent(String topic, String payload, int qos, boolean retain, boolean dup, int packetId) {
    }

    final List<Sent> published = new ArrayList<>();
    final List<Integer> pubrels = new ArrayList<>();
    boolean writable = true;
    DisconnectReason closedFor;

    @Override
    public synchronized boolean sendPublish(Message message, int qos, boolean retain, boolean dup, int packetId,
                                            int[] subscriptionIds) {
        published.add(new Sent(message.topic(), new String(message.payload(), StandardCharsets.UTF_8), qos, retain,
                dup, packetId));
        return true;
    }

    @Override
    public synchronized void sendPubrel(int packetId) {
        pubrels.add(packetId);
    }

    @Override
    public synchronized boolean isWritable() {
        return writable;
    }

    @Override
    public synchronized void close(DisconnectReason reason) {
        closedFor = reason;
    }

    synchronized List<String> payloads() {
        return published.stream().map(Sent::payload).collect(Collectors.toList());
    }

    synchronized List<Integer> packetIds() {
        return published.stream().map(Sent::packetId).collect(Collectors.toList());
    }
}
