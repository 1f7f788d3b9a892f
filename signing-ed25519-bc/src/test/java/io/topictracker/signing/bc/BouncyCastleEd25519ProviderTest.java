package io.topictracker.signing.bc;

import io.topictracker.api.signing.SigningProvider;
import io.topictracker.tck.SigningContract;

/** The engine's default signing provider meets the signing contract. */
class BouncyCastleEd25519ProviderTest extends SigningContract {
    @Override
    protected SigningProvider provider() {
        return new BouncyCastleEd25519Provider();
    }
}
