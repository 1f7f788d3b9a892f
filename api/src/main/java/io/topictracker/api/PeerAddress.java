package io.topictracker.api;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a node can be dialled: a transport id, a host and a port, written {@code tcp://127.0.0.1:4000} or
 * {@code quic://[::1]:4000}.
 *
 * <p>The transport id is 1–16 characters of {@code [a-z0-9-]} starting with a letter; the host is an IPv4 literal,
 * a bracketed IPv6 literal in one of the text forms of RFC 4291 §2.2 (without a zone) or a DNS name of at most 253
 * characters; the port is 1–65535. {@link #parse(String)} rejects anything else with a message naming the part that
 * is wrong. Immutable and thread-safe; no field is null.
 */
public final class PeerAddress {
    /** The longest text form {@link #parse(String)} accepts. */
    public static final int MAX_TEXT_LENGTH = 300;

    private static final Pattern TRANSPORT = Pattern.compile("[a-z][a-z0-9-]{0,15}");
    private static final Pattern DNS_NAME = Pattern.compile(
            "(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");
    private static final Pattern DOTTED_QUAD = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
    /** The longest IPv6 text form: eight groups of four digits, or six groups and a dotted quad. */
    private static final int MAX_IPV6_LENGTH = 45;

    private final String transport;
    private final String host;
    private final int port;

    private PeerAddress(String transport, String host, int port) {
        this.transport = transport;
        this.host = host;
        this.port = port;
    }

    /**
     * @param transport the transport id, such as {@code tcp}; not null
     * @param host an IP literal (IPv6 without brackets) or DNS name; not null
     * @param port 1–65535
     * @throws IllegalArgumentException naming the part that is invalid
     */
    public static PeerAddress of(String transport, String host, int port) {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(host, "host");
        if (!TRANSPORT.matcher(transport).matches()) {
            throw new IllegalArgumentException("invalid transport id '" + transport
                    + "': expected 1-16 characters of [a-z0-9-] starting with a letter");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("invalid port " + port + ": expected 1-65535");
        }
        String normalisedHost = host.contains(":") ? host.toLowerCase(Locale.ROOT) : host;
        if (host.contains(":")) {
            if (!isIpv6Literal(host)) {
                throw new IllegalArgumentException("invalid IPv6 host '" + host
                        + "': expected an IPv6 address such as 2001:db8::1 (RFC 4291 section 2.2)");
            }
        } else if (!DNS_NAME.matcher(host).matches()) {
            throw new IllegalArgumentException("invalid host '" + host + "': expected an IP literal or DNS name");
        }
        return new PeerAddress(transport, normalisedHost, port);
    }

    /**
     * Whether {@code text} is an IPv6 address in a text form of RFC 4291 §2.2: eight groups of 1–4 hex digits, at
     * most one {@code ::} standing for one or more zero groups, and optionally a dotted IPv4 address as the last 32
     * bits. Stricter than a character class on purpose: text that only looks like IPv6 ({@code .:}, {@code 1:2}) is
     * what {@link java.net.InetAddress#getByName} would hand to DNS instead of reading it as a literal.
     */
    static boolean isIpv6Literal(String text) {
        if (text.length() < 2 || text.length() > MAX_IPV6_LENGTH) {
            return false;
        }
        int gap = text.indexOf("::");
        if (gap < 0) {
            return groups(text) == 8;
        }
        if (text.indexOf("::", gap + 1) >= 0) {
            return false; // at most one "::" (and ":::" is none)
        }
        String before = text.substring(0, gap);
        String after = text.substring(gap + 2);
        int left = before.isEmpty() ? 0 : groups(before);
        int right = after.isEmpty() ? 0 : groups(after);
        // the dotted quad may only end the address, so it may not end the part before "::"
        return left >= 0 && right >= 0 && !before.contains(".") && left + right <= 7;
    }

    /** @return how many 16-bit groups the colon-separated {@code part} holds (a final dotted quad counts 2), or -1 */
    private static int groups(String part) {
        String[] fields = part.split(":", -1);
        int count = 0;
        for (int i = 0; i < fields.length; i++) {
            if (HEX_GROUP.matcher(fields[i]).matches()) {
                count++;
            } else if (i == fields.length - 1 && DOTTED_QUAD.matcher(fields[i]).matches() && octetsFit(fields[i])) {
                count += 2;
            } else {
                return -1;
            }
        }
        return count;
    }

    private static boolean octetsFit(String dottedQuad) {
        for (String octet : dottedQuad.split("\\.")) {
            if (Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses {@code transport://host:port}; IPv6 hosts are bracketed.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static PeerAddress parse(String text) {
        Objects.requireNonNull(text, "address text");
        if (text.length() > MAX_TEXT_LENGTH) {
            throw new IllegalArgumentException("address longer than " + MAX_TEXT_LENGTH + " characters");
        }
        int scheme = text.indexOf("://");
        if (scheme <= 0) {
            throw new IllegalArgumentException("address '" + text + "' lacks 'transport://', e.g. tcp://127.0.0.1:4000");
        }
        String transport = text.substring(0, scheme);
        String rest = text.substring(scheme + 3);
        String host;
        String portText;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0 || close + 1 >= rest.length() || rest.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("address '" + text + "': IPv6 host must be written [addr]:port");
            }
            host = rest.substring(1, close);
            portText = rest.substring(close + 2);
        } else {
            int colon = rest.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("address '" + text + "' lacks ':port'");
            }
            host = rest.substring(0, colon);
            portText = rest.substring(colon + 1);
            if (host.contains(":")) {
                throw new IllegalArgumentException("address '" + text + "': IPv6 host must be bracketed");
            }
        }
        if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("address '" + text + "': port '" + portText + "' is not a number");
        }
        return of(transport, host, Integer.parseInt(portText));
    }

    /** @return the transport id, never null */
    public String transport() {
        return transport;
    }

    /** @return the host, IPv6 without brackets, never null */
    public String host() {
        return host;
    }

    /** @return the port, 1–65535 */
    public int port() {
        return port;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PeerAddress address
                && transport.equals(address.transport)
                && host.equals(address.host)
                && port == address.port;
    }

    @Override
    public int hashCode() {
        return Objects.hash(transport, host, port);
    }

    /** @return the text form accepted by {@link #parse(String)} */
    @Override
    public String toString() {
        String hostText = host.contains(":") ? "[" + host + "]" : host;
        return transport + "://" + hostText + ":" + port;
    }
}
