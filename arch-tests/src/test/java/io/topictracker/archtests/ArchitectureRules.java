package io.topictracker.archtests;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The project's dependency rules (ARCHITECTURE.md "Modules and dependency rules"), written against a root package so that the same rules run
 * over the real code ({@code io.topictracker}) and over a fixture that breaks each of them on purpose
 * ({@code io.topictracker.archfixture}), which shows the rules bite.
 *
 * <p>Rules use {@code onlyDependOnClassesThat} (an allow-list) wherever a module's dependencies are fixed, as
 * JUnit's own architecture tests do: {@code accessClassesThat} would pass if any single access matched. Immutable.
 */
final class ArchitectureRules {
    /** Libraries the engine may use (api, bouncycastle, tomlj, slf4j-api), besides the metrics library. */
    private static final String[] ENGINE_LIBRARIES = {"org.bouncycastle..", "org.tomlj..", "org.slf4j.."};
    /** Libraries a provider may use (netty, bouncycastle, slf4j-api). */
    private static final String[] PROVIDER_LIBRARIES = {"io.netty..", "org.bouncycastle..", "org.slf4j.."};
    private static final String[] JDK = {"java..", "javax.."};

    private final String root;
    private final String netty;
    private final String meters;

    /**
     * @param root the project's root package, e.g. {@code io.topictracker}
     * @param netty the package pattern of the networking library that only providers may use, e.g.
     *     {@code io.netty..}
     * @param meters the package pattern of the metrics library that only the engine (its optional bridge) and the
     *     command may use, e.g. {@code io.micrometer..}
     */
    ArchitectureRules(String root, String netty, String meters) {
        this.root = root;
        this.netty = netty;
        this.meters = meters;
    }

    /** The real project. */
    static ArchitectureRules project() {
        return new ArchitectureRules("io.topictracker", "io.netty..", "io.micrometer..");
    }

    /** {@code api} imports only the JDK. */
    ArchRule apiDependsOnTheJdkOnly() {
        return classes().that().resideInAPackage(root + ".api..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(concat(JDK, root + ".api.."))
                .because("the api module must stay usable by any provider with nothing but the JDK");
    }

    /** The engine uses the api and its own libraries only: no provider class, no Netty. */
    ArchRule engineImportsNoProvider() {
        return classes().that().resideInAPackage(root + ".engine..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(
                        concat(concat(JDK, ENGINE_LIBRARIES), meters, root + ".api..", root + ".engine.."))
                .because("providers are found at run time with ServiceLoader; the engine never names one");
    }

    /**
     * Every provider (DHT, transport, stand-alone signing) uses the api, its own package, the shared TLS identity
     * ({@code tls}, see {@link #sharedTlsImportsOnlyApiAndBouncyCastle}), the shared framed stream ({@code stream},
     * see {@link #sharedStreamImportsOnlyApiTlsNettyAndSlf4j}) and provider libraries, never the engine.
     * Empty is allowed: providers arrive in their own modules.
     */
    ArchRule providersImportOnlyTheApi() {
        List<ArchRule> rules = new ArrayList<>();
        for (String kind : new String[] {"dht", "transport", "signing"}) {
            ArchRule rule = classes().that().resideInAPackage(root + "." + kind + "..")
                    .should().onlyDependOnClassesThat().resideInAnyPackage(concat(concat(JDK, PROVIDER_LIBRARIES),
                            root + ".api..", root + ".tls..", root + ".stream..", root + "." + kind + ".."))
                    .because("a provider sees only the SPI it implements")
                    .allowEmptyShould(true);
            rules.add(rule);
        }
        CompositeArchRule combined = CompositeArchRule.of(rules.get(0));
        for (ArchRule rule : rules.subList(1, rules.size())) {
            combined = combined.and(rule);
        }
        return combined;
    }

    /**
     * The gossip simulator ({@code gossip.sim}, its own module) drives the engine's protocol state machines and
     * nothing else of it: the api, the engine's gossip settings, its protocol package and its percentile helper (the
     * packages the engine exports to it), the JDK. No IO, no provider, no node.
     */
    ArchRule simulatorUsesOnlyTheProtocol() {
        return classes().that().resideInAPackage(root + ".gossip..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(concat(JDK, root + ".api..", root + ".gossip..",
                        root + ".engine.gossip", root + ".engine.gossip.proto..", root + ".engine.measure.."))
                .because("the simulator runs the pure protocol in virtual time; the engine exports it nothing else")
                .allowEmptyShould(true);
    }

