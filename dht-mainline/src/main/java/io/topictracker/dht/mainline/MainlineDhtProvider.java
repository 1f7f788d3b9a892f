package io.topictracker.dht.mainline;

import io.topictracker.api.dht.Dht;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.dht.DhtProvider;

/** Placeholder; replaced below. */
public final class MainlineDhtProvider implements DhtProvider {
    @Override
    public String id() {
        return "mainline";
    }

    @Override
    public Dht create(DhtContext context) {
        throw new UnsupportedOperationException("not yet");
    }
}
