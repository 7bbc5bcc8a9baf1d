package io.mqttee.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** CPU time and memory of a process, from {@code /proc/<pid>/stat} and {@code /proc/<pid>/status} (Linux). */
final class ProcStats {

    /** USER_HZ: the unit of utime/stime in /proc/<pid>/stat; 100 on every mainstream Linux build. */
    private static final double TICKS_PER_SECOND = 100.0;
    private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");

    private ProcStats() {
    }

    /** User + system CPU seconds the process has used so far (all its threads). */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": f[0] is field 3 (state), so utime (14) is f[11], stime (15) is f[12]
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** A {@code kB} field of /proc/<pid>/status (VmRSS, VmHWM, ...), in bytes; -1 when unreadable. */
    static long statusBytes(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field + ":")) {
                    String v = line.substring(field.length() + 1).trim();
                    return Long.parseLong(v.split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return -1;
    }

    /** Resets the peak-RSS mark (VmHWM) of the process ({@code echo 5 > /proc/<pid>/clear_refs}). */
    static boolean resetPeak(long pid) {
        try {
            Files.writeString(Path.of("/proc/" + pid + "/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Java heap in use after a full collection, through {@code jcmd <pid> GC.run} and
     * {@code GC.heap_info}; -1 for a process that is not a JVM or cannot be attached to.
     */
    static long heapUsedAfterGc(long pid) {
        if (run("jcmd", Long.toString(pid), "GC.run") == null) {
            return -1;
        }
        String info = run("jcmd", Long.toString(pid), "GC.heap_info");
        if (info == null) {
            return -1;
        }
        long used = 0;
        boolean any = false;
        Matcher m = HEAP_USED.matcher(info);
        while (m.find()) {
            used += Long.parseLong(m.group(1)) * 1024;
            any = true;
        }
        return any ? used : -1;
    }

    private static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
