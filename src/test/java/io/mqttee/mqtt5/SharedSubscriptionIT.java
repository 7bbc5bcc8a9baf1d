package io.mqttee.mqtt5;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.mqttee.mqtt5.RawMqtt5Client.Packet;
import io.mqttee.mqtt5.RawMqtt5Client.Props;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.mqttee.mqtt5.RawMqtt5Client.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Shared subscriptions {@code $share/{group}/{filter}} [MQTT 5.0 section 4.8.2]. */
class SharedSubscriptionIT extends Mqtt5BrokerSupport {

    private static final int MESSAGES = 30;
    private static final String END = "end";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads a member's messages up to the end marker, which the publisher sends on a non-shared topic
     * after all the others: per-session order puts every earlier delivery to this member before it.
     */
    private static List<String> drain(Mqtt5BlockingClient.Mqtt5Publishes publishes) throws InterruptedException {
        List<String> got = new ArrayList<>();
        while (true) {
            Mqtt5Publish p = publishes.receive(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .orElseThrow(() -> new AssertionError("no end marker within " + TIMEOUT));
            String s = new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
            if (s.equals(END)) {
                return got;
            }
            got.add(p.getTopic() + ":" + s);
        }
    }

    @Test
    void eachMessageGoesToExactlyOneMemberOfEachGroup() throws Exception {
        // [MQTT 5.0 4.8.2] each message matching a shared subscription is sent to only one of the
        // Sessions attached to it; different share groups each get a copy; a non-shared subscription to
        // the same filter gets every message
        startBroker();
        String[] groupA = {"a1", "a2", "a3"};
        String[] groupB = {"b1", "b2"};
        Map<String, Mqtt5BlockingClient.Mqtt5Publishes> inbox = new HashMap<>();
        for (String id : groupA) {
            inbox.put(id, member(id, "$share/A/work/#"));
        }
        for (String id : groupB) {
            inbox.put(id, member(id, "$share/B/work/+"));
        }
        inbox.put("plain", member("plain", "work/#"));

        Mqtt5BlockingClient pub = hive("pub");
        pub.connect();
        Set<String> sent = new HashSet<>();
        for (int i = 0; i < MESSAGES; i++) {
            String topic = "work/" + (i % 4);
            sent.add(topic + ":" + i);
            pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes(String.valueOf(i))).send();
        }
        pub.publishWith().topic("marker").qos(MqttQos.AT_LEAST_ONCE).payload(bytes(END)).send();

        Map<String, List<String>> got = new HashMap<>();
        for (Map.Entry<String, Mqtt5BlockingClient.Mqtt5Publishes> e : inbox.entrySet()) {
            got.put(e.getKey(), drain(e.getValue()));
            e.getValue().close();
        }
        assertExactlyOnceAcross(got, groupA, sent);
        assertExactlyOnceAcross(got, groupB, sent);
        assertThat(got.get("plain")).containsExactlyInAnyOrderElementsOf(sent);
    }

    private static void assertExactlyOnceAcross(Map<String, List<String>> got, String[] members, Set<String> sent) {
        List<String> all = new ArrayList<>();
        for (String m : members) {
            assertThat(got.get(m)).as("member %s got some of the messages", m).isNotEmpty();
            all.addAll(got.get(m));
        }
        assertThat(all).as("every message exactly once in the group").hasSize(sent.size())
                .containsExactlyInAnyOrderElementsOf(sent);
    }

    /** A HiveMQ client subscribed to {@code filter} and, non-shared, to the end marker. */
    private Mqtt5BlockingClient.Mqtt5Publishes member(String id, String filter) {
        Mqtt5BlockingClient c = hive(id);
        c.connect();
        Mqtt5BlockingClient.Mqtt5Publishes publishes = c.publishes(MqttGlobalPublishFilter.ALL);
        c.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
        c.subscribeWith().topicFilter("marker").qos(MqttQos.AT_LEAST_ONCE).send();
        return publishes;
    }

