package io.mqttee.mqtt5;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckRestrictions;
import io.mqttee.mqtt5.RawMqtt5Client.Packet;
import io.mqttee.mqtt5.RawMqtt5Client.Props;
import io.mqttee.mqtt5.RawMqtt5Client.Will;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.mqttee.mqtt5.RawMqtt5Client.*;
import static org.assertj.core.api.Assertions.assertThat;

/** CONNECT properties the broker reads and CONNACK properties it advertises [MQTT 5.0 sections 3.1, 3.2]. */
class ConnectPropertiesIT extends Mqtt5BrokerSupport {

    @Test
    void hiveMqClientSeesTheAdvertisedLimitsAndCapabilities() {
        startBroker();
        // [MQTT 5.0 3.2.2.3.3 .. 3.2.2.3.13] Receive Maximum, Maximum QoS absent (= 2), Retain Available,
        // Maximum Packet Size, Topic Alias Maximum, Wildcard / Subscription Identifier / Shared Subscription Available
        Mqtt5ConnAck ack = hive("caps").connect();
        Mqtt5ConnAckRestrictions r = ack.getRestrictions();
        assertThat(r.getReceiveMaximum()).isEqualTo(16);
        assertThat(r.getMaximumPacketSize()).isEqualTo(1024 * 1024);
        assertThat(r.getTopicAliasMaximum()).isEqualTo(32);
        assertThat(r.getMaximumQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
        assertThat(r.isRetainAvailable()).isTrue();
        assertThat(r.isWildcardSubscriptionAvailable()).isTrue();
        assertThat(r.areSubscriptionIdentifiersAvailable()).isTrue();
        assertThat(r.isSharedSubscriptionAvailable()).isTrue();
        assertThat(ack.getAssignedClientIdentifier()).isEmpty();
        assertThat(ack.getServerKeepAlive()).isEmpty();
        assertThat(ack.isSessionPresent()).isFalse();
    }

    @Test
    void rawConnAckCarriesExactlyTheDocumentedProperties() throws Exception {
        startBroker(l -> l.maxInflight(7).maxPacketSize(4096));
        RawMqtt5Client c = raw();
        c.send(connect("raw-caps", true, 60, Props.none(), null));
        Packet ack = c.expect(CONNACK);
        assertThat(ack.reasonCode).isZero();
        assertThat(ack.prop(RECEIVE_MAXIMUM)).isEqualTo(7);
        assertThat(ack.prop(MAXIMUM_PACKET_SIZE)).isEqualTo(4096L);
        assertThat(ack.prop(TOPIC_ALIAS_MAXIMUM)).isEqualTo(32);
        assertThat(ack.prop(RETAIN_AVAILABLE)).isEqualTo(1);
        assertThat(ack.prop(WILDCARD_SUBSCRIPTION_AVAILABLE)).isEqualTo(1);
        assertThat(ack.prop(SUBSCRIPTION_IDENTIFIER_AVAILABLE)).isEqualTo(1);
        assertThat(ack.prop(SHARED_SUBSCRIPTION_AVAILABLE)).isEqualTo(1);
        // QoS 2 supported: Maximum QoS absent means 2 [MQTT 5.0 3.2.2.3.4]
        assertThat(ack.has(MAXIMUM_QOS)).isFalse();
        assertThat(ack.has(ASSIGNED_CLIENT_IDENTIFIER)).isFalse();
        assertThat(ack.has(RESPONSE_INFORMATION)).isFalse();
        assertThat(ack.has(SERVER_KEEP_ALIVE)).isFalse();
    }

    @Test
    void maximumQosIsAdvertisedWhenBelowTwo() {
        // [MQTT-3.2.2-9] a Server that does not support QoS 2 MUST send Maximum QoS
        startBroker(l -> l.maxQosAllowed(1));
        Mqtt5ConnAck ack = hive("qos1").connect();
        assertThat(ack.getRestrictions().getMaximumQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
    }

    @Test
    void emptyClientIdentifierGetsAnAssignedOne() throws Exception {
        // [MQTT-3.2.2-16] zero-length Client Identifier: CONNACK MUST carry an Assigned Client Identifier
        startBroker();
        Mqtt5BlockingClient c = Mqtt5Client.builder().serverHost("127.0.0.1").serverPort(port).buildBlocking();
        closeLater(c::disconnect);
        Mqtt5ConnAck ack = c.connect();
        assertThat(ack.getAssignedClientIdentifier()).isPresent();
        String assigned = ack.getAssignedClientIdentifier().get().toString();
        assertThat(assigned).isNotEmpty();
        assertThat(broker.session(assigned)).isPresent();

        // [MQTT-3.1.3-6] the assigned identifier is unique: a second client gets another
        RawMqtt5Client raw = raw();
        raw.send(connect("", true, 60, Props.none(), null));
        Packet rawAck = raw.expect(CONNACK);
        assertThat(rawAck.reasonCode).isZero();
        assertThat((String) rawAck.prop(ASSIGNED_CLIENT_IDENTIFIER)).isNotEmpty().isNotEqualTo(assigned);
    }

    @Test
    void pahoSeesAssignedIdentifierAndResponseInformation() throws Exception {
        startBroker();
        PahoV5 p = paho("");
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setRequestResponseInfo(true);
        IMqttToken t = p.client.connect(o);
        t.waitForCompletion(TIMEOUT.toMillis());
        String assigned = t.getResponseProperties().getAssignedClientIdentifier();
        assertThat(assigned).isNotEmpty();
        // [MQTT 5.0 3.2.2.3.15] Response Information when Request Response Information is 1
        assertThat(t.getResponseProperties().getResponseInfo()).isEqualTo("mqttee/response/" + assigned);
    }

    @Test
    void responseInformationOnlyWhenRequested() throws Exception {
        startBroker();
        // [MQTT 5.0 3.1.2.11.6] Request Response Information 0: the Server MUST NOT return Response Information
        RawMqtt5Client c = raw();
        c.send(connect("rri0", true, 60, Props.of().u8(REQUEST_RESPONSE_INFORMATION, 0), null));
        assertThat(c.expect(CONNACK).has(RESPONSE_INFORMATION)).isFalse();

        Mqtt5ConnAck ack = hive("rri1").connectWith().restrictions().requestResponseInformation(true)
                .applyRestrictions().send();
        assertThat(ack.getResponseInformation()).map(Object::toString).contains("mqttee/response/rri1");
    }

    @Test
    void serverKeepAliveReplacesATooLongKeepAlive() throws Exception {
        // [MQTT-3.2.2-21] the Client MUST use the Server Keep Alive; [MQTT 5.0 3.2.2.3.14]
        startBroker(l -> l.maxKeepalive(30));
        Mqtt5ConnAck ack = hive("ka").connectWith().keepAlive(120).send();
        assertThat(ack.getServerKeepAlive()).hasValue(30);

        Mqtt5ConnAck ok = hive("ka-ok").connectWith().keepAlive(20).send();
        assertThat(ok.getServerKeepAlive()).isEmpty();
    }

    @Test
    void sessionExpiryAboveTheMaximumIsLoweredAndAnnounced() throws Exception {
        // The server may lower the Session Expiry Interval; the CONNACK then carries the value used
        startBroker(l -> l.maxSessionExpiryInterval(java.time.Duration.ofMinutes(10)));
        Mqtt5ConnAck ack = hive("long-lived").connectWith().sessionExpiryInterval(86_400).send();
        assertThat(ack.getSessionExpiryInterval()).hasValue(600);
        assertThat(broker.session("long-lived").orElseThrow().expiryIntervalSeconds()).isEqualTo(600);

        Mqtt5ConnAck modest = hive("modest").connectWith().sessionExpiryInterval(60).send();
        assertThat(modest.getSessionExpiryInterval()).isEmpty(); // unchanged: not sent
    }

    @Test
    void receiveMaximumZeroIsAProtocolError() throws Exception {
        // [MQTT 5.0 3.1.2.11.3] Receive Maximum 0 is a Protocol Error → CONNACK 0x82, then close [MQTT-3.2.2-7]
        startBroker();
        assertRefused(connect("rm0", true, 60, Props.of().u16(RECEIVE_MAXIMUM, 0), null), 0x82);
    }

    @Test
    void maximumPacketSizeZeroIsAProtocolError() throws Exception {
        // [MQTT 5.0 3.1.2.11.4] Maximum Packet Size 0 is a Protocol Error
        startBroker();
        assertRefused(connect("mps0", true, 60, Props.of().u32(MAXIMUM_PACKET_SIZE, 0), null), 0x82);
    }

    @Test
    void requestProblemInformationAboveOneIsAProtocolError() throws Exception {
        // [MQTT 5.0 3.1.2.11.7] a value other than 0 or 1 is a Protocol Error
        startBroker();
        assertRefused(connect("rpi2", true, 60, Props.of().u8(REQUEST_PROBLEM_INFORMATION, 2), null), 0x82);
    }

    @Test
    void unsupportedAuthenticationMethodIsRefused() throws Exception {
        // [MQTT-4.12.0-1] unsupported Authentication Method: CONNACK 0x8C (or 0x87) and close
        startBroker();
        assertRefused(connect("auth", true, 60, Props.of().string(AUTHENTICATION_METHOD, "SCRAM-SHA-1"), null), 0x8C);
        assertThat(broker.session("auth")).isEmpty();
    }

    @Test
    void willPayloadThatIsNotUtf8DespiteFormatIndicatorIsRefused() throws Exception {
        // [MQTT 5.0 3.1.3.2.3] Will Payload Format Indicator 1 with a non-UTF-8 payload: CONNACK 0x99
        startBroker();
        Will will = new Will("will/t", new byte[] {(byte) 0xC3, (byte) 0x28}, 0, false,
                Props.of().u8(PAYLOAD_FORMAT_INDICATOR, 1));
        assertRefused(connect("badwill", true, 60, Props.none(), will), 0x99);
        assertThat(broker.session("badwill")).isEmpty();

        // the same bytes without the indicator are accepted
        Will binary = new Will("will/t", new byte[] {(byte) 0xC3, (byte) 0x28}, 0, false, Props.none());
        RawMqtt5Client c = raw();
        c.send(connect("binwill", true, 60, Props.none(), binary));
        assertThat(c.expect(CONNACK).reasonCode).isZero();
        // and a valid UTF-8 will with the indicator is accepted too
        Will text = new Will("will/t", "grüße".getBytes(StandardCharsets.UTF_8), 0, false,
                Props.of().u8(PAYLOAD_FORMAT_INDICATOR, 1));
        RawMqtt5Client c2 = raw();
        c2.send(connect("textwill", true, 60, Props.none(), text));
        assertThat(c2.expect(CONNACK).reasonCode).isZero();
    }

    @Test
    void willQosAboveMaximumIsRefused() throws Exception {
        // [MQTT-3.2.2-12] Will QoS above Maximum QoS: CONNACK 0x9B
        startBroker(l -> l.maxQosAllowed(1));
        Will will = new Will("will/t", new byte[] {1}, 2, false, Props.none());
        assertRefused(connect("willqos", true, 60, Props.none(), will), 0x9B);
    }

    private void assertRefused(byte[] connect, int reasonCode) throws Exception {
        RawMqtt5Client c = raw();
        c.send(connect);
        Packet ack = c.expect(CONNACK);
        assertThat(ack.reasonCode).as("CONNACK reason code").isEqualTo(reasonCode);
        assertThat(ack.sessionPresent).isFalse(); // [MQTT-3.2.2-6]
        // [MQTT-3.2.2-7] reason code >= 0x80: the Server MUST close the Network Connection
        assertThat(c.readOrEof(TIMEOUT)).as("connection closed after refusal").isNull();
    }
}
