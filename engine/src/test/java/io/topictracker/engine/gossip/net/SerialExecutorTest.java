package io.topictracker.engine.gossip.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {
    /**
     * A pool run by hand that swallows what its tasks throw, as a {@code ScheduledThreadPoolExecutor} does (it keeps
     * the exception in a future nobody reads).
     */
    private static final class ManualPool implements Executor {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            for (int i = 0; i < 10_000 && !tasks.isEmpty(); i++) {
                try {
                    tasks.poll().run();
                } catch (RuntimeException swallowed) {
                    // as the real pool does
                }
            }
        }
    }

    @Test
    void runsTasksInSubmissionOrder() {
        ManualPool pool = new ManualPool();
        SerialExecutor executor = new SerialExecutor(pool, 16);
        List<Integer> ran = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            executor.execute(() -> ran.add(n));
        }
        pool.runAll();
        assertEquals(List.of(0, 1, 2, 3, 4), ran);
    }

    @Test
    void aTaskThatThrowsDoesNotStopTheTasksAfterIt() {
        ManualPool pool = new ManualPool();
        SerialExecutor executor = new SerialExecutor(pool, 16);
        List<String> ran = new ArrayList<>();
        executor.execute(() -> ran.add("before"));
        executor.execute(() -> {
            throw new IllegalStateException("a bug in one input's handling");
        });
        executor.execute(() -> ran.add("queued behind it"));
        pool.runAll();
        executor.execute(() -> ran.add("submitted later"));
        pool.runAll();
        assertEquals(List.of("before", "queued behind it", "submitted later"), ran);
    }

    @Test
    void refusesTasksOverItsCapacity() {
        ManualPool pool = new ManualPool();
        SerialExecutor executor = new SerialExecutor(pool, 2);
        executor.execute(() -> { });
        executor.execute(() -> { });
        assertThrows(RejectedExecutionException.class, () -> executor.execute(() -> { }));
        pool.runAll();
        executor.execute(() -> { });
    }

    @Test
    void aTaskFromAPoolThreadRunsThereWhenIdleAndQueuesBehindOthersOtherwise() {
        ManualPool pool = new ManualPool();
        SerialExecutor executor = new SerialExecutor(pool, 16);
        List<String> ran = new ArrayList<>();
        executor.executeOnPoolThread(() -> ran.add("timer while idle"));
        assertEquals(List.of("timer while idle"), ran, "ran at once, on the calling (pool) thread");
        assertEquals(0, pool.tasks.size(), "no hand-off to another pool thread");

        executor.execute(() -> ran.add("frame"));
        executor.executeOnPoolThread(() -> ran.add("timer behind the frame"));
        assertEquals(1, ran.size(), "a drain is due: the timer waits its turn");
        pool.runAll();
        assertEquals(List.of("timer while idle", "frame", "timer behind the frame"), ran);
    }
}
