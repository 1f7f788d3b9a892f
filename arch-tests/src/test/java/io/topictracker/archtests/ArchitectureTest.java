package io.topictracker.archtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.topictracker.archtests.ArchitectureRules.ModulePackages;
import java.lang.module.ModuleDescriptor;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The project's main code (every module on this test's class path) keeps the dependency rules. */
class ArchitectureTest {
    private static JavaClasses classes;
    private static Map<String, ModuleDescriptor> modules;
    private final ArchitectureRules rules = ArchitectureRules.project();

    @BeforeAll
    static void importMainCode() {
        // Test classes (this module's own, including the rule-breaking fixture) are left out.
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.topictracker");
        modules = ProjectModules.onClassPath();
    }

    @Test
    void everyModuleIsSeen() {
        assertTrue(modules.keySet().containsAll(Set.of("io.topictracker.api", "io.topictracker.engine",
                "io.topictracker.tck", "io.topictracker.tls", "io.topictracker.stream")), modules.keySet().toString());
        for (String type : List.of("io.topictracker.api.PeerId", "io.topictracker.engine.provider.ProviderRegistry",
                "io.topictracker.tck.SigningContract", "io.topictracker.tls.PeerCertificates",
                "io.topictracker.stream.StreamConnection")) {
            assertTrue(classes.contain(type), type + " imported");
        }
        assertTrue(classes.stream().noneMatch(c -> c.getPackageName().startsWith("io.topictracker.archfixture")),
                "the fixture must not be part of the real import");
    }

    @Test
    void apiDependsOnTheJdkOnly() {
        rules.apiDependsOnTheJdkOnly().check(classes);
    }

    @Test
    void theEngineImportsNoProvider() {
        rules.engineImportsNoProvider().check(classes);
    }

    @Test
    void theSimulatorUsesOnlyTheProtocol() {
        rules.simulatorUsesOnlyTheProtocol().check(classes);
        assertTrue(classes.contain("io.topictracker.gossip.sim.Simulator"), "the simulator is imported");
    }

    @Test
    void providersImportOnlyTheApi() {
        rules.providersImportOnlyTheApi().check(classes);
    }

    /**
     * No provider imports another (issue 15: the relay transport reuses none of the TCP transport's classes, only
     * the shared TLS identity and framed stream): each transport's and each DHT's packages are a slice that depends
     * on no other.
     */
    @Test
    void providersDoNotImportEachOther() {
        com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices()
                .matching("io.topictracker.transport.(*)..").should().notDependOnEachOther().check(classes);
        com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices()
                .matching("io.topictracker.dht.(*)..").should().notDependOnEachOther().check(classes);
        assertTrue(classes.contain("io.topictracker.transport.relay.RelayTransportProvider"),
                "the relay transport is imported");
    }

    @Test
    void sharedTlsImportsOnlyApiAndBouncyCastle() {
        rules.sharedTlsImportsOnlyApiAndBouncyCastle().check(classes);
    }

    @Test
    void sharedStreamImportsOnlyApiTlsNettyAndSlf4j() {
        rules.sharedStreamImportsOnlyApiTlsNettyAndSlf4j().check(classes);
    }

    @Test
    void nettyOnlyInProviders() {
        rules.nettyOnlyInProviders().check(classes);
    }

    @Test
    void theTckDependsOnApiAndJUnitOnly() {
        rules.tckDependsOnApiAndJUnitOnly().check(classes);
    }

    @Test
    void theCommandImportsNoProvider() {
        assertTrue(classes.contain("io.topictracker.cli.Main"), "the cli module is imported");
        rules.cliImportsNoProvider().check(classes);
    }

    @Test
    void theMetricsLibraryOnlyInEngineAndCli() {
        rules.metricsLibraryOnlyInEngineAndCli().check(classes);
    }

    @Test
    void noPackageCycles() {
        rules.noPackageCycles().check(classes);
    }

    @Test
    void internalPackagesAreNotExported() {
        for (ModuleDescriptor descriptor : modules.values()) {
            descriptor.exports().stream().filter(e -> !e.isQualified()).forEach(e -> assertTrue(
                    !e.source().contains(".internal"), descriptor.name() + " exports " + e.source()));
        }
    }

    @Test
    void nonExportedPackagesAreUsedOnlyInsideTheirModule() {
        Map<String, ModulePackages> packages = ProjectModules.packages(modules);
        // The engine keeps records, gossip, time,
        // the topic workers and the Micrometer bridge to itself; it shares its percentile helper with the command and
        // the simulator, and its protocol packages with the simulator (qualified exports).
        assertEquals(Set.of("io.topictracker.engine.topic",
                "io.topictracker.engine.records", "io.topictracker.engine.time", "io.topictracker.engine.gossip",
                "io.topictracker.engine.gossip.net", "io.topictracker.engine.gossip.proto",
                "io.topictracker.engine.metrics",
                "io.topictracker.engine.measure"), Set.copyOf(packages.get("io.topictracker.engine").nonExported()));
        rules.nonExportedPackagesStayInternal(packages).forEach(rule -> rule.check(classes));
    }

    @Test
    void theEngineExportsWhatUsersNeedAndNothingElse() {
        Set<String> exported = new java.util.TreeSet<>();
        modules.get("io.topictracker.engine").exports().stream().filter(e -> !e.isQualified())
                .forEach(e -> exported.add(e.source()));
        assertEquals(Set.of("io.topictracker.engine", "io.topictracker.engine.config",
                "io.topictracker.engine.provider"), exported);
    }
}
