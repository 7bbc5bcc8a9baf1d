package io.mqttee.mqtt5;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import io.mqttee.mqtt5.RawMqtt5Client.Packet;
import io.mqttee.mqtt5.RawMqtt5Client.Props;
import io.mqttee.mqtt5.RawMqtt5Client.Will;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static io.mqttee.mqtt5.RawMqtt5Client.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Session Expiry Interval, Clean Start, Session Present, DISCONNECT expiry changes and the will on DISCONNECT. */
class SessionExpiryIT extends Mqtt5BrokerSupport {

    private static final long NEVER = 0xFFFFFFFFL;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private RawMqtt5Client connectRaw(String id, boolean cleanStart, Props props, Will will, boolean present)
            throws Exception {
        RawMqtt5Client c = raw();
        c.send(connect(id, cleanStart, 60, props, will));
        Packet ack = c.expect(CONNACK);
        assertThat(ack.reasonCode).isZero();
        assertThat(ack.sessionPresent).as("Session Present").isEqualTo(present);
        return c;
    }

    private static void disconnectNormally(RawMqtt5Client c, Props props) throws Exception {
        c.send(disconnect(0, props));
        assertThat(c.readOrEof(TIMEOUT)).as("server closes after DISCONNECT").isNull();
    }

    private void awaitOffline(String id) throws InterruptedException {
        await(id + " offline", () -> broker.session(id).map(s -> !s.isConnected()).orElse(true));
    }

    @Test
    void expiryZeroEndsTheSessionWithTheConnection() throws Exception {
        // [MQTT-3.1.2-23 / 3.1.2.11.2] Session Expiry Interval absent or 0: the Session ends when the connection closes
        startBroker();
        RawMqtt5Client c = connectRaw("zero", false, Props.none(), null, false);
        c.send(subscribe(1, Props.none(), "z", options(1, false, false, 0)));
        c.expect(SUBACK);
        disconnectNormally(c, Props.none());
        await("session gone", () -> broker.session("zero").isEmpty());
        // [MQTT-3.2.2-3] no Session State: Session Present 0
        connectRaw("zero", false, Props.none(), null, false);
    }

    @Test
    void positiveExpiryKeepsTheSessionOfflineAndResumesIt() throws Exception {
        // [MQTT 5.0 3.1.2.11.2] Session Expiry Interval > 0: the Session is kept after the connection closes;
        // [MQTT-3.1.2-5 / MQTT-3.2.2-2] Clean Start 0 with a session: resumed, Session Present 1
        startBroker();
        Mqtt5BlockingClient c = hive("keep");
        Mqtt5ConnAck first = c.connectWith().cleanStart(true).sessionExpiryInterval(300).send();
        assertThat(first.isSessionPresent()).isFalse();
        c.subscribeWith().topicFilter("keep/#").qos(MqttQos.AT_LEAST_ONCE).send();
        c.disconnect();
        awaitOffline("keep");
        assertThat(broker.session("keep")).isPresent();
        assertThat(broker.session("keep").orElseThrow().subscriptionCount()).isEqualTo(1);

        // messages for it are queued while offline and delivered on resumption [MQTT 5.0 4.1]
        Mqtt5BlockingClient pub = hive("pub");
        pub.connect();
        pub.publishWith().topic("keep/1").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("while away")).send();
        await("queued", () -> broker.session("keep").orElseThrow().queueSize() == 1);

