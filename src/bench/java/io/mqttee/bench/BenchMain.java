package io.mqttee.bench;

import io.mqttee.bench.LoadGenerator.Mode;
import io.mqttee.bench.LoadGenerator.Spec;
import io.mqttee.bench.LoadGenerator.Topology;
import org.HdrHistogram.Histogram;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs every scenario against every broker, {@code --runs} times (brokers interleaved within each
 * run so that drift of the shared machine hits all of them alike), and writes the medians as
 * Markdown and JSON. Started by {@code bench/run.sh}, which pins this JVM to the generator core.
 */
public final class BenchMain {

    /**
     * In the order they run against each freshly started broker: the throughput scenarios first, so
     * that the JVM brokers' JIT has compiled their hot paths before the latency and connection
     * figures are taken (Mosquitto is compiled ahead of time and needs no warm-up); the flood last,
     * since it can leave a broker short of memory.
     */
    static final List<String> ALL_SCENARIOS = List.of("fanin-q0", "fanin-q1", "fanout-q0", "fanout-q1",
            "pairs-q0", "pairs-q1", "latency-q0", "latency-q1", "connections", "flood");

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        // the generator's classpath carries log4j 1.2 (unconfigured); Netty's few messages go to JUL
        io.netty.util.internal.logging.InternalLoggerFactory.setDefaultFactory(
                io.netty.util.internal.logging.JdkLoggerFactory.INSTANCE);
        Map<String, String> o = options(args);
        int runs = Integer.parseInt(o.getOrDefault("runs", "3"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "3"));
        // At 1,000 msg/s a JVM broker recompiles its hot path for the new traffic pattern (C2 code
        // built under the throughput scenarios is deoptimized) and runs profiled C1 code for about
        // 6 s meanwhile; 3 s of warm-up left half of that inside the measured window
        int latencyWarmup = Integer.parseInt(o.getOrDefault("latency-warmup", "10"));
        int duration = Integer.parseInt(o.getOrDefault("duration", "10"));
        int connections = Integer.parseInt(o.getOrDefault("connections", "10000"));
        // messages published to one subscriber and not yet received by it, at most (below every peer's default queue bound)
        int window = Integer.parseInt(o.getOrDefault("window", "960"));
        List<String> brokers = List.of(o.getOrDefault("brokers", "mqttee,mosquitto,moquette,hivemq").split(","));
        List<String> scenarios = List.of(o.getOrDefault("scenarios", String.join(",", ALL_SCENARIOS)).split(","));
        Path root = Path.of(o.getOrDefault("root", ".")).toAbsolutePath().normalize();
        Path out = Path.of(o.getOrDefault("out", "target/bench")).toAbsolutePath();
        Files.createDirectories(out);

        Results results = new Results();
        results.started = ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        results.loadAtStart = Files.readString(Path.of("/proc/loadavg")).trim();
        results.machine = Machine.describe();
        results.settings.put("runs", Integer.toString(runs));
        results.settings.put("warmup_s", Integer.toString(warmup));
        results.settings.put("latency_warmup_s", Integer.toString(latencyWarmup));
        results.settings.put("duration_s", Integer.toString(duration));
        results.settings.put("window", Integer.toString(window));
        results.settings.put("connections", Integer.toString(connections));
        results.settings.put("generator_transport", LoadGenerator.EPOLL ? "epoll" : "nio");
        results.settings.put("payload_bytes", Integer.toString(MqttFrames.PAYLOAD));
        results.settings.put("broker_cpus", o.getOrDefault("broker-cpus", "0"));
        results.settings.put("heap", o.getOrDefault("heap", "1g"));
        results.brokers.addAll(brokers);
        results.scenarios.addAll(scenarios);

        Peer.Setup setup = new Peer.Setup(o.getOrDefault("broker-cpus", "0"), o.getOrDefault("heap", "1g"), root,
                Path.of(o.get("bench-classes")), o.get("generator-classpath") == null ? ""
                : Files.readString(Path.of(o.get("generator-classpath"))).trim(), out, out.resolve("work"));

