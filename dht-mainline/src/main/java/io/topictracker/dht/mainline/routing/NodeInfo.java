package io.topictracker.dht.mainline.routing;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A DHT node as other nodes describe it: 20-byte id and IPv4 UDP address (BEP5 "compact node info", 26 bytes).
 * Immutable and thread-safe; the id array is never changed after construction.
 *
 * @param id 20 bytes, never null
 * @param address resolved IPv4 address and port, never null
 */
public record NodeInfo(byte[] id, InetSocketAddress address) {
    /** Length of compact node info: id, IPv4 address, port. */
    public static final int COMPACT_LENGTH = 26;

    public NodeInfo {
        if (id.length != NodeIds.LENGTH) {
            throw new IllegalArgumentException("node id must be 20 bytes");
        }
    }

    /** Decodes BEP5 compact node info; a trailing partial entry, port 0 and non-IPv4 entries are skipped. */
    public static List<NodeInfo> decodeCompact(byte[] compact, int max) {
        List<NodeInfo> nodes = new ArrayList<>();
        for (int i = 0; i + COMPACT_LENGTH <= compact.length && nodes.size() < max; i += COMPACT_LENGTH) {
            byte[] id = Arrays.copyOfRange(compact, i, i + 20);
            InetSocketAddress address = decodeAddress(compact, i + 20);
            if (address != null) {
                nodes.add(new NodeInfo(id, address));
            }
        }
        return nodes;
    }

    /** Encodes nodes as concatenated compact node info; non-IPv4 nodes are left out. */
    public static byte[] encodeCompact(List<NodeInfo> nodes) {
        byte[] out = new byte[nodes.size() * COMPACT_LENGTH];
        int n = 0;
        for (NodeInfo node : nodes) {
            byte[] address = encodeAddress(node.address);
            if (address != null) {
                System.arraycopy(node.id, 0, out, n, 20);
                System.arraycopy(address, 0, out, n + 20, 6);
                n += COMPACT_LENGTH;
            }
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** @return the 6-byte compact form (IPv4, port big-endian), or null for a non-IPv4 address */
    public static byte[] encodeAddress(InetSocketAddress address) {
        if (!(address.getAddress() instanceof Inet4Address v4)) {
            return null;
        }
        byte[] ip = v4.getAddress();
        return new byte[] {ip[0], ip[1], ip[2], ip[3], (byte) (address.getPort() >> 8), (byte) address.getPort()};
    }

    /** @return the address in 6 compact bytes at {@code offset}, or null for port 0 */
    public static InetSocketAddress decodeAddress(byte[] compact, int offset) {
        int port = ((compact[offset + 4] & 0xff) << 8) | (compact[offset + 5] & 0xff);
        if (port == 0) {
            return null;
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(Arrays.copyOfRange(compact, offset, offset + 4)),
                    port);
        } catch (UnknownHostException e) {
            return null; // cannot happen for 4 bytes
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NodeInfo n && Arrays.equals(id, n.id) && address.equals(n.address);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(id) * 31 + address.hashCode();
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(id, 0, 4) + "@" + address.getAddress().getHostAddress() + ":"
                + address.getPort();
    }
}
