package io.mqttee.core;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every figure the broker reports: {@link Stat} gauges (current and historical maximum) and
 * {@link Metric} counters. Counters are {@link LongAdder}s so that hot paths on many threads do not
 * contend; gauges are exact atomics.
 */
public final class BrokerCounters {

    /** A current value with the highest value it ever had. */
    public static final class Gauge {
        private final AtomicLong current = new AtomicLong();
        private final AtomicLong max = new AtomicLong();

        public void increment() {
            raiseMax(current.incrementAndGet());
        }

        public void decrement() {
            current.decrementAndGet();
        }

        public void set(long value) {
            current.set(value);
            raiseMax(value);
        }

        private void raiseMax(long value) {
            max.accumulateAndGet(value, Math::max);
        }

        public long current() {
            return current.get();
        }

        public long max() {
            return max.get();
        }
    }

    private final Map<Stat, Gauge> gauges = new EnumMap<>(Stat.class);
    private final Map<Metric, LongAdder> metrics = new EnumMap<>(Metric.class);
    private volatile boolean counting = true;

    public BrokerCounters() {
        for (Stat s : Stat.values()) {
            gauges.put(s, new Gauge());
        }
        for (Metric m : Metric.values()) {
            metrics.put(m, new LongAdder());
        }
    }

    public Gauge gauge(Stat stat) {
        return gauges.get(stat);
    }

    /** Counts one event, unless counting is switched off (the {@code rmqtt-counter} plugin unloaded). */
    public void count(Metric metric) {
        if (counting) {
            metrics.get(metric).increment();
        }
    }

    public void count(Metric metric, long n) {
        if (counting) {
            metrics.get(metric).add(n);
        }
    }

    public long get(Metric metric) {
        return metrics.get(metric).sum();
    }

    public void setCounting(boolean on) {
        counting = on;
    }

    public boolean isCounting() {
        return counting;
    }

    /** Stats as RMQTT names them: {@code connections.count}, {@code connections.max}, ... */
    public Map<String, Long> statsView() {
        Map<String, Long> out = new LinkedHashMap<>();
        gauges.forEach((stat, g) -> {
            out.put(stat.key() + ".count", g.current());
            out.put(stat.key() + ".max", g.max());
        });
        return out;
    }

    /** Metrics as RMQTT names them. */
    public Map<String, Long> metricsView() {
        Map<String, Long> out = new LinkedHashMap<>();
        metrics.forEach((m, adder) -> out.put(m.key(), adder.sum()));
        return out;
    }
}
