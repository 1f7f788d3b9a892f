package io.topictracker.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The bounded close behind {@code dht serve}'s exit 1: once only, and a hanging close does not hold the caller. */
class BoundedCloseTest {
    @Test
    void aCloseThatEndsIsRunOnceAndReportedDone() {
        AtomicInteger runs = new AtomicInteger();
        BoundedClose closing = new BoundedClose(runs::incrementAndGet, Duration.ofSeconds(30), "test-close");
        assertTrue(closing.close());
        assertTrue(closing.close(), "a second caller (the shutdown hook) sees it done");
        assertEquals(1, runs.get());
    }

    @Test
    void aHangingCloseIsLeftBehindAtTheBound() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        BoundedClose closing = new BoundedClose(() -> {
            entered.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, Duration.ofMillis(200), "test-hanging-close");
        try {
            assertFalse(closing.close(), "still closing at the bound");
            assertTrue(entered.await(10, TimeUnit.SECONDS), "the close did start");
            assertFalse(closing.close(), "a later caller waits no longer: the deadline is the first call's");
        } finally {
            release.countDown(); // let the test's thread end
        }
    }
}
