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
 * Free ports for a test class that deploys the WAR into the embedded container in this JVM. Register
 * it BEFORE {@code ArquillianExtension} ({@code @ExtendWith({FreePorts.class, ArquillianExtension.class})})
 * so that its {@code beforeAll} runs before Arquillian reads {@code arquillian.xml} and deploys.
 *
 * <ul>
 * <li>HTTP: {@value #HTTP_PORT_PROPERTY}, which {@code arquillian.xml} uses as {@code bindHttpPort}.
 *     The container lives for the whole test JVM, so this one is chosen once (unless given with
 *     {@code -D}) and kept.</li>
 * <li>MQTT: {@value #MQTT_ADDR_PROPERTY} = {@code 127.0.0.1:<free port>}, the single-key override the
 *     broker's configuration loader reads when the application starts; set per test class and
 *     restored after the class (after Arquillian's undeploy, since after-all callbacks run in
 *     reverse order of registration).</li>
 * </ul>
 */
public final class FreePorts implements BeforeAllCallback, AfterAllCallback {

    static final String HTTP_PORT_PROPERTY = "mqttee.it.httpPort";
    static final String MQTT_ADDR_PROPERTY = "mqttee.listener.tcp.external.addr";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(FreePorts.class);
    private static final String PREVIOUS_MQTT_ADDR = "previousMqttAddr";

    @Override
    public void beforeAll(ExtensionContext context) {
        if (System.getProperty(HTTP_PORT_PROPERTY) == null) {
            System.setProperty(HTTP_PORT_PROPERTY, Integer.toString(freePort()));
        }
        context.getStore(NAMESPACE).put(PREVIOUS_MQTT_ADDR, Optional.ofNullable(System.getProperty(MQTT_ADDR_PROPERTY)));
        System.setProperty(MQTT_ADDR_PROPERTY, "127.0.0.1:" + freePort());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        @SuppressWarnings("unchecked")
        Optional<String> previous = context.getStore(NAMESPACE).remove(PREVIOUS_MQTT_ADDR, Optional.class);
        if (previous != null && previous.isPresent()) {
            System.setProperty(MQTT_ADDR_PROPERTY, previous.get());
        } else {
            System.clearProperty(MQTT_ADDR_PROPERTY);
        }
    }

    /** The HTTP port of the embedded container. */
    static int httpPort() {
        return Integer.parseInt(System.getProperty(HTTP_PORT_PROPERTY));
    }

    /** The MQTT port the current test class's deployment listens on. */
    static int mqttPort() {
        String addr = System.getProperty(MQTT_ADDR_PROPERTY);
        return Integer.parseInt(addr.substring(addr.lastIndexOf(':') + 1));
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
