package io.topictracker.engine.gossip.proto;

import io.topictracker.api.PeerInfo;
import io.topictracker.engine.gossip.GossipConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * What the two protocol halves of one topic share: who we are, the settings, the seeded random source, the output
 * sink and the counters. Not thread-safe: used on the topic's executor only.
 */
final class Env {
    final PeerInfo self;
    final GossipConfig config;
    final RandomGenerator random;
    final Consumer<Output> out;
    final GossipStats stats;

    Env(PeerInfo self, GossipConfig config, RandomGenerator random, Consumer<Output> out, GossipStats stats) {
        this.self = self;
        this.config = config;
        this.random = random;
        this.out = out;
        this.stats = stats;
    }

    void send(PeerInfo to, Message message) {
        send(to, message, false);
    }

    /** @param untilJoined see {@link Output.Send#untilJoined} */
    void send(PeerInfo to, Message message, boolean untilJoined) {
        stats.sent(message);
        out.accept(new Output.Send(to, message, untilJoined));
    }

    void schedule(long delayMillis, Timer timer) {
        out.accept(new Output.Schedule(delayMillis, timer));
    }

    /** @return a uniformly chosen element, or null if {@code items} is empty */
    <T> T pick(List<T> items) {
        return items.isEmpty() ? null : items.get(random.nextInt(items.size()));
    }

    /** @return up to {@code count} distinct elements chosen uniformly (partial Fisher-Yates) */
    <T> List<T> sample(Collection<T> items, int count) {
        List<T> copy = new ArrayList<>(items);
        int n = Math.min(count, copy.size());
        for (int i = 0; i < n; i++) {
            int j = i + random.nextInt(copy.size() - i);
            T swap = copy.get(i);
            copy.set(i, copy.get(j));
            copy.set(j, swap);
        }
        return new ArrayList<>(copy.subList(0, n));
    }
}
