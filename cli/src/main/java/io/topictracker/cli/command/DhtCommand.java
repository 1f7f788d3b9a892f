package io.topictracker.cli.command;

import io.topictracker.api.dht.BitTorrentDht;
import io.topictracker.api.dht.DhtProvider;
import io.topictracker.cli.support.CliContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code topic-tracker dht serve|get|put|announce|get-peers}: the mainline DHT on its own. The command reaches the
 * provider {@code mainline} through the {@link DhtProvider} SPI only (it cannot import the provider), hands it a
 * {@code [dht.mainline]} table built from the options, and uses the optional {@link BitTorrentDht} capability for
 * BEP5. Nothing defaults to the public routers: the clients need {@code --bootstrap}, and {@code serve} without it
 * starts a network of its own.
 */
@Command(name = "dht", mixinStandardHelpOptions = true,
        header = "Run a mainline DHT node, or get, put and announce through one.",
        description = {"Subcommands talk to the BitTorrent mainline DHT through the 'mainline' provider.",
                "Clients need --bootstrap HOST:PORT; the public routers are never used unless named."},
        synopsisSubcommandLabel = "COMMAND")
final class DhtCommand implements Runnable {
    static final String PROVIDER = "mainline";

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing COMMAND: one of " + spec.subcommands().keySet());
    }

    /** @return the {@code dht} command with its subcommands */
    static CommandLine create(CliContext context) {
        CommandLine dht = new CommandLine(new DhtCommand());
        dht.addSubcommand(new DhtServeCommand(context));
        dht.addSubcommand(new DhtItemCommands.Get(context));
        dht.addSubcommand(new DhtItemCommands.Put(context));
        dht.addSubcommand(new DhtPeerCommands.Announce(context));
        dht.addSubcommand(new DhtPeerCommands.GetPeers(context));
        return dht;
    }
}
