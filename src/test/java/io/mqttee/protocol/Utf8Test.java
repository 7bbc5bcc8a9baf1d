package io.mqttee.protocol;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The allocation-free UTF-8 check against RFC 3629's rules and against the JDK's strict decoder. */
class Utf8Test {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "61,                 true",   // a
            "c3a9,               true",   // é
            "e282ac,             true",   // €
            "f09f9880,           true",   // U+1F600
            "f48fbfbf,           true",   // U+10FFFF, the last code point
            "efbfbf,             true",   // U+FFFF (a noncharacter, but well formed)
            "c0af,               false",  // overlong '/'
            "c1bf,               false",  // overlong
            "e080af,             false",  // overlong 3-byte
            "f08080af,           false",  // overlong 4-byte
            "eda080,             false",  // U+D800 surrogate
            "edbfbf,             false",  // U+DFFF surrogate
            "f4908080,           false",  // above U+10FFFF
            "f5808080,           false",  // lead byte above F4
            "80,                 false",  // lone continuation byte
            "c3,                 false",  // truncated
            "e282,               false",  // truncated
            "c328,               false",  // bad continuation
            "e228a1,             false",  // bad continuation
            "ff,                 false",
    })
    void wellFormedness(String hex, boolean valid) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        assertThat(Utf8.isWellFormed(bytes)).isEqualTo(valid);
        assertThat(Utf8.isValidMqttString(Unpooled.wrappedBuffer(bytes), 0, bytes.length)).isEqualTo(valid);
    }

    @Test
    void mqttStringsRefuseNulButPayloadsMayCarryIt() {
        byte[] withNul = {'a', 0, 'b'};
        assertThat(Utf8.isWellFormed(withNul)).isTrue();
        assertThat(Utf8.isValidMqttString(Unpooled.wrappedBuffer(withNul), 0, 3)).isFalse(); // [MQTT-1.5.4-2]
    }

    @Test
    void checksOnlyTheGivenRange() {
        byte[] bytes = {(byte) 0xFF, 'o', 'k', (byte) 0xFF};
        assertThat(Utf8.isValidMqttString(Unpooled.wrappedBuffer(bytes), 1, 2)).isTrue();
    }

    @Test
    void agreesWithTheJdkDecoderOnRandomBytes() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[random.nextInt(8)];
            random.nextBytes(bytes);
            assertThat(Utf8.isWellFormed(bytes)).as(HexFormat.of().formatHex(bytes)).isEqualTo(jdkAccepts(bytes));
        }
    }

    private static boolean jdkAccepts(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
