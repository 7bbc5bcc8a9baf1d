package io.mqttee.bench.peers;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;

import java.util.Properties;

/**
 * Moquette 0.17 in its own JVM: {@code MoquetteMain PORT}. Stock settings except the bind address,
 * anonymous clients allowed, no persistence and no websocket listener.
 */
public final class MoquetteMain {

    private MoquetteMain() {
    }

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        p.setProperty("host", "127.0.0.1");
        p.setProperty("port", args[0]);
        p.setProperty("websocket_port", "disabled");
        p.setProperty("allow_anonymous", "true");
        p.setProperty("persistence_enabled", "false");
        Server server = new Server();
        server.startServer(new MemoryConfig(p));
        Runtime.getRuntime().addShutdownHook(new Thread(server::stopServer));
        Thread.currentThread().join();
    }
}
