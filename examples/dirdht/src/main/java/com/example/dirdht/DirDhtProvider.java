package com.example.dirdht;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.dht.Dht;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.dht.DhtProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * The {@code dirdht} provider: every node stores the BEP44 items put through it as files in a folder of its own
 * under one shared {@code directory}, and a lookup reads every node's folder. Nodes on one machine (or one shared
 * file system) meet through it; no network is involved. Table {@code [dht.dirdht]}:
 *
 * <ul>
 *   <li>{@code directory} (required): the folder the nodes share; it must exist.</li>
 *   <li>{@code item_lifetime} (default {@code "2h"}, from {@code "1s"} to {@code "168h"}): items not put again
 *       for this long are not delivered, as DHT nodes drop items nobody refreshes.</li>
 * </ul>
 *
 * Stateless and thread-safe; the public no-argument constructor allocates nothing (ServiceLoader calls it).
 */
public final class DirDhtProvider implements DhtProvider {
    /** The id to name in configuration: {@code [node] dht = "dirdht"}. */
    public static final String ID = "dirdht";

    private static final Set<String> KEYS = Set.of("directory", "item_lifetime");
    private static final Duration DEFAULT_LIFETIME = Duration.ofHours(2);

    /** For {@link java.util.ServiceLoader}; allocates nothing. */
    public DirDhtProvider() {}

    @Override
    public String id() {
        return ID;
    }

    /**
     * Reads and checks the table; opens nothing (the node's folder is made by {@link Dht#start()}).
     *
     * @throws io.topictracker.api.ConfigException naming the file, line and key of a bad or missing value
     */
    @Override
    public Dht create(DhtContext context) {
        ConfigTable table = context.settings();
        table.requireKnownKeys(KEYS);
        Path directory = table.path("directory", null);
        if (directory == null) {
            throw table.error("directory", "required: the folder the nodes share, e.g. directory = \"/srv/dirdht\"");
        }
        if (!Files.isDirectory(directory)) {
            throw table.error("directory", directory + " is not a folder (it must exist: dirdht creates only its "
                    + "nodes' folders inside it)");
        }
        Duration lifetime = table.duration("item_lifetime", DEFAULT_LIFETIME, Duration.ofSeconds(1),
                Duration.ofHours(168));
        return new DirDht(directory, lifetime, context);
    }
}
