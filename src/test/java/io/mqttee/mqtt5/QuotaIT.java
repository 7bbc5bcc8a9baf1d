package io.mqttee.mqtt5;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import io.mqttee.config.BrokerConfig;
import io.mqttee.config.SharedSubscriptionStrategy;
import io.mqttee.core.Broker;
import io.mqttee.protocol.MqttServer;
import io.mqttee.testing.ListenerConfigBuilder;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Quotas answered with 0x97 Quota exceeded (MQTT 5) or their 3.x equivalent: {@code mqtt.max_sessions}
 * refuses a new session, {@code mqtt.delayed_publish_max} refuses a delayed publish.
 */
class QuotaIT {

    private MqttServer server;
    private final List<Mqtt5BlockingClient> clients = new ArrayList<>();

    private int start(int maxSessions, int delayedPublishMax) {
        BrokerConfig config = new BrokerConfig(1, List.of(ListenerConfigBuilder.listener()
                .set("delayedPublish", true).build()), SharedSubscriptionStrategy.ROUND_ROBIN, delayedPublishMax,
                maxSessions);
        server = new MqttServer(new Broker(config, Clock.systemUTC()));
        server.start();
        return server.port("external");
    }

    @AfterEach
    void stop() {
        for (Mqtt5BlockingClient c : clients) {
            try {
                c.disconnect();
            } catch (RuntimeException notConnected) {
                // refused, or taken over: nothing to close
            }
        }
        server.stop(Duration.ofSeconds(5));
    }

    private Mqtt5BlockingClient client(String id, int port) {
        Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(port)
                .buildBlocking();
        clients.add(c);
        return c;
    }

    @Test
    void sessionLimitRefusesANewSessionButNotAResumedOne() throws Exception {
        int port = start(2, 10);
        client("s1", port).connectWith().cleanStart(false).sessionExpiryInterval(600).send();
        client("s2", port).connect();
        assertThatThrownBy(() -> client("s3", port).connect())
                .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e -> assertThat(
                        e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.QUOTA_EXCEEDED));
        // 3.1.1 has no quota code: Server unavailable (0x03)
        MqttClient v3 = new MqttClient("tcp://127.0.0.1:" + port, "s4", new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        assertThatThrownBy(() -> v3.connect(o)).isInstanceOfSatisfying(MqttException.class,
                e -> assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_BROKER_UNAVAILABLE));
        v3.close();
        // Taking over an existing session creates none: still admitted
        Mqtt5BlockingClient again = client("s1", port);
        assertThat(again.connectWith().cleanStart(false).sessionExpiryInterval(600).send().isSessionPresent())
                .isTrue();
    }

    @Test
    void delayedPublishBeyondItsLimitIsRefusedInThePuback() {
        int port = start(0, 1);
        Mqtt5BlockingClient c = client("d1", port);
        c.connect();
        Mqtt5PublishResult first = c.publishWith().topic("$delayed/60/later").qos(MqttQos.AT_LEAST_ONCE).send();
        assertThat(((Mqtt5PublishResult.Mqtt5Qos1Result) first).getPubAck().getReasonCode())
                .isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
        assertThatThrownBy(() -> c.publishWith().topic("$delayed/60/later").qos(MqttQos.AT_LEAST_ONCE).send())
                .isInstanceOfSatisfying(Mqtt5PubAckException.class, e -> assertThat(
                        e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.QUOTA_EXCEEDED));
        assertThat(c.getState().isConnected()).isTrue();
    }
}
