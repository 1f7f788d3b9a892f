package io.topictracker.dht.mainline.routing;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A DHT node as other nodes describe it: 20-byte id and UDP address. Compact node info is 26 bytes for IPv4 (BEP5,
 * key {@code nodes}) and 38 bytes for IPv6 (BEP32, key {@code nodes6}: id, 16-byte address, port). Immutable and
 * thread-safe; the id array is never changed after construction.
 *
 * @param id 20 bytes, never null
 * @param address resolved IPv4 or IPv6 address and port, never null
 */
public record NodeInfo(byte[] id, InetSocketAddress address) {
    /** Length of compact node info: id, IPv4 address, port. */
    public static final int COMPACT_LENGTH = 26;
    /** Length of BEP32 compact IPv6 node info: id, IPv6 address, port. */
    public static final int COMPACT_LENGTH_V6 = 38;
    /** Length of a compact IPv4 address and port (BEP5 peer info, BEP42 {@code ip}). */
    public static final int ADDRESS_LENGTH = 6;
    /** Length of a compact IPv6 address and port (BEP32 peer info and {@code ip}). */
    public static final int ADDRESS_LENGTH_V6 = 18;

    public NodeInfo {
        if (id.length != NodeIds.LENGTH) {
            throw new IllegalArgumentException("node id must be 20 bytes");
        }
    }

    /** Decodes BEP5 compact node info; a trailing partial entry and port 0 entries are skipped. */
    public static List<NodeInfo> decodeCompact(byte[] compact, int max) {
        return decode(compact, max, ADDRESS_LENGTH);
    }

    /**
     * Decodes BEP32 compact IPv6 node info ({@code nodes6}); a trailing partial entry, port 0 entries and IPv4-mapped
     * addresses (they belong in {@code nodes}) are skipped. Callers that must refuse a partial entry check the length
     * against {@link #COMPACT_LENGTH_V6} first.
     */
    public static List<NodeInfo> decodeCompact6(byte[] compact, int max) {
        return decode(compact, max, ADDRESS_LENGTH_V6);
    }

    private static List<NodeInfo> decode(byte[] compact, int max, int addressLength) {
        int entry = NodeIds.LENGTH + addressLength;
        List<NodeInfo> nodes = new ArrayList<>();
        for (int i = 0; i + entry <= compact.length && nodes.size() < max; i += entry) {
            byte[] id = Arrays.copyOfRange(compact, i, i + NodeIds.LENGTH);
            InetSocketAddress address = decodeAddress(compact, i + NodeIds.LENGTH, addressLength);
            if (address != null) {
                nodes.add(new NodeInfo(id, address));
            }
        }
        return nodes;
    }

    /** Encodes the IPv4 nodes as concatenated compact node info ({@code nodes}); other nodes are left out. */
    public static byte[] encodeCompact(List<NodeInfo> nodes) {
        return encode(nodes, false);
    }

    /** Encodes the IPv6 nodes as concatenated BEP32 compact node info ({@code nodes6}); others are left out. */
    public static byte[] encodeCompact6(List<NodeInfo> nodes) {
        return encode(nodes, true);
    }

    private static byte[] encode(List<NodeInfo> nodes, boolean ipv6) {
        int addressLength = ipv6 ? ADDRESS_LENGTH_V6 : ADDRESS_LENGTH;
        int entry = NodeIds.LENGTH + addressLength;
        byte[] out = new byte[nodes.size() * entry];
        int n = 0;
        for (NodeInfo node : nodes) {
            if (node.isIpv6() == ipv6) {
                System.arraycopy(node.id, 0, out, n, NodeIds.LENGTH);
                System.arraycopy(encodeAddress(node.address), 0, out, n + NodeIds.LENGTH, addressLength);
                n += entry;
            }
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** @return whether this node's address is IPv6 */
    public boolean isIpv6() {
        return address.getAddress() instanceof Inet6Address;
    }

    /**
     * @return the compact form, address then port big-endian: 6 bytes for IPv4 (BEP5), 18 for IPv6 (BEP32)
     */
    public static byte[] encodeAddress(InetSocketAddress address) {
        byte[] ip = address.getAddress().getAddress();
        byte[] out = Arrays.copyOf(ip, ip.length + 2);
        out[ip.length] = (byte) (address.getPort() >> 8);
        out[ip.length + 1] = (byte) address.getPort();
        return out;
    }

    /** @return the IPv4 address in 6 compact bytes at {@code offset}, or null for port 0 */
    public static InetSocketAddress decodeAddress(byte[] compact, int offset) {
        return decodeAddress(compact, offset, ADDRESS_LENGTH);
    }

    /**
     * @param compact a compact peer or {@code ip} value: 6 bytes (IPv4) or 18 (IPv6), not null
     * @return the address, or null for another length, port 0 or an IPv4-mapped IPv6 address in 18 bytes
     */
    public static InetSocketAddress decodeAddress(byte[] compact) {
        return compact.length == ADDRESS_LENGTH || compact.length == ADDRESS_LENGTH_V6
                ? decodeAddress(compact, 0, compact.length) : null;
    }

    private static InetSocketAddress decodeAddress(byte[] compact, int offset, int length) {
        int ipLength = length - 2;
        int port = ((compact[offset + ipLength] & 0xff) << 8) | (compact[offset + ipLength + 1] & 0xff);
        if (port == 0) {
            return null;
        }
        InetAddress ip;
        try {
            ip = InetAddress.getByAddress(Arrays.copyOfRange(compact, offset, offset + ipLength));
        } catch (UnknownHostException e) {
            return null; // cannot happen for 4 or 16 bytes
        }
        // Java reads an IPv4-mapped IPv6 address (::ffff:a.b.c.d) as IPv4: in 18 bytes it is not a BEP32 address
        if (ipLength == 16 && !(ip instanceof Inet6Address)) {
            return null;
        }
        return new InetSocketAddress(ip, port);
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
