package io.topictracker.archfixture.engine;

import io.topictracker.archfixture.net.Channel;
import io.topictracker.archfixture.transport.fake.FakeTransport;

/** Violates "the engine never imports a provider" and "networking library only in providers". */
public final class Engine {
    public Object wire() {
        return new Object[] {new FakeTransport(), new Channel()};
    }
}
