package io.mqttee.mqtt5;

import io.mqttee.mqtt5.RawMqtt5Client.Props;
import io.mqttee.mqtt5.RawMqtt5Client.Will;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static io.mqttee.mqtt5.RawMqtt5Client.CONNACK;
import static io.mqttee.mqtt5.RawMqtt5Client.PUBLISH;
import static io.mqttee.mqtt5.RawMqtt5Client.SESSION_EXPIRY_INTERVAL;
import static io.mqttee.mqtt5.RawMqtt5Client.SUBACK;
import static io.mqttee.mqtt5.RawMqtt5Client.WILL_DELAY_INTERVAL;
import static io.mqttee.mqtt5.RawMqtt5Client.connect;
import static io.mqttee.mqtt5.RawMqtt5Client.options;
import static io.mqttee.mqtt5.RawMqtt5Client.subscribe;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Will Delay Interval [MQTT-3.1.3-9]: the will waits for the delay, is not sent when the client
 * reconnects to its session in time, and goes out at once when the session ends first. The broker
 * checks its timers once a second against its clock, which these tests move forward.
 */
class WillDelayIT extends Mqtt5BrokerSupport {

    private RawMqtt5Client watcher() throws Exception {
        RawMqtt5Client w = rawConnected("watcher");
        w.send(subscribe(1, Props.none(), "wills/#", options(1, false, false, 0)));
        w.expect(SUBACK);
        return w;
    }

    /** Connects a client whose will waits {@code delay} s and whose session lasts {@code expiry} s, then drops it. */
    private void connectAndDrop(String id, long delay, long expiry) throws Exception {
        RawMqtt5Client c = raw();
        Will will = new Will("wills/" + id, "gone".getBytes(StandardCharsets.UTF_8), 1, false,
                Props.of().u32(WILL_DELAY_INTERVAL, delay));
        c.send(connect(id, true, 60, Props.of().u32(SESSION_EXPIRY_INTERVAL, expiry), will));
        assertThat(c.expect(CONNACK).reasonCode).isZero();
        c.close(); // network failure: no DISCONNECT
    }

    @Test
    void willWaitsForItsDelay() throws Exception {
        startBroker();
        RawMqtt5Client w = watcher();
        connectAndDrop("late", 30, 3600);
        // Two broker ticks pass without the will: it is not due yet
        w.assertNoPacket(Duration.ofMillis(2500));
        clock.advance(Duration.ofSeconds(31));
        RawMqtt5Client.Packet p = w.expect(PUBLISH);
        assertThat(p.topic).isEqualTo("wills/late");
    }

    @Test
    void reconnectingInTimeCancelsTheWill() throws Exception {
        startBroker();
        RawMqtt5Client w = watcher();
        connectAndDrop("back", 30, 3600);
        RawMqtt5Client again = raw();
        again.send(connect("back", false, 60, Props.of().u32(SESSION_EXPIRY_INTERVAL, 3600), null));
        assertThat(again.expect(CONNACK).sessionPresent).isTrue();
        clock.advance(Duration.ofSeconds(31));
        // A marker published after two more ticks arrives first and alone: the will never went out
        w.assertNoPacket(Duration.ofMillis(2500));
        again.send(RawMqtt5Client.publish("wills/marker", 1, false, 1, Props.none(), new byte[] {1}));
        assertThat(w.expect(PUBLISH).topic).isEqualTo("wills/marker");
    }

    @Test
    void sessionEndingFirstSendsTheWillAtOnce() throws Exception {
        startBroker();
        RawMqtt5Client w = watcher();
        connectAndDrop("short", 3600, 2);
        clock.advance(Duration.ofSeconds(3)); // the session expires long before the will's delay
        RawMqtt5Client.Packet p = w.expect(PUBLISH);
        assertThat(p.topic).isEqualTo("wills/short");
        assertThat(broker.session("short")).isEmpty();
    }

    @Test
    void cleanStartReconnectEndsTheSessionAndSendsTheWill() throws Exception {
        startBroker();
        RawMqtt5Client w = watcher();
        connectAndDrop("fresh", 3600, 3600);
        RawMqtt5Client again = raw();
        again.send(connect("fresh", true, 60, Props.none(), null));
        assertThat(again.expect(CONNACK).sessionPresent).isFalse();
        assertThat(w.expect(PUBLISH).topic).isEqualTo("wills/fresh");
    }
}
