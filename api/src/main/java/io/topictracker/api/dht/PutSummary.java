package io.topictracker.api.dht;

/**
 * How a put went.
 *
 * @param acknowledged storing nodes that accepted the item (at least 1 when the future completes normally)
 * @param attempted storing nodes that were asked
 * @param queriesSent queries sent including the lookup (0 where the provider does not count them)
 */
public record PutSummary(int acknowledged, int attempted, int queriesSent) {}
