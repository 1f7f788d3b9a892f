package io.topictracker.archfixture.dht.bad;

import io.topictracker.archfixture.meters.Registry;

/** Violates "only the engine and the command use the metrics library": a provider must count through the facade. */
public final class MeteredDht {
    public void count(Registry registry) {
        registry.count("queries");
    }
}
