package io.topictracker.engine.gossip.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerId;
import org.junit.jupiter.api.Test;

/** The grace a shared-tree link gets for carrying another author's messages: once per first copy, within its window. */
class PruneGraceTest {
    private final PeerId link = Harness.peer(2).id();
    private final PeerId otherLink = Harness.peer(3).id();
    private final PeerId alice = Harness.peer(8).id();
    private final PeerId bob = Harness.peer(9).id();
    private final PruneGrace grace = new PruneGrace(1000);

    @Test
    void aLinkThatBroughtAnotherAuthorsFirstCopyIsSparedOneDuplicate() {
        grace.firstCopy(link, alice, 0);
        assertTrue(grace.spare(link, bob, 10));
        assertFalse(grace.spare(link, bob, 20), "the second duplicate with no first copy in between prunes");
    }

    @Test
    void eachFirstCopyRenewsTheGrace() {
        grace.firstCopy(link, alice, 0);
        assertTrue(grace.spare(link, bob, 10));
        grace.firstCopy(link, alice, 50);
        assertTrue(grace.spare(link, bob, 60));
    }

    @Test
    void aDuplicateOfTheSameAuthorPrunesAtOnce() {
        grace.firstCopy(link, alice, 0);
        assertFalse(grace.spare(link, alice, 10), "a lone author's tree is pruned as PlumTree prunes it");
    }

    @Test
    void theGraceLastsItsWindowAndNoLonger() {
        grace.firstCopy(link, alice, 0);
        assertTrue(grace.spare(link, bob, 1000), "at the window's end");
        grace.firstCopy(link, alice, 0);
        assertFalse(grace.spare(link, bob, 1001), "past it");
    }

    @Test
    void aLinkWithoutFirstCopiesIsNotSpared() {
        grace.firstCopy(otherLink, alice, 0);
        assertFalse(grace.spare(link, bob, 10));
    }

    @Test
    void aZeroWindowNeverSparesAndRemembersNothing() {
        PruneGrace off = new PruneGrace(0);
        off.firstCopy(link, alice, 0);
        assertFalse(off.spare(link, bob, 0));
        assertEquals(0, off.size());
    }

    @Test
    void aNeighbourThatLeftIsForgotten() {
        grace.firstCopy(link, alice, 0);
        grace.firstCopy(otherLink, alice, 0);
        grace.forget(link);
        assertEquals(1, grace.size());
        assertFalse(grace.spare(link, bob, 10));
    }
}
