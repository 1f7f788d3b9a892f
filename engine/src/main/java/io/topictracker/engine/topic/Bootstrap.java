package io.topictracker.engine.topic;

import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.engine.config.BootstrapConfig;
import io.topictracker.engine.records.Record;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * The bootstrap loop of the Rust crate's {@code bootstrap.rs}, over an {@link Env} that does the IO, so the decisions
 * are tested with fakes and small intervals:
 * <ol>
 *   <li>optionally publish our record at startup (rate limited by the current minute's records);</li>
 *   <li>loop until joined or cancelled: fetch minute-1 and minute (minute-2 and minute-1 on the first pass when
 *       {@code check_older_records_first_on_startup});</li>
 *   <li>no records: publish ours at most once per minute, wait {@code no_peers_retry_interval};</li>
 *   <li>our advertised addresses changed since this minute's publish: publish again (once more per minute);</li>
 *   <li>records: collect publishers and their active peers minus ourselves, re-check joined, join them one at a time
 *       waiting {@code per_peer_join_settle_time} after each (or until joined); then wait
 *       {@code join_confirmation_wait_time}; still not joined: publish once per minute (fallback) and wait
 *       {@code discovery_poll_interval}.</li>
 * </ol>
 * Every wait ends early on join or cancel ({@link Env#await}). Publishes run in the background, as the crate spawns
 * them: the loop never waits for a put (a mainline put takes seconds) and the startup publish's rate-limit lookup
 * runs beside the first round's. Candidates are tried in a random order of our own, as the crate's {@code HashSet}
 * of node ids is iterated in an order that differs from process to process: in record order every starter would
 * send its first Join to the same publisher. Runs on the calling thread; not thread-safe.
 */
public final class Bootstrap {
    /** The IO the loop needs. Calls come from the one thread running {@link #run}. */
    public interface Env {
        /** @return whether the topic has a neighbour */
        boolean joined();

        /** @return whether the bootstrap was cancelled (topic closed) */
        boolean cancelled();

        /** @return the current unix minute */
        long minute();

        /**
         * Fetches the records of several minutes' slots, concurrently.
         *
         * @return each minute's records (empty on a failed lookup); never null
         */
        Map<Long, List<Record>> records(long... minutes) throws InterruptedException;

        /**
         * Starts publishing our record for {@code minute}, skipping when {@code cached} (that minute's records)
         * already holds {@code max_bootstrap_records}; returns at once. A failure is logged, not thrown.
         */
        void publish(long minute, List<Record> cached);

        /**
         * Starts fetching {@code minute}'s records and then publishing our record for it, rate limited by what the
         * fetch found, as {@link #publish}; returns at once. A failure is logged, not thrown.
         */
        void fetchAndPublish(long minute);

        /**
         * Whether the addresses we would advertise now differ from those in the last record we published (a NATed
         * node learns its reflexive address from the DHT's votes only after its first publish, and a record without
         * it cannot be dialled from outside: issue 15).
         *
         * @return false if nothing was published yet or nothing changed
         */
        default boolean ownAddressesChanged() {
            return false;
        }

        /** Sends a Join to one peer; returns at once. */
        void joinPeer(PeerInfo peer);

        /** Waits {@code duration}, returning early when joined or cancelled. */
        void await(Duration duration) throws InterruptedException;
    }

    /** What one {@link #run} did, for tests and logs. */
    public static final class Trace {
        int rounds;
        int publishes;
        final List<PeerId> joinsSent = new ArrayList<>();

        /** @return lookup rounds started */
        public int rounds() {
            return rounds;
        }

        /** @return publish calls made */
        public int publishes() {
            return publishes;
        }

        /** @return peers sent a Join, in order */
        public List<PeerId> joinsSent() {
            return List.copyOf(joinsSent);
        }
    }

    private final BootstrapConfig config;
    private final PeerId self;
    private final Env env;
    private final Random order;
    private final Trace trace = new Trace();

    /**
     * @param config not null; @param self our id, never joined; @param env not null
     * @param order shuffles each round's candidates; not null, used on the calling thread of {@link #run} only
     */
    public Bootstrap(BootstrapConfig config, PeerId self, Env env, Random order) {
        this.config = Objects.requireNonNull(config, "config");
        this.self = Objects.requireNonNull(self, "self");
        this.env = Objects.requireNonNull(env, "env");
        this.order = Objects.requireNonNull(order, "order");
    }

    /**
     * Runs until joined or cancelled.
     *
     * @return what was done, never null
     * @throws InterruptedException if the thread is interrupted (how a close stops a blocked lookup)
     */
    public Trace run() throws InterruptedException {
        long lastPublished = Long.MIN_VALUE;
        if (config.publishRecordOnStartup() && !stop()) {
            long minute = env.minute();
            publish(minute, Map.of());
            lastPublished = minute;
        }
        boolean first = true;
        long republishedForAddresses = Long.MIN_VALUE;
        while (!stop()) {
            trace.rounds++;
            long minute = env.minute();
            // Older first favours long-running topics over a crowd of cold starters (the crate's option).
            long[] minutes = first && config.checkOlderRecordsFirstOnStartup()
                    ? new long[] {minute - 2, minute - 1} : new long[] {minute - 1, minute};
            first = false;
            Map<Long, List<Record>> fetched = env.records(minutes);
            List<Record> records = new ArrayList<>();
            for (long m : minutes) {
                records.addAll(fetched.getOrDefault(m, List.of()));
            }
            // Our addresses changed since this minute's publish: publish again, at most once more per minute.
            if (lastPublished == minute && republishedForAddresses != minute && env.ownAddressesChanged()) {
                publish(minute, fetched);
                republishedForAddresses = minute;
            }
            if (records.isEmpty()) {
                if (lastPublished != minute) {
                    publish(minute, fetched);
                    lastPublished = minute;
                }
                env.await(config.noPeersRetryInterval());
                continue;
            }
            // The crate collects the candidates into a HashSet: one order per process, not the records' order.
            List<PeerInfo> candidates = Candidates.peers(records, self, Set.of());
            Collections.shuffle(candidates, order);
            if (stop()) {
                break;
            }
            for (PeerInfo peer : candidates) {
                env.joinPeer(peer);
                trace.joinsSent.add(peer.id());
                env.await(config.perPeerJoinSettleTime());
                if (stop()) {
                    break;
                }
            }
            if (stop()) {
                break;
            }
            env.await(config.joinConfirmationWaitTime());
            if (stop()) {
                break;
            }
            if (lastPublished != minute) {
                publish(minute, fetched);
                lastPublished = minute;
            }
            env.await(config.discoveryPollInterval());
        }
        return trace;
    }

    /**
     * Starts a publish for {@code minute}, rate limited by that minute's records: those in {@code fetched} when the
     * pass fetched that minute, else a fetch of its own (at startup, and on the first pass of older-first).
     */
    private void publish(long minute, Map<Long, List<Record>> fetched) {
        if (config.maxBootstrapRecords() == 0) { // 0 means never publish
            return;
        }
        trace.publishes++;
        List<Record> cached = fetched.get(minute);
        if (cached != null) {
            env.publish(minute, cached);
        } else {
            env.fetchAndPublish(minute);
        }
    }

    private boolean stop() {
        return env.cancelled() || env.joined();
    }
}
