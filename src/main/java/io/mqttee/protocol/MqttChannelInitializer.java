package io.mqttee.protocol;

import io.mqttee.config.ListenerConfig;
import io.mqttee.core.Broker;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;

/**
 * Builds the pipeline of every accepted MQTT connection, in one place, with named handlers:
 * <pre>
 *   [connection-limit, until the connection is counted] → packet-inspector → mqtt-decoder
 *   → mqtt-encoder → mqtt-connection
 * </pre>
 * The keepalive timer is the connection handler's own (one scheduled task, no extra handler).
 */
final class MqttChannelInitializer extends ChannelInitializer<SocketChannel> {

    static final String CONNECTION_LIMIT = "connection-limit";
    static final String INSPECTOR = "packet-inspector";
    static final String DECODER = "mqtt-decoder";
    static final String ENCODER = "mqtt-encoder";
    static final String CONNECTION = "mqtt-connection";

    private final Broker broker;
    private final ListenerConfig listener;
    private final ConnectionLimitHandler connectionLimit;
    private final ChannelGroup allChannels;

    MqttChannelInitializer(Broker broker, ListenerConfig listener, ChannelGroup allChannels) {
        this.broker = broker;
        this.listener = listener;
        this.connectionLimit = new ConnectionLimitHandler(listener.name(), listener.maxConnections(),
                broker.counters());
        this.allChannels = allChannels;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        allChannels.add(ch);
        ChannelPipeline p = ch.pipeline();
        p.addLast(CONNECTION_LIMIT, connectionLimit);
        addMqttHandlers(p, broker, listener);
    }

    /** The MQTT part of the pipeline, also used by the protocol tests on an EmbeddedChannel. */
    static void addMqttHandlers(ChannelPipeline p, Broker broker, ListenerConfig listener) {
        p.addLast(INSPECTOR, new MqttPacketInspector(listener.maxPacketSize()));
        // The decoder rejects a packet whose remaining length exceeds the limit before reading its
        // payload, so an oversize packet is never buffered. Its strict UTF-8 mode is off: the
        // inspector has already checked every UTF-8 string of the packet in its raw bytes (well
        // formed, no U+0000) and reports a bad one with its own reason; strict mode would check each
        // string again through a CharsetDecoder, on every PUBLISH topic.
        p.addLast(DECODER, new MqttDecoder(listener.maxPacketSize(), listener.maxClientIdLen(), false));
        p.addLast(ENCODER, MqttEncoder.INSTANCE);
        p.addLast(CONNECTION, new MqttConnectionHandler(broker, listener));
    }
}
