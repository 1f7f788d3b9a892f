package io.topictracker.engine.topic;

import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.engine.config.BootstrapConfig;
import io.topictracker.engine.records.Record;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
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
 *   <li>our record for this minute went missing from its slot after it was stored (another writer's put crossed
 *       ours): publish again, at most {@link #REPUBLISHES_OF_A_MISSING_RECORD} more times per minute;</li>
 *   <li>while the fetch runs, join the first {@link #CONCURRENT_JOINS} candidates as soon as their records arrive,
 *       all at once (ours, not the crate's, which waits for the lookups to end and joins one at a time: a rendezvous
 *       should not wait for a DHT lookup to converge once it knows whom to dial);</li>
 *   <li>records: collect publishers and their active peers minus ourselves and those already sent a Join, re-check
 *       joined, join them one at a time waiting {@code per_peer_join_settle_time} after each (or until joined),
 *       publishers of the newest minute first; then wait
 *       {@code join_confirmation_wait_time}; still not joined: publish once per minute (fallback) and wait
 *       {@code discovery_poll_interval}.</li>
 * </ol>
 * Both waits are at most {@link #FIRST_CONTACT_RETRY} while in the first-contact window ({@link
 * Env#firstContactWindow}; ours, not the crate's).
 * Every wait ends early on join or cancel ({@link Env#await}). Publishes run in the background, as the crate spawns
 * them: the loop never waits for a put (a mainline put takes seconds) and the startup publish's rate-limit lookup
 * runs beside the first round's. Candidates are tried in a random order of our own, as the crate's {@code HashSet}
 * of node ids is iterated in an order that differs from process to process: in record order every starter would
 * send its first Join to the same publisher; within that, publishers go before the peers records name, and peers
 * that did not answer last round go last. Runs on the calling thread; not thread-safe.
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
         * Starts fetching the records of several minutes' slots, concurrently; returns at once.
         *
         * @return the fetch in progress, never null
         */
        Fetch fetch(long... minutes);

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

        /**
         * Whether our record for {@code minute} is gone: the last fetch of that minute's slot began after a publish of
         * ours for it had been stored, and did not find it. Another writer's put that crossed ours replaces it on
         * every node both of us wrote to (BEP44: an equal seq replaces), and nothing else would tell us: the other
         * writer would see no record of ours for the rest of the minute, and at the next minute the same race
         * (issue 15, BENCHMARKS.md hole punching).
         *
         * @return false if we have not published for {@code minute}, or have not fetched it since
         */
        default boolean ourRecordMissing(long minute) {
            return false;
        }

        /** Sends a Join to one peer; returns at once. */
        void joinPeer(PeerInfo peer);

        /**
         * Whether we are still in our first-contact window: a peer that starts in the topic now would be met at a
         * first-contact instant (PROTOCOL.md §8), so a round that joined nobody waits only
         * {@link #FIRST_CONTACT_RETRY} before looking again.
         *
         * @return false by default
         */
        default boolean firstContactWindow() {
            return false;
        }

        /** Waits {@code duration}, returning early when joined or cancelled. */
        void await(Duration duration) throws InterruptedException;
    }

    /** A fetch of several minutes' slots in progress. Used on the thread running {@link #run} only. */
    public interface Fetch {
        /**
         * Waits until records arrive that this method has not returned yet, the fetch ends, or the topic is joined
         * or cancelled.
         *
         * @return the records (of other publishers, each publisher once per minute) that arrived since the last
         *     call, in arrival order; empty once the fetch ended and everything was returned, or when joined or
         *     cancelled; never null
         */
        List<Record> arrived() throws InterruptedException;

        /**
         * Waits for the fetch to end.
         *
         * @return each minute's records (empty on a failed lookup); never null
         */
        Map<Long, List<Record>> all() throws InterruptedException;
    }

    /**
     * Candidates joined at once, without a settle wait between them, as their records arrive while a fetch is still
     * running. Several, so that a dead publisher (records outlive their publishers by up to two minutes) costs no
     * wait when a live one is among them; few, because each Join that succeeds starts a ForwardJoin walk (HyParView
     * §4) and a newcomer needs one neighbour, not its whole active view, to be joined. The rest are joined one at a
     * time when the fetch ends, as before.
     */
    static final int CONCURRENT_JOINS = 3;

    /**
     * Publishes per minute, besides the first, of a record that went missing from its slot ({@link
     * Env#ourRecordMissing}). One is enough when the put crossed another writer's once (the second put sees the other
     * record and takes a share of the nodes, SlotSharing); a few more, not an unbounded number, when puts keep
     * crossing.
     */
    static final int REPUBLISHES_OF_A_MISSING_RECORD = 2;

    /**
     * The wait at the end of a round that joined nobody while {@link Env#firstContactWindow()} holds, instead of
     * {@code no_peers_retry_interval} (1.5 s) or {@code discovery_poll_interval} (2 s): a node alone reads the slot
     * again this soon after its last lookup ended, so that a peer's record stored meanwhile is read within a lookup's
     * first answers, and a record of ours that a crossing put replaced is found missing and put again at once; two
     * fresh peers can then meet at their first-contact instant, a few seconds after the later one starts (issue 15's
     * target: direct within 2 s of both records being visible). Only while the window lasts: the cost is a lookup of
     * the two slots every half second or so, for one minute.
     */
    static final Duration FIRST_CONTACT_RETRY = Duration.ofMillis(250);

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
    /** Peers sent a Join in the last round that ended without a neighbour; tried last in the next. */
    private final Set<PeerId> unanswered = new HashSet<>();

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
        long republishedMissingMinute = Long.MIN_VALUE;
        int republishesOfMissing = 0;
        while (!stop()) {
            trace.rounds++;
            long minute = env.minute();
            // Older first favours long-running topics over a crowd of cold starters (the crate's option).
            long[] minutes = first && config.checkOlderRecordsFirstOnStartup()
                    ? new long[] {minute - 2, minute - 1} : new long[] {minute - 1, minute};
            first = false;
            Fetch fetch = env.fetch(minutes);
            Set<PeerId> sent = new HashSet<>();
            joinAsRecordsArrive(fetch, sent);
            if (stop()) {
                break;
            }
            Map<Long, List<Record>> fetched = fetch.all();
            List<Record> records = new ArrayList<>();
            for (int i = minutes.length - 1; i >= 0; i--) { // newest minute first: Candidates keeps first mentions
                records.addAll(fetched.getOrDefault(minutes[i], List.of()));
            }
            // Our addresses changed since this minute's publish: publish again, at most once more per minute.
            if (lastPublished == minute && republishedForAddresses != minute && env.ownAddressesChanged()) {
                publish(minute, fetched);
                republishedForAddresses = minute;
            } else if (lastPublished == minute && env.ourRecordMissing(minute)) {
                // Another writer's put crossed ours: put again, now seeing its record (bounded per minute).
                if (republishedMissingMinute != minute) {
                    republishedMissingMinute = minute;
                    republishesOfMissing = 0;
                }
                if (republishesOfMissing < REPUBLISHES_OF_A_MISSING_RECORD) {
                    republishesOfMissing++;
                    publish(minute, fetched);
                }
            }
            if (records.isEmpty()) {
                unanswered.clear();
                if (lastPublished != minute) {
                    publish(minute, fetched);
                    lastPublished = minute;
                }
                env.await(pause(config.noPeersRetryInterval()));
                continue;
            }
            List<PeerInfo> candidates = ordered(Candidates.peers(records, self, sent), records);
            if (stop()) {
                break;
            }
            for (PeerInfo peer : candidates) {
                join(peer, sent);
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
            // Joined no one: whoever we sent a Join to this round is tried last next round (a dead publisher's
            // record stays in its slot for two minutes; RFC 8305 §4 likewise sorts by past failures).
            unanswered.clear();
            unanswered.addAll(sent);
            if (lastPublished != minute) {
                publish(minute, fetched);
                lastPublished = minute;
            }
            env.await(pause(config.discoveryPollInterval()));
        }
        return trace;
    }

    /** @return {@code usual}, or {@link #FIRST_CONTACT_RETRY} if shorter while in the first-contact window */
    private Duration pause(Duration usual) {
        return env.firstContactWindow() && FIRST_CONTACT_RETRY.compareTo(usual) < 0 ? FIRST_CONTACT_RETRY : usual;
    }

    /**
     * While the fetch runs, joins the first {@link #CONCURRENT_JOINS} candidates as their records arrive: publishers
     * before the active peers their records name (a publisher was alive when it published; its list is second-hand),
     * each group in our random order, peers that did not answer last round last. Returns when the fetch ended, or
     * when joined or cancelled.
     */
    private void joinAsRecordsArrive(Fetch fetch, Set<PeerId> sent) throws InterruptedException {
        while (!stop()) {
            List<Record> arrived = fetch.arrived();
            if (arrived.isEmpty()) {
                return;
            }
            if (sent.size() >= CONCURRENT_JOINS) {
                continue; // the rest wait for the fetch's end, one at a time
            }
            for (PeerInfo peer : ordered(Candidates.peers(arrived, self, sent), arrived)) {
                if (sent.size() >= CONCURRENT_JOINS || stop()) {
                    break;
                }
                join(peer, sent);
            }
        }
    }

    /**
     * @return {@code candidates} in the order to try them: publishers of {@code records} first, then the peers their
     *     records name; within each, peers that did not answer a Join last round go last, and those named only by
     *     an older minute's record after those of a newer one; otherwise our random order (the crate iterates a
     *     {@code HashSet}: one order per process)
     */
    private List<PeerInfo> ordered(List<PeerInfo> candidates, List<Record> records) {
        Set<PeerId> publishers = new HashSet<>();
        Map<PeerId, Long> newestMinute = new HashMap<>();
        for (Record record : records) {
            publishers.add(record.publisher());
            newestMinute.merge(record.publisher(), record.unixMinute(), Math::max);
            for (PeerInfo named : record.content().activePeers()) {
                newestMinute.merge(named.id(), record.unixMinute(), Math::max);
            }
        }
        List<PeerInfo> result = new ArrayList<>(candidates);
        Collections.shuffle(result, order);
        result.sort(Comparator.comparing((PeerInfo p) -> !publishers.contains(p.id()))
                .thenComparing(p -> unanswered.contains(p.id()))
                .thenComparing(p -> -newestMinute.getOrDefault(p.id(), Long.MIN_VALUE + 1)));
        return result;
    }

    private void join(PeerInfo peer, Set<PeerId> sent) {
        env.joinPeer(peer);
        sent.add(peer.id());
        trace.joinsSent.add(peer.id());
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
