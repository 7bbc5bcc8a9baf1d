package io.mqttee.mqtt5;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.mqttee.config.BrokerConfig;
import io.mqttee.config.ListenerConfig;
import io.mqttee.core.Broker;
import io.mqttee.protocol.MqttServer;
import io.mqttee.testing.ListenerConfigBuilder;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * Starts a broker of its own on 127.0.0.1, port 0, per test, with an adjustable clock, and closes
 * every client and the broker after the test.
 */
abstract class Mqtt5BrokerSupport {

    static final Duration TIMEOUT = Duration.ofSeconds(10);

    protected final TestClock clock = new TestClock();
    protected Broker broker;
    protected MqttServer server;
    protected int port;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    /** Starts the broker with the default listener settings. */
    protected void startBroker() {
        startBroker(l -> l);
    }

    /** Starts the broker with listener settings changed by {@code change}. */
    protected void startBroker(UnaryOperator<Listener> change) {
        ListenerConfig listener = change.apply(new Listener()).build();
        broker = new Broker(new BrokerConfig(1, List.of(listener)), clock);
        server = new MqttServer(broker);
        server.start();
        port = server.port("external");
    }

    @AfterEach
    void stopBroker() {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Exception ignored) {
                // already closed
            }
        }
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    protected <T extends AutoCloseable> T closeLater(T c) {
        toClose.add(c);
        return c;
    }

    // ---- clients ----

    protected RawMqtt5Client raw() throws Exception {
        return closeLater(RawMqtt5Client.open(port));
    }

    protected RawMqtt5Client rawConnected(String clientId, RawMqtt5Client.Props props) throws Exception {
        return closeLater(RawMqtt5Client.connected(port, clientId, props));
    }

    protected RawMqtt5Client rawConnected(String clientId) throws Exception {
        return rawConnected(clientId, RawMqtt5Client.Props.none());
    }

    /** A HiveMQ MQTT 5 blocking client, not yet connected; disconnected after the test. */
    protected Mqtt5BlockingClient hive(String clientId) {
        Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(clientId)
                .serverHost("127.0.0.1").serverPort(port).buildBlocking();
        closeLater(() -> {
            if (c.getState().isConnected()) {
                c.disconnect();
            }
        });
        return c;
    }

    /** A Paho MQTT 5 async client with a callback that queues arrivals; disconnected after the test. */
    protected PahoV5 paho(String clientId) throws MqttException {
        PahoV5 p = new PahoV5("tcp://127.0.0.1:" + port, clientId);
        closeLater(p);
        return p;
    }

    /** Paho v5 async client plus what arrived. */
    static final class PahoV5 implements MqttCallback, AutoCloseable {
        final org.eclipse.paho.mqttv5.client.MqttAsyncClient client;
        final BlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();
        final BlockingQueue<MqttDisconnectResponse> disconnects = new LinkedBlockingQueue<>();

        record Arrival(String topic, MqttMessage message) {
        }

        PahoV5(String uri, String clientId) throws MqttException {
            client = new org.eclipse.paho.mqttv5.client.MqttAsyncClient(uri, clientId, new MemoryPersistence());
            client.setCallback(this);
        }

        Arrival next() throws InterruptedException {
            Arrival a = arrivals.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (a == null) {
                throw new AssertionError("no message arrived within " + TIMEOUT);
            }
            return a;
        }

        @Override
        public void disconnected(MqttDisconnectResponse r) {
            disconnects.add(r);
        }

        @Override
        public void mqttErrorOccurred(MqttException e) {
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            arrivals.add(new Arrival(topic, message));
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }

        @Override
        public void close() throws Exception {
            try {
                if (client.isConnected()) {
                    client.disconnect().waitForCompletion(5000);
                }
            } finally {
                client.close(true);
            }
        }
    }

    // ---- waiting ----

    /** Polls {@code condition} every 20 ms for up to {@link #TIMEOUT}. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    // ---- configuration ----

    /** Mutable stand-in for the listener record, defaults from {@link ListenerConfig#defaults}. */
    static final class Listener {
        int maxPacketSize;
        int maxInflight;
        int maxMqueueLen;
        int minKeepalive;
        int maxKeepalive;
        int maxQosAllowed;
        int maxTopicLevels;
        int maxSubscriptions;
        java.time.Duration maxSessionExpiryInterval;
        private final ListenerConfig d = ListenerConfig.defaults("external");

        Listener() {
            maxPacketSize = d.maxPacketSize();
            maxInflight = d.maxInflight();
            maxMqueueLen = d.maxMqueueLen();
            minKeepalive = d.minKeepalive();
            maxKeepalive = d.maxKeepalive();
            maxQosAllowed = d.maxQosAllowed();
            maxTopicLevels = d.maxTopicLevels();
            maxSubscriptions = d.maxSubscriptions();
            maxSessionExpiryInterval = d.maxSessionExpiryInterval();
        }

        Listener maxSessionExpiryInterval(java.time.Duration v) {
            maxSessionExpiryInterval = v;
            return this;
        }

        Listener maxPacketSize(int v) {
            maxPacketSize = v;
            return this;
        }

        Listener maxInflight(int v) {
            maxInflight = v;
            return this;
        }

        Listener maxKeepalive(int v) {
            maxKeepalive = v;
            return this;
        }

        Listener maxQosAllowed(int v) {
            maxQosAllowed = v;
            return this;
        }

        Listener maxTopicLevels(int v) {
            maxTopicLevels = v;
            return this;
        }

        Listener maxSubscriptions(int v) {
            maxSubscriptions = v;
            return this;
        }

        ListenerConfig build() {
            return ListenerConfigBuilder.listener().maxPacketSize(maxPacketSize).maxInflight(maxInflight)
                    .maxMqueueLen(maxMqueueLen).minKeepalive(minKeepalive).maxKeepalive(maxKeepalive)
                    .maxQosAllowed(maxQosAllowed).maxTopicLevels(maxTopicLevels).maxSubscriptions(maxSubscriptions)
                    .set("maxSessionExpiryInterval", maxSessionExpiryInterval).build();
        }
    }

    /** The system clock plus an offset that tests move forward. */
    static final class TestClock extends Clock {
        private final AtomicLong offsetMillis = new AtomicLong();

        void advance(Duration d) {
            offsetMillis.addAndGet(d.toMillis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public long millis() {
            return System.currentTimeMillis() + offsetMillis.get();
        }
    }
}
