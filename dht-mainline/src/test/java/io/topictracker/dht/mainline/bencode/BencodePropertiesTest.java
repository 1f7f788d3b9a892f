package io.topictracker.dht.mainline.bencode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Bencode as properties over generated values (byte strings, every long, lists and dictionaries nested up to the
 * KRPC depth) rather than examples: every value we can encode decodes to an equal value, and encoding is the only
 * encoding the decoder accepts (decode then encode gives the same bytes), which BEP44 signatures over re-encoded
 * values rely on. Fixed seeds: the same values every run.
 */
class BencodePropertiesTest {
    private static final BencodeLimits ROOMY = new BencodeLimits(1 << 20, 16, 100_000, 10_000);

    @Test
    void everyEncodableValueDecodesToAnEqualValue() {
        qt().withFixedSeed(20260401L).withExamples(2000).forAll(value(4)).checkAssert(value -> {
            byte[] encoded = Bencode.encode(value);
            Object decoded = decode(encoded);
            assertEquals(canonical(value), canonical(decoded));
            assertArrayEquals(encoded, Bencode.encode(decoded), "one encoding per value");
        });
    }

    @Test
    void everyLongRoundTrips() {
        qt().withFixedSeed(20260402L).withExamples(5000).forAll(longs().all()
                .mix(integers().all().map(i -> (long) i)).mix(longs().between(Long.MIN_VALUE, Long.MIN_VALUE + 10))
                .mix(longs().between(Long.MAX_VALUE - 10, Long.MAX_VALUE))).checkAssert(number ->
                        assertEquals(number, decode(Bencode.encode(number))));
    }

    private static Object decode(byte[] encoded) {
        try {
            return Bencode.decode(encoded, ROOMY);
        } catch (BencodeException e) {
            throw new AssertionError("our own encoding was refused: " + e.getMessage(), e);
        }
    }

    /** Values as the encoder takes them; dictionaries with keys of any byte (ISO-8859-1 chars, as decoded). */
    private static Gen<Object> value(int depth) {
        Gen<Object> bytes = integers().between(0, 40).zip(longs().all(), (length, seed) -> {
            byte[] b = new byte[length];
            new java.util.Random(seed).nextBytes(b);
            return (Object) b;
        });
        Gen<Object> number = longs().all().map(n -> (Object) n);
        Gen<Object> leaf = bytes.mix(number);
        if (depth == 0) {
            return leaf;
        }
        Gen<Object> child = value(depth - 1);
        Gen<Object> list = random -> {
            int size = integers().between(0, 5).generate(random);
            List<Object> items = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                items.add(child.generate(random));
            }
            return items;
        };
        Gen<Object> dictionary = random -> {
            int size = integers().between(0, 5).generate(random);
            Map<String, Object> map = new TreeMap<>();
            for (int i = 0; i < size; i++) {
                byte[] key = (byte[]) bytes.generate(random);
                map.put(new String(key, StandardCharsets.ISO_8859_1), child.generate(random));
            }
            return map;
        };
        return leaf.mix(list, 30).mix(dictionary, 30);
    }

    /** A comparable form: byte strings as hex, dictionaries sorted. */
    private static Object canonical(Object value) {
        if (value instanceof byte[] bytes) {
            return "bytes:" + HexFormat.of().formatHex(bytes);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(BencodePropertiesTest::canonical).toList();
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> sorted = new TreeMap<>();
            map.forEach((k, v) -> sorted.put(k, canonical(v)));
            return sorted;
        }
        return value;
    }
}
