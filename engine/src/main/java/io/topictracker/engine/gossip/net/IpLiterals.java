package io.topictracker.engine.gossip.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Reading an address's host as an IP literal, never as a name: a name is not resolved here (in-process transports
 * use names, and a lookup would block). Stateless.
 */
final class IpLiterals {
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    private IpLiterals() {}

    /**
     * @param host an address's host, not null
     * @return the address when {@code host} is an IPv4 dotted quad or an IPv6 literal, null for a name
     */
    static InetAddress parse(String host) {
        if (!host.contains(":") && !IPV4.matcher(host).matches()) {
            return null; // a name: never resolved here
        }
        try {
            return InetAddress.getByName(host); // a literal: no lookup
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /**
     * @param ip an address, not null
     * @return whether it is in a local scope: loopback, link-local, site-local (RFC 1918, IPv6's deprecated
     *     fec0::/10), the wildcard or multicast
     */
    static boolean isLocalScope(InetAddress ip) {
        return ip.isLoopbackAddress() || ip.isLinkLocalAddress() || ip.isSiteLocalAddress() || ip.isAnyLocalAddress()
                || ip.isMulticastAddress();
    }
}
