package io.topictracker.archfixture.cycle.b;

import io.topictracker.archfixture.cycle.a.A;

/** The other half of a package cycle. */
public final class B {
    public A back() {
        return new A();
    }
}
