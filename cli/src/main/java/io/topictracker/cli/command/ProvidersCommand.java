package io.topictracker.cli.command;

import io.topictracker.cli.support.CliContext;
import io.topictracker.cli.support.ExitCode;
import io.topictracker.cli.support.Json;
import io.topictracker.engine.provider.ProviderInfo;
import io.topictracker.engine.provider.ProviderKind;
import io.topictracker.engine.provider.ProviderProblem;
import io.topictracker.engine.provider.ProviderRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code topic-tracker providers}: the signing, DHT and transport providers found on the module path, and any that
 * failed to load. The same list closes {@code --help}.
 */
@Command(name = "providers", mixinStandardHelpOptions = true,
        description = "List the providers found on the module path (id, kind, module, version).")
final class ProvidersCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    private LoggingOption logging;

    @Option(names = "--json", description = "Print one JSON object: {\"providers\":[...],\"problems\":[...]}.")
    private boolean json;

    ProvidersCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        ProviderRegistry registry = context.registry();
        if (json) {
            List<Object> providers = new ArrayList<>();
            for (ProviderInfo info : registry.providers()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("kind", kind(info));
                entry.put("id", info.id());
                entry.put("module", info.module());
                entry.put("version", info.version());
                entry.put("available", info.availability().isAvailable());
                providers.add(entry);
            }
            List<Object> problems = new ArrayList<>();
            for (ProviderProblem problem : registry.problems()) {
                problems.add(Map.of("kind", problem.kind().name().toLowerCase(Locale.ROOT),
                        "description", problem.description()));
            }
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("providers", providers);
            all.put("problems", problems);
            context.out().println(Json.write(all));
        } else {
            context.out().print(table(registry));
        }
        context.out().flush();
        return ExitCode.OK;
    }

    /** The providers as the closing section of {@code --help}. */
    static String helpFooter(ProviderRegistry registry) {
        return "%nProviders found on the module path (remove a jar and it is gone):%n".formatted() + table(registry);
    }

    /**
     * The ids a command can be given, by kind, as the closing section of its {@code --help}.
     *
     * @param registry the providers found, not null
     * @param howToName how the command takes an id, e.g. "with --dht and --transport", not null
     * @return never null
     */
    static String idsFooter(ProviderRegistry registry, String howToName) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                "%nProviders found here (name them %s):%n", howToName));
        for (ProviderKind kind : List.of(ProviderKind.DHT, ProviderKind.TRANSPORT, ProviderKind.SIGNING)) {
            List<String> ids = registry.providers(kind).stream().map(info -> info.id()
                    + (info.availability().isAvailable() ? "" : " (unavailable here)")).sorted().toList();
            text.append(String.format(Locale.ROOT, "  %-10s %s%n", kind.name().toLowerCase(Locale.ROOT) + ":",
                    ids.isEmpty() ? "(none)" : String.join(", ", ids)));
        }
        return text.toString();
    }

    private static String table(ProviderRegistry registry) {
        StringBuilder text = new StringBuilder();
        if (registry.providers().isEmpty()) {
            text.append("  (none)").append(System.lineSeparator());
        }
        for (ProviderInfo info : registry.providers()) {
            text.append(String.format(Locale.ROOT, "  %-10s %-12s %-36s %s%s%n", kind(info), info.id(), info.module(),
                    info.version(), info.availability().isAvailable() ? "" : "  (" + info.availability() + ")"));
        }
        for (ProviderProblem problem : registry.problems()) {
            text.append(String.format(Locale.ROOT, "  %-10s failed to load: %s%n",
                    problem.kind().name().toLowerCase(Locale.ROOT), problem.description()));
        }
        return text.toString();
    }

    private static String kind(ProviderInfo info) {
        return info.kind().name().toLowerCase(Locale.ROOT);
    }
}
