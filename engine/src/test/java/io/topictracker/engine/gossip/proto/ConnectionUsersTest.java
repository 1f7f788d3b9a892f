package io.topictracker.engine.gossip.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerId;
import io.topictracker.api.TopicId;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One connection serves every topic: it may close only when the last topic using it lets go. */
class ConnectionUsersTest {
    private static PeerId peer(int i) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) i);
        return PeerId.of(key);
    }

    private final TopicId red = TopicId.fromName("red");
    private final TopicId blue = TopicId.fromName("blue");
    private final ConnectionUsers users = new ConnectionUsers();

    @Test
    void aConnectionIsFreeOnlyWhenTheLastTopicUsingItReleasesIt() {
        users.use(peer(1), red);
        users.use(peer(1), blue);
        assertFalse(users.release(peer(1), red), "blue still uses it");
        assertTrue(users.inUse(peer(1)));
        assertTrue(users.release(peer(1), blue));
        assertFalse(users.inUse(peer(1)));
    }

    @Test
    void aTopicThatEndsReleasesEveryPeerAndReportsThoseNoOtherTopicUses() {
        users.use(peer(1), red);
        users.use(peer(2), red);
        users.use(peer(2), blue);
        assertEquals(List.of(peer(1)), users.releaseAll(red));
        assertTrue(users.inUse(peer(2)));
        assertFalse(users.inUse(peer(1)));
    }

    @Test
    void releasingAPeerNoTopicUsedLetsTheConnectionGo() {
        assertTrue(users.release(peer(3), red));
        users.use(peer(3), red);
        users.use(peer(3), red);
        assertTrue(users.release(peer(3), red), "using twice is one use");
    }
}
