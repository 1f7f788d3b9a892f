package io.topictracker.archfixture.tck;

import io.topictracker.archfixture.engine.Engine;

/** Violates "the TCK uses the api and JUnit only". */
public abstract class BadContract {
    protected Engine engine() {
        return new Engine();
    }
}
