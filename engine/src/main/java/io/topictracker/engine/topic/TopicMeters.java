package io.topictracker.engine.topic;

import io.topictracker.api.metrics.Metrics;
import io.topictracker.engine.records.RecordPublisher;
import java.util.Locale;

/**
 * The bootstrap and receiver meters of one node's topics (docs/metrics.md, "Bootstrap" and {@code gossip.lagged}),
 * resolved once per node and shared by its topics. Immutable; the meters are thread-safe.
 */
public final class TopicMeters {
    /** Meters that count nothing. */
    public static final TopicMeters NONE = new TopicMeters(Metrics.none());

    final Metrics.Counter lookups;
    final Metrics.Counter recordsFound;
    final Metrics.Counter recordsRefused;
    private final Metrics.Counter[] publishes = new Metrics.Counter[RecordPublisher.Outcome.values().length];
    final Metrics.Counter publishFailed;
    private final Metrics.Counter[] joinsSent = new Metrics.Counter[JoinLog.Source.values().length];
    final Metrics.Counter joined;
    final Metrics.Timer timeToJoin;
    final Metrics.Counter rejoins;
    /** Receiver events dropped because the application read too slowly (reported to it as {@code Lagged}). */
    public final Metrics.Counter lagged;

    /** @param metrics where to count, not null */
    public TopicMeters(Metrics metrics) {
        lookups = metrics.counter("topictracker.bootstrap.lookups");
        recordsFound = metrics.counter("topictracker.bootstrap.records", "outcome", "found");
        recordsRefused = metrics.counter("topictracker.bootstrap.records", "outcome", "refused");
        for (RecordPublisher.Outcome outcome : RecordPublisher.Outcome.values()) {
            publishes[outcome.ordinal()] = metrics.counter("topictracker.bootstrap.publishes", "outcome",
                    outcome.name().toLowerCase(Locale.ROOT));
        }
        publishFailed = metrics.counter("topictracker.bootstrap.publishes", "outcome", "failed");
        for (JoinLog.Source source : JoinLog.Source.values()) {
            joinsSent[source.ordinal()] = metrics.counter("topictracker.bootstrap.joins.sent", "source",
                    source.name().toLowerCase(Locale.ROOT));
        }
        joined = metrics.counter("topictracker.bootstrap.joined");
        timeToJoin = metrics.timer("topictracker.bootstrap.join.duration");
        rejoins = metrics.counter("topictracker.bootstrap.rejoins");
        lagged = metrics.counter("topictracker.gossip.lagged");
    }

    Metrics.Counter published(RecordPublisher.Outcome outcome) {
        return publishes[outcome.ordinal()];
    }

    Metrics.Counter joinSent(JoinLog.Source source) {
        return joinsSent[source.ordinal()];
    }
}
