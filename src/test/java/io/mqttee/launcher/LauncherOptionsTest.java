package io.mqttee.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LauncherOptionsTest {

    private static final Path DEFAULT_WAR = Path.of("/opt/mqttee/mqttee-tomcat");

    private static LauncherOptions parse(Properties props, Map<String, String> env, String... args) {
        return LauncherOptions.parse(args, props, env, DEFAULT_WAR);
    }

    private static LauncherOptions parse(String... args) {
        return parse(new Properties(), Map.of(), args);
    }

    private static Properties props(String key, String value) {
        Properties p = new Properties();
        p.setProperty(key, value);
        return p;
    }

    @Test
    void defaults() {
        assertThat(parse()).isEqualTo(new LauncherOptions("0.0.0.0", 6060, DEFAULT_WAR, null, false));
    }

    @Test
    void commandLineBeatsSystemPropertyBeatsEnvironment() {
        Properties p = props("mqttee.http.addr", "127.0.0.2:7002");
        Map<String, String> env = Map.of("MQTTEE_HTTP_ADDR", "127.0.0.3:7003", "MQTTEE_WAR", "/env/war");

        assertThat(parse(p, env, "--http-addr", "127.0.0.1:7001").httpPort()).isEqualTo(7001);
        assertThat(parse(p, env).httpHost()).isEqualTo("127.0.0.2");
        assertThat(parse(new Properties(), env).httpPort()).isEqualTo(7003);
        assertThat(parse(new Properties(), env).war()).isEqualTo(Path.of("/env/war"));
        assertThat(parse(new Properties(), env, "--war", "/cli/war").war()).isEqualTo(Path.of("/cli/war"));
    }

    @Test
    void acceptsOptionEqualsValueAndPidFileAndHelp() {
        LauncherOptions o = parse("--http-addr=[::1]:0", "--pid-file=/tmp/m.pid", "--war=x.war", "--help");
        assertThat(o).isEqualTo(new LauncherOptions("::1", 0, Path.of("x.war"), Path.of("/tmp/m.pid"), true));
    }

    @Test
    void blankValuesCountAsUnset() {
        assertThat(parse(props("mqttee.http.addr", " "), Map.of("MQTTEE_HTTP_ADDR", "", "MQTTEE_WAR", " ")))
                .isEqualTo(new LauncherOptions("0.0.0.0", 6060, DEFAULT_WAR, null, false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "localhost:", ":6060", "host:http", "host:65536", "host:-1", "::1:6060"})
    void refusesBadHttpAddresses(String addr) {
        assertThatThrownBy(() -> parse("--http-addr", addr))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(addr)
                .hasMessageContaining("--http-addr");
    }

    @Test
    void namesTheSourceOfABadAddress() {
        assertThatThrownBy(() -> parse(new Properties(), Map.of("MQTTEE_HTTP_ADDR", "nope")))
                .hasMessageContaining("environment variable MQTTEE_HTTP_ADDR");
    }

    @Test
    void refusesUnknownOptionsAndMissingValues() {
        assertThatThrownBy(() -> parse("--port", "1")).hasMessageContaining("unknown option '--port'");
        assertThatThrownBy(() -> parse("--war")).hasMessageContaining("--war needs a value");
    }
}
