package io.topictracker.archfixture.cycle.a;

import io.topictracker.archfixture.cycle.b.B;

/** One half of a package cycle. */
public final class A {
    public B next() {
        return new B();
    }
}
