package io.topictracker.cli.command;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The top-level {@code topic-tracker} command: on its own it asks for a subcommand.
 */
@Command(name = "topic-tracker", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Peers interested in the same topic find each other over a DHT and gossip.",
        synopsisSubcommandLabel = "COMMAND",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok (demo: every node joined and every message arrived)",
                "1:the operation failed", "2:bad arguments or configuration", "3:a provider is missing"})
final class TopicTrackerCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing COMMAND: one of " + spec.subcommands().keySet());
    }
}
