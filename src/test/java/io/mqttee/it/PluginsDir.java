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
 * A fresh plugins folder for a test class's deployment: {@value #PROPERTY} (the broker's
 * {@code plugins.dir} override) points to an empty temporary folder from before Arquillian deploys
 * (register it before {@code ArquillianExtension}) until after it undeploys. Tests write
 * {@code <plugin>.toml} files there and reload the plugin through the API.
 */
public final class PluginsDir implements BeforeAllCallback, AfterAllCallback {

    static final String PROPERTY = "mqttee.plugins.dir";

    private static volatile Path current;

    @Override
    public void beforeAll(ExtensionContext context) {
        try {
            current = Files.createTempDirectory("mqttee-plugins-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.setProperty(PROPERTY, current.toString());
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        System.clearProperty(PROPERTY);
        try (Stream<Path> files = Files.walk(current)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
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
