package io.topictracker.smoke;

import io.topictracker.engine.config.ConfigLoader;
import io.topictracker.engine.config.NodeConfig;
import io.topictracker.engine.provider.ProviderInfo;
import io.topictracker.engine.provider.ProviderProblem;
import io.topictracker.engine.provider.ProviderRegistry;

/**
 * Prints, one per line, the providers the engine finds, and whether this program and the engine run as named
 * modules, and reads a one-line TOML file (tomlj and its parser run as automatic modules). Output lines:
 * {@code module <name>}, {@code config dht <id>}, {@code provider <kind> <id> <module>}, {@code problem <kind> <text>}.
 * Exit status 0. Single-threaded.
 */
public final class ListProviders {
    private ListProviders() {}

    /** @param args ignored */
    public static void main(String[] args) {
        System.out.println("module " + describe(ListProviders.class.getModule()));
        System.out.println("module " + describe(ProviderRegistry.class.getModule()));
        NodeConfig config = ConfigLoader.parse("[node]\ndht = \"inmemory\"\n", "smoke.toml");
        System.out.println("config dht " + config.providers().dht().orElse("-"));
        ProviderRegistry registry = ProviderRegistry.discover();
        for (ProviderInfo info : registry.providers()) {
            System.out.println("provider " + info.kind().configKey() + " " + info.id() + " " + info.module());
        }
        for (ProviderProblem problem : registry.problems()) {
            System.out.println("problem " + problem.kind().configKey() + " " + problem.description());
        }
    }

    private static String describe(Module module) {
        return module.isNamed() ? module.getName() : "unnamed";
    }
}
