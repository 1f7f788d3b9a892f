package io.topictracker.archfixture.api;

import io.topictracker.archfixture.engine.Engine;

/** Violates "api depends on the JDK only": an api type that names the engine. */
public final class LeakyValue {
    public Engine engine() {
        return new Engine();
    }
}
