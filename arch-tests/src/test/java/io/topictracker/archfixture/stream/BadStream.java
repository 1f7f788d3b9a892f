package io.topictracker.archfixture.stream;

import io.topictracker.archfixture.engine.Engine;
import io.topictracker.archfixture.net.Channel;
import io.topictracker.archfixture.transport.fake.FakeTransport;

/**
 * Violates "the shared framed stream uses the api, the TLS identity, Netty and slf4j only": it names the engine and a
 * provider. Its use of the networking library ({@code net.Channel}) is allowed.
 */
public final class BadStream {
    Engine engine() {
        return new Engine();
    }

    FakeTransport provider() {
        return null;
    }

    Channel channel() {
        return null;
    }
}
