package io.mqttee.protocol;

import io.mqttee.core.BrokerCounters;
import io.mqttee.core.Metric;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Refuses connections beyond a listener's {@code max_connections} by closing them as soon as they
 * are accepted, before any byte is read. One instance per listener, shared by its channels; it
 * removes itself from each pipeline once it has counted the connection. Each refusal is counted in
 * {@code client.max_connections_refused}; a warning names the listener at most once a minute, so a
 * reconnect storm against a full listener cannot flood the log.
 */
@ChannelHandler.Sharable
final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(ConnectionLimitHandler.class.getName());
    private static final long WARNING_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final String listenerName;
    private final int maxConnections;
    private final BrokerCounters counters;
    private final AtomicInteger open = new AtomicInteger();
    /** When the last warning was logged; {@code nanoTime() - WARNING_INTERVAL_NANOS} lets the first one through. */
    private final AtomicLong lastWarning = new AtomicLong(System.nanoTime() - WARNING_INTERVAL_NANOS);

    ConnectionLimitHandler(String listenerName, int maxConnections, BrokerCounters counters) {
        this.listenerName = listenerName;
        this.maxConnections = maxConnections;
        this.counters = counters;
    }

    /** Shared by every counted channel: uncounts it when it closes. */
    private final ChannelFutureListener release = f -> open.decrementAndGet();

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            refused(ctx); // counted before the close, so whoever sees the close sees the count
            ctx.pipeline().remove(this);
            ctx.close();
            return;
        }
        // Counted: uncounted when the channel closes. The handler leaves the pipeline, so an
        // accepted connection does not carry it (nor its context) for the rest of its life.
        ctx.channel().closeFuture().addListener(release);
        super.channelActive(ctx);
        ctx.pipeline().remove(this);
    }

    private void refused(ChannelHandlerContext ctx) {
        counters.count(Metric.CLIENT_MAX_CONNECTIONS_REFUSED);
        long now = System.nanoTime();
        long last = lastWarning.get();
        if (now - last >= WARNING_INTERVAL_NANOS && lastWarning.compareAndSet(last, now)) {
            LOG.warning(() -> "MQTT listener '" + listenerName + "' has max_connections (" + maxConnections
                    + ") open: refused " + ctx.channel().remoteAddress() + " (refusals so far: "
                    + counters.get(Metric.CLIENT_MAX_CONNECTIONS_REFUSED)
                    + " in client.max_connections_refused; next warning in a minute at the earliest)");
        }
    }

    int openConnections() {
        return open.get();
    }
}
