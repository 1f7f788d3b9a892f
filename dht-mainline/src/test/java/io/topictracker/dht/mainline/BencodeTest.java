package io.topictracker.dht.mainline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.dht.mainline.bencode.Bencode;
import io.topictracker.dht.mainline.bencode.BencodeException;
import io.topictracker.dht.mainline.bencode.BencodeLimits;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BencodeTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Object decode(String s) throws BencodeException {
        return Bencode.decode(b(s), BencodeLimits.KRPC);
    }

    @Test
    void roundTripsEveryType() throws Exception {
        String text = "d1:ai-42e1:bli0ei7e3:xyze1:cd1:x0:ee";
        Object value = decode(text);
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) value;
        assertEquals(-42L, map.get("a"));
        assertEquals(3, ((List<?>) map.get("b")).size());
        assertArrayEquals(b(text), Bencode.encode(value));
    }

    @Test
    void encoderSortsKeysByUnsignedBytes() {
        byte[] encoded = Bencode.encode(Map.of("b", 1L, "a", 2L, "\u00ff", 3L));
        assertEquals("d1:ai2e1:bi1e1:\u00ffi3ee", new String(encoded, StandardCharsets.ISO_8859_1));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "i", "ie", "i-e", "i-0e", "i03e", "i1", "i12345678901234567890e", "01:a", "5:abc", "3:abcd",
        "l", "li1e", "d", "d1:ai1e", "d1:bi1e1:ai2ee", "d1:ai1e1:ai2ee", "di1ei2ee", "x", "-1:a", "i1ei2e",
        "d1:a", "1:", ":", "i1.5e", "4294967296:x", "99999999999999999999:x"
    })
    void rejectsMalformedAndNonCanonicalInput(String text) {
        assertThrows(BencodeException.class, () -> decode(text), text);
    }

    @Test
    void rejectsDeepNesting() {
        String deep = "l".repeat(17) + "e".repeat(17);
        BencodeException e = assertThrows(BencodeException.class, () -> decode(deep));
        assertTrue(e.getMessage().contains("nesting"), e.getMessage());
        assertEquals(16, depth(decodeUnchecked("l".repeat(16) + "e".repeat(16))));
    }

    @Test
    void rejectsTooManyElementsAndLongLists() {
        assertThrows(BencodeException.class, () -> decode("l" + "i1e".repeat(513) + "e"));
        BencodeLimits tight = new BencodeLimits(4096, 4, 10, 100);
        assertThrows(BencodeException.class,
                () -> Bencode.decode(b("l" + "0:".repeat(10) + "e"), tight));
    }

    @Test
    void rejectsOversizedInputBeforeReadingIt() {
        byte[] big = new byte[5000];
        BencodeException e = assertThrows(BencodeException.class, () -> Bencode.decode(big, BencodeLimits.KRPC));
        assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
    }

    @Test
    void hugeDeclaredLengthDoesNotAllocate() {
        // a 4 GB string declared in 12 bytes must fail on the length check, not on allocation
        assertThrows(BencodeException.class, () -> decode("999999999:ab"));
    }

    @Test
    void randomGarbageNeverThrowsAnythingElse() {
        Random random = new Random(7);
        byte[] alphabet = b("ilde0123456789:-x");
        for (int round = 0; round < 20_000; round++) {
            byte[] data = new byte[1 + random.nextInt(40)];
            for (int i = 0; i < data.length; i++) {
                data[i] = alphabet[random.nextInt(alphabet.length)];
            }
            try {
                Object value = Bencode.decode(data, BencodeLimits.KRPC);
                // anything accepted is canonical: it re-encodes to the same bytes
                assertArrayEquals(data, Bencode.encode(value));
            } catch (BencodeException expected) {
                assertTrue(expected.offset() >= 0 && expected.offset() <= data.length);
            }
        }
    }

    private static Object decodeUnchecked(String s) {
        try {
            return decode(s);
        } catch (BencodeException e) {
            throw new AssertionError(e);
        }
    }

    private static int depth(Object value) {
        return value instanceof List<?> list ? 1 + (list.isEmpty() ? 0 : depth(list.get(0))) : 0;
    }
}
