package io.mqttee.auth;

import com.hivemq.client.mqtt.datatypes.MqttUtf8String;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientConfig;
import com.hivemq.client.mqtt.mqtt5.auth.Mqtt5EnhancedAuthMechanism;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5Auth;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5AuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5EnhancedAuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5Disconnect;
import io.mqttee.config.BrokerConfig;
import io.mqttee.config.ListenerConfig;
import io.mqttee.core.AuthenticationMethod;
import io.mqttee.core.Broker;
import io.mqttee.protocol.MqttServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * MQTT 5 enhanced authentication (section 4.12) with the HiveMQ client's AUTH support against a
 * challenge-response method registered the way an authentication plugin would register one.
 */
class EnhancedAuthenticationIT {

    private static final String METHOD = "MQTTEE-TEST-CHALLENGE";

    /** The server sends a challenge; the client must answer with it reversed. */
    static final class ChallengeMethod implements AuthenticationMethod {
        @Override
        public String name() {
            return METHOD;
        }

        @Override
        public Exchange start(String clientId, String username) {
            return new Exchange() {
                private String challenge;

                @Override
                public Step step(byte[] clientData) {
                    String data = new String(clientData, StandardCharsets.UTF_8);
                    if (challenge == null) {
                        if (!data.equals("hello")) {
                            return Step.failure();
                        }
                        challenge = "nonce-" + clientId;
                        return Step.proceed(challenge.getBytes(StandardCharsets.UTF_8));
                    }
                    return data.equals(new StringBuilder(challenge).reverse().toString())
                            ? Step.success("welcome".getBytes(StandardCharsets.UTF_8)) : Step.failure();
                }
            };
        }
    }

    /** The client side: sends "hello", answers the challenge reversed (or wrongly, if told to). */
    static final class ClientMechanism implements Mqtt5EnhancedAuthMechanism {
        final boolean answerWrongly;
        volatile String successData;

        ClientMechanism(boolean answerWrongly) {
            this.answerWrongly = answerWrongly;
        }

        @Override
        public MqttUtf8String getMethod() {
            return MqttUtf8String.of(METHOD);
        }

        @Override
        public int getTimeout() {
            return 10;
        }

        @Override
        public CompletableFuture<Void> onAuth(Mqtt5ClientConfig c, Mqtt5Connect connect, Mqtt5EnhancedAuthBuilder b) {
            b.data("hello".getBytes(StandardCharsets.UTF_8));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> onReAuth(Mqtt5ClientConfig c, Mqtt5AuthBuilder b) {
            b.data("hello".getBytes(StandardCharsets.UTF_8));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Boolean> onContinue(Mqtt5ClientConfig c, Mqtt5Auth auth, Mqtt5AuthBuilder b) {
            String challenge = text(auth.getData().orElseThrow());
            String answer = answerWrongly ? challenge : new StringBuilder(challenge).reverse().toString();
            b.data(answer.getBytes(StandardCharsets.UTF_8));
            return CompletableFuture.completedFuture(true);
        }

        @Override
        public CompletableFuture<Boolean> onAuthSuccess(Mqtt5ClientConfig c, Mqtt5ConnAck connAck) {
            successData = connAck.getEnhancedAuth().flatMap(a -> a.getData()).map(EnhancedAuthenticationIT::text)
                    .orElse(null);
            return CompletableFuture.completedFuture(true);
        }

        @Override
        public CompletableFuture<Boolean> onReAuthSuccess(Mqtt5ClientConfig c, Mqtt5Auth auth) {
            return CompletableFuture.completedFuture(true);
        }

        @Override
        public void onAuthRejected(Mqtt5ClientConfig c, Mqtt5ConnAck connAck) {
        }

        @Override
        public void onReAuthRejected(Mqtt5ClientConfig c, Mqtt5Disconnect disconnect) {
        }

        @Override
        public void onAuthError(Mqtt5ClientConfig c, Throwable cause) {
        }

        @Override
        public void onReAuthError(Mqtt5ClientConfig c, Throwable cause) {
        }
    }

    private Broker broker;
    private MqttServer server;

    @BeforeEach
    void start() {
        broker = new Broker(new BrokerConfig(1, List.of(ListenerConfig.defaults("external")
                .withAddress("127.0.0.1", 0))), Clock.systemUTC());
        broker.authenticationMethods().register(new ChallengeMethod());
        server = new MqttServer(broker);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(Duration.ofSeconds(5));
    }

    private Mqtt5BlockingClient client(String id, ClientMechanism mechanism) {
        return Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(server.port("external"))
                .enhancedAuth(mechanism).buildBlocking();
    }

    static String text(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void challengeResponseExchangeAdmitsTheClient() {
        ClientMechanism mechanism = new ClientMechanism(false);
        Mqtt5BlockingClient c = client("auth-ok", mechanism);
        Mqtt5ConnAck connAck = c.connect();
        assertThat(connAck.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        // The CONNACK names the method and carries the method's final data [MQTT-4.12.0-? 3.2.2.3.17]
        assertThat(mechanism.successData).isEqualTo("welcome");
        assertThat(broker.session("auth-ok")).isPresent();
        c.disconnect();
    }

    @Test
    void wrongAnswerIsNotAuthorized() {
        Mqtt5BlockingClient c = client("auth-bad", new ClientMechanism(true));
        assertThatThrownBy(c::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class, e ->
                assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
        assertThat(broker.session("auth-bad")).isEmpty(); // nothing half-made
    }

    @Test
    void unknownMethodIsBadAuthenticationMethod() {
        broker.authenticationMethods().unregister(METHOD);
        Mqtt5BlockingClient c = client("auth-none", new ClientMechanism(false));
        assertThatThrownBy(c::connect).isInstanceOfSatisfying(Mqtt5ConnAckException.class, e ->
                assertThat(e.getMqttMessage().getReasonCode())
                        .isEqualTo(Mqtt5ConnAckReasonCode.BAD_AUTHENTICATION_METHOD)); // [MQTT-4.12.0-1]
    }

    @Test
    void reauthenticationSucceedsOnTheLiveConnection() {
        Mqtt5BlockingClient c = client("auth-re", new ClientMechanism(false));
        c.connect();
        c.toAsync().reauth().join(); // AUTH 0x19 → AUTH 0x18 → AUTH 0x00 [MQTT-4.12.1-1]
        assertThat(c.getState().isConnected()).isTrue();
        c.disconnect();
    }
}
