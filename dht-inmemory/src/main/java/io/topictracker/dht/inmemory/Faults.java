package io.topictracker.dht.inmemory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The faults of one {@link InMemoryNetwork}, changeable at run time: latency (fixed + uniform jitter), message loss,
 * failing puts and partitions. Random choices come from the network's seeded generator, so a single-threaded
 * sequence of operations sees the same faults on every run. Thread-safe; every setter takes effect for operations
 * started after it.
 */
public final class Faults {
    private final InMemoryNetwork network;
    private Duration latency = Duration.ZERO;
    private Duration jitter = Duration.ZERO;
    private double loss;
    private double putFailure;
    private int failNextPuts;

    Faults(InMemoryNetwork network) {
        this.network = network;
    }

    /**
     * Every message between a node and a storing place takes {@code fixed} plus a uniform random part of
     * {@code jitter}.
     *
     * @param fixed not negative, not null; @param jitter not negative, not null
     * @return this
     */
    public Faults latency(Duration fixed, Duration jitter) {
        if (fixed.isNegative() || jitter.isNegative()) {
            throw new IllegalArgumentException("latency and jitter must not be negative, got " + fixed + ", " + jitter);
        }
        synchronized (network.lock) {
            this.latency = fixed;
            this.jitter = jitter;
        }
        return this;
    }

    /** @param probability that one message to or from a storing place is lost, 0–1; @return this */
    public Faults loss(double probability) {
        requireProbability(probability, "loss");
        synchronized (network.lock) {
            this.loss = probability;
        }
        return this;
    }

    /** @param probability that a put fails as a whole with reason UNREACHABLE, 0–1; @return this */
    public Faults putFailure(double probability) {
        requireProbability(probability, "put failure");
        synchronized (network.lock) {
            this.putFailure = probability;
        }
        return this;
    }

    /** @param count the next {@code count} puts fail with reason UNREACHABLE, at least 0; @return this */
    public Faults failNextPuts(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be at least 0, got " + count);
        }
        synchronized (network.lock) {
            this.failNextPuts = count;
        }
        return this;
    }

    /**
     * Splits the network: nodes (by {@link InMemoryDht#name()}) in different groups cannot see each other's puts
     * or gets; nodes in no group form one more group. Each group continues on its own copy of the stored items.
     * A partition in effect is healed first.
     *
     * @param groups disjoint sets of node names, not null
     * @return this
     */
    @SafeVarargs
    public final Faults partition(Set<String>... groups) {
        List<Set<String>> list = new ArrayList<>();
        for (Set<String> group : groups) {
            list.add(Set.copyOf(Objects.requireNonNull(group, "group")));
        }
        network.split(list);
        return this;
    }

    /** Ends a partition: the groups' stores are merged (see PROTOCOL.md / README of the module). @return this */
    public Faults heal() {
        network.heal();
        return this;
    }

    /** Clears every fault, healing a partition. @return this */
    public Faults clear() {
        heal();
        synchronized (network.lock) {
            latency = Duration.ZERO;
            jitter = Duration.ZERO;
            loss = 0;
            putFailure = 0;
            failNextPuts = 0;
        }
        return this;
    }

    /** @return the delay of one message; call holding the network lock */
    long sampleLatencyNanos() {
        long extra = jitter.isZero() ? 0 : (long) (network.random.nextDouble() * jitter.toNanos());
        return latency.toNanos() + extra;
    }

    /** @return true if one message is lost; call holding the network lock */
    boolean sampleLoss() {
        return loss > 0 && network.random.nextDouble() < loss;
    }

    /** @return true if this put is to fail; call holding the network lock */
    boolean samplePutFailure() {
        if (failNextPuts > 0) {
            failNextPuts--;
            return true;
        }
        return putFailure > 0 && network.random.nextDouble() < putFailure;
    }

    private static void requireProbability(double p, String what) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(what + " probability must be within 0-1, got " + p);
        }
    }
}
