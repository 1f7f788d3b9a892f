package io.topictracker.dht.mainline.node;

import io.topictracker.dht.mainline.bencode.Bencode;
import io.topictracker.dht.mainline.bencode.BencodeException;
import io.topictracker.dht.mainline.bencode.BencodeLimits;
import io.topictracker.dht.mainline.routing.NodeInfo;
import io.topictracker.dht.mainline.routing.RoutingTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A routing table saved across restarts ({@code routing_table_file}): a bencoded dictionary of our {@code id} and the
 * table's compact {@code nodes} (IPv4) and {@code nodes6} (IPv6, BEP32), written to a temporary file and moved into
 * place, so a crash leaves the old file.
 * An unreadable file is logged and ignored: the node then bootstraps as if new.
 *
 * <p>Stateless apart from the path; call from one thread at a time.
 */
final class RoutingTableFile {
    private static final Logger LOG = LoggerFactory.getLogger(RoutingTableFile.class);
    /** The largest file read: far above 2000 compact nodes. */
    private static final BencodeLimits LIMITS = new BencodeLimits(1 << 20, 4, 16, 16);
    /** Most nodes read back: a full table of 160 buckets of 8 with room to spare. */
    private static final int MAX_NODES = 2000;

    /**
     * What a file held.
     *
     * @param id our saved 20-byte id, or null
     * @param nodes never null
     */
    record Saved(byte[] id, List<NodeInfo> nodes) {
        static final Saved NONE = new Saved(null, List.of());
    }

    private final Path file;

    /** @param file the path, or null for no persistence */
    RoutingTableFile(String file) {
        this.file = file == null ? null : Path.of(file);
    }

    /** @return what the file holds, {@link Saved#NONE} if there is no file or it cannot be read */
    Saved load() {
        if (file == null || !Files.isRegularFile(file)) {
            return Saved.NONE;
        }
        try {
            Object decoded = Bencode.decode(Files.readAllBytes(file), LIMITS);
            if (decoded instanceof Map<?, ?> map && map.get("nodes") instanceof byte[] compact) {
                byte[] id = map.get("id") instanceof byte[] saved && saved.length == 20 ? saved : null;
                List<NodeInfo> nodes = new java.util.ArrayList<>(NodeInfo.decodeCompact(compact, MAX_NODES));
                if (map.get("nodes6") instanceof byte[] compact6) {
                    nodes.addAll(NodeInfo.decodeCompact6(compact6, MAX_NODES));
                }
                LOG.debug("loaded {} nodes from {}", nodes.size(), file);
                return new Saved(id, nodes);
            }
            LOG.warn("ignoring routing table file {}: unexpected content", file);
        } catch (IOException | BencodeException e) {
            LOG.warn("ignoring routing table file {}: {}", file, e.getMessage());
        }
        return Saved.NONE;
    }

    /** Saves {@code table}; a failure is logged, not thrown (the node is closing). */
    void save(RoutingTable table) {
        if (file == null) {
            return;
        }
        try {
            Map<String, Object> state = new TreeMap<>();
            state.put("id", table.ownId());
            state.put("nodes", NodeInfo.encodeCompact(table.nodes()));
            byte[] nodes6 = NodeInfo.encodeCompact6(table.nodes()); // BEP32's form, an IPv6 node's table
            if (nodes6.length > 0) {
                state.put("nodes6", nodes6);
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, Bencode.encode(state));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not save the routing table to {}: {}", file, e.toString());
        }
    }
}
