package io.mqttee.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SubscriptionIndexTest {

    private final SubscriptionIndex index = new SubscriptionIndex();

    @Test
    void addCountsSubscriptionsAndDistinctFilters() {
        assertThat(index.add(new Subscription("c1", "a/b", 1))).isTrue();
        assertThat(index.add(new Subscription("c2", "a/b", 0))).isTrue();
        assertThat(index.add(new Subscription("c1", "a/+", 2))).isTrue();

        assertThat(index.subscriptionCount()).isEqualTo(3);
        assertThat(index.filterCount()).isEqualTo(2);
        assertThat(index.filters()).containsExactlyInAnyOrder("a/b", "a/+");
    }

    @Test
    void repeatedFilterOfOneClientReplacesTheSubscription() { // [MQTT-3.8.4-3]
        index.add(new Subscription("c1", "a/b", 0));
        assertThat(index.add(new Subscription("c1", "a/b", 2))).isFalse();

        assertThat(index.subscriptionCount()).isEqualTo(1);
        assertThat(index.filterCount()).isEqualTo(1);
        assertThat(index.match("a/b").get("c1").qos()).isEqualTo(2);
    }

    @Test
    void removeUpdatesCountsAndPrunesEmptyNodes() {
        index.add(new Subscription("c1", "a/b/c", 1));
        index.add(new Subscription("c2", "a/b/c", 1));
        index.add(new Subscription("c1", "a/#", 1));

        assertThat(index.remove("c1", "a/b/c")).isTrue();
        assertThat(index.subscriptionCount()).isEqualTo(2);
        assertThat(index.filterCount()).isEqualTo(2);
        assertThat(index.match("a/b/c")).containsOnlyKeys("c1", "c2");

        assertThat(index.remove("c2", "a/b/c")).isTrue();
        assertThat(index.filterCount()).isEqualTo(1);
        assertThat(index.filters()).containsExactly("a/#");

        assertThat(index.remove("c1", "a/#")).isTrue();
        assertThat(index.subscriptionCount()).isZero();
        assertThat(index.filterCount()).isZero();
        assertThat(index.filters()).isEmpty(); // every node pruned: no empty path left as a "route"
        assertThat(index.match("a/b/c")).isEmpty();
    }

    @Test
    void removeOfUnknownSubscriptionIsFalseAndChangesNothing() {
        index.add(new Subscription("c1", "a/b", 1));

        assertThat(index.remove("c2", "a/b")).isFalse();
        assertThat(index.remove("c1", "a/b/c")).isFalse();
        assertThat(index.remove("c1", "x")).isFalse();
        assertThat(index.subscriptionCount()).isEqualTo(1);
        assertThat(index.filterCount()).isEqualTo(1);
    }

    @Test
    void prunedBranchCanBeReused() {
        index.add(new Subscription("c1", "a/b/c", 1));
        index.remove("c1", "a/b/c");
        index.add(new Subscription("c1", "a/b/c", 2));

        assertThat(index.match("a/b/c")).containsOnlyKeys("c1");
        assertThat(index.filterCount()).isEqualTo(1);
    }

    @Test
    void overlappingSubscriptionsGiveOneEntryWithTheHighestQos() { // [MQTT-3.3.5-1]
        index.add(new Subscription("c1", "a/#", 0));
        index.add(new Subscription("c1", "a/+", 2));
        index.add(new Subscription("c1", "a/b", 1));
        index.add(new Subscription("c2", "#", 1));

        var matched = index.match("a/b");
        assertThat(matched).containsOnlyKeys("c1", "c2");
        assertThat(matched.get("c1").qos()).isEqualTo(2);
        assertThat(matched.get("c1").filter()).isEqualTo("a/+");
        assertThat(matched.get("c2").qos()).isEqualTo(1);

        // forEachMatch sees every overlapping subscription
        var all = new java.util.ArrayList<Subscription>();
        index.forEachMatch("a/b", all::add);
        assertThat(all).hasSize(4);
        assertThat(index.matchingFilters("a/b")).containsExactlyInAnyOrder("a/#", "a/+", "a/b", "#");
    }
}
