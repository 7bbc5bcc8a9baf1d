package io.mqttee.launcher;

import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher's JVM runs without Netty's leak detection unless its command line chose a level. */
class NettyLeakDetectionTest {

    @Test
    void offWhenNothingIsSet() {
        Properties p = new Properties();
        EmbeddedTomcatLauncher.withoutNettyLeakDetection(p);
        assertThat(p.getProperty("io.netty.leakDetection.level")).isEqualTo("disabled");
    }

    @Test
    void aLevelFromTheCommandLineWins() {
        Properties p = new Properties();
        p.setProperty("io.netty.leakDetection.level", "paranoid");
        EmbeddedTomcatLauncher.withoutNettyLeakDetection(p);
        assertThat(p.getProperty("io.netty.leakDetection.level")).isEqualTo("paranoid");
    }

    @Test
    void theOlderPropertyNameWinsToo() {
        Properties p = new Properties();
        p.setProperty("io.netty.leakDetectionLevel", "simple");
        EmbeddedTomcatLauncher.withoutNettyLeakDetection(p);
        assertThat(p.getProperty("io.netty.leakDetection.level")).isNull();
    }
}
