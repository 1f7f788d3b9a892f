package io.topictracker.engine.gossip.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerId;
import org.junit.jupiter.api.Test;

/**
 * The grace a shared-tree link gets for carrying another author's messages: once per first copy, within its window,
 * at most once per spacing.
 */
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
        assertFalse(grace.spare(link, bob, 1001), "past it");
        grace.firstCopy(otherLink, alice, 0);
        assertTrue(grace.spare(otherLink, bob, 1000), "at the window's end");
    }

    @Test
    void aLinkIsSparedAtMostOncePerSpacingHoweverManyFirstCopiesItBrings() {
        long spacing = PruneGrace.MIN_SPARE_SPACING_MILLIS;
        grace.firstCopy(link, alice, 0);
        assertTrue(grace.spare(link, bob, 1));
        grace.firstCopy(link, alice, 2);
        assertFalse(grace.spare(link, bob, spacing), "in a burst the next duplicate prunes, first copy or not");
        grace.firstCopy(link, alice, spacing + 1);
        assertTrue(grace.spare(link, bob, spacing + 1), "one spacing after the last spare");
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
