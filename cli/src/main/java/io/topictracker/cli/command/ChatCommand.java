package io.topictracker.cli.command;

import io.topictracker.cli.CliContext;
import io.topictracker.cli.CliException;
import io.topictracker.cli.support.PeerSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code topic-tracker chat}: join a topic and chat from the terminal.
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
        header = "Join a topic and chat from the terminal.",
        description = {"Join a topic and chat: each line read from standard input is broadcast; each message received",
                "is printed as '<author>: <text>'. Prints 'self: ID@ADDRESS' first, for another's --peer.",
                "Ends at end of input or Ctrl-C."})
final class ChatCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    private LoggingOption logging;

    @Option(names = {"-t", "--topic"}, required = true, paramLabel = "NAME", description = "Topic name.")
    private String topic;

    @Option(names = {"-s", "--secret"}, required = true, paramLabel = "S",
            description = "Topic secret: only holders can read the topic's records and join its overlay.")
    private String secret;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Node configuration (TOML).")
    private Path config;

    @Option(names = {"-p", "--peer"}, paramLabel = "ID@ADDRESS", converter = Converters.Peer.class,
            description = "Join this peer directly, besides the DHT (repeatable), e.g. <64 hex>@tcp://127.0.0.1:4000.")
    private List<PeerSpec> peers = new ArrayList<>();

    @Option(names = {"-k", "--key"}, paramLabel = "FILE",
            description = "Key file from 'keygen' (overrides [node] key_file); default: a fresh identity.")
    private Path key;

    ChatCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        throw new CliException(io.topictracker.cli.ExitCode.FAILED, "chat needs the topic engine (not merged yet)");
    }
}
