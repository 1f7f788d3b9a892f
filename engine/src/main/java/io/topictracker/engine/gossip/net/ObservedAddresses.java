package io.topictracker.engine.gossip.net;

import io.topictracker.api.PeerAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What other nodes say our address is, and which of it to advertise. A node that accepts our connection tells us the
 * address it saw it come from (an Observed frame, as libp2p identify's observed address and iroh's QUIC address
 * discovery do); the host in it is our address as seen from outside, the port is the one our connection left from.
 * A host is confirmed once observers at {@link #CONFIRMATIONS} distinct IPs agree on it for a transport, since one
 * peer's claim could be a lie (and many identities are cheap on one IP); the mainline DHT's BEP42 vote, already a
 * quorum, confirms its host for every transport. A confirmed host is advertised with our listening port, which is
 * right for a public host or a 1:1 NAT and harmless otherwise (a dial to it fails and is tried last next time).
 *
 * <p>Bounded: the latest observation of the last {@link #MAX_OBSERVERS} observer IPs. Thread-safe.
 */
final class ObservedAddresses {
    /** Distinct observer IPs that must agree. */
    static final int CONFIRMATIONS = 2;
    /** Observer IPs remembered, most recent first out. */
    static final int MAX_OBSERVERS = 64;

    /** Observer IP to the address it saw us at; access order, so the oldest observer is dropped first. */
    private final Map<String, PeerAddress> byObserver = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PeerAddress> eldest) {
            return size() > MAX_OBSERVERS;
        }
    };
    private String dhtHost;

    /**
     * @param observer the observer's address as we dialled it, not null
     * @param seen what it says our address is, not null
     */
    synchronized void observed(PeerAddress observer, PeerAddress seen) {
        if (seen.transport().equals(observer.transport())) {
            byObserver.put(observer.host(), seen);
        }
    }

    /** @param host the external IP the DHT's votes agree on, or null */
    synchronized void dhtExternalHost(String host) {
        dhtHost = host;
    }

    /**
     * @param own the addresses our transports advertise themselves, not null
     * @return whether observers at {@link #CONFIRMATIONS} distinct IPs saw us at one of our own hosts: no NAT between
     *     us and them (or the user's forward), so peers reach us directly
     */
    synchronized boolean confirmsOwn(List<PeerAddress> own) {
        Set<String> ownHosts = new HashSet<>();
        own.forEach(address -> ownHosts.add(address.transport() + "|" + address.host()));
        Map<String, Set<String>> observers = new HashMap<>();
        byObserver.forEach((observer, seen) -> observers.computeIfAbsent(seen.transport() + "|" + seen.host(),
                h -> new HashSet<>()).add(observer));
        for (Map.Entry<String, Set<String>> entry : observers.entrySet()) {
            if (entry.getValue().size() >= CONFIRMATIONS && ownHosts.contains(entry.getKey())) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param own the addresses our transports advertise themselves, not null
     * @return for each transport among {@code own}, its listening port at every confirmed host not already among
     *     {@code own}; never null
     */
    synchronized List<PeerAddress> confirmed(List<PeerAddress> own) {
        Map<String, Map<String, Set<String>>> observersByHost = new HashMap<>();
        byObserver.forEach((observer, seen) -> observersByHost.computeIfAbsent(seen.transport(), t -> new HashMap<>())
                .computeIfAbsent(seen.host(), h -> new HashSet<>()).add(observer));
        Set<String> ownHosts = new HashSet<>();
        Map<String, Integer> portByTransport = new LinkedHashMap<>();
        for (PeerAddress address : own) {
            ownHosts.add(address.transport() + "|" + address.host());
            portByTransport.putIfAbsent(address.transport(), address.port());
        }
        List<PeerAddress> result = new ArrayList<>();
        portByTransport.forEach((transport, port) -> {
            List<String> hosts = new ArrayList<>();
            observersByHost.getOrDefault(transport, Map.of()).forEach((host, observers) -> {
                if (observers.size() >= CONFIRMATIONS) {
                    hosts.add(host);
                }
            });
            if (dhtHost != null && !hosts.contains(dhtHost)) {
                hosts.add(dhtHost);
            }
            for (String host : hosts) {
                if (!ownHosts.contains(transport + "|" + host)) {
                    result.add(PeerAddress.of(transport, host, port));
                }
            }
        });
        return result;
    }
}
