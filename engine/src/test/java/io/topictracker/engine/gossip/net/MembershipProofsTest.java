package io.topictracker.engine.gossip.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerId;
import io.topictracker.api.TopicId;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Relay admission proofs: only a member of a shared topic passes, bound to both ids. */
class MembershipProofsTest {
    private static byte[] bytes(int value) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static final PeerId CLAIMANT = PeerId.of(bytes(1));
    private static final PeerId RELAY = PeerId.of(bytes(2));
    private static final TopicId TOPIC = TopicId.of(bytes(3));

    @Test
    void aMemberOfASharedTopicPassesAndNobodyElse() {
        MembershipProofs claimant = new MembershipProofs();
        MembershipProofs relay = new MembershipProofs();
        assertEquals(List.of(), claimant.prove(CLAIMANT, RELAY), "no topic, no proof");
        claimant.joined(TopicId.of(bytes(9)), bytes(4));
        claimant.joined(TOPIC, bytes(5));
        relay.joined(TOPIC, bytes(5));
        List<byte[]> proofs = claimant.prove(CLAIMANT, RELAY);
        assertEquals(2, proofs.size());
        assertTrue(relay.verify(CLAIMANT, RELAY, proofs));
        assertFalse(relay.verify(RELAY, RELAY, proofs), "bound to the claimant");
        assertFalse(relay.verify(CLAIMANT, CLAIMANT, proofs), "bound to the verifier");
        MembershipProofs otherSecret = new MembershipProofs();
        otherSecret.joined(TOPIC, bytes(6));
        assertFalse(otherSecret.verify(CLAIMANT, RELAY, proofs), "the same topic name with another secret");
        relay.left(TOPIC);
        assertFalse(relay.verify(CLAIMANT, RELAY, proofs), "a relay that left the topic admits nobody for it");
    }
}
