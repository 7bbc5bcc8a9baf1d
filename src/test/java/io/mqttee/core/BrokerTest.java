package io.mqttee.core;

import io.mqttee.config.BrokerConfig;
import io.mqttee.config.ListenerConfig;
import io.mqttee.testing.ListenerConfigBuilder;
import io.mqttee.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BrokerTest {

    private final MutableClock clock = new MutableClock();
    private ListenerConfig listener = ListenerConfigBuilder.listener().build();
    private Broker broker = new Broker(new BrokerConfig(1, List.of(listener)), clock);

    private void limits(ListenerConfigBuilder b) {
        listener = b.build();
        broker = new Broker(new BrokerConfig(1, List.of(listener)), clock);
    }

    private ConnectOutcome connect(String clientId, boolean clean, RecordingConnection c) {
        return connect(clientId, clean, c, null);
    }

    private ConnectOutcome connect(String clientId, boolean clean, RecordingConnection c, Message will) {
        ConnectOutcome o = broker.connect(
                new ConnectRequest(clientId, clean, 4, 60, null, will, listener, "127.0.0.1", 40000), c);
        o.session().activate();
        return o;
    }

    private Message msg(String topic, String payload, int qos, boolean retain) {
        return new Message(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retain, "pub", clock.millis());
    }

    private List<Integer> subscribe(Session s, Object... filtersAndQos) {
        List<SubscriptionRequest> reqs = new java.util.ArrayList<>();
        for (int i = 0; i < filtersAndQos.length; i += 2) {
            reqs.add(new SubscriptionRequest((String) filtersAndQos[i], (Integer) filtersAndQos[i + 1]));
        }
        SubscribeResult result = broker.subscribe(s, reqs);
        broker.sendRetained(s, result);
        return result.codes();
    }

    private long gauge(Stat s) {
        return broker.counters().gauge(s).current();
    }

    private long max(Stat s) {
        return broker.counters().gauge(s).max();
    }

    private long metric(Metric m) {
        return broker.counters().get(m);
    }

    // ---- connect, takeover, clean / persistent ----

    @Test
    void takeoverClosesTheOldConnectionAndPublishesItsWill() { // [MQTT-3.1.4-2]
        RecordingConnection watcher = new RecordingConnection();
        subscribe(connect("watcher", true, watcher).session(), "will/#", 1);

        RecordingConnection old = new RecordingConnection();
        Session first = connect("c1", false, old, msg("will/c1", "gone", 1, false)).session();
        RecordingConnection fresh = new RecordingConnection();
        ConnectOutcome second = connect("c1", false, fresh);

        assertThat(old.closedFor).isEqualTo(DisconnectReason.TAKEN_OVER);
        assertThat(second.session()).isSameAs(first);
        assertThat(second.sessionPresent()).isTrue();
        assertThat(watcher.payloads()).containsExactly("gone");
        assertThat(gauge(Stat.CONNECTIONS)).isEqualTo(2);
        assertThat(gauge(Stat.SESSIONS)).isEqualTo(2);

        // the old connection's late close does not detach the new one
        broker.disconnected(first, old, DisconnectReason.CONNECTION_LOST);
        assertThat(first.isConnected()).isTrue();
        assertThat(gauge(Stat.CONNECTIONS)).isEqualTo(2);
        assertThat(watcher.payloads()).containsExactly("gone");
    }

    @Test
    void cleanSessionEndsWithItsConnection() { // [MQTT-3.1.2-6]
        RecordingConnection c = new RecordingConnection();
        Session s = connect("c1", true, c).session();
        subscribe(s, "a/b", 1);

        broker.disconnected(s, c, DisconnectReason.CLIENT_DISCONNECT);

        assertThat(broker.session("c1")).isEmpty();
        assertThat(broker.subscriptions().subscriptionCount()).isZero();
        assertThat(gauge(Stat.SESSIONS)).isZero();
        assertThat(metric(Metric.SESSION_TERMINATED)).isEqualTo(1);
    }

    @Test
    void persistentSessionIsResumedWithItsSubscriptions() { // [MQTT-3.1.2-4, MQTT-3.2.2-2]
        RecordingConnection c = new RecordingConnection();
        ConnectOutcome first = connect("c1", false, c);
        assertThat(first.sessionPresent()).isFalse(); // new session [MQTT-3.2.2-3]
        subscribe(first.session(), "a/b", 1);
        broker.disconnected(first.session(), c, DisconnectReason.CLIENT_DISCONNECT);
        assertThat(broker.session("c1")).isPresent();

        broker.publish(msg("a/b", "queued", 1, false));

        RecordingConnection c2 = new RecordingConnection();
        ConnectOutcome again = connect("c1", false, c2);
        assertThat(again.sessionPresent()).isTrue();
        assertThat(again.session().subscriptions()).extracting(Subscription::filter).containsExactly("a/b");
        assertThat(c2.payloads()).containsExactly("queued");
        assertThat(metric(Metric.SESSION_CREATED)).isEqualTo(1);
        assertThat(metric(Metric.SESSION_RESUMED)).isEqualTo(1);
    }

    @Test
    void cleanSessionConnectDiscardsAPersistentSession() { // [MQTT-3.1.2-6, MQTT-3.2.2-1]
        RecordingConnection c = new RecordingConnection();
        Session s = connect("c1", false, c).session();
        subscribe(s, "a/b", 1);
        broker.disconnected(s, c, DisconnectReason.CONNECTION_LOST);

        ConnectOutcome clean = connect("c1", true, new RecordingConnection());

        assertThat(clean.sessionPresent()).isFalse();
        assertThat(clean.session()).isNotSameAs(s);
        assertThat(clean.session().subscriptions()).isEmpty();
        assertThat(broker.subscriptions().match("a/b")).isEmpty();
        assertThat(metric(Metric.SESSION_TERMINATED)).isEqualTo(1);
        assertThat(metric(Metric.SESSION_CREATED)).isEqualTo(2);
    }

    @Test
    void persistentSessionExpiresAfterSessionExpiryInterval() {
        limits(ListenerConfigBuilder.listener().sessionExpiryInterval(Duration.ofSeconds(60)));
        RecordingConnection c = new RecordingConnection();
        Session s = connect("c1", false, c).session();
        subscribe(s, "a/b", 1);
        broker.disconnected(s, c, DisconnectReason.CONNECTION_LOST);

        clock.advance(Duration.ofSeconds(59));
        assertThat(broker.expireSessions()).isZero();
        assertThat(broker.session("c1")).isPresent();

        clock.advance(Duration.ofSeconds(1));
        assertThat(broker.expireSessions()).isEqualTo(1);
        assertThat(broker.session("c1")).isEmpty();
        assertThat(broker.subscriptions().subscriptionCount()).isZero();
        assertThat(gauge(Stat.SESSIONS)).isZero();
        assertThat(gauge(Stat.SUBSCRIPTIONS)).isZero();
        assertThat(metric(Metric.SESSION_TERMINATED)).isEqualTo(1);
    }

    @Test
    void connectedSessionNeverExpires() {
        limits(ListenerConfigBuilder.listener().sessionExpiryInterval(Duration.ofSeconds(1)));
        connect("c1", false, new RecordingConnection());
        clock.advance(Duration.ofHours(10));
        assertThat(broker.expireSessions()).isZero();
        assertThat(broker.session("c1")).isPresent();
    }

    @Test
    void reconnectBeforeExpiryRestartsTheClock() {
        limits(ListenerConfigBuilder.listener().sessionExpiryInterval(Duration.ofSeconds(60)));
        RecordingConnection c = new RecordingConnection();
        Session s = connect("c1", false, c).session();
        broker.disconnected(s, c, DisconnectReason.CONNECTION_LOST);
        clock.advance(Duration.ofSeconds(50));
        RecordingConnection c2 = new RecordingConnection();
        connect("c1", false, c2);
        broker.disconnected(s, c2, DisconnectReason.CONNECTION_LOST);
        clock.advance(Duration.ofSeconds(50));

        assertThat(broker.expireSessions()).isZero();
    }

    // ---- wills ----

    @Test
    void willIsPublishedOnAbnormalDisconnect() { // [MQTT-3.1.2-8]
        RecordingConnection watcher = new RecordingConnection();
        subscribe(connect("watcher", true, watcher).session(), "will/+", 2);
        RecordingConnection c = new RecordingConnection();
        Session s = connect("c1", true, c, msg("will/c1", "lost", 1, false)).session();

        broker.disconnected(s, c, DisconnectReason.CONNECTION_LOST);

        assertThat(watcher.published).extracting(RecordingConnection.Sent::payload, RecordingConnection.Sent::qos)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("lost", 1));
    }

    @Test
    void willIsPublishedOnKeepaliveTimeoutAndProtocolError() {
        RecordingConnection watcher = new RecordingConnection();
        subscribe(connect("watcher", true, watcher).session(), "will/+", 1);
        RecordingConnection c1 = new RecordingConnection();
        Session s1 = connect("c1", true, c1, msg("will/c1", "k", 0, false)).session();
        RecordingConnection c2 = new RecordingConnection();
        Session s2 = connect("c2", true, c2, msg("will/c2", "p", 0, false)).session();

        broker.disconnected(s1, c1, DisconnectReason.KEEPALIVE_TIMEOUT);
        broker.disconnected(s2, c2, DisconnectReason.PROTOCOL_ERROR);

        assertThat(watcher.payloads()).containsExactly("k", "p");
    }

    @Test
    void willIsDiscardedOnClientDisconnect() { // [MQTT-3.1.2-10, MQTT-3.14.4-3]
        RecordingConnection watcher = new RecordingConnection();
        subscribe(connect("watcher", true, watcher).session(), "#", 1);
        RecordingConnection c = new RecordingConnection();
        Session s = connect("c1", false, c, msg("will/c1", "lost", 1, false)).session();

        broker.disconnected(s, c, DisconnectReason.CLIENT_DISCONNECT);
        // a resumed session must not carry the old will either
        RecordingConnection c2 = new RecordingConnection();
        connect("c1", false, c2);
        broker.disconnected(s, c2, DisconnectReason.CONNECTION_LOST);

        assertThat(watcher.published).isEmpty();
    }

    @Test
    void kickClosesWithoutWillAndEndsTheSession() {
        RecordingConnection watcher = new RecordingConnection();
        subscribe(connect("watcher", true, watcher).session(), "#", 1);
        RecordingConnection c = new RecordingConnection();
        Session s = connect("c1", false, c, msg("will/c1", "lost", 1, false)).session();
        subscribe(s, "x", 1);

        assertThat(broker.kick("c1")).isTrue();
        broker.disconnected(s, c, DisconnectReason.KICKED); // the channel's close arrives later

        assertThat(c.closedFor).isEqualTo(DisconnectReason.KICKED);
        assertThat(watcher.published).isEmpty();
        assertThat(broker.session("c1")).isEmpty();
        assertThat(gauge(Stat.CONNECTIONS)).isEqualTo(1);
        assertThat(broker.kick("c1")).isFalse();
    }

    @Test
    void retainedWillIsStored() {
        RecordingConnection c = new RecordingConnection();
        Session s = connect("c1", true, c, msg("will/c1", "lost", 1, true)).session();
        broker.disconnected(s, c, DisconnectReason.CONNECTION_LOST);
        assertThat(broker.retained().get("will/c1")).isPresent();
    }

    // ---- routing ----

    @Test
    void publishIsDeliveredAtTheMinimumOfPublishedAndGrantedQos() {
        RecordingConnection c = new RecordingConnection();
        Session s = connect("c1", true, c).session();
        subscribe(s, "q0", 0, "q2", 2);

        broker.publish(msg("q0", "a", 2, false));
        broker.publish(msg("q2", "b", 1, false));

        assertThat(c.published).extracting(RecordingConnection.Sent::qos).containsExactly(0, 1);
    }

    @Test
    void overlappingSubscriptionsDeliverOnceAtTheHighestQos() { // [MQTT-3.3.5-1]
        RecordingConnection c = new RecordingConnection();
        Session s = connect("c1", true, c).session();
        subscribe(s, "a/#", 0, "a/+", 2, "a/b", 1);

        broker.publish(msg("a/b", "x", 2, false));

        assertThat(c.published).extracting(RecordingConnection.Sent::qos).containsExactly(2);
    }

    @Test
    void dollarTopicsAreNotMatchedByLeadingWildcards() { // [MQTT-4.7.2-1]
        RecordingConnection all = new RecordingConnection();
        subscribe(connect("all", true, all).session(), "#", 0, "+/x", 0);
        RecordingConnection sys = new RecordingConnection();
        subscribe(connect("sys", true, sys).session(), "$SYS/#", 0);

        broker.publish(msg("$SYS/x", "s", 0, false));

        assertThat(all.published).isEmpty();
        assertThat(sys.payloads()).containsExactly("s");
    }

    @Test
    void unsubscribeStopsDelivery() {
        RecordingConnection c = new RecordingConnection();
        Session s = connect("c1", true, c).session();
        subscribe(s, "a", 1, "b", 1);

        assertThat(broker.unsubscribe(s, List.of("a", "nope"))).containsExactly(true, false);
        broker.publish(msg("a", "x", 1, false));
        broker.publish(msg("b", "y", 1, false));

        assertThat(c.payloads()).containsExactly("y");
        assertThat(metric(Metric.SESSION_UNSUBSCRIBED)).isEqualTo(1);
        assertThat(metric(Metric.CLIENT_UNSUBSCRIBE)).isEqualTo(2);
    }

    // ---- subscribe limits ----

    @Test
    void grantedQosIsCappedByMaxQosAllowed() { // [MQTT-3.8.4-6]
        limits(ListenerConfigBuilder.listener().maxQosAllowed(1));
        Session s = connect("c1", true, new RecordingConnection()).session();
        assertThat(subscribe(s, "a", 0, "b", 1, "c", 2)).containsExactly(0, 1, 1);
    }

    @Test
    void subscriptionsBeyondMaxSubscriptionsAreRefused() {
        limits(ListenerConfigBuilder.listener().maxSubscriptions(2));
        Session s = connect("c1", true, new RecordingConnection()).session();

        assertThat(subscribe(s, "a", 1, "b", 1, "c", 1)).containsExactly(1, 1, Broker.SUBSCRIPTION_QUOTA_EXCEEDED);
        // re-subscribing an existing filter replaces it and is not refused [MQTT-3.8.4-3]
        assertThat(subscribe(s, "b", 2)).containsExactly(2);
        assertThat(s.subscriptionCount()).isEqualTo(2);
    }

    @Test
    void filtersDeeperThanMaxTopicLevelsAreRefused() {
        limits(ListenerConfigBuilder.listener().maxTopicLevels(3));
        Session s = connect("c1", true, new RecordingConnection()).session();
        assertThat(subscribe(s, "a/b/c", 1, "a/b/c/d", 1, "a/+/#", 2))
                .containsExactly(1, Broker.SUBSCRIPTION_FILTER_INVALID, 2);
        assertThat(broker.subscriptions().filters()).containsExactlyInAnyOrder("a/b/c", "a/+/#");
    }

    // ---- retained ----

    @Test
    void retainedMessageIsSentOnSubscribeWithRetainFlag() { // [MQTT-3.3.1-6]
        broker.publish(msg("r/a", "one", 1, true));
        broker.publish(msg("r/b", "two", 2, true));
        broker.publish(msg("r/c", "none", 1, false));

        RecordingConnection c = new RecordingConnection();
        subscribe(connect("c1", true, c).session(), "r/+", 1);

        assertThat(c.published).extracting(RecordingConnection.Sent::topic, RecordingConnection.Sent::payload,
                RecordingConnection.Sent::qos, RecordingConnection.Sent::retain).containsExactly(
                org.assertj.core.groups.Tuple.tuple("r/a", "one", 1, true),
                org.assertj.core.groups.Tuple.tuple("r/b", "two", 1, true));
        assertThat(gauge(Stat.RETAINED)).isEqualTo(2);
    }

    @Test
    void retainedMessageIsReplacedAndDeletedByAnEmptyPayload() { // [MQTT-3.3.1-5, MQTT-3.3.1-10, MQTT-3.3.1-11]
        broker.publish(msg("r", "one", 0, true));
        broker.publish(msg("r", "two", 0, true));
        assertThat(broker.retained().get("r")).map(m -> new String(m.payload(), StandardCharsets.UTF_8))
                .contains("two");
        assertThat(broker.retained().size()).isEqualTo(1);

        broker.publish(msg("r", "", 0, true));
        assertThat(broker.retained().get("r")).isEmpty();
        assertThat(gauge(Stat.RETAINED)).isZero();
        assertThat(max(Stat.RETAINED)).isEqualTo(1);

        RecordingConnection c = new RecordingConnection();
        subscribe(connect("c1", true, c).session(), "r", 1);
        assertThat(c.published).isEmpty();
    }

    @Test
    void retainedMessageIsForwardedLiveWithoutTheRetainFlag() { // [MQTT-3.3.1-9]
        RecordingConnection c = new RecordingConnection();
        subscribe(connect("c1", true, c).session(), "r", 1);
        broker.publish(msg("r", "live", 1, true));
        assertThat(c.published).extracting(RecordingConnection.Sent::retain).containsExactly(false);
    }

    @Test
    void retainedStoreMatchesWildcardsButNotDollarTopics() {
        InMemoryRetainedStore store = new InMemoryRetainedStore();
        store.retain(msg("a/b", "1", 0, true));
        store.retain(msg("a/c", "2", 0, true));
        store.retain(msg("$SYS/x", "3", 0, true));

        assertThat(store.matching("a/#")).extracting(Message::topic).containsExactly("a/b", "a/c");
        assertThat(store.matching("#")).extracting(Message::topic).containsExactly("a/b", "a/c");
        assertThat(store.matching("$SYS/#")).extracting(Message::topic).containsExactly("$SYS/x");
        assertThat(store.matching("a/b")).extracting(Message::topic).containsExactly("a/b");
        assertThat(store.remove("a/b")).isTrue();
        assertThat(store.remove("a/b")).isFalse();
        assertThat(store.size()).isEqualTo(2);
    }

    // ---- counters ----

    @Test
    void gaugesTrackCurrentAndMaximum() {
        RecordingConnection c1 = new RecordingConnection();
        Session s1 = connect("c1", true, c1).session();
        RecordingConnection c2 = new RecordingConnection();
        Session s2 = connect("c2", false, c2).session();
        subscribe(s1, "a", 1, "b/#", 1);
        subscribe(s2, "a", 1);
        broker.publish(msg("r", "x", 0, true));

        assertThat(gauge(Stat.CONNECTIONS)).isEqualTo(2);
        assertThat(gauge(Stat.SESSIONS)).isEqualTo(2);
        assertThat(gauge(Stat.SUBSCRIPTIONS)).isEqualTo(3);
        assertThat(gauge(Stat.TOPICS)).isEqualTo(2);
        assertThat(gauge(Stat.RETAINED)).isEqualTo(1);

        broker.disconnected(s1, c1, DisconnectReason.CLIENT_DISCONNECT);
        broker.disconnected(s2, c2, DisconnectReason.CLIENT_DISCONNECT);

        assertThat(gauge(Stat.CONNECTIONS)).isZero();
        assertThat(max(Stat.CONNECTIONS)).isEqualTo(2);
        assertThat(gauge(Stat.SESSIONS)).isEqualTo(1); // c2 is persistent
        assertThat(max(Stat.SESSIONS)).isEqualTo(2);
        assertThat(gauge(Stat.SUBSCRIPTIONS)).isEqualTo(1);
        assertThat(max(Stat.SUBSCRIPTIONS)).isEqualTo(3);
        assertThat(gauge(Stat.TOPICS)).isEqualTo(1);
        assertThat(max(Stat.TOPICS)).isEqualTo(2);

        var stats = broker.counters().statsView();
        assertThat(stats).containsEntry("connections.count", 0L).containsEntry("connections.max", 2L)
                .containsEntry("subscriptions.count", 1L).containsEntry("retained.max", 1L);
    }

    @Test
    void metricsCountEvents() {
        RecordingConnection sub = new RecordingConnection();
        Session s = connect("sub", false, sub).session();
        subscribe(s, "t", 1);
        broker.publish(msg("t", "1", 1, false));
        broker.publish(msg("t", "2", 0, false));
        s.onPuback(sub.published.get(0).packetId());
        broker.publish(msg("nobody", "3", 1, false));
        broker.disconnected(s, sub, DisconnectReason.CONNECTION_LOST);
        broker.publish(msg("t", "4", 0, false)); // QoS 0 to an offline session: dropped
        connect("sub", false, new RecordingConnection());

        assertThat(metric(Metric.MESSAGES_PUBLISH)).isEqualTo(4);
        assertThat(metric(Metric.MESSAGES_DELIVERED)).isEqualTo(2);
        assertThat(metric(Metric.MESSAGES_ACKED)).isEqualTo(1);
        assertThat(metric(Metric.MESSAGES_DROPPED)).isEqualTo(1);
        assertThat(metric(Metric.CLIENT_CONNECTED)).isEqualTo(2);
        assertThat(metric(Metric.CLIENT_DISCONNECTED)).isEqualTo(1);
        assertThat(metric(Metric.CLIENT_SUBSCRIBE)).isEqualTo(1);
        assertThat(metric(Metric.SESSION_SUBSCRIBED)).isEqualTo(1);
        assertThat(metric(Metric.SESSION_CREATED)).isEqualTo(1);
        assertThat(metric(Metric.SESSION_RESUMED)).isEqualTo(1);
        assertThat(broker.counters().metricsView()).containsEntry("messages.publish", 4L);
    }

    @Test
    void countingCanBeSwitchedOff() {
        broker.counters().setCounting(false);
        broker.publish(msg("t", "1", 0, false));
        assertThat(metric(Metric.MESSAGES_PUBLISH)).isZero();
        broker.counters().setCounting(true);
        broker.publish(msg("t", "1", 0, false));
        assertThat(metric(Metric.MESSAGES_PUBLISH)).isEqualTo(1);
    }

    @Test
    void removeRetainedUpdatesTheRetainedGauge() {
        broker.publish(msg("r/1", "a", 0, true));
        broker.publish(msg("r/2", "b", 0, true));
        assertThat(gauge(Stat.RETAINED)).isEqualTo(2);
        assertThat(broker.removeRetained("r/1")).isTrue();
        assertThat(broker.removeRetained("r/1")).isFalse();
        assertThat(gauge(Stat.RETAINED)).isEqualTo(1);
        assertThat(max(Stat.RETAINED)).isEqualTo(2);
    }

    @Test
    void retainedMatchingIsSortedByTopicAndDropsExpiredMessages() {
        broker.publish(msg("r/b", "b", 0, true));
        broker.publish(msg("r/a", "a", 0, true));
        broker.publish(new Message("r/c", new byte[] {1}, 0, true, "pub", clock.millis(),
                new MessageProperties(null, 10L, null, null, null, List.of())));
        assertThat(broker.retainedMatching("r/#")).extracting(Message::topic).containsExactly("r/a", "r/b", "r/c");
        clock.advance(Duration.ofSeconds(11));
        assertThat(broker.retainedMatching("r/#")).extracting(Message::topic).containsExactly("r/a", "r/b");
        assertThat(gauge(Stat.RETAINED)).isEqualTo(2);
    }
}
