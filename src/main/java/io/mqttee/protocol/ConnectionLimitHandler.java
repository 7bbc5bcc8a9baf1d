package io.mqttee.protocol;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Refuses connections beyond a listener's {@code max_connections} by closing them as soon as they
 * are accepted, before any byte is read. One instance per listener, shared by its channels; it
 * removes itself from each pipeline once it has counted the connection.
 */
@ChannelHandler.Sharable
final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {

    private final int maxConnections;
    private final AtomicInteger open = new AtomicInteger();

    ConnectionLimitHandler(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    /** Shared by every counted channel: uncounts it when it closes. */
    private final ChannelFutureListener release = f -> open.decrementAndGet();

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
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

    int openConnections() {
        return open.get();
    }
}
