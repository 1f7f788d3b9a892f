package io.topictracker.cli.chat;

import io.topictracker.api.PeerId;
import io.topictracker.engine.TopicEvent;
import io.topictracker.engine.TopicReceiver;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Prints a topic's events as they arrive: {@code <author short id>: <text>} for a message, {@code * ...} lines for
 * neighbours coming and going, and {@code * neighbor <id> now direct} when a relayed neighbour's connection became
 * direct (issue 15). Runs on its own daemon thread until the topic is closed and its receiver drained.
 */
final class ChatPrinter implements Runnable {
    /** How long closing waits for the events still queued to be printed. */
    private static final Duration DRAIN_WAIT = Duration.ofSeconds(2);

    private final TopicReceiver receiver;
    private final PrintWriter out;
    private final Thread thread;
    /** How long a neighbour's line waits for its connection (HyParView may take a neighbour before dialling it). */
    private static final Duration PATH_WAIT = Duration.ofSeconds(5);

    /** What the printer asks the node about a neighbour's connection (issue 15). */
    interface Paths {
        /** @return whether there is an open connection to {@code peer} */
        boolean isConnected(PeerId peer);

        /** @return the relay the open connection to {@code peer} passes through, empty when direct or none */
        Optional<PeerId> relayedVia(PeerId peer);
    }

    private static final Paths UNKNOWN = new Paths() {
        @Override
        public boolean isConnected(PeerId peer) {
            return false;
        }

        @Override
        public Optional<PeerId> relayedVia(PeerId peer) {
            return Optional.empty();
        }
    };

    private final Paths paths;

    ChatPrinter(TopicReceiver receiver, PrintWriter out) {
        this(receiver, out, UNKNOWN);
    }

    /** @param paths tells direct from relayed connections; not null */
    ChatPrinter(TopicReceiver receiver, PrintWriter out, Paths paths) {
        this.receiver = receiver;
        this.out = out;
        this.paths = paths;
        this.thread = new Thread(this, "chat-printer");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        receiver.stream().forEach(event -> {
            out.println(describe(event, this::pathOf));
            out.flush();
        });
    }

    /**
     * @return the suffix saying how we reach {@code peer}: {@code " (direct)"}, {@code " (relayed via <id>)"}, or
     *     nothing if no connection opened within {@link #PATH_WAIT} (waited for on this printer's thread, bounded)
     */
    private String pathOf(PeerId peer) {
        long deadline = System.nanoTime() + PATH_WAIT.toNanos();
        while (!paths.isConnected(peer) && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
        }
        if (!paths.isConnected(peer)) {
            return "";
        }
        return paths.relayedVia(peer).map(relay -> " (relayed via " + relay.shortText() + ")").orElse(" (direct)");
    }

    /** @return the line printed for an event, without a neighbour's path; never null */
    static String describe(TopicEvent event) {
        return describe(event, peer -> "");
    }

    /**
     * @param pathOf how a peer is reached, as a suffix of its neighbour line: {@code " (direct)"} or
     *     {@code " (relayed via <relay id>)"}, or empty when unknown
     * @return the line printed for an event: a neighbour coming up says whether its connection is direct or through
     *     which relay (issue 15); never null
     */
    static String describe(TopicEvent event, Function<PeerId, String> pathOf) {
        if (event instanceof TopicEvent.Received received) {
            // Control characters in someone else's message must not drive our terminal.
            String text = new String(received.payload(), StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", "?");
            return received.author().shortText() + ": " + text;
        } else if (event instanceof TopicEvent.NeighborUp up) {
            return "* neighbor up " + up.peer().shortText() + pathOf.apply(up.peer());
        } else if (event instanceof TopicEvent.NeighborDirect direct) {
            return "* neighbor " + direct.peer().shortText() + " now direct";
        } else if (event instanceof TopicEvent.NeighborDown down) {
            return "* neighbor down " + down.peer().shortText();
        } else if (event instanceof TopicEvent.Rejoining) {
            return "* no neighbor left: looking for peers again";
        } else if (event instanceof TopicEvent.Joined) {
            return "* rejoined the topic";
        } else if (event instanceof TopicEvent.Lagged lagged) {
            return "* missed " + lagged.missed() + " event(s): the output fell behind";
        }
        return "* " + event;
    }

    /**
     * Waits, at most {@link #DRAIN_WAIT}, for the printer to end: call it after closing the topic, whose receiver
     * then ends once the events still queued are printed. A printer still running then is interrupted.
     */
    void awaitEnd() {
        try {
            thread.join(DRAIN_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            thread.interrupt();
        }
    }
}
