package io.mqttee.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RoutesTest {

    private final SubscriptionIndex index = new SubscriptionIndex();
    private final Routes routes = new Routes(index);

    private static Subscription sub(String client, String filter, int qos, boolean noLocal, boolean rap, int id) {
        return new Subscription(client, filter, qos, noLocal, rap, 0, id, null, 0);
    }

    @Test
    void aRouteIsReusedUntilTheIndexChanges() {
        index.add(new Subscription("a", "t/+", 1));
        Routes.Route first = routes.of("t/1");
        assertThat(routes.of("t/1")).isSameAs(first);

        index.add(new Subscription("b", "t/#", 0));
        Routes.Route second = routes.of("t/1");
        assertThat(second).isNotSameAs(first);
        assertThat(second.targets).extracting(Routes.Target::clientId).containsExactlyInAnyOrder("a", "b");

        index.remove("a", "t/+");
        assertThat(routes.of("t/1").targets).extracting(Routes.Target::clientId).containsExactly("b");
    }

    @Test
    void replacingASubscriptionWithOtherOptionsIsSeen() {
        index.add(new Subscription("a", "t", 0));
        assertThat(routes.of("t").targets[0].maxQos()).isZero();
        index.add(new Subscription("a", "t", 2));
        assertThat(routes.of("t").targets[0].maxQos()).isEqualTo(2);
    }

    @Test
    void overlappingSubscriptionsOfOneSessionCombine() {
        // highest QoS [MQTT-3.3.5-1], every Subscription Identifier [MQTT-3.3.4-3], Retain As Published if any
        index.add(sub("a", "t/+", 0, false, false, 7));
        index.add(sub("a", "t/#", 2, false, true, 9));
        Routes.Target t = routes.of("t/x").targets[0];
        assertThat(t.maxQos()).isEqualTo(2);
        assertThat(t.retainAsPublished()).isTrue();
        assertThat(t.subscriptionIds()).containsExactlyInAnyOrder(7, 9);
    }

    @Test
    void noLocalOnlyAppliesToTheSessionsOwnMessages() {
        // [MQTT-3.8.3-3]
        index.add(sub("a", "t/+", 2, true, false, 1));
        index.add(sub("a", "t/#", 1, false, false, 2));
        index.add(sub("b", "t/x", 1, true, false, 0));
        Routes.Route r = routes.of("t/x");
        Routes.Target a = r.targets[0].clientId().equals("a") ? r.targets[0] : r.targets[1];
        Routes.Target b = a == r.targets[0] ? r.targets[1] : r.targets[0];

        assertThat(a.forMessageFrom("someone")).isSameAs(a);
        Routes.Target aOwn = a.forMessageFrom("a");
        assertThat(aOwn.maxQos()).isEqualTo(1);
        assertThat(aOwn.subscriptionIds()).containsExactly(2);
        assertThat(b.forMessageFrom("b")).isNull();
        assertThat(b.forMessageFrom("a")).isSameAs(b);
    }

    @Test
    void shareGroupsAreListedWithSortedMembers() {
        index.add(new Subscription("z", "s/t", 1, false, false, 0, 0, "g", 0));
        index.add(new Subscription("m", "s/t", 1, false, false, 0, 0, "g", 0));
        Routes.Route r = routes.of("s/t");
        assertThat(r.targets).isEmpty();
        assertThat(r.shareGroups.get("g/s/t")).extracting(Subscription::clientId).containsExactly("m", "z");
    }

    @Test
    void theCacheStartsOverWhenFull() {
        index.add(new Subscription("a", "#", 0));
        for (int i = 0; i <= Routes.MAX_ROUTES; i++) {
            routes.of("t/" + i);
        }
        Routes.Route again = routes.of("t/" + Routes.MAX_ROUTES);
        assertThat(routes.of("t/" + Routes.MAX_ROUTES)).isSameAs(again);
        assertThat(again.targets).hasSize(1);
    }
}
