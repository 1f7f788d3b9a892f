package io.topictracker.cli.chat;

import io.topictracker.engine.TopicEvent;
import io.topictracker.engine.TopicReceiver;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Prints a topic's events as they arrive: {@code <author short id>: <text>} for a message, {@code * ...} lines for
 * neighbours coming and going. Runs on its own daemon thread until {@link #stop()}.
 */
final class ChatPrinter implements Runnable {
    private static final Duration POLL = Duration.ofMillis(200);

    private final TopicReceiver receiver;
    private final PrintWriter out;
    private final Thread thread;
    private volatile boolean stopping;

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
        try {
            while (!stopping) {
                TopicEvent event = receiver.next(POLL);
                if (event != null) {
                    out.println(describe(event));
                    out.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
        } else if (event instanceof TopicEvent.Lagged lagged) {
            return "* missed " + lagged.missed() + " event(s): the output fell behind";
        }
        return "* " + event;
    }

    /** Stops printing; waits a bounded time for the thread to notice. */
    void stop() {
        stopping = true;
        try {
            thread.join(POLL.toMillis() * 10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
