package io.mqttee.management;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SystemFiguresTest {

    @TempDir
    Path proc;

    @Test
    void readsLinuxProcFiles() throws IOException {
        Files.writeString(proc.resolve("loadavg"), "0.52 0.58 0.59 1/467 12345\n");
        Files.writeString(proc.resolve("meminfo"), "MemTotal:        2035212 kB\nMemFree:          500000 kB\n"
                + "MemAvailable:    1423784 kB\nBuffers:           12345 kB\n");
        Files.writeString(proc.resolve("stat"), "cpu  1 2 3\nintr 5\nbtime 1656566424\nprocesses 9\n");
        SystemFigures f = SystemFigures.read(proc, proc);
        assertThat(f.load1()).isEqualTo(0.52);
        assertThat(f.load5()).isEqualTo(0.58);
        assertThat(f.load15()).isEqualTo(0.59);
        assertThat(f.memoryTotal()).isEqualTo(2035212L * 1024);
        assertThat(f.memoryFree()).isEqualTo(1423784L * 1024);
        assertThat(f.memoryUsed()).isEqualTo((2035212L - 1423784L) * 1024);
        assertThat(f.bootTimeMillis()).isEqualTo(1656566424000L);
        assertThat(NodeInfoAssembler.boottime(f.bootTimeMillis())).isEqualTo("2022-06-30 05:20:24 UTC");
        assertThat(f.diskTotal()).isPositive();
        assertThat(f.diskFree()).isBetween(0L, f.diskTotal());
    }

    @Test
    void withoutProcFilesTheJdkFiguresAreUsed() {
        SystemFigures f = SystemFigures.read(proc.resolve("missing"), proc);
        assertThat(f.load1()).isGreaterThanOrEqualTo(0);
        assertThat(f.load5()).isEqualTo(f.load1());
        assertThat(f.memoryTotal()).isPositive();
        assertThat(f.memoryUsed()).isEqualTo(f.memoryTotal() - f.memoryFree());
        assertThat(f.bootTimeMillis()).isZero();
        assertThat(NodeInfoAssembler.boottime(0)).isEmpty();
    }
}
