package io.mqttee.management;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Facts about this build, read from {@code build.properties} next to this class, which Maven fills
 * in at build time ({@code src/main/resources-filtered}), so the version is never a constant that
 * someone forgets to bump.
 */
public final class BuildInfo {

    static final String RESOURCE = "build.properties";

    private static final String VERSION = load().getProperty("version", "unknown");

    private BuildInfo() {
    }

    /** The project version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        return VERSION;
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        return p;
    }
}
