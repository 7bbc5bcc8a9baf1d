package io.mqttee.lifecycle;

import io.mqttee.config.BrokerConfig;
import io.mqttee.config.TomlConfigLoader;
import io.mqttee.core.Broker;
import io.mqttee.management.BuildInfo;
import io.mqttee.plugins.CounterPlugin;
import io.mqttee.plugins.HttpApiPlugin;
import io.mqttee.plugins.PluginRegistry;
import io.mqttee.protocol.MqttServer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts the broker with the application and stops it with the application.
 *
 * <p>When the application scope starts it loads the configuration
 * ({@link TomlConfigLoader#fromEnvironment()}), builds the {@link Broker} and the
 * {@link MqttServer}, and binds every listener. Any failure is logged at SEVERE and rethrown, so the
 * container marks the deployment failed instead of serving an API in front of a broker that is not
 * listening; {@link MqttServer#start()} itself leaves nothing bound or running when it fails.
 * The listener's threads come from the container's {@code ManagedThreadFactory} where the server
 * offers Jakarta Concurrency, else the listener makes its own ({@link BrokerThreads}).
 *
 * <p>When the application scope ends (undeploy, server shutdown) it stops the listeners and waits,
 * at most {@link #STOP_TIMEOUT}, for the Netty threads to end, so the port is free and no broker
 * thread outlives the deployment.
 *
 * <p>Resources get the running broker through {@link #broker()}, after {@code @Inject BrokerLifecycle}:
 * a getter rather than a producer, because it works the same on Weld and on every EE server.
 */
@ApplicationScoped
public class BrokerLifecycle {

    /** How long undeploy waits for connections to close and Netty threads to end. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger LOG = Logger.getLogger(BrokerLifecycle.class.getName());

    // Written under the monitor by start/stop; read without it by request threads.
    private volatile Broker broker;
    private volatile MqttServer server;
    private volatile PluginRegistry plugins;

    /** For CDI: the container creates the one instance (and its client proxy) through this. */
    protected BrokerLifecycle() {
    }

    /**
     * Builds and starts the broker when the application starts.
     *
     * @throws IllegalStateException wrapping the cause when the configuration is invalid or a
     *                               listener cannot bind: this fails the deployment
     */
    synchronized void start(@Observes @Initialized(ApplicationScoped.class) Object applicationStarted) {
        if (server != null) {
            return;
        }
        try {
            BrokerConfig config = TomlConfigLoader.fromEnvironment();
            Broker newBroker = new Broker(config, Clock.systemUTC());
            // Plugin files are read before anything binds: a bad one fails the deployment cleanly
            PluginRegistry newPlugins = new PluginRegistry(List.of(
                    new HttpApiPlugin(config.pluginsDir(), BuildInfo.version()),
                    new CounterPlugin(config.pluginsDir(), BuildInfo.version(), newBroker.counters())));
            MqttServer newServer = newServer(newBroker);
            newServer.start();
            plugins = newPlugins;
            broker = newBroker;
            server = newServer;
            LOG.info(() -> "MQTTee broker node " + config.nodeId() + " started");
        } catch (RuntimeException | LinkageError e) {
            String reason = e.getMessage() != null ? e.getMessage() : e.toString();
            LOG.log(Level.SEVERE, "MQTTee broker failed to start: " + reason, e);
            throw new IllegalStateException("MQTTee broker failed to start: " + reason, e);
        }
    }

    /**
     * The listener, with its threads from the container's managed thread factory where there is one
     * ({@link BrokerThreads}), else its own.
     */
    private static MqttServer newServer(Broker broker) {
        return BrokerThreads.containerThreadFactory()
                .map(managed -> {
                    LOG.info(() -> "MQTTee broker threads come from " + BrokerThreads.DEFAULT_MANAGED_THREAD_FACTORY);
                    return new MqttServer(broker,
                            BrokerThreads.named(managed, "mqttee-accept"),
                            BrokerThreads.named(managed, "mqttee-io"),
                            Runtime.getRuntime().availableProcessors());
                })
                .orElseGet(() -> new MqttServer(broker));
    }

    /** Stops the listeners and their threads when the application ends. */
    @PreDestroy
    synchronized void stop() {
        MqttServer running = server;
        server = null;
        broker = null;
        plugins = null;
        if (running != null) {
            running.stop(STOP_TIMEOUT);
            LOG.info("MQTTee broker stopped");
        }
    }

    /**
     * The running broker.
     *
     * @throws IllegalStateException if the broker is not running (startup failed, or it has been stopped)
     */
    public Broker broker() {
        Broker running = broker;
        if (running == null) {
            throw new IllegalStateException("the MQTTee broker is not running");
        }
        return running;
    }

    /** Whether the broker is running (started and not stopped). */
    public boolean isRunning() {
        return broker != null;
    }

    /**
     * The running broker's plugins.
     *
     * @throws IllegalStateException if the broker is not running
     */
    public PluginRegistry plugins() {
        PluginRegistry running = plugins;
        if (running == null) {
            throw new IllegalStateException("the MQTTee broker is not running");
        }
        return running;
    }
}
