package io.mqttee.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A byte-level MQTT client for tests: sends hand-built packets ({@link MqttPackets}) and reads the
 * server's packets with a timeout. A daemon thread reads the socket into a queue, so a read never
 * leaves a packet half-consumed; the end of the stream is seen as {@link #isClosedByServer()}.
 */
public final class RawMqttClient implements AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static final Packet END = new Packet(-1, 0, new byte[0]);

    private final Socket socket;
    private final OutputStream out;
    private final BlockingQueue<Packet> received = new LinkedBlockingQueue<>();
    private volatile boolean closedByServer;

    public RawMqttClient(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), (int) TIMEOUT.toMillis());
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        Thread reader = new Thread(this::readLoop, "raw-mqtt-reader-" + socket.getLocalPort());
        reader.setDaemon(true);
        reader.start();
    }

    private void readLoop() {
        try {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            while (true) {
                int first = in.read();
                if (first < 0) {
                    break;
                }
                ByteArrayOutputStream whole = new ByteArrayOutputStream();
                whole.write(first);
                int length = 0;
                int multiplier = 1;
                int digit;
                do {
                    digit = in.readUnsignedByte();
                    whole.write(digit);
                    length += (digit & 0x7F) * multiplier;
                    multiplier *= 128;
                } while ((digit & 0x80) != 0);
                byte[] body = new byte[length];
                in.readFully(body);
                whole.writeBytes(body);
                received.add(Packet.parse(whole.toByteArray()));
            }
        } catch (EOFException e) {
            // closed mid-packet
        } catch (IOException e) {
            // reset by peer or closed locally
        } finally {
            closedByServer = !socket.isClosed();
            received.add(END);
        }
    }

    public RawMqttClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Sends CONNECT and returns the CONNACK. */
    public Packet connect(MqttPackets.Connect connect) throws IOException {
        send(connect.build());
        Packet p = read();
        if (p.type() != MqttPackets.CONNACK) {
            throw new AssertionError("expected CONNACK, got " + p);
        }
        return p;
    }

    /** Sends SUBSCRIBE and returns the SUBACK. */
    public Packet subscribe(int packetId, Object... filtersAndQos) throws IOException {
        send(MqttPackets.subscribe(packetId, filtersAndQos));
        return expect(MqttPackets.SUBACK);
    }

    /** The next packet, waiting up to {@link #TIMEOUT}; fails when none arrives or the server closed. */
    public Packet read() {
        return read(TIMEOUT);
    }

    public Packet read(Duration timeout) {
        Packet p = poll(timeout);
        if (p == null) {
            throw new AssertionError("no packet within " + timeout);
        }
        return p;
    }

    /** The next packet, which must be of {@code type}. */
    public Packet expect(int type) {
        Packet p = read();
        if (p.type() != type) {
            throw new AssertionError("expected packet type " + type + " but got " + p);
        }
        return p;
    }

    /**
     * The next packet within {@code timeout}, or null when none arrived or the server closed the
     * connection first (then {@link #isClosedByServer()} says so).
     */
    public Packet pollUnlessClosed(Duration timeout) {
        Packet p = next(timeout);
        return p == END ? null : p;
    }

    /** The next packet within {@code timeout}, or null when none arrived; fails if the server closed. */
    public Packet poll(Duration timeout) {
        Packet p = next(timeout);
        if (p == END) {
            throw new AssertionError("connection closed by the server");
        }
        return p;
    }

    /** The next packet, {@link #END} once the server closed (left in place for later calls), or null. */
    private Packet next(Duration timeout) {
        try {
            Packet p = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (p == END) {
                received.add(END);
            }
            return p;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Reads {@code n} packets. */
    public List<Packet> read(int n) {
        List<Packet> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(read());
        }
        return out;
    }

    /**
     * Waits up to {@link #TIMEOUT} for the server to close the connection; returns the packets it
     * sent before closing.
     */
    public List<Packet> awaitClosedByServer() {
        List<Packet> before = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("server did not close the connection within " + TIMEOUT
                        + "; received " + before);
            }
            try {
                Packet p = received.poll(left, TimeUnit.NANOSECONDS);
                if (p == END) {
                    received.add(END);
                    return before;
                }
                if (p != null) {
                    before.add(p);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    public boolean isClosedByServer() {
        return closedByServer;
    }

    /** Closes the socket without DISCONNECT: an abnormal disconnect as the server sees it. */
    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Closes with RST instead of FIN. */
    public void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }
}
