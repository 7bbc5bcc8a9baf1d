package io.mqttee.robustness;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Catches Netty's "LEAK:" reports. The test JVMs run with {@code -Dio.netty.leakDetection.level=PARANOID},
 * so every buffer is tracked; Netty logs a leak (through java.util.logging, as no other logging
 * backend is on the test class path) when a buffer that was never released is garbage collected
 * and a later buffer allocation polls the detector's queue. {@link #assertNoLeaks()} provokes that:
 * it collects garbage and allocates a few buffers, then fails on any report seen since
 * {@link #install()}.
 */
final class LeakWatch extends Handler {

    private static final String DETECTOR_LOGGER = "io.netty.util.ResourceLeakDetector";

    /** Held so java.util.logging does not forget the logger and its handler. */
    private final Logger logger = Logger.getLogger(DETECTOR_LOGGER);
    private final List<String> leaks = new CopyOnWriteArrayList<>();

    static LeakWatch install() {
        LeakWatch w = new LeakWatch();
        w.logger.addHandler(w);
        return w;
    }

    @Override
    public void publish(LogRecord record) {
        String msg = record.getMessage();
        if (msg != null && msg.contains("LEAK")) {
            Object[] params = record.getParameters();
            leaks.add(params == null ? msg : msg + " " + java.util.Arrays.toString(params));
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }

    /** Collects garbage, lets the detectors poll their queues, and fails on any leak report. */
    void assertNoLeaks() throws InterruptedException {
        for (int round = 0; round < 5; round++) {
            System.gc();
            Thread.sleep(50);
            for (ByteBufAllocator a : List.of(ByteBufAllocator.DEFAULT, PooledByteBufAllocator.DEFAULT,
                    UnpooledByteBufAllocator.DEFAULT)) {
                for (int i = 0; i < 10; i++) {
                    ByteBuf b = a.directBuffer(16);
                    b.release();
                    b = a.heapBuffer(16);
                    b.release();
                }
            }
        }
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " ByteBuf leak report(s) from Netty:\n"
                    + String.join("\n", leaks));
        }
    }
}
