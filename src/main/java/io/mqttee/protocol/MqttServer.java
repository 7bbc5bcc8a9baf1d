package io.mqttee.protocol;

import io.mqttee.config.ListenerConfig;
import io.mqttee.core.Broker;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The MQTT listeners of one broker: binds every {@code [listener.tcp.<name>]}, owns the Netty event
 * loops, and releases everything on {@link #stop}.
 *
 * <p>Threads owned: one acceptor thread ({@code mqttee-accept}) that also runs the once-a-second
 * broker timers ({@link Broker#tick}: delayed wills and publishes, session expiry), and
 * {@code workers} I/O threads ({@code mqttee-io}, one per core by default) that each serve many
 * connections. No other thread is created.
 */
public final class MqttServer {

    private static final Logger LOG = Logger.getLogger(MqttServer.class.getName());

    private final Broker broker;
    private final ThreadFactory acceptorThreads;
    private final ThreadFactory ioThreads;
    private final int workers;
    private final Map<String, Channel> serverChannels = new LinkedHashMap<>();
    private EventLoopGroup acceptorGroup;
    private EventLoopGroup ioGroup;
    private ChannelGroup allChannels;
    private ScheduledFuture<?> brokerTimers;

    /** A server with its own threads, one I/O thread per core. */
    public MqttServer(Broker broker) {
        this(broker, new DefaultThreadFactory("mqttee-accept", true), new DefaultThreadFactory("mqttee-io", true),
                Runtime.getRuntime().availableProcessors());
    }

    /** A server whose threads come from the given factories (a container's ManagedThreadFactory). */
    public MqttServer(Broker broker, ThreadFactory acceptorThreads, ThreadFactory ioThreads, int workers) {
        this.broker = broker;
        this.acceptorThreads = acceptorThreads;
        this.ioThreads = ioThreads;
        this.workers = workers;
    }

    /**
     * Binds every listener. On failure nothing stays bound or running and the exception names the
     * listener and address.
     */
    public synchronized void start() {
        if (acceptorGroup != null) {
            throw new IllegalStateException("already started");
        }
        try {
            acceptorGroup = new MultiThreadIoEventLoopGroup(1, acceptorThreads, NioIoHandler.newFactory());
            ioGroup = new MultiThreadIoEventLoopGroup(workers, ioThreads, NioIoHandler.newFactory());
            // The group's futures run on our own acceptor loop: Netty's shared GlobalEventExecutor
            // would start a thread that outlives an undeploy by its one-second quiet period
            allChannels = new DefaultChannelGroup("mqttee-connections", acceptorGroup.next());
            try {
                for (ListenerConfig listener : broker.config().listeners()) {
                    bind(listener);
                }
            } catch (RuntimeException e) {
                stop(Duration.ofSeconds(5));
                throw e;
            }
            brokerTimers = acceptorGroup.next().scheduleAtFixedRate(this::runBrokerTimers, 1, 1, TimeUnit.SECONDS);
        } finally {
            // Binding leaves Netty's thread-local map on the calling (container) thread; a servlet
            // container reports it as a leak on undeploy.
            FastThreadLocal.removeAll();
        }
    }

    private void bind(ListenerConfig listener) {
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptorGroup, ioGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, listener.backlog())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, listener.nodelay())
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                // One read (of at most 64 KB) per connection per turn of its I/O thread, not Netty's
                // default of up to 16: a publisher that floods cannot take a megabyte of the loop per
                // turn, and what it sends beyond waits in its socket, where TCP slows it down, instead
                // of being read only to be dropped at a subscriber's max_outbound_bytes
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator().maxMessagesPerRead(1))
                // A client is a slow consumer past max_outbound_bytes and keeps up again at half of it
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(listener.maxOutboundBytes() / 2, listener.maxOutboundBytes()))
                .childHandler(new MqttChannelInitializer(broker, listener, allChannels));
        InetSocketAddress address = new InetSocketAddress(listener.host(), listener.port());
        try {
            Channel ch = b.bind(address).syncUninterruptibly().channel();
            serverChannels.put(listener.name(), ch);
            allChannels.add(ch);
            LOG.info(() -> "MQTT listener '" + listener.name() + "' on " + ch.localAddress());
        } catch (Exception e) {
            throw new MqttServerException("cannot bind MQTT listener '" + listener.name() + "' to "
                    + listener.host() + ":" + listener.port() + ": " + e.getMessage(), e);
        }
    }

    private void runBrokerTimers() {
        try {
            broker.tick();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "broker timers failed", e);
        }
    }

    /** The port a listener is bound to (useful when configured with port 0). */
    public synchronized int port(String listenerName) {
        Channel ch = serverChannels.get(listenerName);
        if (ch == null) {
            throw new IllegalArgumentException("no listener named " + listenerName);
        }
        return ((InetSocketAddress) ch.localAddress()).getPort();
    }

    public synchronized boolean isRunning() {
        return acceptorGroup != null && !serverChannels.isEmpty();
    }

    /**
     * Stops accepting, closes every client connection (their sessions see a server shutdown, which
     * publishes no will), shuts the event loops down and waits for their threads to end, at most
     * {@code timeout}.
     */
    public synchronized void stop(Duration timeout) {
        if (acceptorGroup == null) {
            return;
        }
        if (brokerTimers != null) {
            brokerTimers.cancel(false);
        }
        for (Channel ch : serverChannels.values()) {
            ch.close().awaitUninterruptibly(timeout.toMillis());
        }
        serverChannels.clear();
        for (Channel ch : allChannels) {
            MqttConnectionHandler h = ch.pipeline().get(MqttConnectionHandler.class);
            if (h != null) {
                h.shutdown();
            } else {
                ch.close();
            }
        }
        allChannels.newCloseFuture().awaitUninterruptibly(timeout.toMillis());
        long quietMillis = 0;
        ioGroup.shutdownGracefully(quietMillis, timeout.toMillis(), TimeUnit.MILLISECONDS);
        acceptorGroup.shutdownGracefully(quietMillis, timeout.toMillis(), TimeUnit.MILLISECONDS);
        ioGroup.terminationFuture().awaitUninterruptibly(timeout.toMillis());
        acceptorGroup.terminationFuture().awaitUninterruptibly(timeout.toMillis());
        allChannels = null;
        ioGroup = null;
        acceptorGroup = null;
        // Should anything in Netty have started its shared GlobalEventExecutor thread, wait for it to
        // end; and drop Netty's thread-locals on this (container) thread, so that an undeploy leaves
        // no thread and no thread-local of the application behind.
        try {
            GlobalEventExecutor.INSTANCE.awaitInactivity(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (IllegalStateException neverStarted) {
            // the usual case: nothing used it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        FastThreadLocal.removeAll();
        LOG.info("MQTT listeners stopped");
    }
}
