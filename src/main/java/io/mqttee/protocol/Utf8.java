package io.mqttee.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Well-formed UTF-8 (RFC 3629) checked byte by byte, without decoding or allocating: it runs on
 * every topic and string the broker reads, so it must be cheap. Rejects overlong forms, surrogates
 * (U+D800..U+DFFF) and code points above U+10FFFF [MQTT-1.5.4-1]; optionally U+0000 [MQTT-1.5.4-2].
 */
final class Utf8 {

    private Utf8() {
    }

    /** Whether {@code length} bytes of {@code buf} from {@code index} are well-formed UTF-8 without U+0000. */
    static boolean isValidMqttString(ByteBuf buf, int index, int length) {
        int end = index + length;
        int i = index;
        while (i < end) {
            int b = buf.getByte(i) & 0xFF;
            if (b < 0x80) {
                if (b == 0) {
                    return false;
                }
                i++;
                continue;
            }
            int n = sequenceLength(b, i + 1 < end ? buf.getByte(i + 1) & 0xFF : -1);
            if (n < 0 || i + n > end) {
                return false;
            }
            for (int k = 2; k < n; k++) {
                if ((buf.getByte(i + k) & 0xC0) != 0x80) {
                    return false;
                }
            }
            i += n;
        }
        return true;
    }

    /** Whether the whole array is well-formed UTF-8 (U+0000 allowed: payloads may carry it). */
    static boolean isWellFormed(byte[] bytes) {
        int i = 0;
        while (i < bytes.length) {
            int b = bytes[i] & 0xFF;
            if (b < 0x80) {
                i++;
                continue;
            }
            int n = sequenceLength(b, i + 1 < bytes.length ? bytes[i + 1] & 0xFF : -1);
            if (n < 0 || i + n > bytes.length) {
                return false;
            }
            for (int k = 2; k < n; k++) {
                if ((bytes[i + k] & 0xC0) != 0x80) {
                    return false;
                }
            }
            i += n;
        }
        return true;
    }

    /**
     * The length of the sequence starting with lead byte {@code b} whose second byte is
     * {@code second} (-1 when missing), or -1 when the pair cannot start a well-formed sequence.
     * The second byte's allowed range depends on the lead byte (RFC 3629 section 4).
     */
    private static int sequenceLength(int b, int second) {
        if (second < 0) {
            return -1;
        }
        if (b >= 0xC2 && b <= 0xDF) {
            return second >= 0x80 && second <= 0xBF ? 2 : -1;
        }
        if (b == 0xE0) {
            return second >= 0xA0 && second <= 0xBF ? 3 : -1; // no overlong
        }
        if (b >= 0xE1 && b <= 0xEC || b == 0xEE || b == 0xEF) {
            return second >= 0x80 && second <= 0xBF ? 3 : -1;
        }
        if (b == 0xED) {
            return second >= 0x80 && second <= 0x9F ? 3 : -1; // no surrogates
        }
        if (b == 0xF0) {
            return second >= 0x90 && second <= 0xBF ? 4 : -1; // no overlong
        }
        if (b >= 0xF1 && b <= 0xF3) {
            return second >= 0x80 && second <= 0xBF ? 4 : -1;
        }
        if (b == 0xF4) {
            return second >= 0x80 && second <= 0x8F ? 4 : -1; // not above U+10FFFF
        }
        return -1; // continuation byte, C0/C1 (overlong) or F5..FF
    }
}
