package io.mqttee.robustness;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.mqttee.robustness.Wire.Bytes;
import static io.mqttee.robustness.Wire.packet;

/**
 * Valid packets of every type a client sends, for MQTT 3.1, 3.1.1 and 5, and the seeded mutations
 * the fuzzer applies to sequences of them. One input is the byte stream of one connection: usually
 * a CONNECT followed by a few packets, then mutated.
 */
final class FuzzCorpus {

    private FuzzCorpus() {
    }

    static byte[] connect(int version, String clientId, int variant) {
        int flags = variant % 2 == 0 ? 0x02 : 0x00;
        Bytes b = new Bytes().string(version == 3 ? "MQIsdp" : "MQTT").u8(version);
        boolean will = variant % 3 == 1;
        boolean user = variant % 4 >= 2;
        if (will) {
            flags |= 0x04 | (variant % 3) << 3 | (variant % 5 == 0 ? 0x20 : 0);
        }
        if (user) {
            flags |= 0x80 | 0x40;
        }
        b.u8(flags).u16(variant % 7 == 0 ? 0 : 30);
        if (version == 5) {
            b.props(new Bytes().u8(0x11).u32(variant % 2 == 0 ? 0 : 60).u8(0x21).u16(10).u8(0x27).u32(65536)
                    .u8(0x22).u16(4).u8(0x17).u8(1).u8(0x26).string("k").string("v").bytes());
        }
        b.string(clientId);
        if (will) {
            if (version == 5) {
                b.props(new Bytes().u8(0x18).u32(0).u8(0x01).u8(1).u8(0x03).string("text/plain").bytes());
            }
            b.string("fuzz/will/" + clientId).binary("gone".getBytes());
        }
        if (user) {
            b.string("user").binary("secret".getBytes());
        }
        return packet(Wire.CONNECT << 4, b.bytes());
    }

    /** Every packet a connected client may send, for one version. */
    static List<byte[]> packets(int version) {
        boolean v5 = version == 5;
        List<byte[]> out = new ArrayList<>();
        for (int qos = 0; qos <= 2; qos++) {
            for (boolean retain : new boolean[] {false, true}) {
                Bytes b = new Bytes().string("fuzz/" + qos + (retain ? "/r" : ""));
                if (qos > 0) {
                    b.u16(qos * 10 + (retain ? 1 : 0));
                }
                if (v5) {
                    b.props(new Bytes().u8(0x01).u8(1).u8(0x02).u32(30).u8(0x03).string("t")
                            .u8(0x08).string("fuzz/reply").u8(0x09).binary(new byte[] {1, 2})
                            .u8(0x23).u16(1).u8(0x26).string("a").string("b").bytes());
                }
                b.raw(("payload-" + qos).getBytes());
                out.add(packet(Wire.PUBLISH << 4 | qos << 1 | (retain ? 1 : 0), b.bytes()));
            }
        }
        if (v5) {
            // a PUBLISH that uses the alias set above with an empty topic
            out.add(packet(Wire.PUBLISH << 4, new Bytes().string("").props(new Bytes().u8(0x23).u16(1).bytes())
                    .raw("aliased".getBytes()).bytes()));
        }
        for (int type : new int[] {Wire.PUBACK, Wire.PUBREC, Wire.PUBREL, Wire.PUBCOMP}) {
            Bytes b = new Bytes().u16(10 + type);
            if (v5) {
                b.u8(type == Wire.PUBREC ? 0x10 : 0).props(new Bytes().u8(0x1F).string("why").bytes());
            }
            out.add(packet(type << 4 | (type == Wire.PUBREL ? 2 : 0), b.bytes()));
            out.add(Wire.ack(type, 20)); // short form
        }
        Bytes sub = new Bytes().u16(3);
        if (v5) {
            sub.props(new Bytes().u8(0x0B).varInt(7).u8(0x26).string("s").string("t").bytes());
        }
        sub.string("fuzz/#").u8(v5 ? 0x1A : 2).string("fuzz/+/r").u8(1).string("$share/g/fuzz/1").u8(0);
        out.add(packet(Wire.SUBSCRIBE << 4 | 2, sub.bytes()));
        out.add(Wire.subscribe(version, 4, "fuzz/2", v5 ? 0x1A : 2));
        Bytes unsub = new Bytes().u16(5);
        if (v5) {
            unsub.props(new Bytes().u8(0x26).string("u").string("v").bytes());
        }
        unsub.string("fuzz/#").string("nothing");
        out.add(packet(Wire.UNSUBSCRIBE << 4 | 2, unsub.bytes()));
        out.add(Wire.pingreq());
        if (v5) {
            out.add(packet(Wire.DISCONNECT << 4, new Bytes().u8(0x04).props(new Bytes().u8(0x11).u32(0)
                    .u8(0x1F).string("bye").bytes()).bytes()));
            out.add(packet(Wire.AUTH << 4, new Bytes().u8(0x19).props(new Bytes().u8(0x15).string("none")
                    .bytes()).bytes()));
        } else {
            out.add(Wire.disconnect());
        }
        return out;
    }

