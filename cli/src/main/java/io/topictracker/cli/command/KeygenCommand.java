package io.topictracker.cli.command;

import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.cli.support.CliContext;
import io.topictracker.cli.support.CliException;
import io.topictracker.cli.support.ExitCode;
import io.topictracker.cli.support.Json;
import io.topictracker.cli.support.KeyFiles;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code topic-tracker keygen --out FILE}: makes a node identity (an Ed25519 seed) and prints its peer id. Name the
 * file in a node's configuration as {@code [node] key_file} or pass it to {@code chat --key}.
 */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = {"Write a new node key (the 32-byte Ed25519 seed, file mode 600) and print its peer id.",
                "Use it as [node] key_file in a configuration file or with 'chat --key'."})
final class KeygenCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    private LoggingOption logging;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", converter = Converters.FilePath.class,
            description = "Where to write the key.")
    private Path out;

    @Option(names = "--force", description = "Replace FILE if it exists.")
    private boolean force;

    @Option(names = "--signing", paramLabel = "ID",
            description = "Signing provider id; default: the single one present.")
    private String signing;

    @Option(names = "--json", description = "Print {\"peer_id\":..., \"key_file\":...} instead of text.")
    private boolean json;

    KeygenCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (Files.isDirectory(out)) {
            throw CliException.usage("--out " + out + " is a directory; name a file");
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw CliException.usage("--out " + out + ": folder " + parent + " does not exist");
        }
        SigningProvider provider = context.registry().select(SigningProvider.class, Optional.ofNullable(signing));
        SigningKeyPair keyPair = provider.generate();
        try {
            KeyFiles.write(out, keyPair.seed(), force);
        } catch (FileAlreadyExistsException e) {
            throw CliException.usage(out + " already exists; pass --force to replace it");
        } catch (IOException e) {
            throw CliException.failed("cannot write " + out + ": " + e, e);
        }
        if (json) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("peer_id", keyPair.peerId().toString());
            result.put("key_file", out.toString());
            context.out().println(Json.write(result));
        } else {
            context.out().println("peer id: " + keyPair.peerId());
            context.out().println("key file: " + out + " (keep it private)");
        }
        context.out().flush();
        return ExitCode.OK;
    }
}
