package io.topictracker.engine.gossip;

import io.topictracker.api.ConfigTable;
import java.time.Duration;
import java.util.Set;

/**
 * Settings of the gossip overlay: HyParView membership (Leitão, Pereira, Rodrigues, DSN 2007) and PlumTree broadcast
 * (Leitão, Pereira, Rodrigues, "Epidemic Broadcast Trees", SRDS 2007). Defaults are iroh-gossip's; the bounds that
 * iroh-gossip leaves implicit (cache and queue capacities, message size) are ours.
 *
 * <p>Read from the {@code [gossip]} table with {@link #from(ConfigTable)}; keys are the component names in snake_case.
 * Immutable and thread-safe; no component is null.
 *
 * @param activeViewCapacity active view size (HyParView §4: fanout + 1); key {@code active_view_capacity}
 * @param passiveViewCapacity passive view size; key {@code passive_view_capacity}
 * @param activeRandomWalkLength ARWL, the ForwardJoin time to live; key {@code active_random_walk_length}
 * @param passiveRandomWalkLength PRWL, the hop at which a ForwardJoin also lands in the passive view; key
 *     {@code passive_random_walk_length}
 * @param shuffleRandomWalkLength time to live of a Shuffle; key {@code shuffle_random_walk_length}
 * @param shuffleActiveViewCount active peers sent in a Shuffle; key {@code shuffle_active_view_count}
 * @param shufflePassiveViewCount passive peers sent in a Shuffle; key {@code shuffle_passive_view_count}
 * @param shuffleInterval period of the shuffle; key {@code shuffle_interval}
 * @param neighborRequestTimeout how long a Neighbor request may go unanswered; key {@code neighbor_request_timeout}
 * @param graftTimeout1 wait after the first IHave before grafting (PlumTree §3.6 "timer"); key {@code graft_timeout_1}
 * @param graftTimeout2 wait between further grafts for the same message; key {@code graft_timeout_2}
 * @param graftTimeoutMin the shortest the learnt wait before grafting may become (it starts at {@code graft_timeout_1}
 *     and follows how late eager copies come after their IHave; the wait between further grafts keeps the configured
 *     ratio); key {@code graft_timeout_min}; default {@code graft_timeout_1}, and both bounds equal to it (the
 *     default) keep the wait fixed
 * @param graftTimeoutMax the longest the learnt wait before grafting may become; key {@code graft_timeout_max}
 * @param dispatchTimeout how long IHave announcements are batched before they are sent; key {@code dispatch_timeout}
 * @param optimizationThreshold hop difference that makes a lazy link replace an eager one (PlumTree §3.8); key
 *     {@code optimization_threshold}
 * @param eagerFloodRounds hops from its author within which a message is pushed to every active peer instead of along
 *     the shared tree (0 = plain PlumTree), pruned per author by duplicates; key {@code eager_flood_rounds}
 * @param pruneGrace how long a shared-tree link that delivered the first copy of another author's message is spared
 *     one duplicate before it is pruned (PlumTree §3.5 prunes on every duplicate; with several authors in flight
 *     that cuts the tree apart); zero prunes on every duplicate, as the paper; key {@code prune_grace}
 * @param messageCacheRetention how long a payload is kept to answer Grafts; key {@code message_cache_retention}
 * @param messageIdRetention how long a delivered id is remembered to drop duplicates; key {@code message_id_retention}
 * @param cacheEvictInterval how often the caches are swept; key {@code cache_evict_interval}
 * @param maxMessageSize largest broadcast payload in bytes; a larger one is an error to the caller; key
 *     {@code max_message_size}
 * @param verifySignatures whether broadcasts are signed and checked; key {@code verify_signatures}
 * @param messageCacheCapacity most payloads kept for Grafts; key {@code message_cache_capacity}
 * @param messageIdCapacity most delivered ids remembered; key {@code message_id_capacity}
 * @param lazyQueueCapacity most IHave announcements queued per peer before a dispatch; key
 *     {@code lazy_queue_capacity}
 * @param maxInboundConnections most connections others opened to us at once, as libp2p's connection manager and
 *     Hyperswarm's {@code maxPeers} bound them; key {@code max_inbound_connections}
 * @param maxInboundConnectionsPerIp most of those from one IP; key {@code max_inbound_connections_per_ip}
 * @param maxInboundConnectionsPerPeer most of those from one identity; key {@code max_inbound_connections_per_peer}
 * @param joinDeadline how long an accepted connection may go without its peer becoming a neighbour in one of our
 *     topics before it is closed; key {@code join_deadline}
 * @param floodLimits what one neighbour may send per second, by kind, before it is throttled and then disconnected
 *     (keys {@code max_*_per_second_per_peer}, {@code flood_disconnect_after}, {@code flood_ban})
 */
