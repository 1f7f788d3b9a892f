package io.topictracker.cli.chat;

import io.topictracker.engine.TopicEvent;
import io.topictracker.engine.TopicReceiver;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

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

    ChatPrinter(TopicReceiver receiver, PrintWriter out) {
        this.receiver = receiver;
        this.out = out;
        this.thread = new Thread(this, "chat-printer");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        receiver.stream().forEach(event -> {
            out.println(describe(event));
            out.flush();
        });
    }

    /** @return the line printed for an event, never null */
    static String describe(TopicEvent event) {
        if (event instanceof TopicEvent.Received received) {
            // Control characters in someone else's message must not drive our terminal.
            String text = new String(received.payload(), StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", "?");
            return received.author().shortText() + ": " + text;
        } else if (event instanceof TopicEvent.NeighborUp up) {
            return "* neighbor up " + up.peer().shortText();
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
