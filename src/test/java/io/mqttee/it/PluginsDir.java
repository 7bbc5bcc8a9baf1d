package io.mqttee.it;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * An empty plugins folder for a test class's deployment, from before Arquillian deploys (register it
 * after {@link FreePorts} and before {@code ArquillianExtension}) until after it undeploys. Tests
 * write {@code <plugin>.toml} files there and reload the plugin through the API.
 *
 * <p>The broker's {@code plugins.dir} override, {@value #PROPERTY}, must name the folder in the JVM
 * the broker runs in:
 * <ul>
 * <li>embedded Tomcat (the broker runs in this JVM): a fresh temporary folder per test class, set as
 *     {@value #PROPERTY} here and cleared after the class;</li>
 * <li>managed WildFly / TomEE (the broker runs in the server's JVM, started once for the whole test
 *     JVM): one folder, {@value #SERVER_DIR_PROPERTY}, chosen by {@link FreePorts} before the server
 *     starts and passed to it as {@code -Dmqttee.plugins.dir} by {@code arquillian.xml}; it is
 *     emptied before and after each test class, so every deployment starts on the defaults.</li>
 * </ul>
 */
public final class PluginsDir implements BeforeAllCallback, AfterAllCallback {

    static final String PROPERTY = "mqttee.plugins.dir";
    /** The managed server's plugins folder; {@code arquillian.xml} passes it to the server JVM. */
    static final String SERVER_DIR_PROPERTY = "mqttee.it.pluginsDir";

    private static volatile Path current;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        if (FreePorts.brokerInThisJvm()) {
            current = Files.createTempDirectory("mqttee-plugins-");
            System.setProperty(PROPERTY, current.toString());
        } else {
            current = serverDir();
            empty(current, false);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (FreePorts.brokerInThisJvm()) {
            System.clearProperty(PROPERTY);
            empty(current, true);
        } else {
            empty(current, false);
        }
    }

    /**
     * The managed server's plugins folder, created (empty) on the first call unless given with
     * {@code -D}{@value #SERVER_DIR_PROPERTY}. Called by {@link FreePorts} before the server starts.
     */
    static Path serverDir() {
        synchronized (PluginsDir.class) {
            String given = System.getProperty(SERVER_DIR_PROPERTY);
            try {
                if (given == null) {
                    Path dir = Files.createTempDirectory("mqttee-server-plugins-");
                    dir.toFile().deleteOnExit();
                    System.setProperty(SERVER_DIR_PROPERTY, dir.toString());
                    return dir;
                }
                return Files.createDirectories(Path.of(given));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Deletes what is in {@code dir}, and {@code dir} itself too if {@code itself}. */
    private static void empty(Path dir, boolean itself) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                if (itself || !p.equals(dir)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The folder of the current test class. */
    static Path dir() {
        return current;
    }

    /** Writes {@code <plugin>.toml}. */
    static void write(String plugin, String toml) throws IOException {
        Files.writeString(current.resolve(plugin + ".toml"), toml);
    }
}