        log("bench: " + runs + " run(s) x " + brokers + " x " + scenarios + ", load " + results.loadAtStart);
        for (int run = 1; run <= runs; run++) {
            // Each run starts with the next broker: a noisy stretch of the shared machine (minutes
            // long) then falls on different brokers in different runs, and the median drops it
            List<String> order = new ArrayList<>(brokers);
            Collections.rotate(order, -((run - 1) % order.size()));
            // Phase 1, one broker at a time: start it and run the throughput scenarios; it stays up
            // (warm) for phase 2. Phase 2: latency, in slices alternating between the brokers, so
            // every broker samples the same stretches of the machine. Phase 3, one broker at a
            // time: connections, flood, stop.
            Map<String, Live> live = new LinkedHashMap<>();
            try {
                for (String b : order) {
                    Live l = Live.start(b, setup, run, results);
                    if (l == null) {
                        continue;
                    }
                    live.put(b, l);
                    for (String s : scenarios) {
                        if (!isLatency(s) && !isSolo(s)) {
                            single(l, live.values(), s, run, results, warmup, duration, window, connections);
                        }
                    }
                    Thread.sleep(3000); // a JVM broker's compiler finishes its queue before the next one runs
                }
                for (String s : scenarios) {
                    if (isLatency(s)) {
                        interleavedLatency(live, s, run, results, latencyWarmup, duration, window);
                    }
                }
                for (Live l : live.values()) {
                    for (String s : scenarios) {
                        if (isSolo(s)) {
                            single(l, live.values(), s, run, results, warmup, duration, window, connections);
                        }
                    }
                    l.stop();
                }
            } finally {
                for (Live l : live.values()) {
                    l.stop();
                }
            }
        }
        String md = results.markdown();
        String json = results.json();
        Files.writeString(out.resolve("results.md"), md);
        Files.writeString(out.resolve("results.json"), json);
        System.out.println();
        System.out.println(md);
        log("wrote " + out.resolve("results.md") + " and results.json");
    }

    /** A started broker and the generator connected to it, for the whole of one run. */
    static final class Live {
        final String name;
        final Peer peer;
        final LoadGenerator gen;
        private boolean stopped;

        private Live(String name, Peer peer, LoadGenerator gen) {
            this.name = name;
            this.peer = peer;
            this.gen = gen;
        }

        static Live start(String b, Peer.Setup setup, int run, Results results) {
            Peer peer = new Peer(b, setup);
            try {
                peer.start();
            } catch (Exception e) {
                log(b + ": cannot start: " + e.getMessage());
                results.note(b, "run " + run + ": did not start: " + e.getMessage());
                return null;
            }
            results.descriptions.put(b, peer.description());
            log("run " + run + " " + b + " pid " + peer.pid() + " port " + peer.port() + " (" + peer.description() + ")");
            String nonce = b.substring(0, 2) + run + Long.toString(System.nanoTime() % 100000, 36);
            return new Live(b, peer, new LoadGenerator(new InetSocketAddress("127.0.0.1", peer.port()), nonce));
        }

        String name() {
            return name;
        }

        Peer peer() {
            return peer;
        }

        LoadGenerator gen() {
            return gen;
        }

        void stop() throws InterruptedException {
            if (!stopped) {
                stopped = true;
                gen.close();
                peer.stop();
            }
        }
    }

    /** Scenarios that run after the latency phase, one broker at a time (the flood can leave a broker short of memory). */
    static boolean isSolo(String s) {
        return s.equals("connections") || s.equals("flood");
    }

    static double othersCpu(Live self, Collection<Live> live) {
        double sum = 0;
        for (Live o : live) {
            if (o != self && o.peer().alive()) {
                sum += ProcStats.cpuSeconds(o.peer().pid());
            }
        }
        return sum;
    }

    /** Loss and its parts, from the snapshot taken once nothing more arrives. */
    static void putLoss(Map<String, Double> m, LoadGenerator.Snapshot c) {
        m.put("loss_pct", c.expected() == 0 ? 0 : 100.0 * Math.max(0, c.expected() - c.received()) / c.expected());
        m.put("published", (double) c.sent());
        m.put("expected", (double) c.expected());
        m.put("delivered", (double) c.received());
        m.put("gaps", (double) c.gaps());
        m.put("duplicates", (double) c.duplicates());
        m.put("stalls", (double) c.stalls());
        m.put("dropped_connections", (double) c.unexpectedCloses());
    }

    static boolean isLatency(String s) {
        return s.startsWith("latency");
    }

    /** One scenario against one broker. */
    static void single(Live l, Collection<Live> live, String s, int run, Results results, int warmup, int duration,
                       int window, int connections) throws InterruptedException {
        if (!l.peer().alive()) {
            results.note(l.name(), "run " + run + ": broker died before " + s);
            return;
        }
        Map<String, Double> m;
        double others0 = othersCpu(l, live);
        try {
            m = s.equals("connections")
                    ? connections(l.gen(), l.peer(), connections)
                    : traffic(l.gen(), l.peer(), spec(s, window), warmup, duration);
        } catch (Exception e) {
            log(l.name() + " " + s + ": failed: " + e);
            results.note(l.name(), "run " + run + " " + s + ": failed: " + e);
            return;
        }
        // the other brokers idle on the same core meanwhile; what they took is recorded, not hidden
        m.put("idle_peers_cpu_s", othersCpu(l, live) - others0);
        results.add(l.name(), s, m);
        log(String.format("run %d %-9s %-11s %s", run, l.name(), s, Results.brief(s, m)));
        Thread.sleep(1000);
    }

    /** Length of one latency slice: the measured time is cut into slices that alternate between the brokers. */
    static final int SLICE_MS = 1000;

    /**
     * A latency scenario against every live broker at once, but only one publishing at a time: after
     * a warm-up each, {@code duration} one-second rounds in which every broker in turn publishes for
     * one slice; each broker's histograms and CPU are summed over its slices. So a slow stretch of
     * the machine (they last seconds to minutes here) falls on all brokers alike.
     */
    static void interleavedLatency(Map<String, Live> live, String s, int run, Results results, int warmup,
                                   int duration, int window) throws Exception {
        Spec spec = spec(s, window);
        Map<String, LoadGenerator.Run> runs = new LinkedHashMap<>();
        Map<String, Histogram> hist = new LinkedHashMap<>();
        Map<String, double[]> sums = new LinkedHashMap<>(); // broker cpu, generator cpu, delivered, seconds
        long self = ProcessHandle.current().pid();
        try {
            for (Live l : live.values()) {
                if (!l.peer().alive()) {
                    results.note(l.name(), "run " + run + ": broker died before " + s);
                    continue;
                }
                try {
                    LoadGenerator.Run r = l.gen().open(spec);
                    runs.put(l.name(), r);
                    ProcStats.resetPeak(l.peer().pid());
                    r.start();
                    Thread.sleep(warmup * 1000L);
                    r.stopPublishing();
                    Thread.sleep(200);
                    r.snapshot(true);
                    hist.put(l.name(), new Histogram(TimeUnit.SECONDS.toNanos(60), 3));
                    sums.put(l.name(), new double[4]);
                } catch (Exception e) {
                    log(l.name() + " " + s + ": failed: " + e);
                    results.note(l.name(), "run " + run + " " + s + ": failed: " + e);
                }
            }
            List<String> order = new ArrayList<>(hist.keySet());
            int rounds = Math.max(1, duration * 1000 / SLICE_MS);
            for (int round = 0; round < rounds; round++) {
                for (String b : order) {
                    LoadGenerator.Run r = runs.get(b);
                    long pid = live.get(b).peer().pid();
                    r.start();
                    // the first 100 ms after the broker's idle spell are not measured: at a steady
                    // 1,000 msg/s a broker is never idle for the seconds the other brokers' slices take
                    Thread.sleep(100);
                    LoadGenerator.Snapshot a = r.snapshot(true);
                    double b0 = ProcStats.cpuSeconds(pid);
                    double g0 = ProcStats.cpuSeconds(self);
                    long t0 = System.nanoTime();
                    Thread.sleep(SLICE_MS);
                    r.stopPublishing();
                    long t1 = System.nanoTime();
                    Thread.sleep(100); // what was sent in the slice arrives (latencies are far below this)
                    LoadGenerator.Snapshot z = r.snapshot(true);
                    double[] sum = sums.get(b);
                    sum[0] += ProcStats.cpuSeconds(pid) - b0;
                    sum[1] += ProcStats.cpuSeconds(self) - g0;
                    sum[2] += z.received() - a.received();
                    sum[3] += (t1 - t0) / 1e9;
                    hist.get(b).add(z.latency());
                }
                Collections.rotate(order, -1);
            }
            for (String b : hist.keySet()) {
                LoadGenerator.Run r = runs.get(b);
                long pid = live.get(b).peer().pid();
                LoadGenerator.Snapshot c = r.drain(2000, 15_000);
                double[] sum = sums.get(b);
                Histogram h = hist.get(b);
                Map<String, Double> m = new LinkedHashMap<>();
                m.put("delivered_per_s", sum[2] / sum[3]);
                m.put("published_per_s", sum[2] / sum[3]);
                putLoss(m, c);
                m.put("broker_cpu_s", sum[0]);
                m.put("gen_cpu_s", sum[1]);
                m.put("window_s", sum[3]);
                m.put("broker_cpu_us_per_msg", sum[2] == 0 ? Double.NaN : sum[0] * 1e6 / sum[2]);
                m.put("gen_cpu_us_per_msg", sum[2] == 0 ? Double.NaN : sum[1] * 1e6 / sum[2]);
                m.put("peak_rss_mb", ProcStats.statusBytes(pid, "VmHWM") / 1048576.0);
                m.put("samples", (double) h.getTotalCount());
                m.put("p50_us", h.getValueAtPercentile(50) / 1000.0);
                m.put("p99_us", h.getValueAtPercentile(99) / 1000.0);
                m.put("p999_us", h.getValueAtPercentile(99.9) / 1000.0);
                m.put("max_us", h.getMaxValue() / 1000.0);
                results.add(b, s, m);
                log(String.format("run %d %-9s %-11s %s", run, b, s, Results.brief(s, m)));
            }
        } finally {
            for (LoadGenerator.Run r : runs.values()) {
                r.close();
            }
        }
        Thread.sleep(1000);
    }

    /**
     * The scenarios. CLOSED ones let at most {@code window} messages be published to one subscriber
     * and not yet received by it (shared by the publishers it hears), and at QoS 1 at most that many
     * unacknowledged per publisher.
     */
    static Spec spec(String name, int window) {
        return switch (name) {
            case "fanin-q0" -> new Spec(name, Topology.FAN_IN, 8, 1, 0, Mode.CLOSED, window / 8, 0, false);
            case "fanin-q1" -> new Spec(name, Topology.FAN_IN, 8, 1, 1, Mode.CLOSED, window / 8, 0, false);
            case "fanout-q0" -> new Spec(name, Topology.FAN_OUT, 1, 16, 0, Mode.CLOSED, window, 0, false);
            case "fanout-q1" -> new Spec(name, Topology.FAN_OUT, 1, 16, 1, Mode.CLOSED, window, 0, false);
            case "pairs-q0" -> new Spec(name, Topology.PAIRS, 8, 8, 0, Mode.CLOSED, window, 0, false);
            case "pairs-q1" -> new Spec(name, Topology.PAIRS, 8, 8, 1, Mode.CLOSED, window, 0, false);
            case "latency-q0" -> new Spec(name, Topology.PAIRS, 10, 10, 0, Mode.RATE, 0, 1000, true);
            case "latency-q1" -> new Spec(name, Topology.PAIRS, 10, 10, 1, Mode.RATE, 0, 1000, true);
            case "flood" -> new Spec(name, Topology.FAN_IN, 8, 1, 0, Mode.FLOOD, 0, 0, false);
            default -> throw new IllegalArgumentException("unknown scenario " + name);
        };
    }

    /** One throughput or flood scenario: warm-up, a measured window, then a drain to count loss (latency: {@link #interleavedLatency}). */
    static Map<String, Double> traffic(LoadGenerator gen, Peer peer, Spec spec, int warmup, int duration)
            throws Exception {
        long pid = peer.pid();
        long self = ProcessHandle.current().pid();
        ProcStats.resetPeak(pid);
        LoadGenerator.Run run = gen.open(spec);
        Map<String, Double> m = new LinkedHashMap<>();
        try {
            run.start();
            Thread.sleep(warmup * 1000L);
            LoadGenerator.Snapshot a = run.snapshot(true);
            double b0 = ProcStats.cpuSeconds(pid);
            double g0 = ProcStats.cpuSeconds(self);
            Thread.sleep(duration * 1000L);
            LoadGenerator.Snapshot b = run.snapshot(true);
            double b1 = ProcStats.cpuSeconds(pid);
            double g1 = ProcStats.cpuSeconds(self);
            run.stopPublishing();
            // loss: what has not arrived once nothing more came for 2 s (at most 15 s after publishing stopped)
            LoadGenerator.Snapshot c = run.drain(2000, 15_000);
            double seconds = (b.nanos() - a.nanos()) / 1e9;
            m.put("delivered_per_s", (b.received() - a.received()) / seconds);
            m.put("published_per_s", (b.sent() - a.sent()) / seconds);
            putLoss(m, c);
            m.put("broker_cpu_s", b1 - b0);
            m.put("gen_cpu_s", g1 - g0);
            m.put("window_s", seconds);
            // CPU per delivered message: steadier than rates on a shared machine (where the broker gets a share of its core)
            long deliveredInWindow = b.received() - a.received();
            m.put("broker_cpu_us_per_msg", deliveredInWindow == 0 ? Double.NaN : (b1 - b0) * 1e6 / deliveredInWindow);
            m.put("gen_cpu_us_per_msg", deliveredInWindow == 0 ? Double.NaN : (g1 - g0) * 1e6 / deliveredInWindow);
            m.put("peak_rss_mb", ProcStats.statusBytes(pid, "VmHWM") / 1048576.0);
        } finally {
            run.close();
        }
        return m;
    }

    /**
     * 10,000 idle clients, CONNECTs kept {@code 256} in flight: CONNACK rate and memory per connection.
     * Like every other scenario it has a warm-up: one ramp of the same size, closed, before the
     * measured one, so a JVM broker's connection path is compiled as it is in a broker that has been
     * up a while (each broker's first, cold ramp is reported as well).
     */
    static Map<String, Double> connections(LoadGenerator gen, Peer peer, int n) throws Exception {
        long pid = peer.pid();
        long self = ProcessHandle.current().pid();
        Map<String, Double> m = new LinkedHashMap<>();
        // RSS per connection is taken on the first ramp: a broker reuses what it freed since
        long rss0 = ProcStats.statusBytes(pid, "VmRSS");
        LoadGenerator.Ramp warm = gen.ramp("warm", n, 256);
        try {
            LoadGenerator.RampResult w = warm.run(120);
            m.put("cold_connacks_per_s", w.connected() / (w.nanos() / 1e9));
            Thread.sleep(2000);
            long rss1 = ProcStats.statusBytes(pid, "VmRSS");
            m.put("rss_per_conn_kb", w.connected() == 0 ? Double.NaN : (rss1 - rss0) / 1024.0 / w.connected());
        } finally {
            warm.close();
        }
        Thread.sleep(2000);
        long heap0 = peer.jvm ? ProcStats.heapUsedAfterGc(pid) : -1;
        Thread.sleep(500);
        long rssBefore = ProcStats.statusBytes(pid, "VmRSS");
        ProcStats.resetPeak(pid);
        double b0 = ProcStats.cpuSeconds(pid);
        double g0 = ProcStats.cpuSeconds(self);
        LoadGenerator.Ramp ramp = gen.ramp("idle", n, 256);
        try {
            LoadGenerator.RampResult r = ramp.run(120);
            double b1 = ProcStats.cpuSeconds(pid);
            double g1 = ProcStats.cpuSeconds(self);
            Thread.sleep(2000);
            long rss1 = ProcStats.statusBytes(pid, "VmRSS");
            long heap1 = peer.jvm ? ProcStats.heapUsedAfterGc(pid) : -1;
            int open = ramp.open();
            m.put("connacks_per_s", r.connected() / (r.nanos() / 1e9));
            m.put("connected", (double) r.connected());
            m.put("failed", (double) r.failed());
            m.put("open_after_2s", (double) open);
            m.put("ramp_s", r.nanos() / 1e9);
            m.put("rss_before_mb", rssBefore / 1048576.0);
            m.put("rss_after_mb", rss1 / 1048576.0);
            if (heap0 >= 0 && heap1 >= 0) {
                m.put("heap_before_mb", heap0 / 1048576.0);
                m.put("heap_after_mb", heap1 / 1048576.0);
                m.put("heap_per_conn_kb", r.connected() == 0 ? Double.NaN : (heap1 - heap0) / 1024.0 / r.connected());
            }
            m.put("broker_cpu_s", b1 - b0);
            m.put("gen_cpu_s", g1 - g0);
            m.put("broker_cpu_us_per_conn", r.connected() == 0 ? Double.NaN : (b1 - b0) * 1e6 / r.connected());
            m.put("peak_rss_mb", ProcStats.statusBytes(pid, "VmHWM") / 1048576.0);
        } finally {
            ramp.close();
        }
        Thread.sleep(2000);
        return m;
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a);
            }
            int eq = a.indexOf('=');
            if (eq > 0) {
                o.put(a.substring(2, eq), a.substring(eq + 1));
            } else {
                o.put(a.substring(2), args[++i]);
            }
        }
        return o;
    }

    static void log(String s) {
        System.out.println("[" + java.time.LocalTime.now().withNano(0) + "] " + s);
        System.out.flush();
    }

    /** The machine, for the report. */
    static final class Machine {
        static Map<String, String> describe() {
            Map<String, String> m = new LinkedHashMap<>();
            try {
                for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    if (line.startsWith("model name")) {
                        m.put("cpu", line.substring(line.indexOf(':') + 1).trim());
                        break;
                    }
                }
                for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                    if (line.startsWith("MemTotal")) {
                        m.put("memory", line.substring(line.indexOf(':') + 1).trim());
                    }
                }
            } catch (Exception e) {
                // leave out
            }
            m.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()) + " visible to the generator; "
                    + onlineCpus() + " online");
            m.put("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"));
            m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
            return m;
        }

        private static String onlineCpus() {
            try {
                return Files.readString(Path.of("/sys/devices/system/cpu/online")).trim();
            } catch (Exception e) {
                return "?";
            }
        }
    }

    static List<String> list(String... s) {
        return new ArrayList<>(List.of(s));
    }
}
