package io.topictracker.cli.command;

import io.topictracker.cli.support.CliContext;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * What every {@code dht} subcommand shares: the context it prints to, the {@code --verbose} switch and the network
 * options. Picocli reads the annotated fields of a superclass too, so each subcommand declares only its own.
 * Instances are used on the command's thread only.
 */
abstract class DhtSubcommand implements Callable<Integer> {
    /** Where output goes and which providers exist; never null. */
    final CliContext context;

    @Mixin
    private LoggingOption logging;

    /** Bind address, port, bootstrap nodes and timeout; never null. */
    @Mixin
    DhtNetworkOptions network = new DhtNetworkOptions();

    DhtSubcommand(CliContext context) {
        this.context = context;
    }
}
