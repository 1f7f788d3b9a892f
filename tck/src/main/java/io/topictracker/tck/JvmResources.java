package io.topictracker.tck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * What code under test can leave behind in this JVM: live threads, and (where the platform shows them, in
 * {@code /proc/self/fd}) open sockets, pipes and event descriptors. A check takes a {@link Snapshot} before, then
 * asks what is there now that was not; no name list to keep up to date, so a provider cannot pass by not declaring
 * its threads. Files are left out on purpose: the JVM opens jars as it loads classes.
 *
 * <p>Threads of the JDK's shared pools, which any code may wake and which outlive everyone (the common fork-join
 * pool, {@code CompletableFuture}'s delay scheduler, the process reaper, the attach listener), are not counted.
 * Stateless and thread-safe. Public for soak tests outside the TCK (e2e-tests' {@code CycleSoakTest}).
 */
public final class JvmResources {
    private static final Path DESCRIPTORS = Path.of("/proc/self/fd");
    private static final List<String> SHARED_THREAD_PREFIXES = List.of("ForkJoinPool.commonPool-worker-",
            "CompletableFutureDelayScheduler", "process reaper", "Attach Listener", "Common-Cleaner",
            "Signal Dispatcher", "Reference Handler", "Finalizer", "Notification Thread");
    private static final List<String> COUNTED_DESCRIPTORS = List.of("socket:", "pipe:", "anon_inode:");

    static {
        // The JDK keeps one socket open for good from the first use of a NIO channel (the descriptor it dup2()s over
        // a channel's while closing it); opened here, before any snapshot, it is never taken for a provider's.
        try (DatagramChannel first = DatagramChannel.open()) {
            first.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a datagram channel on the loopback address", e);
        }
    }

    private JvmResources() {}

    /**
     * The threads alive and the descriptors open at one moment. Immutable.
     *
     * @param threads the live threads, never null
     * @param descriptors descriptor number to what it refers to (e.g. {@code socket:[1234]}), sockets, pipes and
     *     event descriptors only; empty where the platform has no {@code /proc/self/fd}; never null
     */
    public record Snapshot(Set<Thread> threads, Map<Integer, String> descriptors) {}

    /** @return what is alive and open now, never null */
    public static Snapshot take() {
        return new Snapshot(Set.copyOf(Thread.getAllStackTraces().keySet()), descriptors());
    }

    /**
     * @param before an earlier snapshot, not null
     * @return the threads and descriptors there now that were not in {@code before}, each described for a failure
     *     message (a thread with its state and where it runs); empty if none; never null
     */
    public static List<String> newSince(Snapshot before) {
        List<String> found = new ArrayList<>();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.isAlive() && !before.threads().contains(thread) && !shared(thread.getName())) {
                found.add("thread '" + thread.getName() + "' (" + thread.getState() + where(stack) + ")");
            }
        });
        descriptors().forEach((fd, target) -> {
            if (!target.equals(before.descriptors().get(fd))) {
                found.add("fd " + fd + " -> " + target);
            }
        });
        found.sort(null);
        return found;
    }

    /**
     * Waits (bounded) until everything started or opened since {@code before} is gone.
     *
     * @param before the snapshot to come back to, not null
     * @param timeout the longest wait, not null
     * @param rule what must hold, for the failure message (e.g. "close() must stop ..."), not null
     * @throws AssertionError stating the rule and what is still there
     */
    public static void awaitReleased(Snapshot before, Duration timeout, String rule) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = TimeUnit.MILLISECONDS.toNanos(1);
        List<String> left = newSince(before);
        while (!left.isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(rule + "; still there after " + timeout.toMillis() + " ms: " + left);
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, TimeUnit.MILLISECONDS.toNanos(50));
            left = newSince(before);
        }
    }

    private static boolean shared(String threadName) {
        return SHARED_THREAD_PREFIXES.stream().anyMatch(threadName::startsWith);
    }

    /** The first frame outside the JDK, which usually names the code that started the thread. */
    private static String where(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            String type = frame.getClassName();
            if (!type.startsWith("java.") && !type.startsWith("jdk.") && !type.startsWith("sun.")) {
                return ", at " + frame;
            }
        }
        return stack.length > 0 ? ", at " + stack[0] : "";
    }

    private static Map<Integer, String> descriptors() {
        Map<Integer, String> open = new TreeMap<>();
        if (!Files.isDirectory(DESCRIPTORS)) {
            return open;
        }
        try (Stream<Path> entries = Files.list(DESCRIPTORS)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String target;
                try {
                    target = Files.readSymbolicLink(entry).toString();
                } catch (NoSuchFileException e) {
                    continue; // closed while we looked (the listing's own descriptor, for one)
                }
                if (COUNTED_DESCRIPTORS.stream().anyMatch(target::startsWith)) {
                    open.put(Integer.valueOf(entry.getFileName().toString()), target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + DESCRIPTORS, e);
        }
        return open;
    }
}
