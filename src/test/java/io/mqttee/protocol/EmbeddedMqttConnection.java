package io.mqttee.protocol;

import io.mqttee.config.ListenerConfig;
import io.mqttee.core.Broker;
import io.mqttee.testing.Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One MQTT connection over an {@link EmbeddedChannel} with the listener's pipeline (decoder,
 * encoder, connection handler, named as {@link MqttChannelInitializer} names them): tests write raw
 * bytes in and read the server's packets out, parsed.
 */
final class EmbeddedMqttConnection implements AutoCloseable {

    /** The handler reads the peer's IP address, which only an InetSocketAddress has. */
    private static final class TcpLikeEmbeddedChannel extends EmbeddedChannel {
        TcpLikeEmbeddedChannel() {
            super(false, false);
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return new InetSocketAddress("127.0.0.1", 40000);
        }
    }

    final EmbeddedChannel channel = new TcpLikeEmbeddedChannel();
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    EmbeddedMqttConnection(Broker broker, ListenerConfig listener) throws Exception {
        MqttChannelInitializer.addMqttHandlers(channel.pipeline(), broker, listener);
        channel.register();
    }

    /** Writes raw bytes as one read, then runs the tasks the handler queued. */
    EmbeddedMqttConnection send(byte[]... chunks) {
        for (byte[] bytes : chunks) {
            if (channel.isOpen()) {
                channel.writeInbound(Unpooled.wrappedBuffer(bytes));
            }
        }
        channel.runPendingTasks();
        return this;
    }

    /** Every packet the server wrote so far, in order. */
    List<Packet> received() {
        channel.runPendingTasks();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            try {
                byte[] b = new byte[buf.readableBytes()];
                buf.readBytes(b);
                pending.writeBytes(b);
            } finally {
                buf.release();
            }
        }
        List<Packet> out = new ArrayList<>();
        byte[] all = pending.toByteArray();
        int i = 0;
        while (i < all.length) {
            int j = i + 1;
            int length = 0;
            int multiplier = 1;
            int digit;
            do {
                digit = all[j++] & 0xFF;
                length += (digit & 0x7F) * multiplier;
                multiplier *= 128;
            } while ((digit & 0x80) != 0);
            byte[] whole = java.util.Arrays.copyOfRange(all, i, j + length);
            out.add(Packet.parse(whole));
            i = j + length;
        }
        pending.reset();
        return out;
    }

    boolean isClosed() {
        channel.runPendingTasks();
        return !channel.isOpen();
    }

    void advanceTime(long amount, TimeUnit unit) {
        channel.advanceTimeBy(amount, unit);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
    }
}
