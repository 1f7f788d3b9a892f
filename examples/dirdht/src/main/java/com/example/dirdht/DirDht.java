package com.example.dirdht;

import io.topictracker.api.dht.Dht;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.dht.DhtException;
import io.topictracker.api.dht.DhtException.Reason;
import io.topictracker.api.dht.LookupSummary;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.dht.MutableQuery;
import io.topictracker.api.dht.PutSummary;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One {@code dirdht} node. {@link #start()} makes the node's folder ({@code node-<16 hex digits>} in the shared
 * directory) and its IO thread; a put stores the item in the node's own folder under BEP44's rules for one storing
 * node; a lookup reads the item file for its target in every node's folder, streaming each valid item once;
 * {@link #close()} fails the calls in flight, stops the thread and removes the node's folder, as a node leaving the
 * DHT takes its items with it.
 *
 * <p>Thread-safe. Every call's file work runs on the node's one IO thread, so the puts of one node never race; its
 * futures complete on that thread (a lookup's timeout on the context's scheduler).
 */
final class DirDht implements Dht {
    /** How long {@link #close()} waits for a put or lookup under way to stop. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final Path directory;
    private final Duration lifetime;
    private final DhtContext context;
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
    /** Guarded by this: null before start. */
    private ExecutorService io;
    /** Guarded by this: null before start. */
    private Path ownFolder;
    /** Guarded by this. */
    private boolean closed;
    private volatile Duration delayForTest = Duration.ZERO;

    DirDht(Path directory, Duration lifetime, DhtContext context) {
        this.directory = directory;
        this.lifetime = lifetime;
        this.context = context;
    }

    /**
     * Makes the node's folder and IO thread. Again on a started node it changes nothing.
     *
     * @return completed, or failed with {@link Reason#CLOSED} after close and {@link Reason#OTHER} naming the folder
     *     if it cannot be made
     */
    @Override
    public synchronized CompletableFuture<Void> start() {
        if (closed) {
            return CompletableFuture.failedFuture(new DhtException(Reason.CLOSED, "dirdht node is closed"));
        }
        if (io != null) {
            return CompletableFuture.completedFuture(null);
        }
        byte[] name = new byte[8];
        new SecureRandom().nextBytes(name);
        try {
            ownFolder = Files.createDirectory(directory.resolve("node-" + HexFormat.of().formatHex(name)));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new DhtException(Reason.OTHER,
                    "cannot make this node's folder in " + directory + ": " + e, e));
        }
        String threadName = "dirdht-io-" + ownFolder.getFileName();
        io = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, threadName);
            thread.setDaemon(true);
            return thread;
        });
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<LookupSummary> getMutable(MutableQuery query, Consumer<MutableItem> onItem) {
        CompletableFuture<LookupSummary> call = new CompletableFuture<>();
        Lookup lookup = new Lookup(call, onItem);
        if (submit(call, () -> lookup.readAll(query))) {
            ScheduledFuture<?> timeout = context.scheduler().schedule(lookup::finish, query.timeout().toNanos(),
                    TimeUnit.NANOSECONDS);
            call.whenComplete((summary, failure) -> timeout.cancel(false));
        }
        return call;
    }

    @Override
    public CompletableFuture<PutSummary> putMutable(MutableItem item, OptionalLong cas) {
        CompletableFuture<PutSummary> call = new CompletableFuture<>();
        submit(call, () -> store(item, cas, call));
        return call;
    }

    /** BEP44 at one storing node: signature (206), then cas against the stored seq (301), then seq (302). */
    private void store(MutableItem item, OptionalLong cas, CompletableFuture<PutSummary> call) {
        if (!item.verify(context.signing())) {
            call.completeExceptionally(new DhtException(Reason.INVALID_SIGNATURE,
                    "the item's signature does not verify (BEP44 206)"));
            return;
        }
        Path file = ownFolder().resolve(ItemFile.name(item.target()));
        try {
            Optional<MutableItem> stored = read(file, item.target());
            if (stored.isPresent() && cas.isPresent() && stored.get().seq() != cas.getAsLong()) {
                call.completeExceptionally(new DhtException(Reason.CAS_MISMATCH, "the stored seq is "
                        + stored.get().seq() + ", not " + cas.getAsLong() + " (BEP44 301)"));
                return;
            }
            if (stored.isPresent() && item.seq() < stored.get().seq()) {
                call.completeExceptionally(new DhtException(Reason.SEQ_TOO_OLD, "the stored seq " + stored.get().seq()
                        + " is higher than " + item.seq() + " (BEP44 302)"));
                return;
            }
            // Written aside, then moved over the old file in one step: a reader sees the old item or the new one.
            Path written = Files.createTempFile(file.getParent(), "put-", ".tmp");
            Files.write(written, ItemFile.encode(item));
            Files.move(written, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            call.completeExceptionally(new DhtException(Reason.OTHER, "cannot store in " + file + ": " + e, e));
            return;
        }
        call.complete(new PutSummary(1, 1, 0));
    }

    /**
     * @return the item in the file if there is one, it is valid for the target, it verifies and it was put within
     *     the item lifetime; empty otherwise
     */
    private Optional<MutableItem> read(Path file, byte[] target) throws IOException {
        try {
            Instant written = Files.getLastModifiedTime(file).toInstant();
            if (written.plus(lifetime).isBefore(context.clock().instant())
                    || Files.size(file) > ItemFile.MAX_LENGTH) {
                return Optional.empty();
            }
            return ItemFile.decode(Files.readAllBytes(file), target).filter(item -> item.verify(context.signing()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /**
     * Runs a call's file work on the IO thread, or fails it with {@link Reason#CLOSED} if the node is not running.
     *
     * @return whether the work was queued
     */
    private boolean submit(CompletableFuture<?> call, Runnable work) {
        ExecutorService running;
        synchronized (this) {
            running = closed ? null : io;
        }
        if (running == null) {
            call.completeExceptionally(new DhtException(Reason.CLOSED, "dirdht node is "
                    + (closed() ? "closed" : "not started")));
            return false;
        }
        inFlight.add(call);
        call.whenComplete((value, failure) -> inFlight.remove(call));
        try {
            running.execute(() -> {
                if (!call.isDone() && pause()) {
                    work.run();
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            call.completeExceptionally(new DhtException(Reason.CLOSED, "dirdht node closed during the call"));
            return false;
        }
    }

    /** @return false if the IO thread was interrupted, i.e. the node is closing */
    private boolean pause() {
        Duration delay = delayForTest;
        if (delay.isZero()) {
            return true;
        }
        try {
            Thread.sleep(delay.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Test hook: every later call waits this long on the IO thread first, as if each message were slow. */
    void delayForTest(Duration delay) {
        delayForTest = delay;
    }

    private synchronized Path ownFolder() {
        return ownFolder;
    }

    private synchronized boolean closed() {
        return closed;
    }

    /** Fails the calls in flight, stops the IO thread (bounded wait) and removes the node's folder; never throws. */
    @Override
    public void close() {
        ExecutorService stopping;
        Path folder;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            stopping = io;
            folder = ownFolder;
        }
        inFlight.forEach(call -> call.completeExceptionally(
                new DhtException(Reason.CLOSED, "dirdht node closed during the call")));
        if (stopping == null) {
            return;
        }
        stopping.shutdownNow();
        try {
            stopping.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        removeQuietly(folder);
    }

    /** Removes the node's folder and its files; what cannot be removed stays (a later lookup skips it). */
    private static void removeQuietly(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(folder);
        } catch (IOException e) {
            // Left for the operator: close() never throws, and lookups ignore what they cannot read.
        }
    }

    @Override
    public String toString() {
        return "DirDht[" + directory + ", node " + ownFolder() + "]";
    }

    /** One lookup: delivers each distinct item once, never concurrently, and completes once. */
    private final class Lookup {
        private final CompletableFuture<LookupSummary> call;
        private final Consumer<MutableItem> onItem;
        private final Set<MutableItem> delivered = new LinkedHashSet<>();
        private int nodesRead;

        Lookup(CompletableFuture<LookupSummary> call, Consumer<MutableItem> onItem) {
            this.call = call;
            this.onItem = onItem;
        }

        /** Reads the target's file in every node's folder (on the IO thread), then completes. */
        void readAll(MutableQuery query) {
            byte[] target = query.target();
            String name = ItemFile.name(target);
            try (DirectoryStream<Path> nodes = Files.newDirectoryStream(directory, Files::isDirectory)) {
                for (Path node : nodes) {
                    if (call.isDone() || Thread.currentThread().isInterrupted()) {
                        return;
                    }
                    Optional<MutableItem> item;
                    try {
                        item = read(node.resolve(name), target);
                    } catch (IOException e) {
                        continue; // an unreadable node is skipped, as a DHT lookup skips a node that does not answer
                    }
                    answered(item.filter(found -> query.minSeq().isEmpty()
                            || found.seq() >= query.minSeq().getAsLong()));
                }
            } catch (IOException e) {
                call.completeExceptionally(new DhtException(Reason.OTHER, "cannot list " + directory + ": " + e, e));
                return;
            }
            finish();
        }

        private synchronized void answered(Optional<MutableItem> item) {
            if (call.isDone()) {
                return;
            }
            nodesRead++;
            if (item.isPresent() && delivered.add(item.get())) {
                onItem.accept(item.get());
            }
        }

        /** Completes with what was delivered so far: at the end of the reading, or when the timeout passes. */
        synchronized void finish() {
            call.complete(new LookupSummary(delivered.size(), nodesRead, 0));
        }
    }
}
