package io.mqttee.mqtt5;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.mqttee.mqtt5.RawMqtt5Client.PUBLISH;
import static io.mqttee.mqtt5.RawMqtt5Client.RECEIVE_MAXIMUM;
import static io.mqttee.mqtt5.RawMqtt5Client.SUBACK;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A share-group member that leaves (disconnects, unsubscribes) before acknowledging its messages:
 * another member receives them [MQTT 5.0 4.8.2, shared subscriptions].
 */
class SharedRedistributionIT extends Mqtt5BrokerSupport {

    private static final int MESSAGES = 6;

    /** A raw member with Receive Maximum 2 that reads but never acknowledges. */
    private RawMqtt5Client silentMember(String id, long sessionExpiry) throws Exception {
        RawMqtt5Client m = rawConnected(id, RawMqtt5Client.Props.of().u16(RECEIVE_MAXIMUM, 2)
                .u32(RawMqtt5Client.SESSION_EXPIRY_INTERVAL, sessionExpiry));
        m.send(RawMqtt5Client.subscribe(1, RawMqtt5Client.Props.none(), "$share/g/jobs",
                RawMqtt5Client.options(1, false, false, 0)));
        m.expect(SUBACK);
        return m;
    }

    private List<String> publishAndCollect(Mqtt5BlockingClient.Mqtt5Publishes other, RawMqtt5Client silent,
                                           Runnable leave) throws Exception {
        Mqtt5BlockingClient pub = hive("pub");
        pub.connect();
        for (int i = 0; i < MESSAGES; i++) {
            pub.publishWith().topic("jobs").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(String.valueOf(i).getBytes(StandardCharsets.UTF_8)).send();
        }
        // Round robin gave the silent member its share; it holds them unacknowledged
        assertThat(silent.expect(PUBLISH).topic).isEqualTo("jobs");
        leave.run();
        List<String> got = new ArrayList<>();
        while (got.size() < MESSAGES) {
            Mqtt5Publish p = other.receive(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .orElseThrow(() -> new AssertionError("only " + got + " reached the staying member"));
            got.add(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8));
        }
        return got;
    }

    private Mqtt5BlockingClient.Mqtt5Publishes stayingMember() {
        Mqtt5BlockingClient c = hive("stays");
        c.connect();
        Mqtt5BlockingClient.Mqtt5Publishes publishes = c.publishes(MqttGlobalPublishFilter.ALL);
        c.subscribeWith().topicFilter("$share/g/jobs").qos(MqttQos.AT_LEAST_ONCE).send();
        return publishes;
    }

    @Test
    void disconnectingMembersMessagesGoToAnotherMember() throws Exception {
        startBroker();
        RawMqtt5Client silent = silentMember("silent", 0);
        Mqtt5BlockingClient.Mqtt5Publishes stays = stayingMember();
        List<String> got = publishAndCollect(stays, silent, () -> {
            try {
                silent.close(); // no DISCONNECT, no acknowledgements
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(got).containsExactlyInAnyOrder("0", "1", "2", "3", "4", "5");
    }

    @Test
    void unsubscribingMembersMessagesGoToAnotherMemberEvenIfItsSessionStays() throws Exception {
        startBroker();
        RawMqtt5Client silent = silentMember("silent", 3600);
        Mqtt5BlockingClient.Mqtt5Publishes stays = stayingMember();
        List<String> got = publishAndCollect(stays, silent, () -> {
            try {
                silent.send(RawMqtt5Client.unsubscribe(2, "$share/g/jobs"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(got).containsExactlyInAnyOrder("0", "1", "2", "3", "4", "5");
    }
}
