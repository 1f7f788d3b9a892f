package io.topictracker.dht.mainline.node;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * One UDP socket a mainline DHT node runs on, with its own routing table: a node has one per address family it uses
 * (BEP32; libtorrent likewise runs one DHT per listen socket). Immutable.
 *
 * @param bindAddress the IP literal (or, from the older {@code bind_address} key, host name) to bind, never null
 * @param routingTableFile where this socket's table is saved, or null
 * @param optional whether failing to bind it leaves the node running on its other socket (the default IPv6 socket
 *     on a host without IPv6) rather than failing the start
 */
public record NodeSocket(String bindAddress, String routingTableFile, boolean optional) {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9._-]+)?");

    /** @return the IPv6 node's table file next to {@code file}: its name plus {@code .ipv6}; null for null */
    static String ipv6TableFile(String file) {
        return file == null ? null : file + ".ipv6";
    }

    /**
     * @param literal not null
     * @return true for an IPv6 literal, false for an IPv4 one, null for anything else (names are never resolved)
     */
    static Boolean familyOfLiteral(String literal) {
        if (literal.length() > 64) {
            return null;
        }
        var v4 = IPV4.matcher(literal);
        if (v4.matches()) {
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(v4.group(i)) > 255) {
                    return null;
                }
            }
            return false;
        }
        if (!IPV6.matcher(literal).matches()) {
            return null;
        }
        try {
            // only a literal gets here (hex digits, colons, dots, a scope), so nothing is looked up
            return InetAddress.getByName(literal) instanceof Inet6Address ? true : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
