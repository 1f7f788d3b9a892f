package io.topictracker.transport.tcp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import io.topictracker.tls.NodeCredentials;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The in-memory warm-up handshake a transport runs at start. */
class TlsContextsTest {
    private final BouncyCastleEd25519Provider ed25519 = new BouncyCastleEd25519Provider();

    @Test
    void theWarmUpCompletesAMutuallyAuthenticatedHandshakeWithOurOwnIdentityAndCanRunAgain() throws Exception {
        SigningKeyPair keys = ed25519.generate();
        TlsContexts tls = TlsContexts.create(NodeCredentials.create(keys, Instant.now()), ed25519);

        assertEquals(keys.peerId(), tls.warmUp(ed25519), "the client side proved the acceptor is us");
        assertEquals(keys.peerId(), tls.warmUp(ed25519), "a second warm-up is a handshake like the first");
    }
}
