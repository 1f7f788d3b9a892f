package io.topictracker.engine.gossip.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FirstContactTest {
    private static final long SINCE = 1_796_000_000_000L;

    @Test
    void bothSidesComputeOneInstantWhicheverIsOurs() {
        assertEquals(FirstContact.instant(SINCE, SINCE + 900), FirstContact.instant(SINCE + 900, SINCE));
        assertEquals(FirstContact.instant(SINCE, SINCE + 1_900), FirstContact.instant(SINCE + 1_900, SINCE));
        assertEquals(FirstContact.instant(SINCE, SINCE + 59_000), FirstContact.instant(SINCE + 59_000, SINCE));
    }

    @Test
    void aPeerStartingWhileTheOtherStillReadsWithoutPauseIsMetSoon() {
        assertEquals(SINCE + 1_900 + FirstContact.NEAR_MILLIS, FirstContact.instant(SINCE, SINCE + 1_900));
        long lastNear = SINCE + FirstContact.WINDOW_MILLIS - FirstContact.NEAR_MILLIS;
        assertEquals(lastNear + FirstContact.NEAR_MILLIS, FirstContact.instant(SINCE, lastNear),
                "the earlier peer's window still lasts at the instant");
    }

    @Test
    void peersStartingTogetherAreMetSoonToo() {
        assertEquals(SINCE + FirstContact.NEAR_MILLIS, FirstContact.instant(SINCE, SINCE));
        assertEquals(SINCE + 40 + FirstContact.NEAR_MILLIS, FirstContact.instant(SINCE + 40, SINCE));
    }

    @Test
    void aPeerStartingLateInTheOthersWindowIsMetWhenTheOtherReadsAtItsNormalPace() {
        long tooLate = SINCE + FirstContact.WINDOW_MILLIS - FirstContact.NEAR_MILLIS + 1;
        assertEquals(tooLate + FirstContact.FAR_MILLIS, FirstContact.instant(SINCE, tooLate),
                "the earlier peer's window ends before the near instant");
        assertEquals(SINCE + 600_000 + FirstContact.FAR_MILLIS, FirstContact.instant(SINCE + 600_000, SINCE));
    }
}
