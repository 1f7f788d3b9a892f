package io.topictracker.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A network lab made of Linux network namespaces, for tests that run real processes on separate hosts. The lab owns
 * a "switch" namespace holding a bridge ({@code br0}); each host is a namespace whose {@code eth0} is one end of a
 * veth pair, the other end ({@code port<N>}) a port of that bridge. Every link is made inside the lab's own
 * namespaces ({@code ip -n NS ...}): the root namespace's interfaces, routes and firewall are never touched.
 *
 * <p>Names are unique per run: {@code ttlab-<jvm pid>-<lab number>-<host>} and {@code ...-switch}. {@link #create}
 * first removes what a crashed earlier run left (namespaces {@code ttlab-<pid>-...} whose pid is dead, and their
 * processes). {@link #close()} stops every process the lab started (by pid) and deletes every namespace; a shutdown
 * hook does the same if the JVM exits first. Needs root and iproute2's {@code ip}.
 *
 * <p>Addresses: 198.51.100.0/24 (RFC 5737 TEST-NET-2), never routed anywhere, for the public segment; LANs
 * ({@link #addLanRouter}, {@link #addLanHost}) are 10.N.0.0/24 bridges of their own behind a masquerading router
 * host. The public segment can be impaired (delay, loss: {@link #impair}) and a host's link cut and restored
 * ({@link #cut}, {@link #restore}). Not thread-safe: one test drives it (several labs may run side by side).
 */
final class NetLab implements AutoCloseable {
    static final String SEGMENT_PREFIX = "198.51.100.";
    private static final int PREFIX_LENGTH = 24;
    private static final String BRIDGE = "br0";
    private static final Pattern HOST_NAME = Pattern.compile("[a-z][a-z0-9]{0,11}");
    private static final AtomicInteger LABS = new AtomicInteger();

    private final String prefix;
    private final String switchNamespace;
    private final Path logDir;
    private final Map<String, LabHost> hosts = new LinkedHashMap<>();
    /** Each host's port in the switch namespace (the switch end of its veth pair), by host name. */
    private final Map<String, String> ports = new LinkedHashMap<>();
    /** Each router's LAN number, by router name. */
    private final Map<String, String> lans = new LinkedHashMap<>();
    private ImpairedSwitch impaired;
    private final List<LabProcess> processes = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();
    private final java.util.Set<Integer> ipv6Hosts = new java.util.HashSet<>();
    private final Thread shutdownHook;
    private boolean closed;

    private NetLab(String prefix, Path logDir) {
        this.prefix = prefix;
        this.switchNamespace = prefix + "switch";
        this.logDir = logDir;
        this.shutdownHook = new Thread(this::cleanUp, prefix + "cleanup");
    }

    /**
     * Creates the lab's switch: a namespace with a bridge, up. Removes leftovers of dead runs first.
     *
     * @param logDir where processes' standard error goes, not null
     * @throws IllegalStateException not root, no {@code ip}, or an {@code ip} command failed (with its output)
     */
    static NetLab create(Path logDir) {
        requireRoot();
        removeLeftovers();
        NetLab lab = new NetLab(LeftoverNamespaces.PREFIX + ProcessHandle.current().pid() + "-"
                + LABS.incrementAndGet() + "-", logDir);
        Runtime.getRuntime().addShutdownHook(lab.shutdownHook);
        try {
            lab.addNamespace(lab.switchNamespace);
            // no multicast snooping: with it the bridge may forward IPv6 neighbour solicitations (to solicited-node
            // multicast groups) only to ports it has seen an MLD report from, and a host whose report it missed is
            // unreachable over IPv6 for a while (seen as an intermittent dual-stack test)
            Commands.check("ip", "-n", lab.switchNamespace, "link", "add", BRIDGE, "type", "bridge",
                    "mcast_snooping", "0");
            Commands.check("ip", "-n", lab.switchNamespace, "link", "set", BRIDGE, "up");
            return lab;
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    /** @return the prefix of every namespace of this lab ({@code ttlab-<pid>-<n>-}) */
    String prefix() {
        return prefix;
    }

    /**
     * Adds a host plugged into the switch, with {@code 198.51.100.<hostNumber>/24} on its {@code eth0}, and
     * {@code lo} and {@code eth0} up.
     *
     * @param name lower-case letters and digits, at most 12, unique in this lab
     * @param hostNumber 1..254, unique in this lab
     */
    LabHost addHost(String name, int hostNumber) {
        if (!HOST_NAME.matcher(name).matches() || hosts.containsKey(name)) {
            throw new IllegalArgumentException("host name must be [a-z][a-z0-9]{0,11} and new: " + name);
        }
        String address = SEGMENT_PREFIX + hostNumber;
        if (hostNumber < 1 || hostNumber > 254 || hosts.values().stream().anyMatch(h -> h.ipv4().equals(address))) {
            throw new IllegalArgumentException("host number must be 1..254 and new: " + hostNumber);
        }
        if (impaired != null) {
            throw new IllegalStateException("the segment is impaired already: add every host before impair()");
        }
        LabHost host = new LabHost(name, prefix + name, address);
        addNamespace(host.namespace());
        plug(host.namespace(), "eth0", BRIDGE, address + "/" + PREFIX_LENGTH);
        hosts.put(name, host);
        ports.put(name, "port" + (ports.size()));
        return host;
    }

    /** IPv6 hosts' segment: 2001:db8::/64 (RFC 3849 documentation prefix), never routed anywhere. */
    static final String SEGMENT6_PREFIX = "2001:db8::";

    /**
     * Adds an IPv6-only host plugged into the switch (issue 14, lab scenario 3): {@code 2001:db8::<hostNumber>/64}
     * on its {@code eth0} and no IPv4 address there ({@code lo} keeps 127.0.0.1 and ::1). The address is added with
     * {@code nodad}, so it is usable at once rather than "tentative" through duplicate address detection. The host's
     * {@link LabHost#ipv4()} is empty; its address is {@link #ipv6Of}.
     *
     * @param name lower-case letters and digits, at most 12, unique in this lab
     * @param hostNumber 1..254, unique among this lab's IPv6 hosts
     */
    LabHost addIpv6OnlyHost(String name, int hostNumber) {
        if (!HOST_NAME.matcher(name).matches() || hosts.containsKey(name)) {
            throw new IllegalArgumentException("host name must be [a-z][a-z0-9]{0,11} and new: " + name);
        }
        if (hostNumber < 1 || hostNumber > 254 || ipv6Hosts.contains(hostNumber)) {
            throw new IllegalArgumentException("host number must be 1..254 and new: " + hostNumber);
        }
        LabHost host = new LabHost(name, prefix + name, "");
        addNamespace(host.namespace());
        String port = "port" + hosts.size();
        Commands.check("ip", "-n", switchNamespace, "link", "add", port, "type", "veth", "peer", "name", "eth0",
                "netns", host.namespace());
        Commands.check("ip", "-n", switchNamespace, "link", "set", port, "master", BRIDGE);
        Commands.check("ip", "-n", switchNamespace, "link", "set", port, "up");
        Commands.check("ip", "-n", host.namespace(), "address", "add", ipv6Of(hostNumber) + "/64", "dev", "eth0",
                "nodad");
        Commands.check("ip", "-n", host.namespace(), "link", "set", "eth0", "up");
        hosts.put(name, host);
        ipv6Hosts.add(hostNumber);
        return host;
    }

    /**
     * Makes {@code host} (from {@link #addHost}) dual-stack: adds {@link #ipv6Of}{@code (hostNumber)}/64 to its
     * {@code eth0}, without duplicate address detection.
     *
     * @param hostNumber 1..254, unique among this lab's IPv6 hosts
     */
    void addIpv6Address(LabHost host, int hostNumber) {
        if (hostNumber < 1 || hostNumber > 254 || ipv6Hosts.contains(hostNumber)) {
            throw new IllegalArgumentException("host number must be 1..254 and new: " + hostNumber);
        }
        Commands.check("ip", "-n", host.namespace(), "address", "add", ipv6Of(hostNumber) + "/64", "dev", "eth0",
                "nodad");
        ipv6Hosts.add(hostNumber);
    }

    /** @return the IPv6 address {@link #addIpv6OnlyHost} gives host {@code hostNumber}: 2001:db8::N, N in hex */
    static String ipv6Of(int hostNumber) {
        return SEGMENT6_PREFIX + Integer.toHexString(hostNumber);
    }

    /**
     * Plugs a new interface {@code device} of {@code namespace} into {@code bridge} of the switch, with
     * {@code cidr} on it; both ends up. The switch end is named {@code port<N>}, N counting every plug of the lab.
     */
    private void plug(String namespace, String device, String bridge, String cidr) {
        String port = "port" + ports.size();
        // Made inside the switch namespace, its peer moved straight into the host: nothing appears in root.
        Commands.check("ip", "-n", switchNamespace, "link", "add", port, "type", "veth", "peer", "name", device,
                "netns", namespace);
        Commands.check("ip", "-n", switchNamespace, "link", "set", port, "master", bridge);
        Commands.check("ip", "-n", switchNamespace, "link", "set", port, "up");
        Commands.check("ip", "-n", namespace, "address", "add", cidr, "dev", device);
        Commands.check("ip", "-n", namespace, "link", "set", device, "up");
    }

    /**
     * How a router maps a LAN host's outgoing UDP and TCP flows onto its public address (RFC 4787 §4.1 terms).
     */
    enum NatMapping {
        /**
         * Endpoint-independent mapping: plain masquerade. Linux keeps the source port when that public port is free,
         * so one LAN socket keeps one public port whoever it sends to (what most home routers do; hole punching
         * works through it).
         */
        ENDPOINT_INDEPENDENT(""),
        /**
         * Address- and port-dependent mapping ("symmetric"): masquerade {@code fully-random}, a random public port
         * for every new flow, so the port a third party saw is not the port the peer will see (punching fails).
         */
        SYMMETRIC(" fully-random");

        private final String masqueradeFlags;

        NatMapping(String masqueradeFlags) {
            this.masqueradeFlags = masqueradeFlags;
        }
    }

    /**
     * Adds a LAN behind a router: a bridge of its own in the switch namespace ({@code 10.<lanNumber>.0.0/24}), and a
     * router host with {@code 198.51.100.<routerNumber>} on the public segment ({@code eth0}) and
     * {@code 10.<lanNumber>.0.1} on the LAN ({@code eth1}), forwarding and masquerading (nftables, inside the
     * router's namespace) what leaves the LAN for the public segment, as a home router does. Public hosts have no
     * route to the LAN: only answers to flows the LAN opened get in (conntrack; filtering is address- and
     * port-dependent whatever the mapping). Same as {@code addNatRouter(name, routerNumber, lanNumber,
     * ENDPOINT_INDEPENDENT, false)}.
     *
     * @param name the router's host name, as {@link #addHost}
     * @param lanNumber 1..254, the LAN's second octet, unique in this lab
     * @return the router host
     */
    LabHost addLanRouter(String name, int routerNumber, int lanNumber) {
        return addNatRouter(name, routerNumber, lanNumber, NatMapping.ENDPOINT_INDEPENDENT, false);
    }

    /**
     * Adds a LAN behind a NAT router, as {@link #addLanRouter}, with a chosen mapping.
     *
     * @param mapping how the router maps flows, not null
     * @param dropUnsolicited true to drop, on the WAN side, packets to the router that belong to no flow the LAN
     *     opened, before conntrack remembers them. Without it such a packet (an early hole punch) leaves a conntrack
     *     entry for its 4-tuple, and when the LAN host then sends to that peer the router must pick another public
     *     port for it (the tuple is taken): a punch that arrives too early makes the mapping move. Real routers do
     *     either; tests run both.
     * @return the router host
     */
    LabHost addNatRouter(String name, int routerNumber, int lanNumber, NatMapping mapping, boolean dropUnsolicited) {
        if (lanNumber < 1 || lanNumber > 254 || lans.containsValue(String.valueOf(lanNumber))) {
            throw new IllegalArgumentException("LAN number must be 1..254 and new: " + lanNumber);
        }
        LabHost router = addHost(name, routerNumber);
        String bridge = "lan" + lanNumber;
        Commands.check("ip", "-n", switchNamespace, "link", "add", bridge, "type", "bridge", "mcast_snooping", "0");
        Commands.check("ip", "-n", switchNamespace, "link", "set", bridge, "up");
        plug(router.namespace(), "eth1", bridge, "10." + lanNumber + ".0.1/24");
        ports.put(name + "-lan", "port" + (ports.size()));
        lans.put(name, String.valueOf(lanNumber));
        Commands.check("ip", "netns", "exec", router.namespace(), "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        String rules = "add table ip lab; "
                + "add chain ip lab postrouting { type nat hook postrouting priority 100; }; "
                + "add rule ip lab postrouting oifname eth0 ip saddr 10." + lanNumber + ".0.0/24 masquerade"
                + mapping.masqueradeFlags;
        if (dropUnsolicited) {
            // filter hooks run before conntrack confirms a new entry, so a dropped packet leaves none behind
            rules += "; add chain ip lab input { type filter hook input priority 0; }; "
                    + "add rule ip lab input iifname eth0 ct state new drop; "
                    + "add chain ip lab forward { type filter hook forward priority 0; }; "
                    + "add rule ip lab forward iifname eth0 ct state new drop";
        }
        Commands.check("ip", "netns", "exec", router.namespace(), "nft", rules);
        return router;
    }

    /**
     * Changes how {@code router} maps new flows (flows it already mapped keep their mapping until conntrack forgets
     * them; {@code flushConntrack} forgets them at once, as a router reboot would).
     *
     * @param router a router of this lab ({@link #addNatRouter}), not null
     * @param mapping the new mapping, not null
     */
    void setNatMapping(LabHost router, NatMapping mapping, boolean flushConntrack) {
        String lan = lans.get(router.name());
        if (lan == null) {
            throw new IllegalArgumentException("not a router of this lab: " + router.name());
        }
        Commands.check("ip", "netns", "exec", router.namespace(), "nft", "flush chain ip lab postrouting; "
                + "add rule ip lab postrouting oifname eth0 ip saddr 10." + lan + ".0.0/24 masquerade"
                + mapping.masqueradeFlags);
        if (flushConntrack) {
            Commands.check("ip", "netns", "exec", router.namespace(), "conntrack", "-F");
        }
    }

    /**
     * Adds a host on the LAN of {@code router} ({@link #addLanRouter}): {@code 10.<lan>.0.<hostNumber>/24} on its
     * {@code eth0}, its default route via the router.
     *
     * @param hostNumber 2..254, unique on that LAN
     */
    LabHost addLanHost(String name, LabHost router, int hostNumber) {
        String lan = lans.get(router.name());
        if (lan == null || !HOST_NAME.matcher(name).matches() || hosts.containsKey(name)
                || hostNumber < 2 || hostNumber > 254) {
            throw new IllegalArgumentException("need a router of this lab, a new host name and 2..254: " + name);
        }
        String address = "10." + lan + ".0." + hostNumber;
        if (hosts.values().stream().anyMatch(h -> h.ipv4().equals(address))) {
            throw new IllegalArgumentException("host number taken on that LAN: " + hostNumber);
        }
        LabHost host = new LabHost(name, prefix + name, address);
        addNamespace(host.namespace());
        plug(host.namespace(), "eth0", "lan" + lan, address + "/24");
        Commands.check("ip", "-n", host.namespace(), "route", "add", "default", "via", "10." + lan + ".0.1");
        hosts.put(name, host);
        ports.put(name, "port" + (ports.size()));
        return host;
    }

    /**
     * Replaces the public segment's kernel bridge by an {@link ImpairedSwitch} over the same ports: every frame
     * between the hosts added so far is delayed by half {@code roundTrip} and lost with probability {@code loss}.
     * Call once, after the last {@link #addHost}; LAN bridges are not impaired.
     *
     * @param loss the chance each frame is lost, in [0, 1)
     * @param seed seeds the losses, so a run can be repeated
     */
    ImpairedSwitch impair(Duration roundTrip, double loss, long seed) {
        if (impaired != null) {
            throw new IllegalStateException("already impaired");
        }
        List<String> segmentPorts = hosts.values().stream().filter(h -> h.ipv4().startsWith(SEGMENT_PREFIX))
                .map(h -> ports.get(h.name())).toList();
        for (String port : segmentPorts) {
            Commands.check("ip", "-n", switchNamespace, "link", "set", port, "nomaster");
        }
        impaired = ImpairedSwitch.start(this, switchNamespace, segmentPorts, roundTrip, loss, seed);
        return impaired;
    }

    /** Cuts {@code host}'s link at the switch (frames from it and to it are lost); its own interface stays up. */
    void cut(LabHost host) {
        String port = requirePort(host);
        if (impaired != null) {
            impaired.cut(port);
        } else {
            Commands.check("ip", "-n", switchNamespace, "link", "set", port, "nomaster");
        }
    }

    /** Undoes {@link #cut}. */
    void restore(LabHost host) {
        String port = requirePort(host);
        if (impaired != null) {
            impaired.restore(port);
        } else {
            Commands.check("ip", "-n", switchNamespace, "link", "set", port, "master",
                host.ipv4().startsWith(SEGMENT_PREFIX) ? BRIDGE : "lan" + host.ipv4().split("\\.")[1]);
        }
    }

    private String requirePort(LabHost host) {
        String port = ports.get(host.name());
        if (port == null || hosts.get(host.name()) != host) {
            throw new IllegalArgumentException("not a host of this lab: " + host);
        }
        return port;
    }

    /** Starts a process in the switch namespace (the impaired switch), stopped at {@link #close()} like the rest. */
    LabProcess startInSwitch(String label, List<String> command) {
        try {
            LabProcess process = LabProcess.start(switchNamespace, label, command, logDir);
            processes.add(process);
            return process;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + command + " in the switch: " + e, e);
        }
    }

    /**
     * Starts a long-running command on a host; the lab stops it (by pid) at {@link #close()} if the test has not.
     *
     * @param label names its log file and appears in failures, e.g. "serve"
     */
    LabProcess start(LabHost host, String label, List<String> command) {
        try {
            LabProcess process = LabProcess.start(host.namespace(), label, command, logDir);
            processes.add(process);
            return process;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + command + " on " + host.name() + ": " + e, e);
        }
    }

    /** Runs a command on a host to completion, at most {@code timeout}; returns its status and output. */
    Commands.Result run(LabHost host, Duration timeout, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", host.namespace()));
        full.addAll(command);
        return Commands.run(timeout, full);
    }

    /** @return the lab namespaces that exist right now (any run), from {@code ip netns list} */
    static List<String> existingNamespaces() {
        return LeftoverNamespaces.names(Commands.check("ip", "netns", "list"));
    }

    private void addNamespace(String name) {
        Commands.check("ip", "netns", "add", name);
        namespaces.add(name);
        Commands.check("ip", "-n", name, "link", "set", "lo", "up");
    }

    /** Stops every process this lab started and deletes its namespaces; idempotent. */
    @Override
    public void close() {
        cleanUp();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run: it does the same
        }
    }

    private synchronized void cleanUp() {
        if (closed) {
            return;
        }
        closed = true;
        processes.forEach(LabProcess::stop);
        List<String> failures = new ArrayList<>();
        // hosts first: deleting a host namespace deletes its veth pair, so the switch is empty when it goes
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            Commands.Result result = Commands.run(Commands.DEFAULT_TIMEOUT,
                    List.of("ip", "netns", "delete", namespaces.get(i)));
            if (!result.ok()) {
                failures.add(namespaces.get(i) + ": " + result.output().strip());
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("could not delete lab namespaces: " + failures);
        }
    }

    /** Removes namespaces of dead runs: kills what still runs in them (by pid, from ip netns pids), deletes them. */
    private static void removeLeftovers() {
        for (String name : LeftoverNamespaces.deadRuns(existingNamespaces(),
                pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))) {
            for (String pid : Commands.check("ip", "netns", "pids", name).split("\\s+")) {
                if (!pid.isBlank()) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            Commands.check("ip", "netns", "delete", name);
        }
    }

    private static void requireRoot() {
        String status;
        try {
            status = Files.readString(Path.of("/proc/self/status"));
        } catch (IOException e) {
            throw new IllegalStateException("the network lab needs Linux (/proc/self/status unreadable: " + e + ")");
        }
        boolean root = status.lines().anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[2].equals("0"));
        if (!root) {
            throw new IllegalStateException("the network lab (mvn -Plab) needs root: it creates network namespaces");
        }
        try {
            Commands.run(Commands.DEFAULT_TIMEOUT, List.of("ip", "-V"));
        } catch (IllegalStateException e) {
            throw new IllegalStateException("the network lab needs iproute2's ip on the PATH: " + e.getMessage(), e);
        }
    }
}
