package io.mqttee.it;

import jakarta.json.Json;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Black-box probes of a deployed broker: HTTP GET with JSON, a raw MQTT handshake, ports, threads. */
final class Probes {

    /** Every thread the broker starts has a name with this prefix ({@code mqttee-accept}, {@code mqttee-io-*}). */
    static final String BROKER_THREAD_PREFIX = "mqttee-";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Probes() {
    }

    record JsonResponse(int status, String contentType, JsonValue body) {
    }

    static JsonResponse getJson(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        String contentType = r.headers().firstValue("Content-Type").orElse("");
        JsonValue body = null;
        if (contentType.startsWith("application/json")) {
            try (JsonReader reader = Json.createReader(new StringReader(r.body()))) {
                body = reader.readValue();
            }
        }
        return new JsonResponse(r.statusCode(), contentType, body);
    }

    static int status(URI uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /**
     * Sends an MQTT 3.1.1 CONNECT (clean session, client id {@code clientId}) and returns the
     * CONNACK's return code; then disconnects.
     */
    static int connectReturnCode(int port, String clientId) throws IOException {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        int remaining = 10 + 2 + id.length;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {0x10, (byte) remaining, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60,
                    (byte) (id.length >> 8), (byte) id.length});
            out.write(id);
            out.flush();
            InputStream in = s.getInputStream();
            byte[] connack = in.readNBytes(4);
            if (connack.length != 4 || connack[0] != 0x20 || connack[1] != 0x02) {
                throw new IOException("expected a CONNACK, got " + Arrays.toString(connack));
            }
            out.write(new byte[] {(byte) 0xE0, 0});
            out.flush();
            return connack[3];
        }
    }

    /** Whether a server socket can bind {@code 127.0.0.1:port} now. */
    static boolean canBind(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The live threads named {@value #BROKER_THREAD_PREFIX}*: identity matters, names repeat across deployments. */
    static Set<Thread> brokerThreads() {
        Set<Thread> threads = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith(BROKER_THREAD_PREFIX)) {
                threads.add(t);
            }
        }
        return threads;
    }

    static List<String> names(Collection<Thread> threads) {
        return threads.stream().map(Thread::getName).sorted().toList();
    }
}
