package io.mqttee.prefixes;

import io.mqttee.config.BrokerConfig;
import io.mqttee.config.ListenerConfig;
import io.mqttee.core.Broker;
import io.mqttee.protocol.MqttServer;
import io.mqttee.testing.ListenerConfigBuilder;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RMQTT's topic prefixes against the running broker with Paho clients: {@code $delayed/},
 * {@code $exclusive/}, {@code $limit/N/}, each switched on by its listener key, and inert when off.
 */
class RmqttTopicPrefixesIT {

    private MqttServer server;
    private Broker broker;
    private final List<MqttClient> clients = new ArrayList<>();

    private void start(boolean limitSubscription, boolean delayedPublish) {
        ListenerConfig listener = ListenerConfigBuilder.listener()
                .set("limitSubscription", limitSubscription).set("delayedPublish", delayedPublish).build();
        broker = new Broker(new BrokerConfig(1, List.of(listener)), Clock.systemUTC());
        server = new MqttServer(broker);
        server.start();
    }

    @BeforeEach
    void noServerYet() {
        server = null;
    }

    @AfterEach
    void stop() throws Exception {
        for (MqttClient c : clients) {
            if (c.isConnected()) {
                c.disconnect();
            }
            c.close();
        }
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    private MqttClient connect(String id) throws Exception {
        MqttClient c = new MqttClient("tcp://127.0.0.1:" + server.port("external"), id, new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        c.connect(o);
        clients.add(c);
        return c;
    }

    private static BlockingQueue<String> collect(MqttClient c, String filter, int qos) throws Exception {
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        IMqttToken t = c.subscribeWithResponse(filter, qos,
                (topic, m) -> got.add(topic + " " + new String(m.getPayload(), StandardCharsets.UTF_8)));
        assertThat(t.getGrantedQos()[0]).isEqualTo(qos);
        return got;
    }

    @Test
    void delayedPublishReachesTheRealTopicAfterTheDelay() throws Exception {
        start(false, true);
        BlockingQueue<String> got = collect(connect("sub"), "d/#", 1);
        connect("pub").publish("$delayed/1/d/x", new MqttMessage("later".getBytes(StandardCharsets.UTF_8)));
        // Not yet: the broker holds it for at least the delay (1 s timer granularity)
        assertThat(got.poll(300, TimeUnit.MILLISECONDS)).isNull();
        assertThat(broker.delayedCount()).isEqualTo(1);
        assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("d/x later");
        assertThat(broker.delayedCount()).isZero();
    }

    @Test
    void delayedPrefixIsAnOrdinaryTopicWhenSwitchedOff() throws Exception {
        start(false, false);
        BlockingQueue<String> got = collect(connect("sub"), "$delayed/#", 1);
        connect("pub").publish("$delayed/1/d/x", new MqttMessage("now".getBytes(StandardCharsets.UTF_8)));
        assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("$delayed/1/d/x now");
    }

    @Test
    void exclusiveSubscriptionAdmitsOneSubscriberUntilItLeaves() throws Exception {
        start(true, false);
        MqttClient first = connect("first");
        // Paho routes by the subscribed filter, which the topic "e/1" does not match: use the catch-all callback
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        first.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage m) {
                got.add(topic + " " + new String(m.getPayload(), StandardCharsets.UTF_8));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        assertThat(first.subscribeWithResponse("$exclusive/e/1", 1).getGrantedQos()[0]).isEqualTo(1);
        MqttClient second = connect("second");
        IMqttToken refused = second.subscribeWithResponse("$exclusive/e/1", 1);
        assertThat(refused.getGrantedQos()[0]).isEqualTo(0x80);

        connect("pub").publish("e/1", new MqttMessage("hi".getBytes(StandardCharsets.UTF_8)));
        assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("e/1 hi");

        first.unsubscribe("$exclusive/e/1");
        assertThat(second.subscribeWithResponse("$exclusive/e/1", 1).getGrantedQos()[0]).isEqualTo(1);
    }

    @Test
    void limitSubscriptionAdmitsAtMostN() throws Exception {
        start(true, false);
        assertThat(connect("a").subscribeWithResponse("$limit/2/l/1", 0).getGrantedQos()[0]).isEqualTo(0);
        assertThat(connect("b").subscribeWithResponse("$limit/2/l/1", 0).getGrantedQos()[0]).isEqualTo(0);
        MqttClient c = connect("c");
        assertThat(c.subscribeWithResponse("$limit/2/l/1", 0).getGrantedQos()[0]).isEqualTo(0x80);
        clients.get(0).disconnect(); // clean session ends: its place is freed
        awaitGranted(c, "$limit/2/l/1");
    }

    private static void awaitGranted(MqttClient c, String filter) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int granted;
        do {
            granted = c.subscribeWithResponse(filter, 0).getGrantedQos()[0];
        } while (granted != 0 && System.nanoTime() < deadline);
        assertThat(granted).isZero();
    }
}
