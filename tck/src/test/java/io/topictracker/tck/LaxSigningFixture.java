package io.topictracker.tck;

import io.topictracker.api.signing.SigningProvider;

/**
 * The signing contract run against the JDK's Ed25519 without the small-order check. Its name matches none of
 * Surefire's test patterns on purpose: it is expected to fail, and only {@link SigningContractBitesTest} runs it.
 */
class LaxSigningFixture extends SigningContract {
    @Override
    protected SigningProvider provider() {
        return new JdkEd25519(false);
    }
}
