package io.topictracker.archfixture.dht.bad;

import io.topictracker.archfixture.engine.internal.Secret;

/** Violates "providers never import the engine" and "non-exported packages stay internal". */
public final class BadDht {
    public int peek() {
        return new Secret().value();
    }
}
