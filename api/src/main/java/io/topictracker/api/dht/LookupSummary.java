package io.topictracker.api.dht;

/**
 * How a lookup went.
 *
 * @param itemsDelivered distinct valid items passed to the consumer
 * @param nodesResponded nodes that answered (1 for a single-store DHT)
 * @param queriesSent queries sent (0 where the provider does not count them)
 */
public record LookupSummary(int itemsDelivered, int nodesResponded, int queriesSent) {}
