package io.topictracker.engine.topic;

import io.topictracker.api.PeerInfo;
import io.topictracker.engine.config.BubbleMergeConfig;
import io.topictracker.engine.config.MessageOverlapMergeConfig;
import io.topictracker.engine.config.NodeConfig;
import io.topictracker.engine.config.PublisherConfig;
import io.topictracker.engine.records.Record;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers a topic runs once joined, as the Rust crate's: the Publisher (refreshes our record), BubbleMerge (too
 * few neighbours: join peers from records) and MessageOverlapMerge (records whose message hashes miss ours, or whose
 * neighbour lists prove a split: join their peers). Each runs after its initial delay, then every base interval + random jitter, on the node's scheduler;
 * a run never blocks a scheduler thread (its DHT calls are chained futures) and the next run is scheduled when a run
 * ends, so runs of one worker never overlap. Thread-safe.
 */
final class Maintenance implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);

    private final NodeConfig config;
    private final ScheduledExecutorService scheduler;
    private final Random random;
    private final TopicMembership topic;
    private final List<ScheduledFuture<?>> pending = new ArrayList<>();
    private boolean closed; // guarded by pending
    /**
     * The minute of our last split merge; a split is acted on again only with records all written after it. Touched
     * only by the overlap worker's runs, which never overlap and are ordered by the scheduler.
     */
    private long lastSplitMergeMinute = Long.MIN_VALUE / 2;

    Maintenance(NodeConfig config, ScheduledExecutorService scheduler, Random random, TopicMembership topic) {
        this.config = config;
        this.scheduler = scheduler;
        this.random = random;
        this.topic = topic;
    }

    /** @return whether a worker that cannot start should fail (close) the topic */
    boolean failTopicOnStartupFailure() {
        return (config.publisher().enabled() && config.publisher().failTopicCreationOnPublishingStartupFailure())
                || (config.merge().bubble().enabled()
                        && config.merge().bubble().failTopicCreationOnMergeStartupFailure())
                || (config.merge().messageOverlap().enabled()
                        && config.merge().messageOverlap().failTopicCreationOnMergeStartupFailure());
    }

    /** Schedules each enabled worker's first run. @throws java.util.concurrent.RejectedExecutionException */
    void start() {
        PublisherConfig publisher = config.publisher();
        if (publisher.enabled()) {
            loop(publisher.initialDelay(), publisher.baseInterval(), publisher.maxJitter(), this::publish);
        }
        BubbleMergeConfig bubble = config.merge().bubble();
        if (bubble.enabled()) {
            loop(bubble.initialDelay(), bubble.baseInterval(), bubble.maxJitter(), this::bubbleMerge);
        }
        MessageOverlapMergeConfig overlap = config.merge().messageOverlap();
        if (overlap.enabled()) {
            loop(overlap.initialDelay(), overlap.baseInterval(), overlap.maxJitter(), this::overlapMerge);
        }
    }

    private void loop(Duration delay, Duration base, Duration jitter, Supplier<CompletableFuture<?>> run) {
        synchronized (pending) {
            if (closed) {
                return;
            }
            pending.removeIf(ScheduledFuture::isDone);
            pending.add(scheduler.schedule(() -> {
                CompletableFuture<?> done;
                try {
                    done = run.get();
                } catch (RuntimeException e) {
                    done = CompletableFuture.failedFuture(e);
                }
                done.whenComplete((v, e) -> {
                    if (e != null) {
                        LOG.debug("topic {}: worker run failed: {}", topic.topic(), e.toString());
                    }
                    try {
                        loop(next(base, jitter), base, jitter, run);
                    } catch (RuntimeException rejected) { // the node's scheduler is shutting down
                        LOG.debug("topic {}: worker stopped: {}", topic.topic(), rejected.toString());
                    }
                });
            }, delay.toNanos(), TimeUnit.NANOSECONDS));
        }
    }

    private Duration next(Duration base, Duration jitter) {
        long extra;
        synchronized (random) {
            extra = jitter.isZero() ? 0 : (long) (random.nextDouble() * jitter.toNanos());
        }
        return base.plusNanos(extra);
    }

    /**
     * Publisher: our record with current neighbours, hashes and connection requests into the current minute's slot,
     * unless that slot already holds ours or {@code max_bootstrap_records} of others (see {@link
     * io.topictracker.engine.records.RecordPublisher#publish(Record, io.topictracker.engine.records.SlotRecords)});
     * and the connection requests of the slot's records that name us are answered (PROTOCOL.md §11). Reading the slot
     * is what this worker does anyway, so answering costs no lookup.
     */
    private CompletableFuture<?> publish() {
        if (config.bootstrap().maxBootstrapRecords() == 0) {
            return CompletableFuture.completedFuture(null);
        }
        long minute = topic.minute();
        return topic.slot(minute).thenCompose(cached -> {
            topic.answerConnectRequests(cached);
            return topic.publish(minute, cached);
        });
    }

    /**
     * BubbleMerge: with fewer than min_neighbors, join up to max_join_peers record peers we do not hold, picked at
     * random: the records come in the same order run after run, and a bubble whose first peers cannot be reached (NATed
     * members none of its nodes shares a neighbour with, issue 15 scenario 4) would otherwise ask the same ones forever.
     * The picks are also asked, through our next records, to dial us (PROTOCOL.md §11): a NATed pick drops our dial,
     * and a bubble's nodes share no neighbour with it to pass on a request (§10), so its dial is the way in.
     */
    private CompletableFuture<?> bubbleMerge() {
        BubbleMergeConfig bubble = config.merge().bubble();
        if (topic.neighborCount() >= bubble.minNeighbors()) {
            return CompletableFuture.completedFuture(null);
        }
        return recentRecords().thenAccept(records -> {
            List<PeerInfo> peers = Candidates.peers(records, topic.self(), topic.neighbors());
            joinAndAsk(peers, bubble.maxJoinPeers(), JoinLog.Source.BUBBLE_MERGE);
        });
    }

    /**
     * MessageOverlapMerge: join the publishers and peers of records whose message hashes miss all of ours. When the
     * hashes say nothing (a quiet topic has none), join publishers across a split the records' neighbour lists prove
     * ({@link OverlaySplit}), picked at random and asked through our records to dial us as the bubble merge's picks
     * are: two overlays of full nodes would otherwise stay apart until someone speaks. Records are written once a
     * minute, so the ones read for two minutes after such a merge may still show the split it mended; those are not
     * acted on (each merge Join costs a neighbour an eviction when it lands on a full view).
     */
    private CompletableFuture<?> overlapMerge() {
        int max = config.merge().messageOverlap().maxJoinPeers();
        return recentRecords().thenAccept(records -> {
            List<Record> apart = Candidates.disjoint(records, topic.hashes().snapshot());
            List<PeerInfo> peers = Candidates.peers(apart, topic.self(), topic.neighbors());
            if (!peers.isEmpty()) {
                topic.joinPeers(peers.subList(0, Math.min(peers.size(), max)), JoinLog.Source.MESSAGE_OVERLAP_MERGE);
                return;
            }
            long minute = topic.minute();
            if (minute - lastSplitMergeMinute < 2) {
                return; // the records read were written before our last split merge and still show the split
            }
            List<PeerInfo> across = OverlaySplit.across(records, topic.self(), topic.neighbors());
            if (!joinAndAsk(across, max, JoinLog.Source.SPLIT_MERGE).isEmpty()) {
                lastSplitMergeMinute = minute;
            }
        });
    }

    /**
     * Joins up to {@code max} of {@code peers}, picked at random, and asks them through our records to dial us
     * (PROTOCOL.md §11): a pick behind a NAT drops our dial.
     *
     * @return the picks, never null
     */
    private List<PeerInfo> joinAndAsk(List<PeerInfo> peers, int max, JoinLog.Source source) {
        List<PeerInfo> chosen;
        synchronized (random) {
            chosen = Candidates.sample(peers, max, random);
        }
        topic.askToConnect(chosen);
        topic.joinPeers(chosen, source);
        return chosen;
    }

    /** The records of minute-1 and minute, as the crate's merge workers read them. */
    private CompletableFuture<List<Record>> recentRecords() {
        long minute = topic.minute();
        CompletableFuture<List<Record>> previous = topic.records(minute - 1);
        CompletableFuture<List<Record>> current = topic.records(minute);
        return previous.thenCombine(current, (a, b) -> {
            List<Record> all = new ArrayList<>(a);
            all.addAll(b);
            return all;
        });
    }

    /** Cancels every scheduled run. Idempotent. */
    @Override
    public void close() {
        synchronized (pending) {
            closed = true;
            pending.forEach(f -> f.cancel(false));
            pending.clear();
        }
    }
}