    /**
     * The TLS identity the network transports share ({@code tls}) uses the JDK, the api and BouncyCastle only: no
     * engine, no Netty, no provider. Providers may use it (ARCHITECTURE.md "Shared TLS identity") because it adds no
     * dependency a provider could not have on its own.
     */
    ArchRule sharedTlsImportsOnlyApiAndBouncyCastle() {
        return classes().that().resideInAPackage(root + ".tls..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(concat(JDK, "org.bouncycastle..",
                        root + ".api..", root + ".tls.."))
                .because("the shared TLS identity is a library for providers; it must not pull in the engine or Netty");
    }

    /**
     * The framed TLS stream the TCP and relay transports share ({@code stream}, ARCHITECTURE.md "Shared framed TLS
     * stream") uses the JDK, the api, the shared TLS identity, the networking library and slf4j only: never the
     * engine, never a provider (so two providers can share it without importing each other).
     */
    ArchRule sharedStreamImportsOnlyApiTlsNettyAndSlf4j() {
        return classes().that().resideInAPackage(root + ".stream..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(concat(JDK, netty, "org.slf4j..",
                        root + ".api..", root + ".tls..", root + ".stream.."))
                .because("the shared framed stream is a library for providers; it must not pull in the engine or"
                        + " a provider");
    }

    /** Netty appears only in provider packages and the framed stream they share. */
    ArchRule nettyOnlyInProviders() {
        return noClasses().that().resideOutsideOfPackages(root + ".dht..", root + ".transport..", root + ".stream..")
                .and().resideInAPackage(root + "..")
                .should().dependOnClassesThat().resideInAPackage(netty)
                .because("the engine and api stay free of any networking library");
    }

    /**
     * The metrics library (Micrometer) appears only in the engine, which bridges the api's {@code Metrics} facade to
     * it (an optional dependency), and in the command, which serves it: providers count through the facade and never
     * see the library, and the api stays JDK-only.
     */
    ArchRule metricsLibraryOnlyInEngineAndCli() {
        return noClasses().that().resideOutsideOfPackages(root + ".engine..", root + ".cli..")
                .and().resideInAPackage(root + "..")
                .should().dependOnClassesThat().resideInAPackage(meters)
                .because("providers count through io.topictracker.api.metrics.Metrics; only the engine bridges it");
    }

    /** The TCK uses the api, JUnit and the JDK only, so third parties can run it against their own providers. */
    ArchRule tckDependsOnApiAndJUnitOnly() {
        return classes().that().resideInAPackage(root + ".tck..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(concat(JDK, root + ".api..", root + ".tck..",
                        "org.junit..", "org.opentest4j.."))
                .allowEmptyShould(true);
    }

    /**
     * The command ({@code cli}) uses the api, the engine and picocli: providers reach it only at run time, through
     * the engine's registry, so dropping a provider's jar cannot break it. It alone may use {@code sun.misc}
     * (module {@code jdk.unsupported}): {@code Signal}, so {@code dht serve} can stop in order on SIGTERM.
     */
    ArchRule cliImportsNoProvider() {
        return classes().that().resideInAPackage(root + ".cli..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(
                        concat(JDK, root + ".api..", root + ".engine..", root + ".cli..", "picocli..", meters,
                                "com.sun.net.httpserver..", "sun.misc.."))
                .because("providers are found at run time on the module path; the command never names one")
                .allowEmptyShould(true);
    }

    /** No cycles between any two packages of the project. */
    ArchRule noPackageCycles() {
        return slices().matching(root + ".(**)").should().beFreeOfCycles();
    }

    /**
     * No class outside a module uses that module's non-exported packages, except that a package the module exports
     * only to named modules ({@code exports P to M}) may be used by the classes of those modules.
     *
     * @param internalByModule module name to its packages, its non-exported packages and the qualified targets
     */
    List<ArchRule> nonExportedPackagesStayInternal(Map<String, ModulePackages> internalByModule) {
        List<ArchRule> rules = new ArrayList<>();
        internalByModule.forEach((module, packages) -> {
            for (String internal : packages.nonExported()) {
                List<String> allowed = new ArrayList<>(packages.all());
                List<String> targets = packages.qualifiedTo().getOrDefault(internal, List.of());
                allowed.addAll(targets);
                rules.add(noClasses().that().resideOutsideOfPackages(allowed.toArray(String[]::new))
                        .should().dependOnClassesThat().resideInAPackage(internal)
                        .because(module + " does not export " + internal
                                + (targets.isEmpty() ? "" : " except to the modules of " + targets))
                        .allowEmptyShould(true));
            }
        });
        return rules;
    }

    /**
     * A module's packages, the subset it does not export to everyone, and for each package exported only to named
     * modules the packages of those modules.
     */
    record ModulePackages(List<String> all, List<String> nonExported, Map<String, List<String>> qualifiedTo) {
        ModulePackages(List<String> all, List<String> nonExported) {
            this(all, nonExported, Map.of());
        }
    }

    private static String[] concat(String[] first, String... more) {
        String[] result = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, result, first.length, more.length);
        return result;
    }
}
