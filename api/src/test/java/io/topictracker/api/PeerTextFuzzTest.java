package io.topictracker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the two text forms a peer is named by: {@link PeerAddress#parse} ({@code tcp://[::1]:4000}) and
 * {@link PeerId#parse} (64 lowercase hex digits). Each either returns a value whose text form parses back to an equal
 * value, or throws {@link IllegalArgumentException} with a bounded message. An IPv6 host it accepts must be a literal
 * the JDK reads as one without any name lookup (the record codec and the transports hand it to
 * {@link InetAddress#getByName}, which looks up anything else in DNS).
 *
 * <p>Seeds: {@code src/test/resources/io/topictracker/api/PeerTextFuzzTestInputs/parse/}.
 */
class PeerTextFuzzTest {
    @FuzzTest(maxDuration = "20s")
    void parse(byte[] input) throws Exception {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            PeerAddress address = PeerAddress.parse(text);
            assertTrue(address.port() >= 1 && address.port() <= 65535);
            assertEquals(address, PeerAddress.parse(address.toString()), "the text form parses back");
            String host = address.host();
            if (host.contains(":")) {
                char first = host.charAt(0);
                // InetAddress reads text starting with a hex digit or ':' as a literal; anything else goes to DNS
                assertTrue(Character.digit(first, 16) >= 0 || first == ':', "IPv6 host '" + host + "'");
                InetAddress.getByName(host); // an UnknownHostException here is a finding
            }
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().length() <= 2 * PeerAddress.MAX_TEXT_LENGTH + 200, e.getMessage());
        }
        try {
            PeerId id = PeerId.parse(text);
            assertEquals(text, id.toString(), "one text form per id");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().length() <= 200, e.getMessage());
        }
    }
}
