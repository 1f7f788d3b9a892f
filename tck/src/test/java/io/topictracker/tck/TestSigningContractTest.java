package io.topictracker.tck;

import io.topictracker.api.signing.SigningProvider;

/** The signing provider the TCK ships for provider tests meets the signing contract, strict cases included. */
class TestSigningContractTest extends SigningContract {
    @Override
    protected SigningProvider provider() {
        return TestSigning.provider();
    }
}
