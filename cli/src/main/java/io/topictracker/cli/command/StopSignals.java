package io.topictracker.cli.command;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * A request to stop a long-running command, made by SIGTERM or SIGINT or by the command itself ({@link #request}).
 *
 * <p>Why handle the signals instead of leaving them to the JVM: by default the JVM answers SIGTERM and SIGINT by
 * running its shutdown hooks and exiting with 143 or 130, which a service manager counts as a failure and which
 * gives the command no say in how long closing may take. With the handlers installed, a signal only wakes the
 * command's thread, which closes in order and returns its own status. Signals that cannot be handled here (the JVM
 * runs with {@code -Xrs}, or the signal was ignored when the process started, as a shell does for SIGINT of a
 * background job) keep their previous handling; the command's shutdown hook still closes what it opened then.
 *
 * <p>Thread-safe: handlers run on the JVM's signal threads, {@link #await} on the command's thread. {@link #close()}
 * puts the previous handlers back, so running the command inside a longer-lived JVM (the tests) leaves no trace.
 */
final class StopSignals implements AutoCloseable {
    /** The signals a service manager or a terminal sends to stop a process. */
    private static final List<String> STOP_SIGNALS = List.of("TERM", "INT");

    private final CountDownLatch requested = new CountDownLatch(1);
    private final AtomicReference<String> reason = new AtomicReference<>();
    private final List<Runnable> restore = new ArrayList<>();

    private StopSignals() {}

    /** @return stop requests taken from SIGTERM and SIGINT (where this JVM lets them be handled), never null */
    static StopSignals install() {
        StopSignals stop = new StopSignals();
        for (String name : STOP_SIGNALS) {
            Signal signal = new Signal(name);
            SignalHandler previous;
            try {
                previous = Signal.handle(signal, s -> stop.request("SIG" + s.getName()));
            } catch (IllegalArgumentException e) {
                continue; // -Xrs, or reserved by the VM: the JVM's own handling (and our shutdown hook) applies
            }
            // SIG_IGN comes back when the signal was ignored at start: the JVM then left it ignored, and so does
            // putting it back.
            stop.restore.add(() -> Signal.handle(signal, previous));
        }
        return stop;
    }

    /**
     * Asks the waiting command to stop; the first reason is kept, later requests change nothing.
     *
     * @param why what asked, e.g. {@code "SIGTERM"} or {@code "end of input"}; not null
     */
    void request(String why) {
        reason.compareAndSet(null, why);
        requested.countDown();
    }

    /**
     * Waits for a stop request.
     *
     * @param limit the longest wait, or null to wait without limit
     * @return the reason given to {@link #request}, or null if {@code limit} passed first
     * @throws InterruptedException if the command's thread is interrupted
     */
    String await(Duration limit) throws InterruptedException {
        if (limit == null) {
            requested.await();
        } else if (!requested.await(limit.toNanos(), TimeUnit.NANOSECONDS)) {
            return null;
        }
        return reason.get();
    }

    /** Puts back the handlers the signals had before {@link #install()}. */
    @Override
    public void close() {
        for (Runnable r : restore) {
            r.run();
        }
        restore.clear();
    }
}
