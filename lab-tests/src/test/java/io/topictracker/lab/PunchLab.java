package io.topictracker.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 15's hole-punching setup, shared by {@link HolePunchLabTest} and {@link PunchMeasurements}: two LAN hosts,
 * each behind its own endpoint-independent NAT router, and {@value #SERVE_NODES} public hosts running
 * {@code dht serve} (several, as the public DHT has: a minute's record slot is shared among the closest nodes, a
 * share per writer; with a single public node one chat often did not see the other's record for minutes, worst with
 * routers that keep unsolicited packets, which also keep the two chats' own DHT nodes from reaching each other:
 * BENCHMARKS.md, hole punching); the public
 * segment (the routers and the serve host) delays each frame by half of {@link #ROUND_TRIP} and loses
 * {@link #LOSS} of them. No host is a topic member that both could dial: the chats can meet only directly, through
 * holes their own first packets punch in their routers.
 */
final class PunchLab {
    /** 30 ms per link traversal, within the 20–40 ms. */
    static final Duration ROUND_TRIP = Duration.ofMillis(60);
    static final double LOSS = 0.01;
    /**
     * Public DHT nodes: as many as a slot's closest nodes on the public DHT (k = 8), so that two chats whose first puts
     * cross each take half of them as they would there (dht-mainline's SlotSharing); with three, two halves of two
     * nodes coincided for one crossing pair in three.
     */
    static final int SERVE_NODES = 8;
    private static final Pattern QUIC_PORT = Pattern.compile("quic://10\\.\\d+\\.0\\.\\d+:(\\d+)");

    final NetLab lab;
    /** The chats' configuration: QUIC, the punching transport (chat's default without a file is TCP). */
    final Path chatConfig;
    final LabHost routerA;
    final LabHost routerB;
    /** The first of the public DHT hosts. */
    final LabHost serveHost;
    /** Every public DHT host, {@link #serveHost} first. */
    final List<LabHost> serveHosts;
    final LabHost a;
    final LabHost b;

    PunchLab(Path dir, boolean dropUnsolicited, long seed) {
        this(dir, dir, dropUnsolicited, seed);
    }

    /** As {@link #PunchLab(Path, boolean, long)}, the processes' standard error in {@code logDir}. */
    PunchLab(Path dir, Path logDir, boolean dropUnsolicited, long seed) {
        lab = NetLab.create(logDir);
        try {
            chatConfig = dir.resolve("quic-chat.toml");
            java.nio.file.Files.writeString(chatConfig, "[node]\ntransports = [\"quic\"]\n");
            routerA = lab.addNatRouter("ra", 1, 1, NetLab.NatMapping.ENDPOINT_INDEPENDENT, dropUnsolicited);
            routerB = lab.addNatRouter("rb", 2, 2, NetLab.NatMapping.ENDPOINT_INDEPENDENT, dropUnsolicited);
            List<LabHost> serves = new java.util.ArrayList<>();
            for (int i = 0; i < SERVE_NODES; i++) {
                serves.add(lab.addHost(i == 0 ? "s" : "s" + i, 10 + i));
            }
            serveHosts = List.copyOf(serves);
            serveHost = serveHosts.get(0);
            a = lab.addLanHost("a", routerA, 2);
            b = lab.addLanHost("b", routerB, 2);
            lab.impair(ROUND_TRIP, LOSS, seed);
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        } catch (java.io.IOException e) {
            lab.close();
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Starts {@code dht serve} on every public DHT host, each after the first joining the ones before it, so they
     * form one DHT as public nodes do; the lab stops them. Each on its own, a chat whose bootstrap answer from one
     * of them was lost (1 % loss) never learnt of that node, and two chats that each knew only other serve nodes
     * never saw each other's records (BENCHMARKS.md, hole punching, session 6).
     */
    List<LabProcess> serve() {
        List<LabProcess> serves = new java.util.ArrayList<>();
        List<String> before = new java.util.ArrayList<>();
        for (LabHost host : serveHosts) {
            serves.add(Cli.serveOn(lab, host, before));
            before.add(host.ipv4() + ":6881");
        }
        return List.copyOf(serves);
    }

    /** A chat as a user starts it (default binds) over QUIC, the public DHT nodes its bootstrap nodes. */
    List<String> chat(String topic) {
        List<String> args = new java.util.ArrayList<>(List.of("chat", "--topic", topic, "--secret", "s3cret",
                "--config", chatConfig.toString()));
        for (LabHost host : serveHosts) {
            args.addAll(List.of("--bootstrap", host.ipv4() + ":6881"));
        }
        return Cli.asAUser(Cli.command(args.toArray(String[]::new)));
    }

    /** @return whether a chat's output line is its self line with its LAN QUIC address (one line per address) */
    static boolean isLanQuicSelfLine(String line) {
        return line.startsWith("self: ") && QUIC_PORT.matcher(line).find();
    }

    /** @return the QUIC port in a chat's self line (its LAN address's; the NAT keeps it on the public side) */
    static int quicPort(String selfLine) {
        Matcher m = QUIC_PORT.matcher(selfLine);
        if (!m.find()) {
            throw new AssertionError("no LAN QUIC address in the self line: " + selfLine);
        }
        return Integer.parseInt(m.group(1));
    }

    /**
     * @return {@code router}'s conntrack entry for UDP from {@code lanHost}:{@code lanPort} to
     *     {@code remote}:{@code remotePort} if it has seen traffic both ways (no {@code [UNREPLIED]} mark), else "":
     *     a QUIC connection running through the router directly between the two sockets
     */
    String answeredUdpFlow(LabHost router, LabHost lanHost, int lanPort, String remote, int remotePort) {
        Commands.Result result = lab.run(router, Duration.ofSeconds(10), List.of("conntrack", "-L", "-p", "udp",
                "--orig-src", lanHost.ipv4(), "--sport", String.valueOf(lanPort), "--orig-dst", remote,
                "--dport", String.valueOf(remotePort)));
        return result.output().lines().filter(l -> l.startsWith("udp") && !l.contains("UNREPLIED")).findFirst()
                .orElse("");
    }

    /** @return the router's whole UDP conntrack table, for failure messages */
    String udpFlows(LabHost router) {
        return lab.run(router, Duration.ofSeconds(10), List.of("conntrack", "-L", "-p", "udp")).output();
    }
}
