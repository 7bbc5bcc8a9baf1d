package io.mqttee.bench.peers;

import io.mqttee.config.TomlConfigLoader;
import io.mqttee.core.Broker;
import io.mqttee.protocol.MqttServer;

import java.time.Clock;
import java.time.Duration;

/**
 * MQTTee in a plain JVM (core + Netty listener, no Tomcat), for builds that have no launcher yet.
 * Configuration as usual: {@code -Dmqttee.listener.tcp.external.addr=127.0.0.1:PORT}.
 */
public final class MqtteeMain {

    private MqtteeMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Broker broker = new Broker(TomlConfigLoader.fromEnvironment(), Clock.systemUTC());
        MqttServer server = new MqttServer(broker);
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(Duration.ofSeconds(5))));
        Thread.currentThread().join();
    }
}
