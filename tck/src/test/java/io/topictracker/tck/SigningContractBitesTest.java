package io.topictracker.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Shows the strict-verification cases of {@link SigningContract} bite: run against the JDK's Ed25519 (correct, but
 * accepting small-order keys: {@link JdkEd25519} without its small-order check), the RFC 8032 vectors and the other cases pass and exactly the small-order cases fail.
 */
class SigningContractBitesTest {
    @Test
    void aLaxVerifierFailsTheSmallOrderCasesAndPassesTheVectors() {
        Set<String> failed = new TreeSet<>();
        List<String> passed = new ArrayList<>();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(LaxSigningFixture.class)).build();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                if (!test.isTest()) {
                    return;
                }
                String name = test.getDisplayName();
                if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                    passed.add(name);
                } else {
                    failed.add(name);
                }
            }
        });

        // SunEC checks S < L and canonical encodings itself, so exactly the small-order cases tell it apart.
        assertEquals(Set.of("anOrderTwoKeyIsRejectedEvenWhereTheGroupEquationHolds()",
                "everySmallOrderKeyAndEveryNonCanonicalEncodingOfOneIsRefusedByVerifyAndByItsKeyVerifier()",
                "theIdentityKeyWithATrivialSignatureIsRejected()"), failed);
        assertTrue(passed.containsAll(List.of("TEST 1", "TEST 2", "TEST 3", "TEST 1024", "TEST SHA(abc)",
                "aSeedRoundTripsToTheSameKeyPair()")), "passed: " + passed);
    }
}
