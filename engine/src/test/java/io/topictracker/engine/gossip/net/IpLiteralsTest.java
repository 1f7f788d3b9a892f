package io.topictracker.engine.gossip.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The IP literal reading both the NAT check ({@link GossipNode}) and the node view ({@link EngineNodeView}) use. */
class IpLiteralsTest {
    @Test
    void namesAndPartialNumbersAreNotLiterals() {
        assertNull(IpLiterals.parse("node-a"), "an in-process transport's host name");
        assertNull(IpLiterals.parse("123"), "not a dotted quad, though InetAddress would read it as 0.0.0.123");
        assertNull(IpLiterals.parse("10.1"));
        assertEquals("198.51.100.7", IpLiterals.parse("198.51.100.7").getHostAddress());
    }

    @Test
    void aGlobalAddressIsOutsideTheLocalScopesAndNeitherUniqueLocalNorShared() {
        assertTrue(EngineNodeView.isGlobal("198.51.100.7"));
        assertTrue(EngineNodeView.isGlobal("2001:db8::7"));
        assertFalse(EngineNodeView.isGlobal("10.1.0.2"));
        assertFalse(EngineNodeView.isGlobal("fe80::1"));
        assertFalse(EngineNodeView.isGlobal("fd00::1"), "unique local, RFC 4193");
        assertFalse(EngineNodeView.isGlobal("100.64.0.1"), "shared address space, RFC 6598");
        assertFalse(EngineNodeView.isGlobal("node-a"));
        // the NAT check is the looser one: a unique local or shared address of ours still says a NAT is there
        assertTrue(GossipNode.isPublicIpLiteral("100.64.0.1"));
    }
}
