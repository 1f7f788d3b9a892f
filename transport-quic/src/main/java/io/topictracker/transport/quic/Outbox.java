package io.topictracker.transport.quic;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.quic.QuicStreamChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Coalesces records sent from any thread into few large stream writes. Why: every write to a Netty QUIC stream goes
 * straight into quiche and out as packets, so 1 KiB frames written one by one leave as 1 KiB packets, one system call
 * each; joined up to {@link #BATCH} bytes they fill whole packets. Order is kept: one queue, drained on the event loop
 * only. Nothing is written before {@link #open()}: records offered earlier wait in order, so whatever is queued
 * first (a server's ACCEPTED) is what the stream carries first. {@link #offer} is thread-safe; the other methods run
 * on the stream's event loop.
 */
final class Outbox {
    /** The most bytes joined into one stream write. */
    static final int BATCH = 64 * 1024;

    private record Entry(byte[] record, CompletableFuture<Void> done) {}

    private final QuicStreamChannel stream;
    private final EventLoop loop;
    private final LongConsumer taken;
    private final Function<Throwable, Throwable> failure;
    private final Queue<Entry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private volatile boolean open;

    /**
     * @param stream where records go, not null
     * @param taken told the size of each record once the stream took it or it was dropped, not null
     * @param failure maps a write failure to what the sender sees, not null
     */
    Outbox(QuicStreamChannel stream, LongConsumer taken, Function<Throwable, Throwable> failure) {
        this.stream = stream;
        this.loop = stream.eventLoop();
        this.taken = taken;
        this.failure = failure;
    }

    /**
     * Queues a whole record (header and payload) for writing; any thread.
     *
     * @param record not null; owned by the outbox from now on
     * @return completes when the stream took the record, fails if it could not; never null
     */
    CompletableFuture<Void> offer(byte[] record) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new Entry(record, done));
        if (open) {
            scheduleDrain();
        }
        return done;
    }

    /** Starts writing: what was queued so far goes out first, in order; on the event loop. */
    void open() {
        open = true;
        scheduleDrain();
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            loop.execute(this::drain);
        }
    }

    /** Writes everything queued, in order, joined into batches; nothing before {@link #open()}; on the event loop. */
    void drain() {
        if (!open) {
            return;
        }
        drainScheduled.set(false);
        List<Entry> batch = new ArrayList<>();
        int batchBytes = 0;
        for (Entry entry = queue.poll(); entry != null; entry = queue.poll()) {
            if (!batch.isEmpty() && batchBytes + entry.record.length > BATCH) {
                write(batch, batchBytes);
                batch = new ArrayList<>();
                batchBytes = 0;
            }
            batch.add(entry);
            batchBytes += entry.record.length;
        }
        if (!batch.isEmpty()) {
            write(batch, batchBytes);
        }
    }

    private void write(List<Entry> batch, int bytes) {
        ByteBuf buffer;
        if (batch.size() == 1) {
            buffer = Unpooled.wrappedBuffer(batch.get(0).record);
        } else {
            buffer = stream.alloc().directBuffer(bytes);
            for (Entry entry : batch) {
                buffer.writeBytes(entry.record);
            }
        }
        stream.writeAndFlush(buffer).addListener(f -> {
            Throwable cause = f.isSuccess() ? null : failure.apply(f.cause());
            for (Entry entry : batch) {
                taken.accept(entry.record.length);
                if (cause == null) {
                    entry.done.complete(null);
                } else {
                    entry.done.completeExceptionally(cause);
                }
            }
        });
    }

    /** Fails whatever is still queued (the connection closed); on the event loop. */
    void failAll(Throwable cause) {
        for (Entry entry = queue.poll(); entry != null; entry = queue.poll()) {
            taken.accept(entry.record.length);
            entry.done.completeExceptionally(cause);
        }
    }
}
