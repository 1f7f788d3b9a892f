package io.topictracker.engine.gossip.net;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Only a confirmed public IP of ours tells a node it is behind a NAT (and so must wait for punch slots). */
class BehindNatTest {
    @Test
    void publicIpLiteralsCount() {
        assertTrue(GossipNode.isPublicIpLiteral("198.51.100.7"));
        assertTrue(GossipNode.isPublicIpLiteral("2001:db8::7"));
    }

    @Test
    void namesLoopbackPrivateAndLinkLocalAddressesDoNot() {
        assertFalse(GossipNode.isPublicIpLiteral("node-a"), "an in-process transport's host name");
        assertFalse(GossipNode.isPublicIpLiteral("127.0.0.1"));
        assertFalse(GossipNode.isPublicIpLiteral("::1"));
        assertFalse(GossipNode.isPublicIpLiteral("10.1.0.2"));
        assertFalse(GossipNode.isPublicIpLiteral("192.168.1.2"));
        assertFalse(GossipNode.isPublicIpLiteral("fe80::1"));
    }
}
