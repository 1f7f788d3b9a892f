package io.topictracker.archfixture.cli;

import io.topictracker.archfixture.transport.fake.FakeTransport;

/** Violates "the command never names a provider". */
public final class BadCommand {
    public Object transport() {
        return new FakeTransport();
    }
}
