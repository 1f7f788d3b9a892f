package io.topictracker.cli.command;

import io.topictracker.api.ConfigTable;
import java.util.List;

/**
 * The {@code [dht.mainline]} table of a {@code chat --bootstrap HOST:PORT}: the named nodes, on a socket that can
 * reach them. The {@code --config} file's {@code bind_address} and {@code port} win when it sets them; otherwise any
 * free port, on 127.0.0.1 when every bootstrap node is on loopback (the tests, the demo, a node on the same machine),
 * else on the wildcard 0.0.0.0 — per address family: IPv6 nodes ({@code [2001:db8::10]:6881}) get an IPv6 socket
 * ({@code ::1} or {@code ::}, BEP32), and nodes of both families a socket of each ({@code bind_addresses}). A socket
 * bound to 127.0.0.1 can send only to loopback, so binding it for a node on
 * another host (as the chat did, over {@code --config} too) left the chat's DHT with an empty table and no way to
 * meet anyone (issue 14). Stateless.
 */
final class ChatDhtTable {
    static final String LOOPBACK = "127.0.0.1";
    static final String WILDCARD = "0.0.0.0";
    static final String LOOPBACK6 = "::1";
    static final String WILDCARD6 = "::";

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
        if (!configured.contains("bind_address") && !configured.contains("bind_addresses")) {
            boolean loopback = bootstrap.stream().allMatch(ChatDhtTable::isLoopback);
            boolean ipv6 = bootstrap.stream().anyMatch(ChatDhtTable::isIpv6);
            boolean ipv4 = !bootstrap.stream().allMatch(ChatDhtTable::isIpv6);
            List<String> binds = new java.util.ArrayList<>();
            if (ipv4) {
                binds.add(loopback ? LOOPBACK : WILDCARD);
            }
            if (ipv6) {
                binds.add(loopback ? LOOPBACK6 : WILDCARD6);
            }
            table = binds.size() == 1 ? table.with("bind_address", binds.get(0))
                    : table.with("bind_addresses", List.copyOf(binds));
        }
        return table;
    }

    /** An IPv6 literal, which the converter let through only in brackets. */
    static boolean isIpv6(String hostPort) {
        return hostPort.startsWith("[");
    }

    /** A loopback literal or {@code localhost}; nothing is resolved. */
    static boolean isLoopback(String hostPort) {
        String host = hostPort.substring(0, Math.max(0, hostPort.lastIndexOf(':')));
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
    }
}
