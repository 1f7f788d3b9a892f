package io.topictracker.cli.command;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options shared by every subcommand: where the node binds and whom it joins through. */
final class DhtNetworkOptions {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", converter = Converters.HostPort.class,
            description = "A node to join through (repeatable), e.g. 127.0.0.1:6881.")
    List<String> bootstrap = new ArrayList<>();

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            converter = Converters.BindAddress.class,
            description = "Local address of the UDP socket (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "15s", converter = Converters.Time.class,
            description = "Longest wait for start-up and for the operation (default: ${DEFAULT-VALUE}).")
    Duration timeout;
}
