package io.mqttee.testing;

import io.mqttee.config.BrokerConfig;
import io.mqttee.config.ListenerConfig;
import io.mqttee.core.Broker;
import io.mqttee.protocol.MqttServer;

import io.netty.util.concurrent.DefaultThreadFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/** A broker core plus its MQTT listener on 127.0.0.1 and a free port, for in-JVM broker tests. */
public final class TestBroker implements AutoCloseable {

    private final Broker broker;
    private final MqttServer server;

    private TestBroker(ListenerConfig listener, Clock clock, int ioThreads) {
        this.broker = new Broker(new BrokerConfig(1, List.of(listener)), clock);
        this.server = new MqttServer(broker, new DefaultThreadFactory("mqttee-accept", true),
                new DefaultThreadFactory("mqttee-io", true), ioThreads);
        server.start();
    }

    public static TestBroker start() {
        return start(ListenerConfigBuilder.listener().build());
    }

    public static TestBroker start(ListenerConfig listener) {
        return start(listener, Clock.systemUTC());
    }

    public static TestBroker start(ListenerConfig listener, Clock clock) {
        return new TestBroker(listener, clock, Runtime.getRuntime().availableProcessors());
    }

    /** With {@code ioThreads} I/O threads: 1 puts every connection on the same thread. */
    public static TestBroker start(ListenerConfig listener, int ioThreads) {
        return new TestBroker(listener, Clock.systemUTC(), ioThreads);
    }

    public Broker broker() {
        return broker;
    }

    public int port() {
        return server.port("external");
    }

    public String tcpUri() {
        return "tcp://127.0.0.1:" + port();
    }

    public RawMqttClient rawClient() throws java.io.IOException {
        return new RawMqttClient(port());
    }

    @Override
    public void close() {
        server.stop(Duration.ofSeconds(10));
    }

    /** Polls {@code condition} every 10 ms for up to 10 s. */
    public static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
