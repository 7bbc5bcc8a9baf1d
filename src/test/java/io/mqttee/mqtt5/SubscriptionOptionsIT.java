package io.mqttee.mqtt5;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;
import io.mqttee.mqtt5.RawMqtt5Client.Packet;
import io.mqttee.mqtt5.RawMqtt5Client.Props;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static io.mqttee.mqtt5.RawMqtt5Client.*;
import static org.assertj.core.api.Assertions.assertThat;

/** No Local, Retain As Published, Retain Handling and Subscription Identifiers [MQTT 5.0 3.8.3.1, 3.8.2.1.2]. */
class SubscriptionOptionsIT extends Mqtt5BrokerSupport {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Mqtt5Publish receive(Mqtt5BlockingClient.Mqtt5Publishes publishes) throws InterruptedException {
        return publishes.receive(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .orElseThrow(() -> new AssertionError("no message within " + TIMEOUT));
    }

    private static String text(Mqtt5Publish p) {
        return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void noLocalSuppressesOwnMessagesOnly() throws Exception {
        // [MQTT-3.8.3-3] No Local 1: Application Messages MUST NOT be forwarded to a connection with a
        // Client Identifier equal to the publishing connection's
        startBroker();
        Mqtt5BlockingClient self = hive("self");
        self.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = self.publishes(MqttGlobalPublishFilter.ALL)) {
            self.subscribeWith().topicFilter("nl/#").qos(MqttQos.AT_LEAST_ONCE).noLocal(true).send();
            self.subscribeWith().topicFilter("echo/#").qos(MqttQos.AT_LEAST_ONCE).send(); // No Local 0
            self.publishWith().topic("nl/a").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("own")).send();
            self.publishWith().topic("echo/a").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("own echo")).send();
            Mqtt5BlockingClient other = hive("other");
            other.connect();
            other.publishWith().topic("nl/a").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("other")).send();

