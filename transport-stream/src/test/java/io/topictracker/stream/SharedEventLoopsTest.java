package io.topictracker.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.nio.NioIoHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SharedEventLoopsTest {
    /** A name no other test in this JVM uses, so the counts below are this test's alone. */
    private static final String NAME = "shared-loops-test";

    @Test
    void holdersOfOneNameAndThreadCountShareAGroupThatTheLastReleaseEnds() throws Exception {
        SharedEventLoops.Lease first = SharedEventLoops.acquire(NAME, 2, NioIoHandler.newFactory());
        SharedEventLoops.Lease second = SharedEventLoops.acquire(NAME, 2, NioIoHandler.newFactory());
        SharedEventLoops.Lease otherCount = SharedEventLoops.acquire(NAME, 1, NioIoHandler.newFactory());
        SharedEventLoops.Lease otherName = SharedEventLoops.acquire(NAME + "-other", 2, NioIoHandler.newFactory());
        assertSame(first.group(), second.group());
        assertNotSame(first.group(), otherCount.group());
        assertNotSame(first.group(), otherName.group());
        assertTrue(first.shared());
        assertEquals(2, SharedEventLoops.groupsHeld(NAME));
        String thread = first.group().submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);
        assertTrue(thread.startsWith("tt-" + NAME + "-io"), thread);

        first.release();
        assertFalse(first.group().isShuttingDown(), "still held");
        second.release();
        assertTrue(second.group().isTerminated(), "the last release waits for the loops to end");
        otherCount.release();
        otherName.release();
        assertEquals(0, SharedEventLoops.groupsHeld(NAME));
        assertEquals(0, SharedEventLoops.groupsHeld(NAME + "-other"));

        SharedEventLoops.Lease afterwards = SharedEventLoops.acquire(NAME, 2, NioIoHandler.newFactory());
        assertNotSame(first.group(), afterwards.group(), "a new group once the old one ended");
        afterwards.release();
    }

    @Test
    void aGroupOfOnesOwnIsNotSharedAndItsReleaseEndsIt() {
        SharedEventLoops.Lease own = SharedEventLoops.own(NAME, 1, NioIoHandler.newFactory());
        SharedEventLoops.Lease shared = SharedEventLoops.acquire(NAME, 1, NioIoHandler.newFactory());
        assertNotSame(own.group(), shared.group());
        assertFalse(own.shared());
        own.release();
        assertTrue(own.group().isTerminated());
        assertFalse(shared.group().isShuttingDown());
        shared.release();
        assertTrue(shared.group().isTerminated());
    }

    @Test
    void aReleaseOnOneOfTheLoopsDoesNotWaitForItself() throws Exception {
        SharedEventLoops.Lease lease = SharedEventLoops.acquire(NAME, 1, NioIoHandler.newFactory());
        CompletableFuture<Boolean> onLoop = new CompletableFuture<>();
        lease.group().execute(() -> {
            onLoop.complete(lease.inOneOfItsLoops());
            lease.release();
        });
        assertTrue(onLoop.get(10, TimeUnit.SECONDS));
        assertFalse(lease.inOneOfItsLoops());
        assertTrue(lease.group().terminationFuture().await(10, TimeUnit.SECONDS), "ends once the task returns");
    }

    @Test
    void noThreadsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> SharedEventLoops.acquire(NAME, 0, NioIoHandler.newFactory()));
    }
}
