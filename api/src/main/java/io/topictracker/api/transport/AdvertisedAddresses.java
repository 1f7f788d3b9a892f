package io.topictracker.api.transport;

import io.topictracker.api.ConfigTable;
import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerInfo;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The addresses a transport advertises for its listening socket, so that peers on other hosts can dial it: the
 * addresses the user configured ({@code advertise}) first; then, for a socket bound to one address, that address
 * (loopback included, so tests and the demo keep working); for a socket bound to a wildcard ({@code 0.0.0.0} or
 * {@code ::}), every usable address of the host — each interface that is up, not loopback, and each of its addresses
 * that is not loopback or link-local (RFC 3927 169.254/16, RFC 4291 fe80::/10), IPv4 only for {@code 0.0.0.0}, both
 * families for {@code ::} (a dual-stack socket). Deduplicated, at most {@link PeerInfo#MAX_ADDRESSES}. A wildcard
 * socket on a host with no usable address advertises loopback, so a node still works on an offline machine.
 *
 * <p>{@link #choose} is pure (tests give it a made-up interface list); {@link #of} reads the host's interfaces at the
 * moment of the call, so a transport that calls it whenever asked for its addresses advertises a network change in
 * its next record. Thread-safe; arguments not null.
 */
public final class AdvertisedAddresses {
    /** The transport table key of the configured addresses. */
    public static final String ADVERTISE_KEY = "advertise";

    private AdvertisedAddresses() {}

    /**
     * A network interface as far as advertising goes.
     *
     * @param name for messages, not null
     * @param up whether it is up
     * @param loopback whether it is a loopback interface
     * @param addresses its addresses, not null
     */
    public record Interface(String name, boolean up, boolean loopback, List<InetAddress> addresses) {
        /** Copies the list; arguments not null. */
        public Interface {
            Objects.requireNonNull(name, "name");
            addresses = List.copyOf(addresses);
        }
    }

    /**
     * @param transport the transport id of the addresses, not null
     * @param bound the address the socket is bound to, not null
     * @param port the bound port, 1-65535
     * @param configured addresses the user configured, advertised first, not null
     * @param interfaces the host's interfaces, not null
     * @return the addresses to advertise, never empty, at most {@link PeerInfo#MAX_ADDRESSES}
     */
    public static List<PeerAddress> choose(String transport, InetAddress bound, int port,
            List<PeerAddress> configured, List<Interface> interfaces) {
        Set<PeerAddress> chosen = new LinkedHashSet<>(configured);
        if (!bound.isAnyLocalAddress()) {
            chosen.add(PeerAddress.of(transport, literal(bound), port));
            return cap(chosen);
        }
        boolean bothFamilies = bound instanceof Inet6Address;
        List<PeerAddress> found = new ArrayList<>();
        for (Interface candidate : interfaces) {
            if (!candidate.up() || candidate.loopback()) {
                continue;
            }
            for (InetAddress address : candidate.addresses()) {
                if (usable(address, bothFamilies)) {
                    found.add(PeerAddress.of(transport, literal(address), port));
                }
            }
        }
        // IPv4 first: more peers can reach it today, and the order is the order peers try
        found.sort((a, b) -> Boolean.compare(a.host().contains(":"), b.host().contains(":")));
        chosen.addAll(found);
        if (chosen.isEmpty()) {
            chosen.add(PeerAddress.of(transport, bothFamilies ? "::1" : "127.0.0.1", port));
        }
        return cap(chosen);
    }

    /**
     * Reads a transport table's {@code advertise} list: addresses the user knows peers can reach (a port forward, a
     * public IP behind a 1:1 NAT), such as {@code ["quic://203.0.113.5:4433"]}.
     *
     * @param table the transport's table, not null
     * @param transport the transport's id; every entry must be one of its addresses
     * @return the addresses, possibly empty, never null
     * @throws io.topictracker.api.ConfigException naming {@code advertise} and the entry that is wrong
     */
    public static List<PeerAddress> configured(ConfigTable table, String transport) {
        List<String> entries = table.stringList(ADVERTISE_KEY, List.of());
        if (entries.size() > PeerInfo.MAX_ADDRESSES) {
            throw table.error(ADVERTISE_KEY, "at most " + PeerInfo.MAX_ADDRESSES + " addresses, got " + entries.size());
        }
        List<PeerAddress> result = new ArrayList<>();
        for (String entry : entries) {
            PeerAddress address;
            try {
                address = PeerAddress.parse(entry);
            } catch (IllegalArgumentException e) {
                throw table.error(ADVERTISE_KEY, e.getMessage());
            }
            if (!address.transport().equals(transport)) {
                throw table.error(ADVERTISE_KEY, "\"" + ConfigTable.excerpt(entry) + "\" is not a " + transport
                        + " address (expected " + transport + "://HOST:PORT)");
            }
            result.add(address);
        }
        return List.copyOf(result);
    }

    /**
     * As {@link #choose}, with the host's interfaces as they are now.
     *
     * @return never empty
     */
    public static List<PeerAddress> of(String transport, InetAddress bound, int port, List<PeerAddress> configured) {
        return choose(transport, bound, port, configured, bound.isAnyLocalAddress() ? hostInterfaces() : List.of());
    }

    /** @return the host's interfaces now; empty if the JDK cannot list them */
    public static List<Interface> hostInterfaces() {
        List<Interface> result = new ArrayList<>();
        try {
            Enumeration<NetworkInterface> nics = NetworkInterface.getNetworkInterfaces();
            if (nics == null) {
                return result; // the JDK found none
            }
            for (NetworkInterface nic : Collections.list(nics)) {
                result.add(new Interface(nic.getName(), nic.isUp(), nic.isLoopback(),
                        Collections.list(nic.getInetAddresses())));
            }
        } catch (SocketException e) {
            return List.of(); // nothing readable: the caller advertises loopback
        }
        return result;
    }

    private static boolean usable(InetAddress address, boolean bothFamilies) {
        if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isAnyLocalAddress()
                || address.isMulticastAddress()) {
            return false;
        }
        return address instanceof Inet4Address || bothFamilies;
    }

    /** @return the address as text, IPv6 without its zone (a zone means nothing on another host) */
    private static String literal(InetAddress address) {
        String text = address.getHostAddress();
        int zone = text.indexOf('%');
        return zone < 0 ? text : text.substring(0, zone);
    }

    private static List<PeerAddress> cap(Set<PeerAddress> chosen) {
        List<PeerAddress> list = new ArrayList<>(chosen);
        return List.copyOf(list.size() > PeerInfo.MAX_ADDRESSES ? list.subList(0, PeerInfo.MAX_ADDRESSES) : list);
    }
}
