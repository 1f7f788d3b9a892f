package io.topictracker.cli.command;

import io.topictracker.api.dht.LookupSummary;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.dht.MutableQuery;
import io.topictracker.api.dht.PutSummary;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.cli.support.CliContext;
import io.topictracker.cli.support.CliException;
import io.topictracker.cli.support.ExitCode;
import io.topictracker.cli.support.Json;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dht put} and {@code dht get}: BEP44 mutable items through a running node. */
final class DhtItemCommands {
    private DhtItemCommands() {}

    private static byte[] salt(String salt) {
        byte[] bytes = salt.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 64) {
            throw CliException.usage("--salt must be at most 64 bytes (UTF-8), got " + bytes.length);
        }
        return bytes;
    }

    @Command(name = "put", mixinStandardHelpOptions = true,
            header = "Sign and store a BEP44 mutable item.",
            description = {"Signs VALUE with the Ed25519 key from --seed and stores it under (key, salt).",
                    "Without --seq: one more than the highest seq found, or 0."})
    static final class Put extends DhtSubcommand {

        @Option(names = "--seed", required = true, paramLabel = "HEX32", converter = Converters.Hex32.class,
                description = "The signing key's 32-byte seed, 64 hex digits.")
        private Converters.HexValue seed;

        @Option(names = "--salt", defaultValue = "", paramLabel = "S", description = "Salt (UTF-8, at most 64 bytes).")
        private String salt;

        @Option(names = "--value", required = true, paramLabel = "V", description = "Value (UTF-8, at most 996 bytes).")
        private String value;

        @Option(names = "--seq", paramLabel = "N", description = "Sequence number, at least 0.")
        private Long seq;

        Put(CliContext context) {
            super(context);
        }

        @Override
        public Integer call() {
            byte[] saltBytes = salt(salt);
            byte[] valueBytes = value.getBytes(StandardCharsets.UTF_8);
            if (valueBytes.length > io.topictracker.api.dht.Bep44.MAX_VALUE_LENGTH) {
                throw CliException.usage("--value must be at most " + io.topictracker.api.dht.Bep44.MAX_VALUE_LENGTH
                        + " bytes (UTF-8), got " + valueBytes.length);
            }
            if (seq != null && seq < 0) {
                throw CliException.usage("--seq must be at least 0, got " + seq);
            }
            try (DhtSession session = DhtSession.openClient(context, network)) {
                SigningKeyPair keys = session.signing.fromSeed(seed.bytes());
                long useSeq;
                if (seq != null) {
                    useSeq = seq;
                } else {
                    long[] highest = {-1};
                    MutableQuery query = MutableQuery.of(keys.publicKey(), saltBytes, OptionalLong.empty(),
                            network.timeout);
                    DhtSession.await(session.dht.getMutable(query, item -> highest[0] = Math.max(highest[0], item.seq())),
                            network.timeout.plusSeconds(1), "looking up the current seq");
                    useSeq = highest[0] + 1;
                }
                MutableItem item = MutableItem.sign(keys, saltBytes, useSeq, valueBytes);
                PutSummary summary = DhtSession.await(session.dht.putMutable(item), network.timeout, "put");
                HexFormat hex = HexFormat.of();
                context.out().println("put: pubkey " + hex.formatHex(keys.publicKey()) + " seq " + useSeq
                        + " target " + hex.formatHex(item.target()) + " acknowledged " + summary.acknowledged() + "/"
                        + summary.attempted());
                context.out().flush();
                return ExitCode.OK;
            }
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            header = "Look up the BEP44 mutable items of a public key and salt.",
            description = {"Prints each distinct valid item found; status 1 if none was found."})
    static final class Get extends DhtSubcommand {

        @Option(names = "--pubkey", required = true, paramLabel = "HEX32", converter = Converters.Hex32.class,
                description = "The item's 32-byte public key, 64 hex digits.")
        private Converters.HexValue pubkey;

        @Option(names = "--salt", defaultValue = "", paramLabel = "S", description = "Salt (UTF-8, at most 64 bytes).")
        private String salt;

        @Option(names = "--json", description = "One JSON object per item: pubkey, salt, seq, value, signature.")
        private boolean json;

        Get(CliContext context) {
            super(context);
        }

        @Override
        public Integer call() {
            byte[] saltBytes = salt(salt);
            try (DhtSession session = DhtSession.openClient(context, network)) {
                MutableQuery query = MutableQuery.of(pubkey.bytes(), saltBytes, OptionalLong.empty(), network.timeout);
                HexFormat hex = HexFormat.of();
                LookupSummary summary = DhtSession.await(session.dht.getMutable(query, item -> {
                    String text = new String(item.value(), StandardCharsets.UTF_8);
                    if (json) {
                        Map<String, Object> entry = new LinkedHashMap<>();
                        entry.put("pubkey", hex.formatHex(item.publicKey()));
                        entry.put("salt", new String(item.salt(), StandardCharsets.UTF_8));
                        entry.put("seq", item.seq());
                        entry.put("value", text);
                        entry.put("signature", hex.formatHex(item.signature()));
                        context.out().println(Json.write(entry));
                    } else {
                        context.out().println("item: seq " + item.seq() + " value " + text);
                    }
                    context.out().flush();
                }), network.timeout.plusSeconds(1), "get");
                if (summary.itemsDelivered() == 0) {
                    context.err().println("topic-tracker: no item found (" + summary.nodesResponded()
                            + " nodes answered)");
                    return ExitCode.FAILED;
                }
                return ExitCode.OK;
            }
        }
    }
}
