package io.topictracker.cli.command;

import io.topictracker.api.dht.PutSummary;
import io.topictracker.cli.support.CliContext;
import io.topictracker.cli.support.CliException;
import io.topictracker.cli.support.ExitCode;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dht announce} and {@code dht get-peers}: BEP5 peers of an info-hash through a running node. */
final class DhtPeerCommands {
    private DhtPeerCommands() {}

    @Command(name = "announce", mixinStandardHelpOptions = true, header = "BEP5 announce_peer for an info-hash.")
    static final class Announce extends DhtSubcommand {

        @Option(names = "--infohash", required = true, paramLabel = "HEX20", converter = Converters.Hex20.class,
                description = "The 20-byte info-hash, 40 hex digits.")
        private Converters.HexValue infoHash;

        @Option(names = "--port", required = true, paramLabel = "P",
                description = "The peer port to announce, 1 to 65535 (0: the DHT socket's own port).")
        private int port;

        Announce(CliContext context) {
            super(context);
        }

        @Override
        public Integer call() {
            if (port < 0 || port > 65535) {
                throw CliException.usage("--port must be 0 to 65535, got " + port);
            }
            try (DhtSession session = DhtSession.openClient(context, network)) {
                PutSummary summary = DhtSession.await(session.bitTorrent().announcePeer(infoHash.bytes(), port), network.timeout,
                        "announce");
                context.out().println("announced: " + HexFormat.of().formatHex(infoHash.bytes()) + " port " + port
                        + " acknowledged " + summary.acknowledged() + "/" + summary.attempted());
                context.out().flush();
                return ExitCode.OK;
            }
        }
    }

    @Command(name = "get-peers", mixinStandardHelpOptions = true, header = "BEP5 get_peers for an info-hash.",
            description = "Prints 'peer: HOST:PORT' per peer found, then a count.")
    static final class GetPeers extends DhtSubcommand {

        @Option(names = "--infohash", required = true, paramLabel = "HEX20", converter = Converters.Hex20.class,
                description = "The 20-byte info-hash, 40 hex digits.")
        private Converters.HexValue infoHash;

        GetPeers(CliContext context) {
            super(context);
        }

        @Override
        public Integer call() {
            try (DhtSession session = DhtSession.openClient(context, network)) {
                List<InetSocketAddress> peers = DhtSession.await(session.bitTorrent().getPeers(infoHash.bytes(), network.timeout),
                        network.timeout.plusSeconds(1), "get-peers");
                for (InetSocketAddress peer : peers) {
                    context.out().println("peer: " + peer.getAddress().getHostAddress() + ":" + peer.getPort());
                }
                context.out().println("peers found: " + peers.size());
                context.out().flush();
                return ExitCode.OK;
            }
        }
    }
}
