package io.mqttee.launcher;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The launcher's settings, from the command line, then system properties, then the environment,
 * then defaults.
 *
 * @param httpHost the HTTP bind address, {@code 0.0.0.0} by default
 * @param httpPort the HTTP port, 6060 by default
 * @param war      the Tomcat-ready web application (exploded directory or {@code .war} file)
 * @param pidFile  where to write this process's id, or {@code null}
 * @param help     whether {@code --help} was given
 */
public record LauncherOptions(String httpHost, int httpPort, Path war, Path pidFile, boolean help) {

    static final String HTTP_ADDR_PROPERTY = "mqttee.http.addr";
    static final String HTTP_ADDR_ENV = "MQTTEE_HTTP_ADDR";
    static final String WAR_ENV = "MQTTEE_WAR";
    static final String DEFAULT_HTTP_ADDR = "0.0.0.0:6060";

    static final String USAGE = """
            Usage: java [-Dmqttee.<key>=<value> ...] -jar mqttee-launcher.jar [options]

            Runs the MQTTee broker on embedded Apache Tomcat: the management API at
            http://<http-addr>/api/v1 and the MQTT listeners of the broker configuration.

            Options:
              --http-addr HOST:PORT  HTTP bind address (system property mqttee.http.addr,
                                     environment MQTTEE_HTTP_ADDR; default 0.0.0.0:6060;
                                     IPv6 as [::1]:6060)
              --war PATH             the Tomcat-ready web application, exploded directory or .war
                                     (environment MQTTEE_WAR; default mqttee-tomcat/ next to this jar)
              --pid-file PATH        write the process id to PATH (removed on exit)
              --help                 print this help and exit

            Broker configuration (read by the web application when it starts):
              -Dmqttee.config=FILE or MQTTEE_CONFIG=FILE               the TOML file
              -Dmqttee.listener.tcp.external.addr=0.0.0.0:11883       one key (system property)
              MQTTEE_LISTENER__TCP__EXTERNAL__ADDR=0.0.0.0:11883      one key (environment)
            Java options such as -D go before -jar.

            Stop with Ctrl-C or SIGTERM: the broker undeploys cleanly and the JVM exits with its
            usual status for the signal (130 for Ctrl-C, 143 for SIGTERM). Exit status 1 if startup
            failed, 2 for a bad command line.
            """;

    /**
     * @param args          the command line
     * @param properties    the JVM's system properties
     * @param environment   the process environment
     * @param defaultWar    the web application used when neither {@code --war} nor {@code MQTTEE_WAR} is set
     * @throws IllegalArgumentException for an unknown option, a missing value or a bad address
     */
    public static LauncherOptions parse(String[] args, Properties properties, Map<String, String> environment,
                                        Path defaultWar) {
        String httpAddr = null;
        String war = null;
        String pidFile = null;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            switch (name) {
                case "--help", "-h" -> help = true;
                case "--http-addr", "--war", "--pid-file" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(name + " needs a value");
                        }
                        value = args[++i];
                    }
                    if (name.equals("--http-addr")) {
                        httpAddr = value;
                    } else if (name.equals("--war")) {
                        war = value;
                    } else {
                        pidFile = value;
                    }
                }
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
        }
        String addrSource = "--http-addr";
        if (isBlank(httpAddr)) {
            httpAddr = properties.getProperty(HTTP_ADDR_PROPERTY);
            addrSource = "system property " + HTTP_ADDR_PROPERTY;
        }
        if (isBlank(httpAddr)) {
            httpAddr = environment.get(HTTP_ADDR_ENV);
            addrSource = "environment variable " + HTTP_ADDR_ENV;
        }
        if (isBlank(httpAddr)) {
            httpAddr = DEFAULT_HTTP_ADDR;
            addrSource = "default";
        }
        if (isBlank(war)) {
            war = environment.get(WAR_ENV);
        }
        Path warPath = isBlank(war) ? defaultWar : Path.of(war.trim());
        Path pidPath = isBlank(pidFile) ? null : Path.of(pidFile.trim());

        String addr = httpAddr.trim();
        int colon = addr.lastIndexOf(':');
        if (colon <= 0 || colon == addr.length() - 1) {
            throw new IllegalArgumentException("HTTP address '" + addr + "' (" + addrSource
                    + ") is not HOST:PORT");
        }
        String host = addr.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("HTTP address '" + addr + "' (" + addrSource
                    + "): write an IPv6 host in brackets, e.g. [::1]:6060");
        }
        int port;
        try {
            port = Integer.parseInt(addr.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (host.isEmpty() || port < 0 || port > 65535) {
            throw new IllegalArgumentException("HTTP address '" + addr + "' (" + addrSource
                    + ") is not HOST:PORT with a port from 0 to 65535");
        }
        return new LauncherOptions(host, port, warPath, pidPath, help);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
