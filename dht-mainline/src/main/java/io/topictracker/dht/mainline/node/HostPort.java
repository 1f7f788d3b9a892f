package io.topictracker.dht.mainline.node;

import java.util.regex.Pattern;

/**
 * A bootstrap entry, {@code host:port}: a DNS name or IPv4 literal, or an IPv6 literal in brackets
 * ({@code [::1]:6881}, RFC 3986 §3.2.2, since an unbracketed IPv6 address cannot be told from its port); the port 1 to
 * 65535 (port 0 cannot be sent to). Checked when the table is read, so a bad entry is a configuration error naming
 * its key and line rather than a failure at start. Immutable.
 *
 * @param host the name or literal, without brackets; never empty
 * @param port 1 to 65535
 */
public record HostPort(String host, int port) {
    /** A DNS name is at most 253 characters (RFC 1035 §2.3.4, less the final dot). */
    static final int MAX_HOST_LENGTH = 253;
    private static final Pattern NAME_OR_IPV4 = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[A-Za-z0-9._-]+)?");

    /**
     * @param text {@code host:port}, not null
     * @return the entry, never null
     * @throws IllegalArgumentException saying what is wrong; the text is quoted only in part when long
     */
    public static HostPort parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("expected \"host:port\" (IPv6 as \"[::1]:6881\"), got " + quote(text));
        }
        String host = text.substring(0, colon);
        String portText = text.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]") && host.length() > 2) {
            host = host.substring(1, host.length() - 1);
            if (!IPV6.matcher(host).matches()) {
                throw new IllegalArgumentException("not an IPv6 address in brackets: " + quote(text));
            }
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("an IPv6 address goes in brackets, e.g. \"[::1]:6881\"; got "
                    + quote(text));
        } else if (host.isEmpty()) {
            throw new IllegalArgumentException("the host before ':' is empty in " + quote(text));
        } else if (host.length() > MAX_HOST_LENGTH || !NAME_OR_IPV4.matcher(host).matches()) {
            throw new IllegalArgumentException("not a host name or IPv4 address: " + quote(text));
        }
        if (!portText.matches("\\d{1,5}")) {
            throw new IllegalArgumentException("expected a port number after the last ':', got " + quote(text));
        }
        int port = Integer.parseInt(portText);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1 to 65535, got " + port + " in " + quote(text));
        }
        return new HostPort(host, port);
    }

    private static String quote(String text) {
        return io.topictracker.api.ConfigTable.excerpt(text);
    }
}
