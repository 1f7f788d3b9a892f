package io.topictracker.lab;

import java.util.List;

/** The kernel's TCP socket table of a lab host, read with {@code ss} in its namespace. Stateless. */
final class SocketTable {
    private SocketTable() {}

    /** @return the far-end IPs of {@code host}'s established TCP connections (IPv4-mapped ones as IPv4) */
    static List<String> tcpPeers(LabHost host) {
        String table = Commands.check("ip", "netns", "exec", host.namespace(), "ss", "-H", "-n", "-t", "state",
                "established");
        return table.lines().map(String::strip).filter(l -> !l.isEmpty()).map(l -> {
            String[] columns = l.split("\\s+");
            String peer = columns[columns.length - 1]; // with a state filter: Recv-Q Send-Q Local Peer
            return peer.substring(0, peer.lastIndexOf(':')).replace("[::ffff:", "").replace("[", "").replace("]", "");
        }).toList();
    }
}
