package io.mqttee.launcher;

import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.juli.ClassLoaderLogManager;
import org.apache.tomcat.util.scan.StandardJarScanner;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;

/**
 * Runs the Tomcat-ready MQTTee web application on embedded Apache Tomcat at context path {@code /},
 * so the management API is at {@code http://<http-addr>/api/v1}; the web application itself starts
 * the MQTT listeners from the broker configuration. See {@link LauncherOptions#USAGE}.
 *
 * <p>Startup either completes (HTTP bound, web application started, which means the broker is
 * listening) or the process exits with status 1 after printing why and stopping whatever did start.
 * Ctrl-C or SIGTERM runs a shutdown hook that stops and destroys Tomcat: the web application is
 * undeployed, which stops the broker and frees its ports; then the temporary Tomcat base directory
 * and the pid file are removed.
 */
public final class EmbeddedTomcatLauncher {

    /** Exit status when startup fails. */
    static final int EXIT_STARTUP_FAILED = 1;
    /** Exit status for a bad command line. */
    static final int EXIT_USAGE = 2;

    private static final String LOG_MANAGER_PROPERTY = "java.util.logging.manager";
    static final String LEAK_DETECTION_PROPERTY = "io.netty.leakDetection.level";
    /** The name older Netty versions read, which Netty still honours. */
    static final String LEAK_DETECTION_OLD_PROPERTY = "io.netty.leakDetectionLevel";

    private final LauncherOptions options;
    private final PrintStream out;
    private final PrintStream err;
    private final AtomicBoolean stopped = new AtomicBoolean();
    // Set by the main thread in start(), read by the shutdown hook in stop().
    private volatile Tomcat tomcat;
    private volatile Path baseDir;

    EmbeddedTomcatLauncher(LauncherOptions options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        // Tomcat's log manager, as standalone Tomcat uses: the JDK's own resets logging in a shutdown
        // hook of its own, which would swallow everything logged while the web application stops.
        // Set before anything touches java.util.logging; an explicit -Djava.util.logging.manager wins.
        if (System.getProperty(LOG_MANAGER_PROPERTY) == null) {
            System.setProperty(LOG_MANAGER_PROPERTY, ClassLoaderLogManager.class.getName());
        }
        withoutNettyLeakDetection(System.getProperties());
        LauncherOptions options;
        try {
            options = LauncherOptions.parse(args, System.getProperties(), System.getenv(), defaultWar());
        } catch (IllegalArgumentException e) {
            System.err.println("mqttee: " + e.getMessage());
            System.err.println("Try --help.");
            System.exit(EXIT_USAGE);
            return;
        }
        if (options.help()) {
            System.out.print(LauncherOptions.USAGE);
            return;
        }
        EmbeddedTomcatLauncher launcher = new EmbeddedTomcatLauncher(options, System.out, System.err);
        Runtime.getRuntime().addShutdownHook(new Thread(launcher::stop, "launcher-shutdown"));
        if (!launcher.start()) {
            System.exit(EXIT_STARTUP_FAILED); // runs the shutdown hook, which cleans up
            return;
        }
        launcher.tomcat.getServer().await(); // returns when the shutdown hook stops the server
    }

    /**
     * Turns off Netty's buffer leak detection in the launcher's own JVM unless the command line set
     * a level. Its default ("simple") tags every message passed along a pipeline and tracks one
     * buffer in 128: a debugging aid that cost about 20 % of pairs-q0 throughput and 5-10 µs of p50
     * latency at 1,000 msg/s (docs/benchmarks.md). In an application server the JVM is the
     * administrator's (README, deployment section), so the broker itself never sets it.
     */
    static void withoutNettyLeakDetection(Properties system) {
        if (system.getProperty(LEAK_DETECTION_PROPERTY) == null
                && system.getProperty(LEAK_DETECTION_OLD_PROPERTY) == null) {
            system.setProperty(LEAK_DETECTION_PROPERTY, "disabled");
        }
    }

    /** {@code mqttee-tomcat/} next to the launcher jar (or next to {@code classes/} when run from the build). */
    static Path defaultWar() {
        try {
            Path codeSource = Path.of(EmbeddedTomcatLauncher.class.getProtectionDomain().getCodeSource()
                    .getLocation().toURI());
            return codeSource.toAbsolutePath().getParent().resolve("mqttee-tomcat");
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("mqttee-tomcat").toAbsolutePath();
        }
    }

