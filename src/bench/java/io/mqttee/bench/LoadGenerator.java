package io.mqttee.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import org.HdrHistogram.Histogram;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The load generator: every client connection on ONE Netty event-loop thread, so that all counters
 * are plain fields and the generator costs one core at most. Publishers are driven by events
 * (acknowledgements, deliveries, writability) or by the event loop's timer; nothing sleeps.
 */
final class LoadGenerator implements AutoCloseable {

    enum Mode {
        /** At most {@code window} messages per publisher not yet delivered to all its subscribers (and, at QoS 1, not yet acknowledged). */
        CLOSED,
        /** Publishers write whenever their socket takes more: they wait for nothing. */
        FLOOD,
        /** A fixed total rate spread evenly over the publishers. */
        RATE
    }

    enum Topology { FAN_IN, FAN_OUT, PAIRS }

    /** One scenario's shape. */
    record Spec(String name, Topology topology, int publishers, int subscribers, int qos, Mode mode,
                int window, int totalRate, boolean latency) {
    }

    /** Counters read at one instant. */
    record Snapshot(long nanos, long sent, long expected, long received, long gaps, long duplicates, long stalls,
                    long unexpectedCloses, Histogram latency) {
    }

    /** Netty's native epoll transport: fewer system calls and less garbage per read than NIO. */
    static final boolean EPOLL = !Boolean.getBoolean("bench.nio") && Epoll.isAvailable();

    private final MultiThreadIoEventLoopGroup group;
    private final EventLoop loop;
    private final InetSocketAddress broker;
    private final String nonce;
    private int keepAlive = 120;

