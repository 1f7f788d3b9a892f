package io.topictracker.tck;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Bounded waiting for tests: wait on an event or condition with a deadline instead of sleeping and hoping.
 * Stateless and thread-safe.
 */
public final class Await {
    private Await() {}

    /**
     * Polls {@code condition} every few milliseconds until it holds or {@code timeout} passes.
     *
     * @param timeout the longest wait, not null
     * @param what describes the condition for the failure message, not null
     * @throws AssertionError naming {@code what} if the condition never held
     */
    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        if (!within(timeout, condition)) {
            throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what);
        }
    }

    /**
     * Polls {@code condition} every few milliseconds until it holds or {@code timeout} passes, as {@link #until}, for
     * a caller that does something else when it does not hold (such as moving a test clock on and waiting again).
     *
     * @param timeout the longest wait, not null
     * @return whether the condition held within the timeout
     */
    public static boolean within(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pauseNanos = TimeUnit.MILLISECONDS.toNanos(1);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(pauseNanos);
            pauseNanos = Math.min(pauseNanos * 2, TimeUnit.MILLISECONDS.toNanos(20));
        }
        return true;
    }

    /**
     * Waits for a stage to complete and returns its value.
     *
     * @throws AssertionError on timeout or if the stage failed (the cause attached)
     */
    public static <T> T result(CompletionStage<T> stage, Duration timeout) {
        try {
            return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("not completed within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw new AssertionError("completed exceptionally: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Waits for a stage to fail and returns the cause (unwrapped from {@link ExecutionException}).
     *
     * @throws AssertionError if it completed normally or not in time
     */
    public static Throwable failure(CompletionStage<?> stage, Duration timeout) {
        try {
            Object value = stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("expected a failure, completed with " + value);
        } catch (TimeoutException e) {
            throw new AssertionError("not completed within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            return cause;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (java.util.concurrent.CancellationException e) {
            return e;
        }
    }
}
