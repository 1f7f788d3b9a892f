package io.topictracker.dht.mainline.node;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps test suites off the public DHT. When the environment variable {@value #VARIABLE} is set to anything but
 * empty or {@code 0} (the parent pom sets it for every test run, and processes started by tests inherit it), a
 * {@code [dht.mainline]} table must name its bootstrap nodes, and only loopback ones: without {@code bootstrap} it
 * would default to the public routers, and a named non-loopback host would be just as public. Users never set it.
 *
 * <p>One narrow allowance, for the network lab (module {@code lab-tests}), whose hosts are network namespaces a test
 * made itself: an IP <em>literal</em> inside the documentation ranges 198.51.100.0/24 and 203.0.113.0/24 (RFC 5737
 * TEST-NET-2 and -3) or 2001:db8::/32 (RFC 3849). These are reserved for examples and never routed on the
 * internet, so a node named by one can only be a lab's. No other address is allowed, and no name is resolved (a
 * name could resolve to anything), so no DNS query leaves the machine either.
 *
 * <p>Stateless and thread-safe.
 */
public final class PublicRoutersGuard {
    /** The environment variable that turns the guard on. */
    public static final String VARIABLE = "TOPIC_TRACKER_DHT_LOOPBACK_ONLY";
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    /** An IPv6 literal without zone: hex digits, colons, and dots for an embedded IPv4 tail. */
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private PublicRoutersGuard() {}

    /** @return whether the guard is on in this process's environment */
    public static boolean active() {
        return active(System.getenv());
    }

    /** @return whether {@code environment} turns the guard on; not null */
    public static boolean active(Map<String, String> environment) {
        String value = environment.get(VARIABLE);
        return value != null && !value.isBlank() && !value.strip().equals("0");
    }

    /**
     * @param configured the {@code bootstrap} entries as configured ("host:port", IPv6 in brackets), or null when
     *     the key is absent
     * @return null if the guard lets them through, else what is wrong
     */
    public static String problem(List<String> configured) {
        if (configured == null) {
            return "no bootstrap nodes named: the default, the public routers, is forbidden while " + VARIABLE
                    + " is set (as in the test suite); name 127.0.0.1 nodes";
        }
        for (String entry : configured) {
            String host = entry.substring(0, Math.max(0, entry.lastIndexOf(':')));
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (!isLoopback(host) && !isDocumentationAddress(host)) {
                return "\"" + entry + "\" is not a loopback address (nor a lab address in 198.51.100.0/24,"
                        + " 203.0.113.0/24 or 2001:db8::/32), and only those may be contacted while " + VARIABLE
                        + " is set (as in the test suite)";
            }
        }
        return null;
    }

    /** A loopback literal or name; no name is resolved, so no DNS query leaves the machine either. */
    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    /**
     * @param host an IP literal (IPv6 without brackets) or anything else, not null
     * @return true only for a literal in 198.51.100.0/24, 203.0.113.0/24 or 2001:db8::/32; names are never resolved
     */
    static boolean isDocumentationAddress(String host) {
        Matcher v4 = IPV4.matcher(host);
        if (v4.matches()) {
            int[] octets = new int[4];
            for (int i = 0; i < 4; i++) {
                octets[i] = Integer.parseInt(v4.group(i + 1));
                if (octets[i] > 255) {
                    return false;
                }
            }
            return isDocumentationV4(octets[0], octets[1], octets[2]);
        }
        if (!IPV6.matcher(host).matches()) {
            return false; // a name, or a literal with a zone: never resolved, never allowed
        }
        InetAddress address;
        try {
            // a string with ':' is parsed as an IPv6 literal and never looked up in DNS (InetAddress.getAllByName)
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return false; // not a valid literal
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address) {
            return (b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8;
        }
        // an IPv4-mapped literal (::ffff:a.b.c.d) comes back as its IPv4 address
        return address instanceof Inet4Address && isDocumentationV4(b[0] & 0xff, b[1] & 0xff, b[2] & 0xff);
    }

    private static boolean isDocumentationV4(int a, int b, int c) {
        return (a == 198 && b == 51 && c == 100) || (a == 203 && b == 0 && c == 113);
    }
}
