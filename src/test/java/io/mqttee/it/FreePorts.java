package io.mqttee.it;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Optional;

/**
 * Free ports for the Arquillian container of this test JVM and for the broker deployed into it.
 * Register it BEFORE {@code ArquillianExtension} ({@code @ExtendWith({FreePorts.class, ArquillianExtension.class})})
 * so that its {@code beforeAll} runs before Arquillian reads {@code arquillian.xml} (which uses these
 * properties) and starts the container.
 *
 * <p>The container is chosen by {@code arquillian.launch} ({@code tomcat}, the default, or
 * {@code wildfly} / {@code tomee}, set by the failsafe executions):
 * <ul>
 * <li>HTTP: {@value #HTTP_PORT_PROPERTY}. The container lives for the whole test JVM, so its ports
 *     (for a managed server also HTTPS, management, shutdown and AJP ports) are chosen once (unless
 *     given with {@code -D}) and kept.</li>
 * <li>MQTT, embedded Tomcat (the broker runs in this JVM): {@value #MQTT_ADDR_PROPERTY} =
 *     {@code 127.0.0.1:<free port>}, the single-key override the broker's configuration loader reads
 *     when the application starts; set per test class and restored after the class (after
 *     Arquillian's undeploy, since after-all callbacks run in reverse order of registration).</li>
 * <li>MQTT, managed server (the broker runs in the server's JVM): {@value #MQTT_PORT_PROPERTY}, chosen
 *     once, passed to the server JVM as {@code -Dmqttee.listener.tcp.external.addr} by
 *     {@code arquillian.xml}; every deployment in that server listens there.</li>
 * </ul>
 * For a managed server it also makes sure the plugins folder that {@code arquillian.xml} names
 * ({@link PluginsDir#serverDir()}) exists before the server starts, whichever test class comes first.
 */
public final class FreePorts implements BeforeAllCallback, AfterAllCallback {

    static final String HTTP_PORT_PROPERTY = "mqttee.it.httpPort";
    static final String MQTT_ADDR_PROPERTY = "mqttee.listener.tcp.external.addr";
    static final String MQTT_PORT_PROPERTY = "mqttee.it.mqttPort";
    /** Ports only a managed server needs, in the order {@code arquillian.xml} names them. */
    private static final String[] SERVER_PORT_PROPERTIES = {
        MQTT_PORT_PROPERTY, "mqttee.it.httpsPort", "mqttee.it.managementPort", "mqttee.it.managementHttpsPort",
        "mqttee.it.stopPort", "mqttee.it.ajpPort"};

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(FreePorts.class);
    private static final String PREVIOUS_MQTT_ADDR = "previousMqttAddr";

    @Override
    public void beforeAll(ExtensionContext context) {
        chooseOnce(HTTP_PORT_PROPERTY);
        if (!brokerInThisJvm()) {
            for (String property : SERVER_PORT_PROPERTIES) {
                chooseOnce(property);
            }
            // arquillian.xml also gives the server JVM the tests' plugins folder (see PluginsDir)
            PluginsDir.serverDir();
            return;
        }
        context.getStore(NAMESPACE).put(PREVIOUS_MQTT_ADDR, Optional.ofNullable(System.getProperty(MQTT_ADDR_PROPERTY)));
        System.setProperty(MQTT_ADDR_PROPERTY, "127.0.0.1:" + freePort());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!brokerInThisJvm()) {
            return;
        }
        @SuppressWarnings("unchecked")
        Optional<String> previous = context.getStore(NAMESPACE).remove(PREVIOUS_MQTT_ADDR, Optional.class);
        if (previous != null && previous.isPresent()) {
            System.setProperty(MQTT_ADDR_PROPERTY, previous.get());
        } else {
            System.clearProperty(MQTT_ADDR_PROPERTY);
        }
    }

    /** The Arquillian qualifier of the container under test: {@code tomcat} (default), {@code wildfly}, {@code tomee}. */
    static String container() {
        return System.getProperty("arquillian.launch", "tomcat");
    }

    /**
     * Whether the container, and so the broker, runs in this JVM (embedded Tomcat): only then can a
     * test see the broker's threads.
     */
    static boolean brokerInThisJvm() {
        return "tomcat".equals(container());
    }

    /** The HTTP port of the container. */
    static int httpPort() {
        return Integer.parseInt(System.getProperty(HTTP_PORT_PROPERTY));
    }

    /** The MQTT port the current test class's deployment listens on. */
    static int mqttPort() {
        if (!brokerInThisJvm()) {
            return Integer.parseInt(System.getProperty(MQTT_PORT_PROPERTY));
        }
        String addr = System.getProperty(MQTT_ADDR_PROPERTY);
        return Integer.parseInt(addr.substring(addr.lastIndexOf(':') + 1));
    }

    private static void chooseOnce(String property) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(freePort()));
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
