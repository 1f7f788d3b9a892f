package io.topictracker.engine.gossip.net;

import static io.topictracker.engine.gossip.net.PeerLinksFixture.peerId;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerId;
import org.junit.jupiter.api.Test;

class BootstrapJoinsTest {
    private final BootstrapJoins joins = new BootstrapJoins();

    @Test
    void onlyAContactAcceptingOurJoinMakesTheRestMoot() {
        joins.sent(peerId(1));
        joins.sent(peerId(2));
        assertFalse(joins.accepted());
        joins.neighbourUp(peerId(3));
        assertFalse(joins.accepted(), "a peer that joined us is no contact of ours: our Joins still link its group");
        joins.neighbourUp(peerId(2));
        assertTrue(joins.accepted());
    }

    @Test
    void aTopicLeftAloneSendsItsNextBootstrapsJoins() {
        joins.sent(peerId(1));
        joins.neighbourUp(peerId(1));
        joins.alone();
        assertFalse(joins.accepted());
        joins.neighbourUp(peerId(1));
        assertFalse(joins.accepted(), "the old contact is forgotten: only Joins sent after being alone count");
        joins.sent(peerId(4));
        joins.neighbourUp(peerId(4));
        assertTrue(joins.accepted());
    }

    @Test
    void aContactPastTheBoundIsNotNoticedWhenItAccepts() {
        for (int i = 0; i < BootstrapJoins.MAX_CONTACTS; i++) {
            joins.sent(distinct(i));
        }
        PeerId overBound = distinct(BootstrapJoins.MAX_CONTACTS);
        joins.sent(overBound);
        joins.neighbourUp(overBound);
        assertFalse(joins.accepted(), "a contact past the bound is not remembered");
        joins.neighbourUp(distinct(0));
        assertTrue(joins.accepted());
    }

    private static PeerId distinct(int i) {
        byte[] bytes = new byte[32];
        bytes[0] = (byte) i;
        bytes[1] = (byte) (i >> 8);
        bytes[2] = 1;
        return PeerId.of(bytes);
    }
}