    /**
     * Starts Tomcat and the web application.
     *
     * @return false, after printing why, if anything failed to start; the caller then exits, and
     *         {@link #stop()} cleans up what did start
     */
    boolean start() {
        Path war = options.war().toAbsolutePath().normalize();
        if (!Files.isDirectory(war) && !(Files.isRegularFile(war) && war.toString().endsWith(".war"))) {
            err.println("mqttee: no web application at " + war
                    + " (build it with 'mvn package', or pass --war PATH / MQTTEE_WAR)");
            return false;
        }
        if (LogManager.getLogManager() instanceof ClassLoaderLogManager juli) {
            juli.setUseShutdownHook(false); // stop() shuts logging down last
        }
        // The web application logs through its own logger tree, whose root forwards to this one.
        Logger rootLogger = Logger.getLogger("");
        FirstSevere firstSevere = new FirstSevere();
        rootLogger.addHandler(firstSevere);
        try {
            writePidFile();
            baseDir = Files.createTempDirectory("mqttee-tomcat-");
            Files.createDirectories(baseDir.resolve("webapps"));

            tomcat = new Tomcat();
            tomcat.setBaseDir(baseDir.toString());
            tomcat.getHost().setAppBase(baseDir.resolve("webapps").toString());
            Connector connector = new Connector();
            connector.setPort(options.httpPort());
            connector.setProperty("address", options.httpHost());
            // GET /api/v1/routes/foo%2f1 (RMQTT's URL-encoded topic): Tomcat refuses %2F by default;
            // passed through undecoded, JAX-RS decodes it into the {topic} parameter
            connector.setEncodedSolidusHandling("passthrough");
            tomcat.setConnector(connector);
            // No default web.xml: no JSP servlet, no default servlet; the WAR brings what it serves.
            tomcat.setAddDefaultWebXmlToWebapp(false);
            Context context = tomcat.addWebapp("", war.toString());
            if (context.getJarScanner() instanceof StandardJarScanner scanner) {
                scanner.setScanClassPath(false); // Tomcat's own jars hold nothing for the web application
                scanner.setScanManifest(false);
            }

            String httpAddress = address(options.httpHost(), options.httpPort());
            try {
                // init binds the HTTP port; check it before the web application starts the broker
                tomcat.init();
                if (connector.getState() == LifecycleState.FAILED) {
                    err.println("mqttee: cannot serve HTTP on " + httpAddress + " (port in use, or not a local"
                            + " address?); see the log above");
                    return false;
                }
                tomcat.start();
            } catch (LifecycleException e) {
                // a web application that fails to start fails its host, and so the start
                err.println("mqttee: the web application " + war + " failed to start: "
                        + firstSevere.message().orElse(e.getMessage() + "; see the log above"));
                return false;
            }
            if (context.getState() != LifecycleState.STARTED) {
                err.println("mqttee: the web application " + war + " failed to start: "
                        + firstSevere.message().orElse("see the log above"));
                return false;
            }
            if (connector.getState() != LifecycleState.STARTED) {
                err.println("mqttee: cannot serve HTTP on " + httpAddress + "; see the log above");
                return false;
            }
            out.println("mqttee: running; management API at http://"
                    + address(options.httpHost(), connector.getLocalPort()) + "/api/v1 (pid "
                    + ProcessHandle.current().pid() + "); Ctrl-C or SIGTERM stops it");
            return true;
        } catch (IOException | UncheckedIOException e) {
            err.println("mqttee: " + e.getMessage());
            return false;
        } finally {
            rootLogger.removeHandler(firstSevere);
        }
    }

    /** Stops and destroys Tomcat (undeploying the web application), then removes temporary files. Idempotent. */
    void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        if (tomcat != null) {
            try {
                tomcat.stop();
                tomcat.destroy();
            } catch (LifecycleException | RuntimeException e) {
                err.println("mqttee: error while stopping Tomcat: " + e);
            }
        }
        deleteRecursively(baseDir);
        if (options.pidFile() != null) {
            try {
                Files.deleteIfExists(options.pidFile());
            } catch (IOException e) {
                err.println("mqttee: cannot remove pid file " + options.pidFile() + ": " + e.getMessage());
            }
        }
        if (LogManager.getLogManager() instanceof ClassLoaderLogManager juli) {
            juli.shutdown();
        }
    }

    private void writePidFile() throws IOException {
        Path pidFile = options.pidFile();
        if (pidFile != null) {
            Path parent = pidFile.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(pidFile, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
        }
    }

    private static String address(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            err.println("mqttee: cannot remove temporary directory " + dir + ": " + e.getMessage());
        }
    }

    /** Remembers the first SEVERE message of an {@code io.mqttee} logger: the broker's startup failure. */
    private static final class FirstSevere extends Handler {
        private final SimpleFormatter formatter = new SimpleFormatter();
        private volatile String message;

        @Override
        public void publish(LogRecord record) {
            if (message == null && record.getLevel().intValue() >= Level.SEVERE.intValue()
                    && record.getLoggerName() != null && record.getLoggerName().startsWith("io.mqttee.")) {
                message = formatter.formatMessage(record);
            }
        }

        Optional<String> message() {
            return Optional.ofNullable(message);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
