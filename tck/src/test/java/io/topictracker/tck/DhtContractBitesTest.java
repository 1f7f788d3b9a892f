package io.topictracker.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult.Status;

/**
 * Shows each check of {@link DhtContract} bites: a correct fixture DHT passes every test, and each version broken on
 * purpose ({@link FixtureDht.Fault}) fails exactly the tests of the rule it breaks, with a message that states the
 * rule, the input and what came back. A network that cannot slow down shows the two checks that need it as skipped
 * with the reason, never as passed; a setup that fails is reported as such.
 */
class DhtContractBitesTest {
    private static final Set<String> ALL = Set.of("aSecondStartChangesNothing()", "callsBeforeStartAreRefused()",
            "closedDhtRefusesCallsAndFreesItsResources()", "closingFailsCallsInFlight()",
            "compareAndSwapMustMatchTheStoredSeq()", "compareAndSwapOnAnEmptySlotStores()",
            "concurrentPutsToOneSlotKeepTheHighestSeq()", "createAllocatesNothing()",
            "itemsAreStreamedBeforeTheLookupCompletes()", "lookupTimeoutIsHonoured()",
            "lowerSeqIsRefusedAndHigherReplaces()", "minSeqLeavesOutLowerSeqs()", "putThenGetRoundTrips()",
            "saltIsolatesItems()", "severalWritersOfOneSlotAreAllVisible()", "sizeLimitsAreBep44s()",
            "tamperedSignatureIsRefusedAndNotStored()");
    /**
     * For the leaks, which fail every test that starts a DHT (the check after the network closes) and wait out the
     * prompt timeout in each: the close test, one that only starts, and the two that never start one.
     */
    private static final Set<String> LEAK_RUN = Set.of("closedDhtRefusesCallsAndFreesItsResources()",
            "putThenGetRoundTrips()", "callsBeforeStartAreRefused()", "createAllocatesNothing()");

    @AfterEach
    void releaseWhatFaultyNodesLeftBehind() throws Exception {
        for (AutoCloseable resource : FixtureDht.LEFT_BEHIND) {
            resource.close();
        }
        FixtureDht.LEFT_BEHIND.clear();
    }

    /** Runs the fixture and asserts exactly {@code failing} failed, nothing was skipped, the rest passed. */
    private static ContractRun assertOnlyFail(Class<? extends DhtFixtures.Fixture> fixture, Set<String> failing) {
        return assertOnlyFail(fixture, ALL, failing);
    }

    private static ContractRun assertOnlyFail(Class<? extends DhtFixtures.Fixture> fixture, Set<String> tests,
            Set<String> failing) {
        ContractRun run = tests.equals(ALL) ? ContractRun.of(fixture) : ContractRun.of(fixture, tests);
        assertEquals(tests, run.results().keySet(), "the contract's tests ran:\n" + run);
        assertEquals(new TreeSet<>(failing), run.with(Status.FAILED), run::toString);
        assertEquals(Set.of(), run.with(Status.ABORTED), run::toString);
        return run;
    }

    private static void assertSays(ContractRun run, String test, String... parts) {
        String message = run.message(test);
        for (String part : parts) {
            assertTrue(message.contains(part), () -> test + " says \"" + part + "\":\n" + message);
        }
        assertFalse(message.contains("NullPointerException"), message);
    }

    @Test
    void aCorrectDhtPassesEveryCheck() {
        assertOnlyFail(DhtFixtures.Correct.class, Set.of());
    }

    @Test
    void ignoringMinSeqFails() {
        ContractRun run = assertOnlyFail(DhtFixtures.IgnoresMinSeq.class, Set.of("minSeqLeavesOutLowerSeqs()"));
        assertSays(run, "minSeqLeavesOutLowerSeqs()",
                "a get with minSeq 6 over stored seq 5 must deliver nothing", "delivered seqs [5]");
    }

    @Test
    void ignoringCasFailsNamingTheInputAndWhatCameBack() {
        ContractRun run = assertOnlyFail(DhtFixtures.IgnoresCas.class, Set.of("compareAndSwapMustMatchTheStoredSeq()"));
        assertSays(run, "compareAndSwapMustMatchTheStoredSeq()",
                "put seq 2 with cas 0 over stored seq 1 must fail with CAS_MISMATCH (BEP44 301), completed with "
                        + "PutSummary[acknowledged=1");
    }

    @Test
    void refusingACasPutToAnEmptySlotFails() {
        ContractRun run = assertOnlyFail(DhtFixtures.CasOnEmptySlotMismatches.class,
                Set.of("compareAndSwapOnAnEmptySlotStores()"));
        assertSays(run, "compareAndSwapOnAnEmptySlotStores()",
                "put seq 1 with cas 7 to a slot where nothing is stored must be acknowledged, failed with "
                        + "DhtException(CAS_MISMATCH");
    }

    @Test
    void aThreadStartedByCreateFails() {
        ContractRun run = assertOnlyFail(DhtFixtures.ThreadInCreate.class, Set.of("createAllocatesNothing()"));
        assertSays(run, "createAllocatesNothing()", "DhtProvider.create must allocate nothing",
                "thread 'fixture-created' (");
    }

