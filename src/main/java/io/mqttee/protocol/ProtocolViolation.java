package io.mqttee.protocol;

/**
 * A rule broken by the packet that is about to be decoded, found by {@link MqttPacketInspector} in
 * its raw bytes (what Netty's decoder cannot see: duplicate or misplaced MQTT 5 properties,
 * out-of-range property values, ill-formed UTF-8). The inspector passes it down the pipeline just
 * ahead of the packet; the connection handler answers it when that packet arrives.
 *
 * @param reasonCode the MQTT 5 reason code: 0x81 Malformed Packet or 0x82 Protocol Error
 * @param message    what was wrong, for the log and the Reason String
 */
record ProtocolViolation(byte reasonCode, String message) {

    static final byte MALFORMED_PACKET = (byte) 0x81;
    static final byte PROTOCOL_ERROR = (byte) 0x82;

    static ProtocolViolation malformed(String message) {
        return new ProtocolViolation(MALFORMED_PACKET, message);
    }

    static ProtocolViolation protocolError(String message) {
        return new ProtocolViolation(PROTOCOL_ERROR, message);
    }
}
