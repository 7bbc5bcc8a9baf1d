package io.mqttee.testing;

import io.mqttee.config.ListenerConfig;

import java.time.Duration;

/** Builds a {@link ListenerConfig} from the defaults, changing only the limits a test names. */
public final class ListenerConfigBuilder {

    private String name = "external";
    private String host = "127.0.0.1";
    private int port = 0;
    private int maxConnections;
    private int maxPacketSize;
    private int maxInflight;
    private int maxMqueueLen;
    private int maxClientIdLen;
    private Duration handshakeTimeout;
    private boolean allowAnonymous;
    private boolean allowZeroKeepalive;
    private int minKeepalive;
    private int maxKeepalive;
    private double keepaliveBackoff;
    private Duration sessionExpiryInterval;
    private Duration messageRetryInterval;
    private Duration messageExpiryInterval;
    private int maxQosAllowed;
    private int maxTopicLevels;
    private int maxSubscriptions;
    private int backlog;
    private boolean nodelay;

    private ListenerConfigBuilder(ListenerConfig d) {
        maxConnections = d.maxConnections();
        maxPacketSize = d.maxPacketSize();
        maxInflight = d.maxInflight();
        maxMqueueLen = d.maxMqueueLen();
        maxClientIdLen = d.maxClientIdLen();
        handshakeTimeout = d.handshakeTimeout();
        allowAnonymous = d.allowAnonymous();
        allowZeroKeepalive = d.allowZeroKeepalive();
        minKeepalive = d.minKeepalive();
        maxKeepalive = d.maxKeepalive();
        keepaliveBackoff = d.keepaliveBackoff();
        sessionExpiryInterval = d.sessionExpiryInterval();
        messageRetryInterval = d.messageRetryInterval();
        messageExpiryInterval = d.messageExpiryInterval();
        maxQosAllowed = d.maxQosAllowed();
        maxTopicLevels = d.maxTopicLevels();
        maxSubscriptions = d.maxSubscriptions();
        backlog = d.backlog();
        nodelay = d.nodelay();
    }

    /** The defaults of listener {@code external}, bound to 127.0.0.1 port 0. */
    public static ListenerConfigBuilder listener() {
        return new ListenerConfigBuilder(ListenerConfig.defaults("external"));
    }

    public ListenerConfigBuilder name(String v) { name = v; return this; }
    public ListenerConfigBuilder maxConnections(int v) { maxConnections = v; return this; }
    public ListenerConfigBuilder maxPacketSize(int v) { maxPacketSize = v; return this; }
    public ListenerConfigBuilder maxInflight(int v) { maxInflight = v; return this; }
    public ListenerConfigBuilder maxMqueueLen(int v) { maxMqueueLen = v; return this; }
    public ListenerConfigBuilder maxClientIdLen(int v) { maxClientIdLen = v; return this; }
    public ListenerConfigBuilder handshakeTimeout(Duration v) { handshakeTimeout = v; return this; }
    public ListenerConfigBuilder allowAnonymous(boolean v) { allowAnonymous = v; return this; }
    public ListenerConfigBuilder allowZeroKeepalive(boolean v) { allowZeroKeepalive = v; return this; }
    public ListenerConfigBuilder minKeepalive(int v) { minKeepalive = v; return this; }
    public ListenerConfigBuilder maxKeepalive(int v) { maxKeepalive = v; return this; }
    public ListenerConfigBuilder keepaliveBackoff(double v) { keepaliveBackoff = v; return this; }
    public ListenerConfigBuilder sessionExpiryInterval(Duration v) { sessionExpiryInterval = v; return this; }
    public ListenerConfigBuilder messageRetryInterval(Duration v) { messageRetryInterval = v; return this; }
    public ListenerConfigBuilder messageExpiryInterval(Duration v) { messageExpiryInterval = v; return this; }
    public ListenerConfigBuilder maxQosAllowed(int v) { maxQosAllowed = v; return this; }
    public ListenerConfigBuilder maxTopicLevels(int v) { maxTopicLevels = v; return this; }
    public ListenerConfigBuilder maxSubscriptions(int v) { maxSubscriptions = v; return this; }

    public ListenerConfig build() {
        return new ListenerConfig(name, host, port, maxConnections, maxPacketSize, maxInflight, maxMqueueLen,
                maxClientIdLen, handshakeTimeout, allowAnonymous, allowZeroKeepalive, minKeepalive, maxKeepalive,
                keepaliveBackoff, sessionExpiryInterval, messageRetryInterval, messageExpiryInterval, maxQosAllowed,
                maxTopicLevels, maxSubscriptions, backlog, nodelay);
    }
}