public record GossipConfig(
        int activeViewCapacity,
        int passiveViewCapacity,
        int activeRandomWalkLength,
        int passiveRandomWalkLength,
        int shuffleRandomWalkLength,
        int shuffleActiveViewCount,
        int shufflePassiveViewCount,
        Duration shuffleInterval,
        Duration neighborRequestTimeout,
        Duration graftTimeout1,
        Duration graftTimeout2,
        Duration graftTimeoutMin,
        Duration graftTimeoutMax,
        Duration dispatchTimeout,
        int optimizationThreshold,
        int eagerFloodRounds,
        Duration pruneGrace,
        Duration messageCacheRetention,
        Duration messageIdRetention,
        Duration cacheEvictInterval,
        int maxMessageSize,
        boolean verifySignatures,
        int messageCacheCapacity,
        int messageIdCapacity,
        int lazyQueueCapacity,
        int maxInboundConnections,
        int maxInboundConnectionsPerIp,
        int maxInboundConnectionsPerPeer,
        Duration joinDeadline,
        FloodLimits floodLimits) {

    /** The largest {@code max_message_size} accepted: one payload must fit a transport frame with room to spare. */
    public static final int MAX_MESSAGE_SIZE_LIMIT = 1 << 20;
    /** The largest {@code eager_flood_rounds} accepted: beyond a few hops the push floods the whole topic. */
    public static final int MAX_EAGER_FLOOD_ROUNDS = 16;
    /** The longest {@code prune_grace} accepted: a grace is about messages in flight together, not history. */
    public static final Duration MAX_PRUNE_GRACE = Duration.ofMinutes(1);

    private static final Set<String> KEYS = Set.of(
            "active_view_capacity", "passive_view_capacity", "active_random_walk_length",
            "passive_random_walk_length", "shuffle_random_walk_length", "shuffle_active_view_count",
            "shuffle_passive_view_count", "shuffle_interval", "neighbor_request_timeout", "graft_timeout_1",
            "graft_timeout_2", "graft_timeout_min", "graft_timeout_max", "dispatch_timeout", "optimization_threshold",
            "eager_flood_rounds", "prune_grace", "message_cache_retention",
            "message_id_retention", "cache_evict_interval", "max_message_size", "verify_signatures",
            "message_cache_capacity", "message_id_capacity", "lazy_queue_capacity", "max_inbound_connections",
            "max_inbound_connections_per_ip", "max_inbound_connections_per_peer", "join_deadline",
            "max_broadcasts_per_second_per_peer", "max_relayed_broadcasts_per_second_per_peer",
            "max_joins_per_second_per_peer", "max_shuffles_per_second_per_peer",
            "max_control_messages_per_second_per_peer", "flood_disconnect_after", "flood_ban");

    private static final GossipConfig DEFAULTS = new GossipConfig(5, 30, 6, 3, 6, 3, 4,
            Duration.ofSeconds(60), Duration.ofMillis(500), Duration.ofMillis(80), Duration.ofMillis(40),
            Duration.ofMillis(80), Duration.ofMillis(80), Duration.ofMillis(5), 7, 0, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(90), Duration.ofSeconds(1),
            4096, true, 4096, 65_536, 4096, 512, 32, 4, Duration.ofSeconds(10),
            new FloodLimits(1000, 8000, 20, 10, 2000, 200, Duration.ofMinutes(10)));

    /** Checks the cross-field rules; single-field ranges are checked by {@link #from(ConfigTable)} and here. */
    public GossipConfig {
        requireRange("active_view_capacity", activeViewCapacity, 1, 64);
        requireRange("passive_view_capacity", passiveViewCapacity, 0, 1024);
        requireRange("active_random_walk_length", activeRandomWalkLength, 0, 32);
        requireRange("passive_random_walk_length", passiveRandomWalkLength, 0, activeRandomWalkLength);
        requireRange("shuffle_random_walk_length", shuffleRandomWalkLength, 0, 32);
        requireRange("shuffle_active_view_count", shuffleActiveViewCount, 0, activeViewCapacity);
        requireRange("shuffle_passive_view_count", shufflePassiveViewCount, 0, passiveViewCapacity);
        requirePositive("shuffle_interval", shuffleInterval);
        requirePositive("neighbor_request_timeout", neighborRequestTimeout);
        requirePositive("graft_timeout_1", graftTimeout1);
        requirePositive("graft_timeout_2", graftTimeout2);
        requirePositive("graft_timeout_min", graftTimeoutMin);
        if (graftTimeoutMin.compareTo(graftTimeout1) > 0 || graftTimeoutMax.compareTo(graftTimeout1) < 0) {
            throw new IllegalArgumentException("gossip.graft_timeout_min / graft_timeout_max: expected graft_timeout_min"
                    + " <= graft_timeout_1 <= graft_timeout_max, got " + graftTimeoutMin + ", " + graftTimeout1 + ", "
                    + graftTimeoutMax);
        }
        requirePositive("dispatch_timeout", dispatchTimeout);
        requireRange("optimization_threshold", optimizationThreshold, 1, 1000);
        requireRange("eager_flood_rounds", eagerFloodRounds, 0, MAX_EAGER_FLOOD_ROUNDS);
        if (pruneGrace == null || pruneGrace.isNegative() || pruneGrace.compareTo(MAX_PRUNE_GRACE) > 0) {
            throw new IllegalArgumentException("gossip.prune_grace: expected a duration of 0 to " + MAX_PRUNE_GRACE
                    + ", got " + pruneGrace);
        }
        requirePositive("message_cache_retention", messageCacheRetention);
        requirePositive("message_id_retention", messageIdRetention);
        requirePositive("cache_evict_interval", cacheEvictInterval);
        requireRange("max_message_size", maxMessageSize, 1, MAX_MESSAGE_SIZE_LIMIT);
        requireRange("message_cache_capacity", messageCacheCapacity, 1, 1 << 20);
        requireRange("message_id_capacity", messageIdCapacity, 1, 1 << 22);
        requireRange("lazy_queue_capacity", lazyQueueCapacity, 1, 1 << 20);
        requireRange("max_inbound_connections", maxInboundConnections, 1, 1 << 20);
        requireRange("max_inbound_connections_per_ip", maxInboundConnectionsPerIp, 1, maxInboundConnections);
        requireRange("max_inbound_connections_per_peer", maxInboundConnectionsPerPeer, 1, maxInboundConnections);
        requirePositive("join_deadline", joinDeadline);
        java.util.Objects.requireNonNull(floodLimits, "floodLimits");
    }

    /**
     * What one neighbour may send, summed over the topics we share with it (issue 16: a member that knows a topic's
     * secret must not be able to flood it). Each rate is messages a second with a burst of twice that; 0 turns that
     * kind's limit off. Messages over a rate are dropped; a neighbour whose dropped messages reach
     * {@code disconnectAfter} (draining at that many a minute) is disconnected and banned for {@code ban}.
     *
     * @param broadcastsPerSecond broadcasts the neighbour authored itself; key
     *     {@code max_broadcasts_per_second_per_peer}
     * @param relayedBroadcastsPerSecond broadcasts of other authors the neighbour relays (an honest relay forwards
     *     the whole topic's traffic, so these are only dropped, never a reason to disconnect); key
     *     {@code max_relayed_broadcasts_per_second_per_peer}
     * @param joinsPerSecond Join and ForwardJoin; key {@code max_joins_per_second_per_peer}
     * @param shufflesPerSecond Shuffle and ShuffleReply; key {@code max_shuffles_per_second_per_peer}
     * @param controlPerSecond IHave, Graft, Prune, Neighbor and Disconnect; key
     *     {@code max_control_messages_per_second_per_peer}
     * @param disconnectAfter dropped messages at which the neighbour is disconnected; key
     *     {@code flood_disconnect_after}
     * @param ban how long a disconnected neighbour's identity is refused and not dialled; key {@code flood_ban}
     */
    public record FloodLimits(int broadcastsPerSecond, int relayedBroadcastsPerSecond, int joinsPerSecond, int shufflesPerSecond,
            int controlPerSecond, int disconnectAfter, Duration ban) {
        /** Checks the ranges. */
        public FloodLimits {
            requireRange("max_broadcasts_per_second_per_peer", broadcastsPerSecond, 0, 1 << 20);
            requireRange("max_relayed_broadcasts_per_second_per_peer", relayedBroadcastsPerSecond, 0, 1 << 20);
            requireRange("max_joins_per_second_per_peer", joinsPerSecond, 0, 1 << 20);
            requireRange("max_shuffles_per_second_per_peer", shufflesPerSecond, 0, 1 << 20);
            requireRange("max_control_messages_per_second_per_peer", controlPerSecond, 0, 1 << 20);
            requireRange("flood_disconnect_after", disconnectAfter, 1, 1 << 20);
            if (ban == null || ban.isNegative()) {
                throw new IllegalArgumentException("gossip.flood_ban: expected a duration of at least 0, got " + ban);
            }
        }
    }

    /** @return every key of the {@code [gossip]} table, an immutable set; never null */
    public static Set<String> keys() {
        return KEYS;
    }

    /** @return iroh-gossip's defaults plus our bounds, never null */
    public static GossipConfig defaults() {
        return DEFAULTS;
    }

    /**
     * Reads the {@code [gossip]} table; absent keys take the defaults.
     *
     * @param table not null
     * @return never null
     * @throws io.topictracker.api.ConfigException naming the key (and line) of an unknown key or bad value
     */
    public static GossipConfig from(ConfigTable table) {
        table.requireKnownKeys(KEYS);
        GossipConfig d = DEFAULTS;
        Duration ms1 = Duration.ofMillis(1);
        Duration hour = Duration.ofHours(1);
        int active = table.integer("active_view_capacity", d.activeViewCapacity, 1, 64);
        int passive = table.integer("passive_view_capacity", d.passiveViewCapacity, 0, 1024);
        int arwl = table.integer("active_random_walk_length", d.activeRandomWalkLength, 0, 32);
        int prwl = table.integer("passive_random_walk_length", d.passiveRandomWalkLength, 0, 32);
        if (prwl > arwl) {
            throw table.error("passive_random_walk_length",
                    "must not exceed active_random_walk_length (" + arwl + "), got " + prwl);
        }
        int shuffleActive = table.integer("shuffle_active_view_count", d.shuffleActiveViewCount, 0, 64);
        if (shuffleActive > active) {
            throw table.error("shuffle_active_view_count",
                    "must not exceed active_view_capacity (" + active + "), got " + shuffleActive);
        }
        int shufflePassive = table.integer("shuffle_passive_view_count", d.shufflePassiveViewCount, 0, 1024);
        if (shufflePassive > passive) {
            throw table.error("shuffle_passive_view_count",
                    "must not exceed passive_view_capacity (" + passive + "), got " + shufflePassive);
        }
        Duration graft1 = table.duration("graft_timeout_1", d.graftTimeout1, ms1, hour);
        // Unset, both bounds are graft_timeout_1: a fixed wait, PlumTree as before (the learnt wait is opt-in because
        // it moved the simulator's one-at-a-time RMR; BENCHMARKS.md, issue 18).
        Duration graftMin = table.duration("graft_timeout_min", graft1, ms1, hour);
        Duration graftMax = table.duration("graft_timeout_max", graft1, ms1, hour);
        if (graftMin.compareTo(graft1) > 0) {
            throw table.error("graft_timeout_min", "must not exceed graft_timeout_1 (" + graft1 + "), got " + graftMin);
        }
        if (graftMax.compareTo(graft1) < 0) {
            throw table.error("graft_timeout_max", "must not be under graft_timeout_1 (" + graft1 + "), got " + graftMax);
        }
        return new GossipConfig(active, passive, arwl, prwl,
                table.integer("shuffle_random_walk_length", d.shuffleRandomWalkLength, 0, 32),
                shuffleActive, shufflePassive,
                table.duration("shuffle_interval", d.shuffleInterval, ms1, Duration.ofDays(1)),
                table.duration("neighbor_request_timeout", d.neighborRequestTimeout, ms1, hour),
                graft1,
                table.duration("graft_timeout_2", d.graftTimeout2, ms1, hour),
                graftMin, graftMax,
                table.duration("dispatch_timeout", d.dispatchTimeout, ms1, hour),
                table.integer("optimization_threshold", d.optimizationThreshold, 1, 1000),
                table.integer("eager_flood_rounds", d.eagerFloodRounds, 0, MAX_EAGER_FLOOD_ROUNDS),
                table.duration("prune_grace", d.pruneGrace, Duration.ZERO, MAX_PRUNE_GRACE),
                table.duration("message_cache_retention", d.messageCacheRetention, ms1, Duration.ofDays(1)),
                table.duration("message_id_retention", d.messageIdRetention, ms1, Duration.ofDays(1)),
                table.duration("cache_evict_interval", d.cacheEvictInterval, ms1, hour),
                table.integer("max_message_size", d.maxMessageSize, 1, MAX_MESSAGE_SIZE_LIMIT),
                table.bool("verify_signatures", d.verifySignatures),
                table.integer("message_cache_capacity", d.messageCacheCapacity, 1, 1 << 20),
                table.integer("message_id_capacity", d.messageIdCapacity, 1, 1 << 22),
                table.integer("lazy_queue_capacity", d.lazyQueueCapacity, 1, 1 << 20),
                table.integer("max_inbound_connections", d.maxInboundConnections, 1, 1 << 20),
                table.integer("max_inbound_connections_per_ip", d.maxInboundConnectionsPerIp, 1, 1 << 20),
                table.integer("max_inbound_connections_per_peer", d.maxInboundConnectionsPerPeer, 1, 1 << 20),
                table.duration("join_deadline", d.joinDeadline, ms1, hour),
                new FloodLimits(
                        table.integer("max_broadcasts_per_second_per_peer", d.floodLimits.broadcastsPerSecond(), 0,
                                1 << 20),
                        table.integer("max_relayed_broadcasts_per_second_per_peer",
                                d.floodLimits.relayedBroadcastsPerSecond(), 0, 1 << 20),
                        table.integer("max_joins_per_second_per_peer", d.floodLimits.joinsPerSecond(), 0, 1 << 20),
                        table.integer("max_shuffles_per_second_per_peer", d.floodLimits.shufflesPerSecond(), 0,
                                1 << 20),
                        table.integer("max_control_messages_per_second_per_peer", d.floodLimits.controlPerSecond(),
                                0, 1 << 20),
                        table.integer("flood_disconnect_after", d.floodLimits.disconnectAfter(), 1, 1 << 20),
                        table.duration("flood_ban", d.floodLimits.ban(), Duration.ZERO, Duration.ofDays(1))));
    }

    /** @return a copy with signature checking switched as given */
    public GossipConfig withVerifySignatures(boolean verify) {
        return copy(shuffleInterval, optimizationThreshold, eagerFloodRounds, verify);
    }

    /** @return a copy with another PlumTree optimisation threshold (hops, 1–1000) */
    public GossipConfig withOptimizationThreshold(int hops) {
        return copy(shuffleInterval, hops, eagerFloodRounds, verifySignatures);
    }

    /** @return a copy with another shuffle interval */
    public GossipConfig withShuffleInterval(Duration interval) {
        return copy(interval, optimizationThreshold, eagerFloodRounds, verifySignatures);
    }

    /** @return a copy with another {@code eager_flood_rounds} (hops, 0–{@value #MAX_EAGER_FLOOD_ROUNDS}) */
    public GossipConfig withEagerFloodRounds(int hops) {
        return copy(shuffleInterval, optimizationThreshold, hops, verifySignatures);
    }

    /** The one place the {@code with…} copies name every component; the others are kept as they are. */
    private GossipConfig copy(Duration shuffle, int threshold, int floodRounds, boolean verify) {
        return copy(shuffle, threshold, floodRounds, verify, graftTimeoutMin, graftTimeoutMax, pruneGrace);
    }

    /** @return a copy whose learnt graft wait stays within {@code [min, max]} (both around {@code graft_timeout_1}) */
    public GossipConfig withGraftTimeoutBounds(Duration min, Duration max) {
        return copy(shuffleInterval, optimizationThreshold, eagerFloodRounds, verifySignatures, min, max, pruneGrace);
    }

    /** @return a copy with another {@code prune_grace} (0 to {@link #MAX_PRUNE_GRACE}; 0 prunes on every duplicate) */
    public GossipConfig withPruneGrace(Duration grace) {
        return copy(shuffleInterval, optimizationThreshold, eagerFloodRounds, verifySignatures, graftTimeoutMin,
                graftTimeoutMax, grace);
    }

    private GossipConfig copy(Duration shuffle, int threshold, int floodRounds, boolean verify, Duration graftMin,
            Duration graftMax, Duration grace) {
        return new GossipConfig(activeViewCapacity, passiveViewCapacity, activeRandomWalkLength,
                passiveRandomWalkLength, shuffleRandomWalkLength, shuffleActiveViewCount, shufflePassiveViewCount,
                shuffle, neighborRequestTimeout, graftTimeout1, graftTimeout2, graftMin, graftMax, dispatchTimeout, threshold, floodRounds,
                grace, messageCacheRetention, messageIdRetention, cacheEvictInterval, maxMessageSize, verify,
                messageCacheCapacity, messageIdCapacity, lazyQueueCapacity, maxInboundConnections,
                maxInboundConnectionsPerIp, maxInboundConnectionsPerPeer, joinDeadline, floodLimits);
    }

    private static void requireRange(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("gossip." + key + ": expected " + min + " to " + max + ", got " + value);
        }
    }

    private static void requirePositive(String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("gossip." + key + ": expected a positive duration, got " + value);
        }
    }
}
