package io.mqttee.core;

import io.mqttee.config.ListenerConfig;
import io.mqttee.testing.ListenerConfigBuilder;
import io.mqttee.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SessionTest {

    private final MutableClock clock = new MutableClock();
    private final BrokerCounters counters = new BrokerCounters();

    private Session session(ListenerConfig limits, RecordingConnection c) {
        Session s = new Session("c1", limits, clock, counters);
        attach(s, c, limits);
        return s;
    }

    private void attach(Session s, RecordingConnection c, ListenerConfig limits) {
        ConnectionInfo info = new ConnectionInfo("127.0.0.1", 1, null, 4, 60, clock.millis(), false, false);
        s.attach(c, info, limits, null, 0, 7200, 65535);
        s.activate();
    }

    private Message msg(String payload, int qos) {
        return new Message("t", payload.getBytes(StandardCharsets.UTF_8), qos, false, "pub", clock.millis());
    }

    @Test
    void inflightWindowIsBoundedByMaxInflightAndAckReleasesTheNext() {
        RecordingConnection c = new RecordingConnection();
        Session s = session(ListenerConfigBuilder.listener().maxInflight(2).build(), c);

        for (int i = 0; i < 5; i++) {
            s.offer(msg("m" + i, 1), 1, false);
        }

        assertThat(c.payloads()).containsExactly("m0", "m1");
        assertThat(s.inflightSize()).isEqualTo(2);
        assertThat(s.queueSize()).isEqualTo(3);

        assertThat(s.onPuback(c.published.get(0).packetId())).isTrue();
        assertThat(c.payloads()).containsExactly("m0", "m1", "m2");
        assertThat(s.inflightSize()).isEqualTo(2);

        for (int i = 1; i < 5; i++) {
            s.onPuback(c.published.get(i).packetId());
        }
        assertThat(c.payloads()).containsExactly("m0", "m1", "m2", "m3", "m4"); // order kept when draining
        assertThat(c.packetIds()).doesNotHaveDuplicates().doesNotContain(0);
        assertThat(s.inflightSize()).isZero();
        assertThat(s.queueSize()).isZero();
        assertThat(counters.get(Metric.MESSAGES_DELIVERED)).isEqualTo(5);
        assertThat(counters.get(Metric.MESSAGES_ACKED)).isEqualTo(5);
    }

    @Test
    void queueIsBoundedByMaxMqueueLenAndOverflowIsCountedAsDropped() {
        RecordingConnection c = new RecordingConnection();
        Session s = session(ListenerConfigBuilder.listener().maxInflight(1).maxMqueueLen(2).build(), c);

        for (int i = 0; i < 6; i++) {
            s.offer(msg("m" + i, 1), 1, false);
        }

        assertThat(s.inflightSize()).isEqualTo(1);
        assertThat(s.queueSize()).isEqualTo(2);
        assertThat(counters.get(Metric.MESSAGES_DROPPED)).isEqualTo(3);

        for (int i = 0; i < 3; i++) {
            s.onPuback(c.published.get(i).packetId());
        }
        assertThat(c.payloads()).containsExactly("m0", "m1", "m2"); // the newest ones were dropped
    }

    @Test
    void qos0QueuesBehindQueuedMessagesSoItDoesNotOvertakeThem() { // [MQTT-4.6.0-5]
        RecordingConnection c = new RecordingConnection();
        Session s = session(ListenerConfigBuilder.listener().maxInflight(1).build(), c);

        s.offer(msg("q1-a", 1), 1, false);
        s.offer(msg("q1-b", 1), 1, false);
        s.offer(msg("q0", 0), 0, false);
        assertThat(c.payloads()).containsExactly("q1-a");

        s.onPuback(c.published.get(0).packetId());
        s.onPuback(c.published.get(1).packetId());
        assertThat(c.payloads()).containsExactly("q1-a", "q1-b", "q0");
        assertThat(c.published.get(2).packetId()).isZero();
    }

    @Test
    void qos0WaitsForAFullConnectionAndIsNotKeptOffline() {
        RecordingConnection c = new RecordingConnection();
        Session s = session(ListenerConfigBuilder.listener().maxMqueueLen(2).build(), c);

        c.writable = false;
        s.offer(msg("x", 0), 0, false);
        s.offer(msg("y", 0), 0, false);
        s.offer(msg("z", 0), 0, false); // the queue holds 2
        assertThat(c.published).isEmpty();
        assertThat(s.queueSize()).isEqualTo(2);
        assertThat(counters.get(Metric.MESSAGES_DROPPED)).isEqualTo(1);

        c.writable = true;
        s.writable();
        assertThat(c.payloads()).containsExactly("x", "y");

        c.writable = false;
        s.offer(msg("w", 0), 0, false);
        assertThat(s.detach(c, DisconnectReason.CONNECTION_LOST)).isTrue();
        assertThat(s.queueSize()).as("QoS 0 is not kept offline").isZero();
        s.offer(msg("v", 0), 0, false);
        assertThat(s.queueSize()).isZero();
        assertThat(counters.get(Metric.MESSAGES_DROPPED)).isEqualTo(3);
    }

    @Test
    void aFullQueueDisconnectsTheClientOnceUnderTheDisconnectPolicy() {
        RecordingConnection c = new RecordingConnection();
        Session s = session(ListenerConfigBuilder.listener().maxMqueueLen(1)
                .set("slowConsumerPolicy", io.mqttee.config.SlowConsumerPolicy.DISCONNECT).build(), c);
        c.writable = false;
        s.offer(msg("a", 0), 0, false);
        assertThat(c.closedFor).isNull();
        s.offer(msg("b", 0), 0, false);
        s.offer(msg("c", 0), 0, false);
        assertThat(c.closedFor).isEqualTo(DisconnectReason.SLOW_CONSUMER);
        assertThat(counters.get(Metric.CLIENT_SLOW_CONSUMER)).isEqualTo(1);
        assertThat(counters.get(Metric.MESSAGES_DROPPED)).isEqualTo(2);
    }

    @Test
    void aFullQueueKeepsTheClientUnderTheDropPolicy() {
        RecordingConnection c = new RecordingConnection();
        Session s = session(ListenerConfigBuilder.listener().maxMqueueLen(1).build(), c);
        c.writable = false;
        s.offer(msg("a", 0), 0, false);
        s.offer(msg("b", 0), 0, false);
        assertThat(c.closedFor).isNull();
        assertThat(counters.get(Metric.CLIENT_SLOW_CONSUMER)).isZero();
        assertThat(counters.get(Metric.MESSAGES_DROPPED)).isEqualTo(1);
    }

    @Test
    void nothingIsWrittenBeforeActivateSoTheConnackGoesFirst() {
        RecordingConnection c = new RecordingConnection();
        ListenerConfig limits = ListenerConfigBuilder.listener().build();
        Session s = new Session("c1", limits, clock, counters);
        s.attach(c, new ConnectionInfo("127.0.0.1", 1, null, 4, 60, 0, false, false), limits, null, 0, 7200, 65535);

        s.offer(msg("early", 1), 1, false);
        assertThat(c.published).isEmpty();

        s.activate();
        assertThat(c.payloads()).containsExactly("early");
    }

    @Test
    void offlineSessionQueuesQos1And2AndDeliversThemOnReconnect() {
        RecordingConnection c1 = new RecordingConnection();
        ListenerConfig limits = ListenerConfigBuilder.listener().build();
        Session s = session(limits, c1);
        s.detach(c1, DisconnectReason.CONNECTION_LOST);

        s.offer(msg("a", 1), 1, false);
        s.offer(msg("b", 2), 2, false);
        assertThat(s.queueSize()).isEqualTo(2);

        RecordingConnection c2 = new RecordingConnection();
        attach(s, c2, limits);
        assertThat(c2.published).extracting(RecordingConnection.Sent::payload, RecordingConnection.Sent::qos,
                RecordingConnection.Sent::dup).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a", 1, false),
                org.assertj.core.groups.Tuple.tuple("b", 2, false));
        assertThat(c1.published).isEmpty();
    }

    @Test
    void unacknowledgedMessagesAreResentWithDupAndSameIdsOnReactivate() { // [MQTT-4.4.0-1]
        RecordingConnection c1 = new RecordingConnection();
        ListenerConfig limits = ListenerConfigBuilder.listener().maxInflight(2).build();
        Session s = session(limits, c1);
        s.offer(msg("a", 1), 1, false);
        s.offer(msg("b", 2), 2, false);
        s.offer(msg("c", 1), 1, false); // queued behind the full window
        assertThat(s.onPubrec(c1.published.get(1).packetId())).isTrue(); // "b" got PUBREC: PUBREL is next
        s.detach(c1, DisconnectReason.CONNECTION_LOST);

        RecordingConnection c2 = new RecordingConnection();
        attach(s, c2, limits);

        assertThat(c2.published).hasSize(1);
        RecordingConnection.Sent resent = c2.published.get(0);
        assertThat(resent.payload()).isEqualTo("a");
        assertThat(resent.dup()).isTrue();
        assertThat(resent.packetId()).isEqualTo(c1.published.get(0).packetId());
        assertThat(c2.pubrels).containsExactly(c1.published.get(1).packetId());

        // completing "b" releases "c", sent new (no DUP)
        assertThat(s.onPubcomp(c1.published.get(1).packetId())).isTrue();
        assertThat(c2.payloads()).containsExactly("a", "c");
        assertThat(c2.published.get(1).dup()).isFalse();
    }

    @Test
    void outboundQos2FlowCompletesOnlyWithPubrecThenPubcomp() {
        RecordingConnection c = new RecordingConnection();
        Session s = session(ListenerConfigBuilder.listener().build(), c);
        s.offer(msg("x", 2), 2, false);
        int id = c.published.get(0).packetId();

        assertThat(s.onPuback(id)).isFalse(); // PUBACK does not complete QoS 2
        assertThat(s.onPubcomp(id)).isFalse(); // PUBCOMP before PUBREC is unknown
        assertThat(s.onPubrec(id)).isTrue();
        assertThat(s.onPubrec(id)).isTrue(); // a repeated PUBREC is answered again, counted once
        assertThat(counters.get(Metric.MESSAGES_ACKED)).isEqualTo(1);
        assertThat(s.onPubcomp(id)).isTrue();
        assertThat(s.inflightSize()).isZero();
        assertThat(s.onPubcomp(id)).isFalse();
    }

    @Test
    void unknownAcknowledgementsAreIgnored() {
        RecordingConnection c = new RecordingConnection();
        Session s = session(ListenerConfigBuilder.listener().build(), c);
        assertThat(s.onPuback(42)).isFalse();
        assertThat(s.onPubrec(42)).isFalse();
        assertThat(s.onPubcomp(42)).isFalse();
        assertThat(counters.get(Metric.MESSAGES_ACKED)).isZero();
    }

    @Test
    void inboundQos2IsDeliveredOnceUntilPubrel() { // [MQTT-4.3.3-2]
        Session s = session(ListenerConfigBuilder.listener().build(), new RecordingConnection());

        assertThat(s.onInboundQos2(7)).isTrue();
        assertThat(s.onInboundQos2(7)).isFalse(); // re-sent PUBLISH before PUBREL: not routed again
        assertThat(s.onInboundQos2(8)).isTrue();
        assertThat(s.onPubrel(7)).isTrue();
        assertThat(s.onPubrel(7)).isFalse();
        assertThat(s.onInboundQos2(7)).isTrue(); // after PUBREL the identifier is a new message
    }

    @Test
    void queuedMessagesOlderThanMessageExpiryIntervalAreDropped() {
        RecordingConnection c = new RecordingConnection();
        ListenerConfig limits = ListenerConfigBuilder.listener().messageExpiryInterval(Duration.ofSeconds(10)).build();
        Session s = session(limits, c);
        s.detach(c, DisconnectReason.CONNECTION_LOST);
        s.offer(msg("old", 1), 1, false);
        clock.advance(Duration.ofSeconds(8));
        s.offer(msg("new", 1), 1, false);
        clock.advance(Duration.ofSeconds(3));

        RecordingConnection c2 = new RecordingConnection();
        attach(s, c2, limits);
        assertThat(c2.payloads()).containsExactly("new");
        assertThat(counters.get(Metric.MESSAGES_DROPPED)).isEqualTo(1);
    }

    @Test
    void mqtt31RetryResendsOnlyAfterTheRetryInterval() {
        RecordingConnection c = new RecordingConnection();
        Session s = session(ListenerConfigBuilder.listener().messageRetryInterval(Duration.ofSeconds(30)).build(), c);
        s.offer(msg("x", 1), 1, false);

        clock.advance(Duration.ofSeconds(29));
        s.retryUnacknowledged();
        assertThat(c.published).hasSize(1);

        clock.advance(Duration.ofSeconds(1));
        s.retryUnacknowledged();
        assertThat(c.published).hasSize(2);
        assertThat(c.published.get(1).dup()).isTrue();
        assertThat(c.published.get(1).packetId()).isEqualTo(c.published.get(0).packetId());
    }

    @Test
    void detachOfAStaleConnectionIsRefused() {
        RecordingConnection c1 = new RecordingConnection();
        ListenerConfig limits = ListenerConfigBuilder.listener().build();
        Session s = session(limits, c1);
        RecordingConnection c2 = new RecordingConnection();
        attach(s, c2, limits);

        assertThat(s.detach(c1, DisconnectReason.CONNECTION_LOST)).isFalse();
        assertThat(s.isConnected()).isTrue();
        assertThat(s.detach(c2, DisconnectReason.CONNECTION_LOST)).isTrue();
        assertThat(s.isConnected()).isFalse();
    }

    @Test
    void resumeWithASmallerReceiveMaximumResendsOnlyThatManyAndKeepsPacketIds() {
        // [MQTT-3.3.4-9] never more unacknowledged PUBLISHes than the client's Receive Maximum;
        // held-back QoS 2 messages keep their packet identifiers so they are not delivered twice
        ListenerConfig limits = ListenerConfigBuilder.listener().maxInflight(8).build();
        RecordingConnection first = new RecordingConnection();
        Session s = session(limits, first);
        for (int i = 0; i < 4; i++) {
            s.offer(msg("m" + i, 2), 2, false);
        }
        List<Integer> ids = first.packetIds();
        assertThat(ids).hasSize(4);
        s.detach(first, DisconnectReason.CONNECTION_LOST);

        RecordingConnection second = new RecordingConnection();
        ConnectionInfo info = new ConnectionInfo("127.0.0.1", 2, null, 5, 60, clock.millis(), false, true);
        s.attach(second, info, limits, null, 0, 7200, 2);
        s.activate();
        assertThat(second.payloads()).containsExactly("m0", "m1");
        assertThat(second.packetIds()).containsExactly(ids.get(0), ids.get(1));
        assertThat(second.published).allSatisfy(p -> assertThat(p.dup()).isTrue());

        assertThat(s.onPubrec(ids.get(0))).isTrue();
        assertThat(s.onPubcomp(ids.get(0))).isTrue();
        assertThat(second.payloads()).containsExactly("m0", "m1", "m2");
        assertThat(second.packetIds()).containsExactly(ids.get(0), ids.get(1), ids.get(2));
        assertThat(s.inflightSize()).isEqualTo(3); // m1 and m2 on the wire, m3 still held back
    }
}
