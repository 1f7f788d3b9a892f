package io.topictracker.archfixture.tls;

import io.topictracker.archfixture.engine.Engine;

/** Violates "the shared TLS identity uses the api and BouncyCastle only". */
public final class BadTls {
    Engine engine() {
        return new Engine();
    }
}
