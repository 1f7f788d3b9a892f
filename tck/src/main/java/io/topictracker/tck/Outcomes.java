package io.topictracker.tck;

import io.topictracker.api.dht.DhtException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits on a call a contract made and checks how it ended, with failure messages that state the rule, the input and
 * what came back: "put seq 2 with cas 0 over stored seq 1 must fail with CAS_MISMATCH, completed with
 * PutSummary[...]". Stateless and thread-safe.
 */
final class Outcomes {
    private Outcomes() {}

    /**
     * @param rule what must happen, naming the input, e.g. "put seq 1 to an empty slot must be acknowledged"; not null
     * @param call the call's future, not null
     * @param wait the longest wait, not null
     * @return the call's value
     * @throws AssertionError stating the rule and how the call ended instead
     */
    static <T> T success(String rule, CompletableFuture<T> call, Duration wait) {
        try {
            return call.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CancellationException e) {
            Throwable cause = cause(e);
            throw new AssertionError(rule + ", failed with " + describe(cause), cause);
        } catch (TimeoutException e) {
            throw new AssertionError(rule + ", still pending after " + wait.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(rule + ": interrupted while waiting", e);
        }
    }

    /**
     * @param rule what must happen, naming the input and the reason expected; not null
     * @param call the call's future, not null
     * @param expected the reason it must fail with, not null
     * @param wait the longest wait, not null
     * @throws AssertionError stating the rule and how the call ended instead
     */
    static void refusal(String rule, CompletableFuture<?> call, DhtException.Reason expected, Duration wait) {
        Throwable failure = failure(rule, call, wait);
        if (!(failure instanceof DhtException refused) || refused.reason() != expected) {
            throw new AssertionError(rule + ", failed with " + describe(failure), failure);
        }
    }

    /**
     * @return empty if the call completed normally, else how it failed (unwrapped)
     * @throws AssertionError stating the rule if the call did not end within {@code wait}
     */
    static java.util.Optional<Throwable> ending(String rule, CompletableFuture<?> call, Duration wait) {
        try {
            call.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            return java.util.Optional.empty();
        } catch (ExecutionException | CancellationException e) {
            return java.util.Optional.of(cause(e));
        } catch (TimeoutException e) {
            throw new AssertionError(rule + ", still pending after " + wait.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(rule + ": interrupted while waiting", e);
        }
    }

    /**
     * @return how the call failed (unwrapped from {@link ExecutionException} and {@link CompletionException})
     * @throws AssertionError stating the rule if it completed normally or not within {@code wait}
     */
    static Throwable failure(String rule, CompletableFuture<?> call, Duration wait) {
        try {
            Object value = call.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError(rule + ", completed with " + value);
        } catch (ExecutionException | CancellationException e) {
            return cause(e);
        } catch (TimeoutException e) {
            throw new AssertionError(rule + ", still pending after " + wait.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(rule + ": interrupted while waiting", e);
        }
    }

    /** @return e.g. {@code DhtException(SEQ_TOO_OLD: a higher seq is stored)}, never null */
    static String describe(Throwable failure) {
        if (failure instanceof DhtException dht) {
            return "DhtException(" + dht.reason() + ": " + dht.getMessage() + ")";
        }
        return String.valueOf(failure);
    }

    private static Throwable cause(Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