    private static final int[] INTERESTING = {0x00, 0x01, 0x02, 0x03, 0x7F, 0x80, 0xC0, 0xFE, 0xFF, '#', '+', '/'};

    /** One connection's input: a (mostly valid) session, then 1 to 4 mutations. */
    static byte[] input(Random rnd, int serial) {
        int version = switch (rnd.nextInt(5)) {
            case 0 -> 3;
            case 1, 2 -> 4;
            default -> 5;
        };
        List<byte[]> corpus = packets(version == 3 ? 4 : version);
        List<byte[]> session = new ArrayList<>();
        if (rnd.nextInt(10) != 0) {
            session.add(connect(version, "fz" + serial, rnd.nextInt(60)));
        }
        int n = rnd.nextInt(7);
        for (int i = 0; i < n; i++) {
            session.add(corpus.get(rnd.nextInt(corpus.size())).clone());
        }
        int mutations = 1 + rnd.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            if (!session.isEmpty() && rnd.nextBoolean()) {
                int i = rnd.nextInt(session.size());
                session.set(i, mutate(rnd, session.get(i)));
            } else {
                byte[] all = concat(session);
                session.clear();
                session.add(mutate(rnd, all));
            }
        }
        return concat(session);
    }

    static byte[] mutate(Random rnd, byte[] in) {
        if (in.length == 0) {
            return new byte[] {(byte) rnd.nextInt(256)};
        }
        byte[] b = in.clone();
        int at = rnd.nextInt(b.length);
        switch (rnd.nextInt(9)) {
            case 0 -> b[at] ^= (byte) (1 << rnd.nextInt(8)); // flip a bit
            case 1 -> b[at] = (byte) INTERESTING[rnd.nextInt(INTERESTING.length)];
            case 2 -> b[0] = (byte) (b[0] & 0xF0 | rnd.nextInt(16)); // fixed-header flags
            case 3 -> { // the first remaining-length byte
                if (b.length > 1) {
                    b[1] = (byte) INTERESTING[rnd.nextInt(INTERESTING.length)];
                }
            }
            case 4 -> { // insert random bytes
                int n = 1 + rnd.nextInt(8);
                byte[] out = new byte[b.length + n];
                System.arraycopy(b, 0, out, 0, at);
                for (int i = 0; i < n; i++) {
                    out[at + i] = (byte) rnd.nextInt(256);
                }
                System.arraycopy(b, at, out, at + n, b.length - at);
                return out;
            }
            case 5 -> { // delete a range
                int n = 1 + rnd.nextInt(Math.min(8, b.length - at));
                byte[] out = new byte[b.length - n];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + n, out, at, b.length - at - n);
                return out;
            }
            case 6 -> { // truncate
                return java.util.Arrays.copyOf(b, at);
            }
            case 7 -> { // duplicate a range
                int n = 1 + rnd.nextInt(Math.min(16, b.length - at));
                byte[] out = new byte[b.length + n];
                System.arraycopy(b, 0, out, 0, at + n);
                System.arraycopy(b, at, out, at + n, b.length - at);
                return out;
            }
            default -> { // a 16-bit length field set to something large or zero
                if (at + 1 < b.length) {
                    int v = rnd.nextBoolean() ? 0 : 0xFFFF - rnd.nextInt(4);
                    b[at] = (byte) (v >> 8);
                    b[at + 1] = (byte) v;
                }
            }
        }
        return b;
    }

    static byte[] concat(List<byte[]> parts) {
        Bytes b = new Bytes();
        for (byte[] p : parts) {
            b.raw(p);
        }
        return b.bytes();
    }
}
