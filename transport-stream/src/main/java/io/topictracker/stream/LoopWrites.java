package io.topictracker.stream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The frames other threads send on the connections of one event loop, handed to the loop as one task per burst: the
 * task writes every frame waiting, for every connection, then flushes each connection it wrote to once.
 *
 * <p>Why (issue 18): a frame written from outside the loop was one Netty task, and its flush (consolidated while no
 * read was in progress) a second one; a gossip node forwarding a message sends it to four or five peers at once, so
 * one broadcast step cost eight to ten tasks on the loop and as many hand-offs. Now it costs one, and the flush at the
 * end of the task never holds a lone frame back.
 *
 * <p>Bounded by the senders: {@link StreamConnection#send} refuses frames once its connection's bytes waiting here plus
 * those in Netty's outbound buffer pass the high water mark. A task writes at most {@link #MAX_WRITES_PER_TASK}
 * frames, then yields the loop to its reads and schedules itself again. Thread-safe: any thread may {@link #write};
 * the task runs on the loop.
 */
public final class LoopWrites {
    /** Frames written by one task before it yields the loop. */
    static final int MAX_WRITES_PER_TASK = 1024;

    private record Pending(StreamConnection connection, ByteBuf frame, ChannelPromise promise) {}

    private final EventLoop loop;
    private final Queue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** The connections written to by the running task; used on the loop only. */
    private final List<StreamConnection> written = new ArrayList<>();
    private final Runnable drain = this::drain;

    /** @param loop the event loop whose connections these are, not null */
    public LoopWrites(EventLoop loop) {
        this.loop = loop;
    }

    /**
     * Queues a frame for the loop; it is written and flushed by the loop's next write task.
     *
     * @param connection a connection of this loop, not null
     * @param frame the encoded frame, not null; released by the channel (or here if the loop refuses the task)
     * @param promise completed when the frame is written or failed; not null
     */
    void write(StreamConnection connection, ByteBuf frame, ChannelPromise promise) {
        pending.add(new Pending(connection, frame, promise));
        schedule();
    }

    private void schedule() {
        if (!scheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            loop.execute(drain);
        } catch (RejectedExecutionException e) {
            // The loop shut down: nothing queued here will be written.
            scheduled.set(false);
            failAll(e);
        }
    }

    private void drain() {
        // Cleared first: a frame queued from here on schedules another task, even if this one writes it.
        scheduled.set(false);
        int count = 0;
        Pending next;
        while (count < MAX_WRITES_PER_TASK && (next = pending.poll()) != null) {
            count++;
            StreamConnection connection = next.connection();
            if (!written.contains(connection)) { // a loop serves a few dozen connections at most
                written.add(connection);
            }
            connection.writeOnLoop(next.frame(), next.promise());
        }
        for (StreamConnection connection : written) {
            connection.flushOnLoop();
        }
        written.clear();
        if (!pending.isEmpty()) {
            schedule();
        }
    }

    private void failAll(Throwable cause) {
        Pending next;
        while ((next = pending.poll()) != null) {
            next.connection().writeRefused(next.frame(), next.promise(), cause);
        }
    }
}
