package io.topictracker.engine;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.ConnectionListener;
import io.topictracker.api.transport.Transport;
import io.topictracker.api.transport.TransportException;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The engine tests' transport: it listens nowhere, remembers every address it is asked to dial, and answers each dial
 * as the test scripted: with the next answer the test queued or, when none is left, as {@link Otherwise} says (refused
 * with {@code CONNECT_FAILED}, or held pending until the test answers it, if ever). Thread-safe. Not final, so that a
 * test can add a marker such as {@code NodeAware} (a relay, as the engine sees one).
 */
public class ScriptedTransport implements Transport {
    /** What becomes of a dial that finds no queued answer. */
    public enum Otherwise {
        /** Failed at once with {@code CONNECT_FAILED}. */
        REFUSE,
        /** Left pending: {@link #answer} completes it; unanswered it never completes, as an address dropping all. */
        HOLD
    }

    private final String id;
    private final boolean handlesItsScheme;
    private final Otherwise otherwise;
    private final List<PeerAddress> dialled;
    private final Queue<Function<ConnectionListener, Connection>> answers = new ConcurrentLinkedQueue<>();
    private final List<Held> held = new CopyOnWriteArrayList<>();

    /** A dial held pending, with the listener the engine gave it. */
    private record Held(CompletableFuture<Connection> dial, ConnectionListener listener) {}

    /**
     * @param id the transport id, not null
     * @param handlesItsScheme whether it claims addresses whose transport is {@code id} (else it claims none)
     * @param otherwise what becomes of a dial with no queued answer, not null
     * @param dialLog where each dialled address is added, in order, not null; thread-safe (transports may share one,
     *     to see the order of dials across them)
     */
    public ScriptedTransport(String id, boolean handlesItsScheme, Otherwise otherwise, List<PeerAddress> dialLog) {
        this.id = id;
        this.handlesItsScheme = handlesItsScheme;
        this.otherwise = otherwise;
        this.dialled = dialLog;
    }

    /** A transport refusing every dial that claims its own scheme's addresses when {@code handlesItsScheme}. */
    public static ScriptedTransport refusing(String id, boolean handlesItsScheme) {
        return new ScriptedTransport(id, handlesItsScheme, Otherwise.REFUSE, new CopyOnWriteArrayList<>());
    }

    /** A transport for its own scheme whose dials stay pending until {@link #answer}ed. */
    public static ScriptedTransport holding(String id) {
        return new ScriptedTransport(id, true, Otherwise.HOLD, new CopyOnWriteArrayList<>());
    }

    /** @return the addresses dialled so far, in order (the shared log, when one was given); a live view */
    public List<PeerAddress> dialled() {
        return dialled;
    }

    /**
     * Queues the answer to the next dial: {@code answer} gets the listener the engine gave that dial and returns the
     * connection the dial completes with.
     */
    public void queueAnswer(Function<ConnectionListener, Connection> answer) {
        answers.add(answer);
    }

    /** @return how many dials this transport has held pending (answered or not) */
    public int heldCount() {
        return held.size();
    }

    /**
     * Completes the {@code dial}-th held dial (from 0) with the connection {@code answer} returns for that dial's
     * listener. The dial must have been held.
     */
    public void answer(int dial, Function<ConnectionListener, Connection> answer) {
        Held pending = held.get(dial);
        pending.dial().complete(answer.apply(pending.listener()));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public CompletableFuture<Void> start() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public List<PeerAddress> localAddresses() {
        return List.of();
    }

    @Override
    public boolean handles(PeerAddress address) {
        return handlesItsScheme && address.transport().equals(id);
    }

    @Override
    public CompletableFuture<Connection> connect(PeerId expected, PeerAddress address, ConnectionListener listener) {
        dialled.add(address);
        Function<ConnectionListener, Connection> answer = answers.poll();
        if (answer != null) {
            return CompletableFuture.completedFuture(answer.apply(listener));
        }
        if (otherwise == Otherwise.REFUSE) {
            return CompletableFuture.failedFuture(new TransportException(TransportException.Reason.CONNECT_FAILED,
                    "refused by the test"));
        }
        CompletableFuture<Connection> dial = new CompletableFuture<>();
        held.add(new Held(dial, listener));
        return dial;
    }

    @Override
    public void close() {}
}