            assertThat(text(receive(publishes))).isEqualTo("own echo"); // own message on a No Local 0 subscription
            assertThat(text(receive(publishes))).isEqualTo("other");    // own "nl/a" message was never sent
        }
    }

    @Test
    void retainAsPublishedKeepsTheRetainFlagOnLiveMessages() throws Exception {
        // [MQTT-3.3.1-12] Retain As Published 0: RETAIN 0 when forwarding; [MQTT-3.3.1-13] 1: RETAIN as published
        startBroker();
        RawMqtt5Client keep = rawConnected("keep");
        keep.send(subscribe(1, Props.none(), "rap/#", options(1, false, true, 0)));
        keep.expect(SUBACK);
        RawMqtt5Client clear = rawConnected("clear");
        clear.send(subscribe(1, Props.none(), "rap/#", options(1, false, false, 0)));
        clear.expect(SUBACK);
        RawMqtt5Client pub = rawConnected("pub");
        pub.send(publish("rap/x", 1, true, 1, Props.none(), bytes("retained")));
        pub.expect(PUBACK);
        pub.send(publish("rap/x", 1, false, 2, Props.none(), bytes("plain")));
        pub.expect(PUBACK);

        Packet k1 = keep.expect(PUBLISH);
        Packet k2 = keep.expect(PUBLISH);
        assertThat(k1.payloadString() + k1.retain()).isEqualTo("retainedtrue");
        assertThat(k2.payloadString() + k2.retain()).isEqualTo("plainfalse");
        Packet c1 = clear.expect(PUBLISH);
        Packet c2 = clear.expect(PUBLISH);
        assertThat(c1.payloadString() + c1.retain()).isEqualTo("retainedfalse");
        assertThat(c2.payloadString() + c2.retain()).isEqualTo("plainfalse");

        // retained messages sent because of a new subscription always have RETAIN 1 [MQTT 5.0 3.3.1.3]
        RawMqtt5Client late = rawConnected("late");
        late.send(subscribe(1, Props.none(), "rap/#", options(1, false, false, 0)));
        late.expect(SUBACK);
        Packet r = late.expect(PUBLISH);
        assertThat(r.payloadString()).isEqualTo("retained");
        assertThat(r.retain()).isTrue();
    }

    @Test
    void hiveMqRetainAsPublished() throws Exception {
        startBroker();
        Mqtt5BlockingClient sub = hive("rap-hive");
        sub.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("raph/#").qos(MqttQos.AT_LEAST_ONCE).retainAsPublished(true).send();
            Mqtt5BlockingClient pub = hive("rap-pub");
            pub.connect();
            pub.publishWith().topic("raph/x").qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(bytes("r")).send();
            assertThat(receive(publishes).isRetain()).isTrue();
        }
    }

    @Test
    void retainHandlingZeroSendsRetainedOnEverySubscribe() throws Exception {
        // [MQTT 5.0 3.8.3.1] Retain Handling 0: send retained messages at the time of the subscribe
        startBroker();
        RawMqtt5Client pub = retained("rh0/t");
        RawMqtt5Client sub = rawConnected("sub");
        for (int i = 1; i <= 2; i++) {
            sub.send(subscribe(i, Props.none(), "rh0/#", options(1, false, false, 0)));
            sub.expect(SUBACK);
            Packet p = sub.expect(PUBLISH);
            assertThat(p.payloadString()).isEqualTo("retained");
            assertThat(p.retain()).isTrue();
            sub.send(ack(PUBACK, p.packetId, 0));
        }
        pub.close();
    }

    @Test
    void retainHandlingOneSendsRetainedOnlyForANewSubscription() throws Exception {
        // [MQTT-3.3.1-10] Retain Handling 1: retained messages only if the subscription did not already exist
        startBroker();
        RawMqtt5Client pub = retained("rh1/t");
        RawMqtt5Client sub = rawConnected("sub");
        sub.send(subscribe(1, Props.none(), "rh1/#", options(1, false, false, 1)));
        sub.expect(SUBACK);
        Packet p = sub.expect(PUBLISH);
        assertThat(p.payloadString()).isEqualTo("retained");
        sub.send(ack(PUBACK, p.packetId, 0));
        sub.send(subscribe(2, Props.none(), "rh1/#", options(1, false, false, 1)));
        sub.expect(SUBACK);
        assertNextIsSentinel(pub, sub, "rh1/sentinel");
    }

    @Test
    void retainHandlingTwoNeverSendsRetained() throws Exception {
        // [MQTT-3.3.1-11] Retain Handling 2: retained messages MUST NOT be sent
        startBroker();
        RawMqtt5Client pub = retained("rh2/t");
        RawMqtt5Client sub = rawConnected("sub");
        sub.send(subscribe(1, Props.none(), "rh2/#", options(1, false, false, 2)));
        sub.expect(SUBACK);
        assertNextIsSentinel(pub, sub, "rh2/sentinel");
    }

    @Test
    void hiveMqRetainHandling() throws Exception {
        startBroker();
        RawMqtt5Client pub = retained("rhh/t");
        Mqtt5BlockingClient sub = hive("rh-hive");
        sub.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("rhh/#").qos(MqttQos.AT_LEAST_ONCE)
                    .retainHandling(Mqtt5RetainHandling.DO_NOT_SEND).send();
            sub.subscribeWith().topicFilter("rhh/+").qos(MqttQos.AT_LEAST_ONCE)
                    .retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST).send();
            Mqtt5Publish p = receive(publishes);
            assertThat(text(p)).isEqualTo("retained");
            assertThat(p.isRetain()).isTrue();
            sub.subscribeWith().topicFilter("rhh/+").qos(MqttQos.AT_LEAST_ONCE)
                    .retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST).send();
            pub.send(publish("rhh/sentinel", 1, false, 9, Props.none(), bytes("sentinel")));
            pub.expect(PUBACK);
            // one copy of the sentinel (overlapping subscriptions give one message) and no retained replay
            assertThat(text(receive(publishes))).isEqualTo("sentinel");
        }
    }

    @Test
    void subscriptionIdentifiersOfAllMatchingSubscriptionsAreDelivered() throws Exception {
        // [MQTT-3.3.4-3] the Subscription Identifier of the matching subscription is sent with the message;
        // [MQTT-3.3.4-4] one copy for overlapping subscriptions carries all their identifiers;
        // [MQTT-3.3.4-5] no identifier for a subscription without one
        startBroker();
        RawMqtt5Client sub = rawConnected("sub");
        sub.send(subscribe(1, Props.of().varInt(SUBSCRIPTION_IDENTIFIER, 5), "si/#", options(1, false, false, 0)));
        sub.expect(SUBACK);
        sub.send(subscribe(2, Props.of().varInt(SUBSCRIPTION_IDENTIFIER, 268_435_455), "si/+/x",
                options(1, false, false, 0)));
        sub.expect(SUBACK);
        sub.send(subscribe(3, Props.none(), "si/a/+", options(1, false, false, 0)));
        sub.expect(SUBACK);

        RawMqtt5Client pub = rawConnected("pub");
        pub.send(publish("si/a/x", 1, false, 1, Props.none(), bytes("all three")));
        pub.expect(PUBACK);
        pub.send(publish("si/b", 1, false, 2, Props.none(), bytes("only first")));
        pub.expect(PUBACK);
        pub.send(publish("si/a/y", 1, false, 3, Props.none(), bytes("first and third")));
        pub.expect(PUBACK);

        Packet p1 = sub.expect(PUBLISH);
        assertThat(p1.payloadString()).isEqualTo("all three");
        assertThat(p1.all(SUBSCRIPTION_IDENTIFIER)).containsExactlyInAnyOrder(5, 268_435_455);
        Packet p2 = sub.expect(PUBLISH);
        assertThat(p2.payloadString()).isEqualTo("only first");
        assertThat(p2.all(SUBSCRIPTION_IDENTIFIER)).containsExactly(5);
        Packet p3 = sub.expect(PUBLISH);
        assertThat(p3.payloadString()).isEqualTo("first and third");
        assertThat(p3.all(SUBSCRIPTION_IDENTIFIER)).containsExactly(5);

        // re-subscribing without an identifier removes it from that subscription [MQTT 5.0 3.8.2.1.2]
        sub.send(subscribe(4, Props.none(), "si/#", options(1, false, false, 0)));
        sub.expect(SUBACK);
        pub.send(publish("si/b", 1, false, 4, Props.none(), bytes("none now")));
        pub.expect(PUBACK);
        Packet p4 = sub.expect(PUBLISH);
        assertThat(p4.payloadString()).isEqualTo("none now");
        assertThat(p4.has(SUBSCRIPTION_IDENTIFIER)).isFalse();
    }

    @Test
    void retainedMessageCarriesTheSubscriptionIdentifierOfTheNewSubscription() throws Exception {
        startBroker();
        RawMqtt5Client pub = retained("sir/t");
        RawMqtt5Client sub = rawConnected("sub");
        sub.send(subscribe(1, Props.of().varInt(SUBSCRIPTION_IDENTIFIER, 42), "sir/#", options(1, false, false, 0)));
        sub.expect(SUBACK);
        Packet p = sub.expect(PUBLISH);
        assertThat(p.retain()).isTrue();
        assertThat(p.all(SUBSCRIPTION_IDENTIFIER)).containsExactly(42);
        pub.close();
    }

    @Test
    void pahoSeesSubscriptionIdentifiers() throws Exception {
        startBroker();
        PahoV5 sub = paho("paho-si");
        sub.client.connect().waitForCompletion(TIMEOUT.toMillis());
        MqttProperties p1 = new MqttProperties();
        p1.setSubscriptionIdentifier(11);
        sub.client.subscribe(new MqttSubscription[] {new MqttSubscription("psi/#", 1)}, null, null, p1)
                .waitForCompletion(TIMEOUT.toMillis());
        MqttProperties p2 = new MqttProperties();
        p2.setSubscriptionIdentifier(12);
        sub.client.subscribe(new MqttSubscription[] {new MqttSubscription("psi/+", 1)}, null, null, p2)
                .waitForCompletion(TIMEOUT.toMillis());
        RawMqtt5Client pub = rawConnected("pub");
        pub.send(publish("psi/x", 1, false, 1, Props.none(), bytes("x")));
        pub.expect(PUBACK);
        PahoV5.Arrival a = sub.next();
        assertThat(a.message().getProperties().getSubscriptionIdentifiers()).containsExactlyInAnyOrder(11, 12);
    }

    /** A publisher that has stored a retained message "retained" on {@code topic}. */
    private RawMqtt5Client retained(String topic) throws Exception {
        RawMqtt5Client pub = rawConnected("retainer");
        pub.send(publish(topic, 1, true, 1, Props.none(), bytes("retained")));
        pub.expect(PUBACK);
        return pub;
    }

    /**
     * Publishes a non-retained sentinel and checks it is the next PUBLISH the subscriber sees: retained
     * messages for a subscription are written right after its SUBACK, so any would come first.
     */
    private static void assertNextIsSentinel(RawMqtt5Client pub, RawMqtt5Client sub, String topic) throws Exception {
        pub.send(publish(topic, 1, false, 9, Props.none(), bytes("sentinel")));
        pub.expect(PUBACK);
        Packet p = sub.expect(PUBLISH);
        assertThat(p.payloadString()).isEqualTo("sentinel");
        assertThat(p.retain()).isFalse();
    }
}