    @Test
    void pahoMembersShareTheLoad() throws Exception {
        startBroker();
        PahoV5 m1 = paho("paho-1");
        PahoV5 m2 = paho("paho-2");
        for (PahoV5 m : List.of(m1, m2)) {
            m.client.connect().waitForCompletion(TIMEOUT.toMillis());
            m.client.subscribe(new MqttSubscription("$share/p/jobs", 1)).waitForCompletion(TIMEOUT.toMillis());
        }
        RawMqtt5Client pub = rawConnected("pub");
        for (int i = 1; i <= 10; i++) {
            pub.send(publish("jobs", 1, false, i, Props.none(), bytes("job" + i)));
            pub.expect(PUBACK);
        }
        List<String> all = new ArrayList<>();
        int seen = 0;
        Set<String> byWhom = new HashSet<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (seen < 10) {
            assertThat(System.nanoTime()).as("all 10 jobs within " + TIMEOUT).isLessThan(deadline);
            for (PahoV5 m : List.of(m1, m2)) {
                PahoV5.Arrival a = m.arrivals.poll(10, TimeUnit.MILLISECONDS);
                if (a != null) {
                    all.add(new String(a.message().getPayload(), StandardCharsets.UTF_8));
                    byWhom.add(m == m1 ? "1" : "2");
                    seen++;
                }
            }
        }
        assertThat(all).containsExactlyInAnyOrder("job1", "job2", "job3", "job4", "job5", "job6", "job7", "job8",
                "job9", "job10");
        assertThat(byWhom).containsExactlyInAnyOrder("1", "2");
    }

    @Test
    void noLocalOnASharedSubscriptionIsAProtocolError() throws Exception {
        // [MQTT-3.8.3-4] No Local 1 on a Shared Subscription is a Protocol Error: DISCONNECT 0x82
        startBroker();
        RawMqtt5Client c = rawConnected("c");
        c.send(subscribe(1, Props.none(), "$share/g/t", options(1, true, false, 0)));
        ReasonCodesIT.assertDisconnect(c, 0x82);
    }

    @Test
    void invalidShareNamesAreRefusedPerFilter() throws Exception {
        // [MQTT 5.0 4.8.2] ShareName must be non-empty, without '+', '#' or '/', followed by '/' and a filter:
        // 0x8F Topic Filter invalid for that filter only
        startBroker();
        RawMqtt5Client c = rawConnected("c");
        String[] filters = {"$share/g+/t", "$share//t", "$share/g", "$share/ok/t"};
        int[] opts = {1, 1, 1, 1};
        c.send(subscribe(1, Props.none(), filters, opts));
        assertThat(c.expect(SUBACK).codes).containsExactly(0x8F, 0x8F, 0x8F, 1);
    }

    @Test
    void noRetainedMessagesOnSharedSubscribe() throws Exception {
        // [MQTT 5.0 4.8.2] retained messages are not sent when subscribing to a Shared Subscription
        startBroker();
        RawMqtt5Client pub = rawConnected("pub");
        pub.send(publish("sr/t", 1, true, 1, Props.none(), bytes("retained")));
        pub.expect(PUBACK);
        RawMqtt5Client sub = rawConnected("sub");
        sub.send(subscribe(1, Props.none(), "$share/g/sr/#", options(1, false, false, 0)));
        sub.expect(SUBACK);
        pub.send(publish("sr/t", 1, false, 2, Props.none(), bytes("live")));
        pub.expect(PUBACK);
        Packet p = sub.expect(PUBLISH);
        assertThat(p.payloadString()).isEqualTo("live");
    }

    @Test
    void unsubscribingFromASharedSubscriptionLeavesTheGroup() throws Exception {
        startBroker();
        RawMqtt5Client a = rawConnected("a");
        RawMqtt5Client b = rawConnected("b");
        for (RawMqtt5Client c : List.of(a, b)) {
            c.send(subscribe(1, Props.none(), "$share/g/u", options(1, false, false, 0)));
            c.expect(SUBACK);
        }
        a.send(unsubscribe(2, "$share/g/u"));
        assertThat(a.expect(UNSUBACK).codes).containsExactly(0x00);
        RawMqtt5Client pub = rawConnected("pub");
        for (int i = 1; i <= 4; i++) {
            pub.send(publish("u", 1, false, i, Props.none(), bytes("m" + i)));
            pub.expect(PUBACK);
        }
        for (int i = 1; i <= 4; i++) {
            Packet p = b.expect(PUBLISH);
            assertThat(p.payloadString()).isEqualTo("m" + i);
            b.send(ack(PUBACK, p.packetId, 0));
        }
        a.send(pingreq());
        assertThat(a.read(TIMEOUT).type).as("nothing for the member that left").isEqualTo(PINGRESP);
    }
}
