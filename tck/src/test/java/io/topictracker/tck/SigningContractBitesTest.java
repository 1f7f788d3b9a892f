package io.topictracker.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult.Status;

/**
 * Shows the strict-verification cases of {@link SigningContract} bite: run against the JDK's Ed25519 (correct, but
 * accepting small-order keys: {@link JdkEd25519} without its small-order check), the RFC 8032 vectors and the other
 * cases pass and exactly the small-order cases fail.
 */
class SigningContractBitesTest {
    @Test
    void aLaxVerifierFailsTheSmallOrderCasesAndPassesTheVectors() {
        ContractRun run = ContractRun.of(LaxSigningFixture.class);

        // SunEC checks S < L and canonical encodings itself, so exactly the small-order cases tell it apart.
        assertEquals(Set.of("anOrderTwoKeyIsRejectedEvenWhereTheGroupEquationHolds()",
                "everySmallOrderKeyAndEveryNonCanonicalEncodingOfOneIsRefusedByVerifyAndByItsKeyVerifier()",
                "theIdentityKeyWithATrivialSignatureIsRejected()"), run.with(Status.FAILED), run::toString);
        assertTrue(run.with(Status.SUCCESSFUL).containsAll(List.of("TEST 1", "TEST 2", "TEST 3", "TEST 1024",
                "TEST SHA(abc)", "aSeedRoundTripsToTheSameKeyPair()")), run::toString);
    }
}