    LoadGenerator(InetSocketAddress broker, String nonce) {
        this.group = new MultiThreadIoEventLoopGroup(1, EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.loop = group.next();
        this.broker = broker;
        this.nonce = nonce;
    }

    private Bootstrap bootstrap(Conn conn) {
        return new Bootstrap().group(loop).channel(EPOLL ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 20_000)
                .handler(conn);
    }

    <T> T onLoop(Callable<T> task) {
        try {
            return loop.submit(task).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("generator task failed: " + e, e);
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    // ------------------------------------------------------------------ throughput and latency

    /** Connects, subscribes and readies one scenario; {@link Run#start} begins publishing. */
    Run open(Spec spec) throws Exception {
        Run run = new Run(spec);
        run.connectAll();
        return run;
    }

    final class Run implements Conn.Listener {
        final Spec spec;
        final byte[][] pubTopic;
        final int[][] subsOf;           // publisher -> subscribers that receive its messages
        final int[][] pubsOf;           // subscriber -> publishers it hears
        final long[][] highest;         // [subscriber][publisher] highest sequence received
        final long[] sent;
        final long[] base;              // sequences written off by the stall rescue
        final int[] unacked;
        final long[] lastProgress;
        final boolean[] pumpQueued;
        final long[] nextDue;
        final Conn[] pubs;
        final Conn[] subs;
        final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final java.io.PrintStream trace = traceStream();
        long received;
        long gaps;
        long duplicates;
        long stalls;
        final boolean[] dirty;
        boolean dirtyQueued;
        long unexpectedCloses;
        boolean publishing;
        boolean closing;
        int ready;
        CompletableFuture<Void> readyFuture;
        ScheduledFuture<?> timer;
        /** PINGREQs every half keep-alive, so that brokers do not close the connections that only receive. */
        ScheduledFuture<?> keepAliveTimer;
        final int batch;
        final int frameSize;
        /** CLOSED mode: a publisher writes again once a quarter of its window is free. */
        final int lowWater;

        Run(Spec spec) {
            this.spec = spec;
            int np = spec.publishers();
            int ns = spec.subscribers();
            pubTopic = new byte[np][];
            subsOf = new int[np][];
            pubsOf = new int[ns][];
            highest = new long[ns][np];
            sent = new long[np];
            base = new long[np];
            unacked = new int[np];
            lastProgress = new long[np];
            pumpQueued = new boolean[np];
            dirty = new boolean[np];
            nextDue = new long[np];
            pubs = new Conn[np];
            subs = new Conn[ns];
            String prefix = "bench/" + nonce + "/" + spec.name();
            for (int p = 0; p < np; p++) {
                switch (spec.topology()) {
                    case FAN_IN, FAN_OUT -> {
                        pubTopic[p] = prefix.getBytes(StandardCharsets.UTF_8);
                        subsOf[p] = range(ns);
                    }
                    case PAIRS -> {
                        pubTopic[p] = (prefix + "/" + p).getBytes(StandardCharsets.UTF_8);
                        subsOf[p] = new int[] {p};
                    }
                }
            }
            for (int s = 0; s < ns; s++) {
                pubsOf[s] = spec.topology() == Topology.PAIRS ? new int[] {s} : range(np);
            }
            if (spec.topology() == Topology.PAIRS && np != ns) {
                throw new IllegalArgumentException("pairs need as many publishers as subscribers");
            }
            batch = spec.mode() == Mode.FLOOD ? 64 : Math.max(1, spec.window());
            lowWater = Math.max(1, spec.window() / 4);
            frameSize = MqttFrames.publishSize(pubTopic[0], spec.qos()) + 8;
        }

        private static int[] range(int n) {
            int[] r = new int[n];
            for (int i = 0; i < n; i++) {
                r[i] = i;
            }
            return r;
        }

        private byte[] subTopic(int s) {
            return pubTopic[pubsOf[s][0]];
        }

        void connectAll() throws Exception {
            // subscribers first (connect + subscribe), then publishers
            readyFuture = new CompletableFuture<>();
            onLoop(() -> {
                ready = 0;
                for (int s = 0; s < subs.length; s++) {
                    subs[s] = connect(new Conn(s, false, this), "s" + s);
                }
                return null;
            });
            readyFuture.get(60, TimeUnit.SECONDS);
            readyFuture = new CompletableFuture<>();
            onLoop(() -> {
                ready = 0;
                for (int p = 0; p < pubs.length; p++) {
                    pubs[p] = connect(new Conn(p, true, this), "p" + p);
                }
                return null;
            });
            readyFuture.get(60, TimeUnit.SECONDS);
            // A QoS 0 subscriber sends nothing after SUBSCRIBE: without pings a broker rightly closes
            // it 1.5 keep-alives after its last packet [MQTT-3.1.2-24] (long latency runs lost messages so)
            onLoop(() -> keepAliveTimer = loop.scheduleAtFixedRate(this::ping, keepAlive / 2, keepAlive / 2,
                    TimeUnit.SECONDS));
        }

        /** One PINGREQ on every open connection; the PINGRESP is ignored (see {@link Conn}). */
        private void ping() {
            for (Channel ch : openChannels()) {
                ByteBuf b = ch.alloc().buffer(2);
                MqttFrames.pingreq(b);
                ch.writeAndFlush(b, ch.voidPromise());
            }
        }

        /** The publishers' and subscribers' connections that are still open (on the loop). */
        private List<Channel> openChannels() {
            List<Channel> open = new ArrayList<>(pubs.length + subs.length);
            for (Conn[] cs : new Conn[][] {pubs, subs}) {
                for (Conn c : cs) {
                    if (c != null && c.channel.isActive()) {
                        open.add(c.channel);
                    }
                }
            }
            return open;
        }

        private Conn connect(Conn c, String role) {
            String clientId = "b" + nonce + "-" + spec.name() + "-" + role;
            ChannelFuture f = bootstrap(c).connect(broker);
            c.channel = f.channel();
            f.addListener(done -> {
                if (!done.isSuccess()) {
                    readyFuture.completeExceptionally(done.cause());
                    return;
                }
                ByteBuf b = c.channel.alloc().buffer(64);
                MqttFrames.connect(b, clientId, keepAlive);
                c.channel.writeAndFlush(b);
            });
            return c;
        }

        @Override
        public void connack(Conn c, int returnCode) {
            if (returnCode != 0) {
                readyFuture.completeExceptionally(new IllegalStateException("CONNACK " + returnCode));
                return;
            }
            if (c.publisher) {
                countReady(pubs.length);
            } else {
                ByteBuf b = c.channel.alloc().buffer(64);
                MqttFrames.subscribe(b, 1, subTopic(c.index), spec.qos());
                c.channel.writeAndFlush(b);
            }
        }

        @Override
        public void suback(Conn c) {
            countReady(subs.length);
        }

        private void countReady(int of) {
            if (++ready == of) {
                readyFuture.complete(null);
            }
        }

        void start() {
            onLoop(() -> {
                publishing = true;
                long now = System.nanoTime();
                Arrays.fill(lastProgress, now);
                switch (spec.mode()) {
                    case CLOSED -> {
                        timer = loop.scheduleAtFixedRate(this::rescueStalls, 200, 200, TimeUnit.MILLISECONDS);
                        for (int p = 0; p < pubs.length; p++) {
                            pump(p);
                        }
                    }
                    case FLOOD -> {
                        for (int p = 0; p < pubs.length; p++) {
                            pump(p);
                        }
                    }
                    case RATE -> {
                        long interval = 1_000_000_000L * pubs.length / spec.totalRate();
                        for (int p = 0; p < pubs.length; p++) {
                            nextDue[p] = now + interval * p / pubs.length;
                        }
                        timer = loop.scheduleAtFixedRate(() -> tick(interval), 0, 1, TimeUnit.MILLISECONDS);
                    }
                }
                return null;
            });
        }

        /** RATE mode: send what is due; the timestamp in the payload is the moment of writing. */
        private void tick(long interval) {
            if (!publishing) {
                return;
            }
            long now = System.nanoTime();
            for (int p = 0; p < pubs.length; p++) {
                Channel ch = pubs[p].channel;
                ByteBuf buf = null;
                while (nextDue[p] <= now) {
                    if (buf == null) {
                        buf = ch.alloc().directBuffer(frameSize * 2);
                    }
                    writeOne(p, buf);
                    nextDue[p] += interval;
                }
                if (buf != null) {
                    ch.writeAndFlush(buf, ch.voidPromise());
                }
            }
        }

        private void writeOne(int p, ByteBuf buf) {
            long seq = ++sent[p];
            int packetId = 0;
            if (spec.qos() > 0) {
                packetId = (int) (seq % 65535) + 1;
                unacked[p]++;
            }
            MqttFrames.publish(buf, pubTopic[p], spec.qos(), packetId,
                    spec.latency() ? System.nanoTime() : 0L, p, seq);
        }

        private long delivered(int p) {
            long min = Long.MAX_VALUE;
            for (int s : subsOf[p]) {
                long h = highest[s][p];
                if (h < min) {
                    min = h;
                }
            }
            return Math.max(min, base[p]);
        }

        private boolean canSend(int p) {
            if (!publishing || !pubs[p].channel.isWritable()) {
                return false;
            }
            if (spec.mode() == Mode.FLOOD) {
                return true;
            }
            return free(p) > 0;
        }

        private void pump(int p) {
            if (spec.mode() == Mode.RATE || !canSend(p)) {
                return;
            }
            Channel ch = pubs[p].channel;
            ByteBuf buf = ch.alloc().directBuffer(frameSize * batch);
            int n = 0;
            do {
                writeOne(p, buf);
                n++;
            } while (n < batch && canSend(p));
            ch.writeAndFlush(buf, ch.voidPromise());
            if (n == batch && !pumpQueued[p] && canSend(p)) {
                // let the event loop read the subscribers before writing more
                pumpQueued[p] = true;
                loop.execute(() -> {
                    pumpQueued[p] = false;
                    pump(p);
                });
            }
        }

        /** CLOSED mode: a publisher stuck for a second on messages that never arrived writes them off. */
        private void rescueStalls() {
            long now = System.nanoTime();
            for (int p = 0; p < pubs.length; p++) {
                if (publishing && !canSend(p) && pubs[p].channel.isWritable()
                        && now - lastProgress[p] > TimeUnit.SECONDS.toNanos(1)) {
                    base[p] = sent[p];
                    unacked[p] = 0;
                    stalls++;
                    lastProgress[p] = now;
                    pump(p);
                }
            }
        }

        @Override
        public void publish(Conn c, ByteBuf in, int payload, int qos, int packetId) {
            int s = c.index;
            if (qos > 0) {
                MqttFrames.puback(c.pending(64), packetId);
            }
            int p = in.getInt(payload + 8);
            long seq = in.getLong(payload + 12);
            received++;
            if (p < 0 || p >= pubs.length) {
                return;
            }
            long h = highest[s][p];
            if (seq <= h) {
                duplicates++;
            } else {
                gaps += seq - h - 1;
                highest[s][p] = seq;
                lastProgress[p] = System.nanoTime();
                if (spec.latency()) {
                    long sentAt = in.getLong(payload);
                    latency.recordValue(Math.max(0, lastProgress[p] - sentAt));
                    if (trace != null && lastProgress[p] - sentAt >= TRACE_NS) {
                        trace.println(sentAt / 1000 + " " + (lastProgress[p] - sentAt) / 1000 + " " + p + " " + s);
                    }
                }
            }
        }

        @Override
        public void puback(Conn c, int packetId) {
            if (unacked[c.index] > 0) {
                unacked[c.index]--;
                lastProgress[c.index] = System.nanoTime();
            }
        }

        /**
         * CLOSED mode: the publishers a read burst may have freed are pumped once, after every
         * channel of this event-loop turn was read, so that deliveries on several subscribers or
         * acknowledgements turn into one write per publisher rather than one each.
         */
        @Override
        public void readComplete(Conn c) {
            if (spec.mode() != Mode.CLOSED) {
                return;
            }
            if (c.publisher) {
                dirty[c.index] = true;
            } else {
                for (int p : pubsOf[c.index]) {
                    dirty[p] = true;
                }
            }
            if (!dirtyQueued) {
                dirtyQueued = true;
                loop.execute(this::pumpDirty);
            }
        }

        private void pumpDirty() {
            dirtyQueued = false;
            for (int p = 0; p < dirty.length; p++) {
                if (dirty[p]) {
                    dirty[p] = false;
                    if (free(p) >= lowWater) {
                        pump(p);
                    }
                }
            }
        }

        /** CLOSED mode: how many more messages publisher {@code p} may write now. */
        private long free(int p) {
            long f = spec.window() - (sent[p] - delivered(p));
            if (spec.qos() > 0) {
                f = Math.min(f, spec.window() - unacked[p]);
            }
            return f;
        }

        @Override
        public void writable(Conn c) {
            if (c.publisher) {
                pump(c.index);
            }
        }

        @Override
        public void closed(Conn c) {
            if (!closing) {
                unexpectedCloses++;
            }
        }

        Snapshot snapshot(boolean resetLatency) {
            return onLoop(() -> {
                long s = 0;
                long expected = 0;
                for (int p = 0; p < pubs.length; p++) {
                    s += sent[p];
                    expected += sent[p] * subsOf[p].length;
                }
                Histogram h = latency.copy();
                if (resetLatency) {
                    latency.reset();
                }
                return new Snapshot(System.nanoTime(), s, expected, received, gaps, duplicates, stalls, unexpectedCloses, h);
            });
        }

        void stopPublishing() {
            onLoop(() -> {
                publishing = false;
                if (timer != null) {
                    timer.cancel(false);
                }
                return null;
            });
        }

        /** Waits until nothing more arrives for {@code quietMillis} (or everything arrived), at most {@code maxMillis}. */
        Snapshot drain(long quietMillis, long maxMillis) throws InterruptedException {
            long deadline = System.currentTimeMillis() + maxMillis;
            Snapshot last = snapshot(false);
            long lastChange = System.currentTimeMillis();
            while (System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
                Snapshot now = snapshot(false);
                if (now.received() >= now.expected()) {
                    return now;
                }
                if (now.received() != last.received()) {
                    lastChange = System.currentTimeMillis();
                } else if (System.currentTimeMillis() - lastChange >= quietMillis) {
                    return now;
                }
                last = now;
            }
            return snapshot(false);
        }

        void close() throws Exception {
            List<ChannelFuture> closes = onLoop(() -> {
                closing = true;
                if (keepAliveTimer != null) {
                    keepAliveTimer.cancel(false);
                }
                List<ChannelFuture> fs = new ArrayList<>();
                for (Channel ch : openChannels()) {
                    ByteBuf b = ch.alloc().buffer(2);
                    MqttFrames.disconnect(b);
                    ch.writeAndFlush(b);
                    fs.add(ch.close());
                }
                return fs;
            });
            for (ChannelFuture f : closes) {
                f.await(5, TimeUnit.SECONDS);
            }
        }
    }

    // ------------------------------------------------------------------ idle connections

    /** Result of the connection ramp. */
    record RampResult(int connected, int failed, long nanos) {
    }

    final class Ramp implements Conn.Listener {
        final String tag;
        final int total;
        final int inFlightMax;
        final Conn[] conns;
        int started;
        int inFlight;
        int connected;
        int failed;
        long t0;
        long t1;
        boolean closing;
        final CompletableFuture<RampResult> done = new CompletableFuture<>();

        Ramp(String tag, int total, int inFlightMax) {
            this.tag = tag;
            this.total = total;
            this.inFlightMax = inFlightMax;
            this.conns = new Conn[total];
        }

        RampResult run(long timeoutSeconds) throws Exception {
            onLoop(() -> {
                t0 = System.nanoTime();
                while (inFlight < inFlightMax && started < total) {
                    startOne();
                }
                return null;
            });
            try {
                return done.get(timeoutSeconds, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                return onLoop(() -> new RampResult(connected, total - connected, System.nanoTime() - t0));
            }
        }

        private void startOne() {
            int i = started++;
            inFlight++;
            Conn c = new Conn(i, false, this);
            conns[i] = c;
            ChannelFuture f = bootstrap(c).connect(broker);
            c.channel = f.channel();
            f.addListener(r -> {
                if (!r.isSuccess()) {
                    finishOne(false);
                    return;
                }
                ByteBuf b = c.channel.alloc().buffer(64);
                MqttFrames.connect(b, "b" + nonce + "-" + tag + "-" + i, 600);
                c.channel.writeAndFlush(b);
            });
        }

        private void finishOne(boolean ok) {
            inFlight--;
            if (ok) {
                connected++;
            } else {
                failed++;
            }
            if (connected + failed == total) {
                t1 = System.nanoTime();
                done.complete(new RampResult(connected, failed, t1 - t0));
            } else if (started < total) {
                startOne();
            }
        }

        @Override
        public void connack(Conn c, int returnCode) {
            finishOne(returnCode == 0);
        }

        @Override
        public void closed(Conn c) {
            // a connection closed before its CONNACK is never counted: the ramp's timeout reports it
        }

        void close() throws Exception {
            List<ChannelFuture> closes = onLoop(() -> {
                closing = true;
                List<ChannelFuture> fs = new ArrayList<>();
                for (Conn c : conns) {
                    if (c != null && c.channel != null) {
                        fs.add(c.channel.close());
                    }
                }
                return fs;
            });
            for (ChannelFuture f : closes) {
                f.await(10, TimeUnit.SECONDS);
            }
        }

        int open() {
            return onLoop(() -> {
                int n = 0;
                for (Conn c : conns) {
                    if (c != null && c.channel != null && c.channel.isActive()) {
                        n++;
                    }
                }
                return n;
            });
        }

        @Override
        public void suback(Conn c) {
        }

        @Override
        public void publish(Conn c, ByteBuf in, int payload, int qos, int packetId) {
        }

        @Override
        public void puback(Conn c, int packetId) {
        }

        @Override
        public void readComplete(Conn c) {
        }

        @Override
        public void writable(Conn c) {
        }
    }

    /** {@code total} clients connecting with {@code inFlight} CONNECTs outstanding; ids carry {@code tag}. */
    Ramp ramp(String tag, int total, int inFlight) {
        return new Ramp(tag, total, inFlight);
    }

    /**
     * {@code BENCH_TRACE=file}: every latency sample above {@code BENCH_TRACE_MIN_US} (default 0) is
     * appended to the file as "send time (us, generator clock), latency (us), publisher, subscriber",
     * to see when a tail happens (periodic, clustered, one connection) rather than only how long it is.
     */
    static final long TRACE_NS = Long.parseLong(System.getenv().getOrDefault("BENCH_TRACE_MIN_US", "0")) * 1000;

    static java.io.PrintStream traceStream() {
        String f = System.getenv("BENCH_TRACE");
        try {
            return f == null ? null : new java.io.PrintStream(new java.io.FileOutputStream(f, true), true);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