        RawMqtt5Client back = connectRaw("keep", false, Props.of().u32(SESSION_EXPIRY_INTERVAL, 300), null, true);
        Packet p = back.expect(PUBLISH);
        assertThat(p.payloadString()).isEqualTo("while away");
    }

    @Test
    void cleanStartDiscardsAnExistingSession() throws Exception {
        // [MQTT-3.1.2-4] Clean Start 1: discard any existing Session and start a new one; Session Present 0
        startBroker();
        RawMqtt5Client c = connectRaw("clean", true, Props.of().u32(SESSION_EXPIRY_INTERVAL, 300), null, false);
        c.send(subscribe(1, Props.none(), "c/#", options(1, false, false, 0)));
        c.expect(SUBACK);
        disconnectNormally(c, Props.none());
        awaitOffline("clean");
        RawMqtt5Client again = connectRaw("clean", true, Props.of().u32(SESSION_EXPIRY_INTERVAL, 300), null, false);
        assertThat(broker.session("clean").orElseThrow().subscriptionCount()).isZero();
        // the old subscription is gone: UNSUBSCRIBE says so
        again.send(unsubscribe(2, "c/#"));
        assertThat(again.expect(UNSUBACK).codes).containsExactly(0x11);
    }

    @Test
    void sessionExpiresAfterItsInterval() throws Exception {
        // [MQTT 5.0 3.1.2.11.2] the Server deletes the Session when the interval has passed after the close
        startBroker();
        RawMqtt5Client c = connectRaw("short", true, Props.of().u32(SESSION_EXPIRY_INTERVAL, 100), null, false);
        disconnectNormally(c, Props.none());
        awaitOffline("short");
        assertThat(broker.session("short")).isPresent();
        clock.advance(Duration.ofSeconds(50)); // half-way: the real time a slow machine adds cannot reach 100 s
        assertThat(broker.expireSessions()).isZero();
        assertThat(broker.session("short")).isPresent();
        clock.advance(Duration.ofSeconds(51));
        // the server's own once-a-second sweep removes it
        await("session expired", () -> broker.session("short").isEmpty());
        connectRaw("short", false, Props.none(), null, false);
    }

    @Test
    void maximumExpiryNeverExpires() throws Exception {
        // [MQTT 5.0 3.1.2.11.2] 0xFFFFFFFF: the Session does not expire
        startBroker();
        disconnectNormally(connectRaw("forever", true, Props.of().u32(SESSION_EXPIRY_INTERVAL, NEVER), null, false),
                Props.none());
        disconnectNormally(connectRaw("almost", true, Props.of().u32(SESSION_EXPIRY_INTERVAL, NEVER - 1), null,
                false), Props.none());
        awaitOffline("forever");
        awaitOffline("almost");
        clock.advance(Duration.ofDays(365L * 140)); // beyond 0xFFFFFFFE seconds (~136 years)
        broker.expireSessions();
        assertThat(broker.session("almost")).as("0xFFFFFFFE does expire").isEmpty();
        assertThat(broker.session("forever")).as("0xFFFFFFFF never expires").isPresent();
        connectRaw("forever", false, Props.none(), null, true);
    }

    @Test
    void disconnectCanShortenTheExpiryToZero() throws Exception {
        // [MQTT 5.0 3.14.2.2.2] DISCONNECT may carry a new Session Expiry Interval
        startBroker();
        RawMqtt5Client c = connectRaw("shorten", true, Props.of().u32(SESSION_EXPIRY_INTERVAL, 300), null, false);
        disconnectNormally(c, Props.of().u32(SESSION_EXPIRY_INTERVAL, 0));
        await("session ended at once", () -> broker.session("shorten").isEmpty());
    }

    @Test
    void disconnectCanExtendANonZeroExpiry() throws Exception {
        startBroker();
        RawMqtt5Client c = connectRaw("extend", true, Props.of().u32(SESSION_EXPIRY_INTERVAL, 5), null, false);
        disconnectNormally(c, Props.of().u32(SESSION_EXPIRY_INTERVAL, 600));
        awaitOffline("extend");
        clock.advance(Duration.ofSeconds(60));
        broker.expireSessions();
        assertThat(broker.session("extend")).isPresent();
        connectRaw("extend", false, Props.none(), null, true);
    }

    @Test
    void nonZeroExpiryOnDisconnectAfterZeroOnConnectIsAProtocolError() throws Exception {
        // [MQTT-3.14.2-2 / 3.14.2.2.2] Session Expiry 0 on CONNECT, non-zero on DISCONNECT: Protocol Error,
        // the Server sends DISCONNECT 0x82; it was no valid DISCONNECT, so the will is published [MQTT-3.1.2-8]
        startBroker();
        RawMqtt5Client watcher = rawConnected("watcher");
        watcher.send(subscribe(1, Props.none(), "wills/#", options(0, false, false, 0)));
        watcher.expect(SUBACK);
        Will will = new Will("wills/bad", bytes("gone"), 0, false, Props.none());
        RawMqtt5Client c = connectRaw("bad", true, Props.none(), will, false);
        c.send(disconnect(0, Props.of().u32(SESSION_EXPIRY_INTERVAL, 300)));
        ReasonCodesIT.assertDisconnect(c, 0x82);
        Packet w = watcher.expect(PUBLISH);
        assertThat(w.topic).isEqualTo("wills/bad");
        await("session ended", () -> broker.session("bad").isEmpty());
    }

    @Test
    void disconnectWithWillMessagePublishesTheWill() throws Exception {
        // [MQTT 5.0 3.14.2.1] reason 0x04 Disconnect with Will Message: the Server publishes the will;
        // will properties travel with it [MQTT 5.0 3.1.3.2]
        startBroker();
        RawMqtt5Client watcher = rawConnected("watcher");
        watcher.send(subscribe(1, Props.none(), "wills/#", options(1, false, false, 0)));
        watcher.expect(SUBACK);
        Will will = new Will("wills/w4", bytes("bye"), 1, false, Props.of()
                .string(CONTENT_TYPE, "text/plain").user("why", "test").u8(PAYLOAD_FORMAT_INDICATOR, 1));
        RawMqtt5Client c = connectRaw("w4", true, Props.none(), will, false);
        c.send(disconnect(0x04, Props.none()));
        assertThat(c.readOrEof(TIMEOUT)).isNull();
        Packet w = watcher.expect(PUBLISH);
        assertThat(w.topic).isEqualTo("wills/w4");
        assertThat(w.payloadString()).isEqualTo("bye");
        assertThat(w.prop(CONTENT_TYPE)).isEqualTo("text/plain");
        assertThat(w.prop(PAYLOAD_FORMAT_INDICATOR)).isEqualTo(1);
        assertThat(w.userProperties()).extracting(a -> a[0] + "=" + a[1]).containsExactly("why=test");
    }

    @Test
    void normalDisconnectDiscardsTheWillAndConnectionLossPublishesIt() throws Exception {
        // [MQTT-3.14.4-3] normal DISCONNECT (0x00): the will is discarded;
        // [MQTT-3.1.2-8] closed without DISCONNECT: the will is published
        startBroker();
        RawMqtt5Client watcher = rawConnected("watcher");
        watcher.send(subscribe(1, Props.none(), "wills/#", options(0, false, false, 0)));
        watcher.expect(SUBACK);
        RawMqtt5Client polite = connectRaw("polite", true, Props.none(),
                new Will("wills/polite", bytes("polite"), 0, false, Props.none()), false);
        disconnectNormally(polite, Props.none());
        await("polite gone", () -> broker.session("polite").isEmpty());
        RawMqtt5Client rude = connectRaw("rude", true, Props.none(),
                new Will("wills/rude", bytes("rude"), 0, false, Props.none()), false);
        rude.close();
        // the first will the watcher sees is the rude one: the polite one was never published
        assertThat(watcher.expect(PUBLISH).payloadString()).isEqualTo("rude");
    }
}
