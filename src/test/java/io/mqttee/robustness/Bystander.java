package io.mqttee.robustness;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A well-behaved pair of clients connected before a test does something nasty: a subscriber and a
 * publisher on their own connections. {@link #assertWorks()} routes a fresh QoS 1 message from one
 * to the other, so each bad-input test shows that the other clients did not notice.
 */
final class Bystander implements AutoCloseable {

    private final Wire subscriber;
    private final Wire publisher;
    private final String topic;
    private int next = 1;

    Bystander(int port, int version, String name) throws IOException {
        topic = "bystander/" + name;
        subscriber = Wire.connected(port, version, name + "-sub", true);
        subscriber.send(Wire.subscribe(version, 1, topic, 1));
        subscriber.expect(Wire.SUBACK);
        publisher = Wire.connected(port, version, name + "-pub", true);
    }

    /** A new QoS 1 message goes from the publisher to the subscriber, acknowledged on both sides. */
    void assertWorks() throws IOException {
        int id = next++;
        String payload = "still-here-" + id;
        publisher.send(Wire.publish(publisher.version, topic, payload, 1, id));
        assertThat(publisher.expect(Wire.PUBACK).packetId()).isEqualTo(id);
        Wire.Frame got = subscriber.expect(Wire.PUBLISH);
        assertThat(got.payloadString()).isEqualTo(payload);
        subscriber.send(Wire.ack(Wire.PUBACK, got.packetId()));
    }

    @Override
    public void close() {
        subscriber.close();
        publisher.close();
    }
}
