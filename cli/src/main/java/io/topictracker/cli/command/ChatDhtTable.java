package io.topictracker.cli.command;

import io.topictracker.api.ConfigTable;
import java.util.List;

/**
 * The {@code [dht.mainline]} table of a {@code chat --bootstrap HOST:PORT}: the named nodes, on a socket that can
 * reach them. The {@code --config} file's {@code bind_address} and {@code port} win when it sets them; otherwise any
 * free port, on 127.0.0.1 when every bootstrap node is on loopback (the tests, the demo, a node on the same machine),
 * else on the wildcard 0.0.0.0. A socket bound to 127.0.0.1 can send only to loopback, so binding it for a node on
 * another host (as the chat did, over {@code --config} too) left the chat's DHT with an empty table and no way to
 * meet anyone (issue 14). Stateless.
 */
final class ChatDhtTable {
    static final String LOOPBACK = "127.0.0.1";
    static final String WILDCARD = "0.0.0.0";

    private ChatDhtTable() {}

    /**
     * @param configured the {@code [dht.mainline]} table from {@code --config} (empty without it), not null
     * @param bootstrap {@code --bootstrap} entries as the converter checked them ("host:port", IPv6 in brackets),
     *     not empty
     * @return {@code configured} with {@code bootstrap} set, and {@code bind_address} and {@code port} unless it
     *     sets them; never null
     */
    static ConfigTable with(ConfigTable configured, List<String> bootstrap) {
        ConfigTable table = configured.with("bootstrap", List.copyOf(bootstrap));
        if (!configured.contains("port")) {
            table = table.with("port", 0L);
        }
        if (!configured.contains("bind_address")) {
            table = table.with("bind_address", bootstrap.stream().allMatch(ChatDhtTable::isLoopback)
                    ? LOOPBACK : WILDCARD);
        }
        return table;
    }

    /** A loopback literal or {@code localhost}; nothing is resolved. */
    static boolean isLoopback(String hostPort) {
        String host = hostPort.substring(0, Math.max(0, hostPort.lastIndexOf(':')));
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
    }
}
