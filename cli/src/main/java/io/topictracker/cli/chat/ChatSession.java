package io.topictracker.cli.chat;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerInfo;
import io.topictracker.cli.support.CliException;
import io.topictracker.engine.Node;
import io.topictracker.engine.Topic;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One chat: start the node, print {@code self: ID@ADDRESS}, join the topic (and the peers named), then broadcast each
 * line of input until it ends. Closing (end of input, or the shutdown hook on Ctrl-C) closes the topic and the node
 * once. Driven from one thread; {@link #close()} may come from the shutdown hook's thread.
 *
 * <p>Peers named with {@code --peer} are joined again while the topic has no neighbour (first after
 * {@link #FIRST_RETRY}, then twice as long each time, at most {@link #MAX_RETRY} apart): a Join whose dial failed
 * (the peer not up yet, a lost first packet) is not retried by the protocol, and a user who named a peer expects to
 * reach it once it is there.
 */
public final class ChatSession implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);
    static final Duration FIRST_RETRY = Duration.ofSeconds(2);
    static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final Node node;
    private final PrintWriter out;
    private final PrintWriter err;
    private Topic topic;
    private ChatPrinter printer;
    /** Joins the named peers again while there is no neighbour; null until there are peers to retry. */
    private ScheduledExecutorService retries;
    private boolean closed;

    /**
     * @param node built, not started; the session owns it
     * @param out where {@code self:} lines, messages and neighbour changes go, not null
     * @param err where notices about our own sends go, not null
     */
    public ChatSession(Node node, PrintWriter out, PrintWriter err) {
        this.node = Objects.requireNonNull(node, "node");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
    }

    /**
     * Starts the node, prints one {@code self: ID@ADDRESS} line per address and joins the topic.
     *
     * @param topicName not null
     * @param secret not null
     * @param peers peers to join directly, besides the DHT; not null, possibly empty
     * @throws CliException (status 1) if the node does not start
     */
    public void open(String topicName, byte[] secret, List<PeerInfo> peers) throws InterruptedException {
        try {
            node.start().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw CliException.failed("the node did not start: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw CliException.failed("the node did not start within " + START_TIMEOUT.toSeconds() + " s", e);
        }
        PeerInfo self = node.self();
        for (PeerAddress address : self.addresses()) {
            out.println("self: " + self.id() + "@" + address);
        }
        out.flush();
        synchronized (this) {
            topic = node.joinNoWait(topicName, secret);
            printer = new ChatPrinter(topic.receiver(), out, new ChatPrinter.Paths() {
                @Override
                public boolean isConnected(io.topictracker.api.PeerId peer) {
                    return node.isConnected(peer);
                }

                @Override
                public java.util.Optional<io.topictracker.api.PeerId> relayedVia(io.topictracker.api.PeerId peer) {
                    return node.relayedVia(peer);
                }
            });
            printer.start();
        }
        if (!peers.isEmpty()) {
            topic.sender().joinPeers(peers);
            err.println("* joining " + peers.size() + " peer(s) directly, and looking for more on the DHT");
            scheduleRetry(peers, FIRST_RETRY);
        } else {
            err.println("* looking for peers on the DHT; type a line to send it");
        }
        err.flush();
    }

    /**
     * Broadcasts each line of {@code in} until it ends; empty lines are skipped.
     *
     * @param in the user's input, not null; read as UTF-8
     */
    public void chat(InputStream in) throws IOException, InterruptedException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            send(line);
        }
    }

    private void send(String line) throws InterruptedException {
        if (topic.neighbors().isEmpty()) {
            err.println("* no neighbours yet: nobody received that");
        }
        try {
            topic.sender().broadcast(line.getBytes(StandardCharsets.UTF_8))
                    .get(SEND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            err.println("* not sent: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            err.println("* not sent within " + SEND_TIMEOUT.toSeconds() + " s");
        }
        err.flush();
    }

    private synchronized void scheduleRetry(List<PeerInfo> peers, Duration delay) {
        if (closed) {
            return;
        }
        if (retries == null) {
            retries = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "chat-join-retry");
                thread.setDaemon(true);
                return thread;
            });
        }
        retries.schedule(() -> retryIfAlone(peers, delay), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void retryIfAlone(List<PeerInfo> peers, Duration lastDelay) {
        synchronized (this) {
            if (closed || !topic.neighbors().isEmpty()) {
                return; // a neighbour came: the overlay (and rejoin, should it lose them all) takes over
            }
            topic.sender().joinPeers(peers);
            out.println("* no neighbor yet: joining " + peers.size() + " peer(s) again");
            out.flush();
        }
        Duration next = lastDelay.multipliedBy(2);
        scheduleRetry(peers, next.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : next);
    }

    /** Closes the topic and the node; idempotent, callable from any thread. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (retries != null) {
            retries.shutdownNow();
        }
        try {
            if (topic != null) {
                topic.close();
            }
            if (printer != null) {
                printer.awaitEnd();
            }
        } finally {
            node.close();
            out.flush();
        }
    }
}
