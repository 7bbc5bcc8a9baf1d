package io.mqttee.lifecycle;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Where the broker's threads come from. In a server that offers Jakarta Concurrency (WildFly, TomEE)
 * they are made by the container's default {@code ManagedThreadFactory}, so the server knows them and
 * they run with the application's context; on plain Tomcat (no such resource) {@code MqttServer}
 * makes its own. Either way they are named {@code mqttee-accept-*} and {@code mqttee-io-*} and are
 * stopped by {@code MqttServer.stop} on undeploy.
 */
final class BrokerThreads {

    /** The Jakarta EE default managed thread factory (Concurrency specification, "default resources"). */
    static final String DEFAULT_MANAGED_THREAD_FACTORY = "java:comp/DefaultManagedThreadFactory";

    private static final Logger LOG = Logger.getLogger(BrokerThreads.class.getName());

    private BrokerThreads() {
    }

    /**
     * The container's default managed thread factory, if the container has one. Typed as the plain
     * {@link ThreadFactory} it extends, so this class loads where {@code jakarta.enterprise.concurrent}
     * does not exist (Tomcat).
     */
    static Optional<ThreadFactory> containerThreadFactory() {
        try {
            Object found = new InitialContext().lookup(DEFAULT_MANAGED_THREAD_FACTORY);
            if (found instanceof ThreadFactory factory) {
                return Optional.of(factory);
            }
            LOG.info(() -> "MQTTee broker makes its own threads: " + DEFAULT_MANAGED_THREAD_FACTORY
                    + " is not a ThreadFactory but " + found);
        } catch (NamingException | RuntimeException | LinkageError e) {
            // No JNDI (embedded Tomcat without naming) or no such resource (Tomcat): own threads.
            LOG.info(() -> "MQTTee broker makes its own threads: no " + DEFAULT_MANAGED_THREAD_FACTORY + " (" + e + ")");
        }
        return Optional.empty();
    }

    /** Threads from {@code delegate}, renamed {@code <prefix>-1}, {@code <prefix>-2}, ... */
    static ThreadFactory named(ThreadFactory delegate, String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread t = delegate.newThread(task);
            t.setName(prefix + "-" + count.incrementAndGet());
            return t;
        };
    }
}
