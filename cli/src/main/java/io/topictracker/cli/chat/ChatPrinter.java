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
 * neighbours coming and going. Runs on its own daemon thread until the topic is closed and its receiver drained.
 */
final class ChatPrinter implements Runnable {
    /** How long closing waits for the events still queued to be printed. */
    private static final Duration DRAIN_WAIT = Duration.ofSeconds(2);

    private final TopicReceiver receiver;
    private final PrintWriter out;
    private final Thread thread;
    /** The relay a peer's connection passes through, empty when direct (issue 15). */
    private final Function<PeerId, Optional<PeerId>> relayedVia;

    ChatPrinter(TopicReceiver receiver, PrintWriter out) {
        this(receiver, out, peer -> Optional.empty());
    }

    /** @param relayedVia the relay of a peer's connection, empty when direct; not null */
    ChatPrinter(TopicReceiver receiver, PrintWriter out, Function<PeerId, Optional<PeerId>> relayedVia) {
        this.receiver = receiver;
        this.out = out;
        this.relayedVia = relayedVia;
        this.thread = new Thread(this, "chat-printer");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        receiver.stream().forEach(event -> {
            out.println(describe(event, relayedVia));
            out.flush();
        });
    }

    /** @return the line printed for an event, neighbours as if direct; never null */
    static String describe(TopicEvent event) {
        return describe(event, peer -> Optional.empty());
    }

    /**
     * @param relayedVia the relay a peer's connection passes through, empty when direct
     * @return the line printed for an event: a neighbour coming up says whether its connection is direct or through
     *     which relay ({@code * neighbor up <id> (direct)}, {@code * neighbor up <id> (relayed via <relay id>)});
     *     never null
     */
    static String describe(TopicEvent event, Function<PeerId, Optional<PeerId>> relayedVia) {
        if (event instanceof TopicEvent.Received received) {
            // Control characters in someone else's message must not drive our terminal.
            String text = new String(received.payload(), StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", "?");
            return received.author().shortText() + ": " + text;
        } else if (event instanceof TopicEvent.NeighborUp up) {
            return "* neighbor up " + up.peer().shortText() + relayedVia.apply(up.peer())
                    .map(relay -> " (relayed via " + relay.shortText() + ")").orElse(" (direct)");
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
