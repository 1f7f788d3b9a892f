package io.topictracker.archfixture.gossip.sim;

import io.topictracker.archfixture.engine.Engine;

/** Breaks the simulator rule on purpose: it names the engine's node-level API instead of the protocol. */
public final class BadSimulator {
    private BadSimulator() {}

    /** @return the engine it should not see */
    public static Class<?> reach() {
        return Engine.class;
    }
}
