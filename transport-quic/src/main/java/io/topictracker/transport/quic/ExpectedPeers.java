package io.topictracker.transport.quic;

import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslEngine;
import io.netty.util.AttributeKey;
import io.topictracker.api.PeerId;
import io.topictracker.tls.IdentityMismatch;
import io.topictracker.tls.ServerIdentityCheck;
import java.security.cert.CertificateException;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;

/**
 * Lets the client's trust manager check, during the handshake, that the server proves the identity this dial
 * expects. Why during: a client that finds the wrong key then aborts before sending its own certificate, so the wrong
 * server neither learns who dialled nor hands a doomed connection to its inbound handler. The dial's expectation
 * travels as a channel attribute to the engine made for that channel. Thread-safe.
 */
final class ExpectedPeers implements ServerIdentityCheck {
    /** The expectation of one outgoing connection. */
    static final AttributeKey<Expectation> EXPECTATION = AttributeKey.valueOf(ExpectedPeers.class, "expectation");

    /**
     * What one dial expects and, if the server proved someone else, who.
     */
    static final class Expectation {
        final PeerId expected;
        private volatile PeerId mismatch;

        Expectation(PeerId expected) {
            this.expected = expected;
        }

        /** @return the identity the server proved instead of the expected one, or null */
        PeerId mismatch() {
            return mismatch;
        }
    }

    // Weak keys: an engine and its entry go when its connection is gone.
    private final Map<SSLEngine, Expectation> byEngine = Collections.synchronizedMap(new WeakHashMap<>());

    /** @return the client codec's engine provider: the context's engine, registered with its channel's expectation */
    Function<QuicChannel, QuicSslEngine> engineProvider(QuicSslContext clientTls) {
        return channel -> {
            QuicSslEngine engine = clientTls.newEngine(channel.alloc());
            Expectation expectation = channel.attr(EXPECTATION).get();
            if (expectation != null) {
                byEngine.put(engine, expectation);
            }
            return engine;
        };
    }

    /**
     * Called by the trust manager once the server's identity is known.
     *
     * @throws IdentityMismatch if this engine's dial expected someone else
     */
    @Override
    public void check(SSLEngine engine, PeerId proven) throws CertificateException {
        Expectation expectation = engine == null ? null : byEngine.get(engine);
        if (expectation != null && !expectation.expected.equals(proven)) {
            expectation.mismatch = proven;
            throw new IdentityMismatch(expectation.expected, proven);
        }
    }
}
