package io.topictracker.dht.mainline.node;

import io.topictracker.dht.mainline.krpc.KrpcError;
import java.util.List;

/**
 * How the nodes asked to store an item or announcement answered (see {@link StoreFanOut}).
 *
 * @param asked nodes asked
 * @param acknowledged nodes that stored it
 * @param refusals the errors of those that refused, never null
 */
public record StoreOutcome(int asked, int acknowledged, List<KrpcError> refusals) {}