    @Test
    void aSocketOpenedByCreateFailsWhereThePlatformShowsDescriptors() {
        // Sockets are seen through /proc/self/fd (Linux, where this project builds); threads everywhere.
        assertTrue(Files.isDirectory(Path.of("/proc/self/fd")), "this check needs /proc/self/fd");
        ContractRun run = assertOnlyFail(DhtFixtures.SocketInCreate.class, Set.of("createAllocatesNothing()"));
        assertSays(run, "createAllocatesNothing()", "DhtProvider.create must allocate nothing", "-> socket:[");
    }

    @Test
    void aThreadLeftRunningAfterCloseFailsWithoutANameList() {
        ContractRun run = assertOnlyFail(DhtFixtures.ThreadLeftAfterClose.class, LEAK_RUN,
                Set.of("closedDhtRefusesCallsAndFreesItsResources()", "putThenGetRoundTrips()"));
        assertSays(run, "closedDhtRefusesCallsAndFreesItsResources()",
                "close() must stop every thread and close every socket its DHT started", "thread 'fixture-leak'");
        assertSays(run, "putThenGetRoundTrips()", "after Network.close(), every thread the network's DHTs started "
                + "must have ended", "thread 'fixture-leak'");
    }

    @Test
    void aSocketLeftOpenAfterCloseFails() {
        assertTrue(Files.isDirectory(Path.of("/proc/self/fd")), "this check needs /proc/self/fd");
        ContractRun run = assertOnlyFail(DhtFixtures.SocketLeftAfterClose.class, LEAK_RUN,
                Set.of("closedDhtRefusesCallsAndFreesItsResources()", "putThenGetRoundTrips()"));
        assertSays(run, "closedDhtRefusesCallsAndFreesItsResources()",
                "close() must stop every thread and close every socket its DHT started", "-> socket:[");
        assertSays(run, "putThenGetRoundTrips()", "after Network.close(), every thread the network's DHTs started "
                + "must have ended and every socket they opened be closed", "-> socket:[");
    }

    @Test
    void aSecondStartThatStartsAnotherNodeFails() {
        ContractRun run = assertOnlyFail(DhtFixtures.SecondStartStartsAgain.class,
                Set.of("aSecondStartChangesNothing()"));
        assertSays(run, "aSecondStartChangesNothing()", "a second start() must not start a second node",
                "thread 'fixture-io-");
    }

    @Test
    void aSecondStartThatNeverAnswersFailsWithinThePromptTimeout() {
        ContractRun run = assertOnlyFail(DhtFixtures.SecondStartHangs.class, Set.of("aSecondStartChangesNothing()"));
        assertSays(run, "aSecondStartChangesNothing()", "start() of a DHT already started must complete at once",
                "still pending after 2000 ms");
    }

    @Test
    void aPutThatChecksAndStoresWithoutALockFails() {
        ContractRun run = assertOnlyFail(DhtFixtures.RacyPut.class,
                Set.of("concurrentPutsToOneSlotKeepTheHighestSeq()"));
        assertSays(run, "concurrentPutsToOneSlotKeepTheHighestSeq()",
                "8 concurrent puts of seq 1..8", "a get must deliver seq 8 (no put may replace a higher seq)");
    }

    @Test
    void aLookupThatOutlivesItsTimeoutFails() {
        ContractRun run = assertOnlyFail(DhtFixtures.LookupIgnoresTimeout.class, Set.of("lookupTimeoutIsHonoured()"));
        assertSays(run, "lookupTimeoutIsHonoured()", "a get with a 200 ms timeout", "must complete when its timeout "
                + "passes, still pending after 2200 ms");
    }

    @Test
    void callsLeftPendingByCloseFail() {
        ContractRun run = assertOnlyFail(DhtFixtures.CloseLeavesCallsPending.class,
                Set.of("closingFailsCallsInFlight()"));
        assertSays(run, "closingFailsCallsInFlight()", "a get in flight", "when close() is called must fail with "
                + "CLOSED, still pending after 2000 ms");
    }

    @Test
    void aNetworkThatCannotSlowDownShowsTwoChecksAsSkippedWithTheReasonNeverAsPassed() {
        ContractRun run = ContractRun.of(DhtFixtures.CannotSlowDown.class);
        assertEquals(Set.of("closingFailsCallsInFlight()", "lookupTimeoutIsHonoured()"), run.with(Status.ABORTED),
                run::toString);
        assertEquals(Set.of(), run.with(Status.FAILED), run::toString);
        assertSays(run, "lookupTimeoutIsHonoured()", "skipped: Network.slowDown returned false");
        assertSays(run, "closingFailsCallsInFlight()", "skipped: Network.slowDown returned false");
    }

    @Test
    void aSetupThatFailsIsReportedAsSuchAndNothingElse() {
        ContractRun run = assertOnlyFail(DhtFixtures.SetupFails.class, ALL);
        for (String test : ALL) {
            assertSays(run, test, "setup failed: newNetwork() threw java.lang.IllegalStateException: the test network "
                    + "could not be built");
            assertFalse(run.message(test).contains("suppressed"), run.message(test));
        }
    }
}
