package io.topictracker.archfixture.engine.internal;

/** A class in a package its module does not export. */
public final class Secret {
    public int value() {
        return 42;
    }
}
