package io.topictracker.engine.gossip.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PendingTimersTest {
    /** As the node's scheduler is set up: a cancelled task leaves the queue at once. */
    private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);

    {
        scheduler.setRemoveOnCancelPolicy(true);
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void cancelAllTakesEveryPendingTimerOffTheSchedulersQueue() {
        PendingTimers timers = new PendingTimers();
        List<ScheduledFuture<?>> set = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ScheduledFuture<?> timer = scheduler.schedule(() -> { }, 1, TimeUnit.HOURS);
            set.add(timer);
            timers.add(timer);
        }
        assertEquals(3, scheduler.getQueue().size());

        timers.cancelAll();

        assertTrue(set.stream().allMatch(ScheduledFuture::isCancelled), "every timer cancelled");
        assertEquals(0, scheduler.getQueue().size(), "nothing left in the queue to hold the topic");
        assertEquals(0, timers.size());
    }

    @Test
    void aTimerSetAfterCancelAllIsCancelledAtOnce() {
        PendingTimers timers = new PendingTimers();
        timers.cancelAll();
        ScheduledFuture<?> late = scheduler.schedule(() -> { }, 1, TimeUnit.HOURS);

        timers.add(late);

        assertTrue(late.isCancelled());
        assertEquals(0, scheduler.getQueue().size());
        assertEquals(0, timers.size());
    }

    @Test
    void firedTimersArePrunedSoTheSetStaysBoundedOnALongLivedTopic() throws Exception {
        PendingTimers timers = new PendingTimers();
        ScheduledFuture<?> pending = scheduler.schedule(() -> { }, 1, TimeUnit.HOURS);
        timers.add(pending);
        for (int i = 0; i < 10_000; i++) {
            ScheduledFuture<?> fired = scheduler.schedule(() -> { }, 0, TimeUnit.MILLISECONDS);
            fired.get(10, TimeUnit.SECONDS);
            timers.add(fired);
            assertTrue(timers.size() <= 64, "held " + timers.size() + " timers after " + (i + 1) + " fired ones");
        }
        timers.cancelAll();
        assertTrue(pending.isCancelled(), "the pending timer was kept through the prunes");
    }
}
