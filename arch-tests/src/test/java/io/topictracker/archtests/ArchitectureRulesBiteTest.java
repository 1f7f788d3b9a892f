package io.topictracker.archtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.topictracker.archtests.ArchitectureRules.ModulePackages;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the same rules over {@code io.topictracker.archfixture}, which breaks each on purpose, and checks every rule
 * reports the offending class: a rule that cannot fail proves nothing.
 */
class ArchitectureRulesBiteTest {
    private static final String ROOT = "io.topictracker.archfixture";
    private static JavaClasses fixture;
    private final ArchitectureRules rules = new ArchitectureRules(ROOT, ROOT + ".net..", ROOT + ".meters..");

    @BeforeAll
    static void importFixture() {
        fixture = new ClassFileImporter().importPackages(ROOT);
    }

    @Test
    void anApiTypeNamingTheEngineIsCaught() {
        assertViolation(rules.apiDependsOnTheJdkOnly(), "api.LeakyValue", "engine.Engine");
    }

    @Test
    void anEngineClassNamingAProviderIsCaught() {
        assertViolation(rules.engineImportsNoProvider(), "engine.Engine", "transport.fake.FakeTransport");
    }

    @Test
    void aProviderNamingTheEngineIsCaught() {
        assertViolation(rules.providersImportOnlyTheApi(), "dht.bad.BadDht", "engine.internal.Secret");
    }

    @Test
    void theSimulatorReachingBeyondTheProtocolIsCaught() {
        assertViolation(rules.simulatorUsesOnlyTheProtocol(), "gossip.sim.BadSimulator", "engine.Engine");
    }

    @Test
    void theSharedTlsIdentityNamingTheEngineIsCaught() {
        assertViolation(rules.sharedTlsImportsOnlyApiAndBouncyCastle(), "tls.BadTls", "engine.Engine");
    }

    @Test
    void theSharedStreamNamingTheEngineOrAProviderIsCaught() {
        assertViolation(rules.sharedStreamImportsOnlyApiTlsNettyAndSlf4j(), "stream.BadStream", "engine.Engine");
        assertViolation(rules.sharedStreamImportsOnlyApiTlsNettyAndSlf4j(), "stream.BadStream",
                "transport.fake.FakeTransport");
        String report = rules.sharedStreamImportsOnlyApiTlsNettyAndSlf4j().evaluate(fixture).getFailureReport()
                .toString();
        assertTrue(!report.contains(ROOT + ".net.Channel"), "the networking library is allowed: " + report);
    }

    @Test
    void theNetworkingLibraryOutsideProvidersIsCaught() {
        assertViolation(rules.nettyOnlyInProviders(), "engine.Engine", "net.Channel");
    }

    @Test
    void theMetricsLibraryInAProviderIsCaught() {
        assertViolation(rules.metricsLibraryOnlyInEngineAndCli(), "dht.bad.MeteredDht", "meters.Registry");
    }

    @Test
    void aProviderNamingTheMetricsLibraryBreaksItsAllowList() {
        assertViolation(rules.providersImportOnlyTheApi(), "dht.bad.MeteredDht", "meters.Registry");
    }

    @Test
    void aTckClassNamingTheEngineIsCaught() {
        assertViolation(rules.tckDependsOnApiAndJUnitOnly(), "tck.BadContract", "engine.Engine");
    }

    @Test
    void theCommandNamingAProviderIsCaught() {
        assertViolation(rules.cliImportsNoProvider(), "cli.BadCommand", "transport.fake.FakeTransport");
    }

    @Test
    void aPackageCycleIsCaught() {
        assertViolation(rules.noPackageCycles(), "cycle.a.A", "cycle.b.B");
    }

    @Test
    void useOfANonExportedPackageFromOutsideItsModuleIsCaught() {
        Map<String, ModulePackages> modules = Map.of("fixture.engine", new ModulePackages(
                List.of(ROOT + ".engine", ROOT + ".engine.internal"), List.of(ROOT + ".engine.internal")));
        List<ArchRule> internal = rules.nonExportedPackagesStayInternal(modules);

        assertEquals(1, internal.size());
        assertViolation(internal.get(0), "dht.bad.BadDht", "engine.internal.Secret");
    }

    @Test
    void aQualifiedExportAllowsItsTargetModulesOnly() {
        List<String> engine = List.of(ROOT + ".engine", ROOT + ".engine.internal");
        List<String> internalOnly = List.of(ROOT + ".engine.internal");
        ArchRule toAnother = rules.nonExportedPackagesStayInternal(Map.of("fixture.engine", new ModulePackages(
                engine, internalOnly, Map.of(ROOT + ".engine.internal", List.of(ROOT + ".cycle.a"))))).get(0);
        assertViolation(toAnother, "dht.bad.BadDht", "engine.internal.Secret");

        ArchRule toTheUser = rules.nonExportedPackagesStayInternal(Map.of("fixture.engine", new ModulePackages(
                engine, internalOnly, Map.of(ROOT + ".engine.internal", List.of(ROOT + ".dht.bad"))))).get(0);
        assertTrue(!toTheUser.evaluate(fixture).hasViolation(), "the target module's use is allowed: "
                + toTheUser.evaluate(fixture).getFailureReport());
    }

    private static void assertViolation(ArchRule rule, String offender, String target) {
        EvaluationResult result = rule.evaluate(fixture);
        assertTrue(result.hasViolation(), "the rule should have failed: " + rule.getDescription());
        String report = result.getFailureReport().toString();
        assertTrue(report.contains(ROOT + "." + offender) && report.contains(ROOT + "." + target), report);
    }
}
