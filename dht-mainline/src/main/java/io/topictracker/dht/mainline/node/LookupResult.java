package io.topictracker.dht.mainline.node;

import java.util.List;

/**
 * The end of a lookup: the closest nodes that answered, with their tokens, and counts.
 *
 * @param closest up to k closest responders, closest first, never null
 * @param queries queries sent
 * @param responses answers received
 */
public record LookupResult(List<Lookup.Candidate> closest, int queries, int responses) {}
