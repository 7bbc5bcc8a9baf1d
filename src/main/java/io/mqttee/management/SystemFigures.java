package io.mqttee.management;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Figures of the machine the broker runs on, for {@code GET /api/v1/nodes}: load averages, memory,
 * disk and boot time. On Linux they are read from {@code /proc/loadavg}, {@code /proc/meminfo} and
 * the {@code btime} line of {@code /proc/stat}; elsewhere (or when a file cannot be read) from the
 * JDK's {@link OperatingSystemMXBean} (1-minute load only, repeated for 5 and 15; total and free
 * physical memory), and an unknown boot time is 0.
 *
 * @param load1          1-minute load average
 * @param load5          5-minute load average
 * @param load15         15-minute load average
 * @param memoryTotal    physical memory, bytes
 * @param memoryFree     memory available to new work ({@code MemAvailable}), bytes
 * @param memoryUsed     {@code memoryTotal - memoryFree}
 * @param diskTotal      size of the file system holding the working directory, bytes
 * @param diskFree       usable space on it, bytes
 * @param bootTimeMillis when the operating system started, epoch ms, or 0 if unknown
 */
public record SystemFigures(double load1, double load5, double load15, long memoryTotal, long memoryFree,
                            long memoryUsed, long diskTotal, long diskFree, long bootTimeMillis) {

    /** Reads the figures of this machine now. */
    public static SystemFigures read() {
        return read(Path.of("/proc"), Path.of("").toAbsolutePath());
    }

    /**
     * @param proc the {@code /proc} folder (another folder in tests)
     * @param disk a path on the file system to measure
     */
    static SystemFigures read(Path proc, Path disk) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        double[] load = loadAverages(proc.resolve("loadavg"));
        if (load == null) {
            double l = Math.max(0, os.getSystemLoadAverage());
            load = new double[] {l, l, l};
        }
        long[] memory = memInfo(proc.resolve("meminfo"));
        if (memory == null) {
            memory = jdkMemory(os);
        }
        long total = disk.toFile().getTotalSpace();
        long free = disk.toFile().getUsableSpace();
        return new SystemFigures(load[0], load[1], load[2], memory[0], memory[1], Math.max(0, memory[0] - memory[1]),
                total, free, bootTime(proc.resolve("stat")));
    }

    /** The three averages of {@code /proc/loadavg} ("0.52 0.58 0.59 1/467 12345"), or null. */
    static double[] loadAverages(Path file) {
        List<String> lines = lines(file);
        if (lines == null || lines.isEmpty()) {
            return null;
        }
        String[] f = lines.get(0).trim().split("\\s+");
        if (f.length < 3) {
            return null;
        }
        try {
            return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {@code MemTotal} and {@code MemAvailable} (else {@code MemFree}) of {@code /proc/meminfo} in bytes, or null. */
    static long[] memInfo(Path file) {
        List<String> lines = lines(file);
        if (lines == null) {
            return null;
        }
        long total = -1;
        long available = -1;
        long free = -1;
        for (String line : lines) {
            String[] f = line.trim().split("[:\\s]+");
            if (f.length < 2) {
                continue;
            }
            try {
                long bytes = Long.parseLong(f[1]) * (f.length > 2 && f[2].equalsIgnoreCase("kB") ? 1024 : 1);
                switch (f[0]) {
                    case "MemTotal" -> total = bytes;
                    case "MemAvailable" -> available = bytes;
                    case "MemFree" -> free = bytes;
                    default -> {
                    }
                }
            } catch (NumberFormatException e) {
                // not a figure line
            }
        }
        long avail = available >= 0 ? available : free;
        return total < 0 || avail < 0 ? null : new long[] {total, avail};
    }

    /** The {@code btime} (boot time, unix seconds) of {@code /proc/stat}, in ms; else 0. */
    static long bootTime(Path file) {
        List<String> lines = lines(file);
        if (lines != null) {
            for (String line : lines) {
                if (line.startsWith("btime ")) {
                    try {
                        return Long.parseLong(line.substring(6).trim()) * 1000L;
                    } catch (NumberFormatException e) {
                        return 0;
                    }
                }
            }
        }
        return 0;
    }

    private static long[] jdkMemory(OperatingSystemMXBean os) {
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return new long[] {sun.getTotalMemorySize(), sun.getFreeMemorySize()};
        }
        return new long[] {0, 0};
    }

    private static List<String> lines(Path file) {
        try {
            return Files.isReadable(file) ? Files.readAllLines(file) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
