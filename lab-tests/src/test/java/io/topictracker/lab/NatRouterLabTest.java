package io.topictracker.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab's NAT routers do what the NAT traversal tests assume of them: endpoint-independent mapping keeps one
 * public port per LAN socket, symmetric mapping gives each destination its own, and an early "punch" from outside
 * moves an endpoint-independent mapping unless the router drops unsolicited packets. Each UDP endpoint is a small
 * Python process on a lab host: public receivers print the source port they saw.
 */
@Tag("lab")
class NatRouterLabTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int LAN_PORT = 5000;
    private static final int RECEIVER_PORT = 7000;

    /** Binds RECEIVER_PORT, optionally sends one datagram to argv[1]:argv[2] first, then prints senders' ports. */
    private static final String RECEIVER = String.join("\n",
            "import socket, sys",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "s.bind(('0.0.0.0', " + RECEIVER_PORT + "))",
            "if len(sys.argv) > 2: s.sendto(b'punch', (sys.argv[1], int(sys.argv[2])))",
            "print('ready', flush=True)",
            "s.settimeout(60)",
            "data, source = s.recvfrom(100)",
            "print('from', source[0], source[1], flush=True)");

    /** Binds LAN_PORT and sends one datagram to RECEIVER_PORT of each address in argv. */
    private static final String SENDER = String.join("\n",
            "import socket, sys",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "s.bind(('0.0.0.0', " + LAN_PORT + "))",
            "for address in sys.argv[1:]: s.sendto(b'hello', (address, " + RECEIVER_PORT + "))");

    @Test
    void endpointIndependentMappingKeepsOnePublicPortForEveryDestination(@TempDir Path dir) {
        List<Integer> ports = publicPortsSeen(dir, NetLab.NatMapping.ENDPOINT_INDEPENDENT, 3);
        assertEquals(1, new HashSet<>(ports).size(), "one public port for three destinations: " + ports);
    }

    @Test
    void symmetricMappingGivesEachDestinationItsOwnPublicPort(@TempDir Path dir) {
        List<Integer> ports = publicPortsSeen(dir, NetLab.NatMapping.SYMMETRIC, 3);
        // random ports: three equal ones would come up about once in a billion runs
        assertNotEquals(1, new HashSet<>(ports).size(), "a port per destination: " + ports);
    }

    @Test
    void anEarlyPunchMovesTheMappingUnlessTheRouterDropsUnsolicitedPackets(@TempDir Path dir) {
        assertNotEquals(LAN_PORT, portSeenAfterEarlyPunch(dir, false), "the punch's conntrack entry took the port");
        assertEquals(LAN_PORT, portSeenAfterEarlyPunch(dir, true), "dropped before conntrack: the port is kept");
    }

    private static List<Integer> publicPortsSeen(Path dir, NetLab.NatMapping mapping, int destinations) {
        try (NetLab lab = NetLab.create(dir)) {
            LabHost router = lab.addNatRouter("router", 1, 1, mapping, true);
            LabHost lanHost = lab.addLanHost("l", router, 2);
            List<LabProcess> receivers = new ArrayList<>();
            List<String> addresses = new ArrayList<>();
            for (int i = 0; i < destinations; i++) {
                LabHost receiverHost = lab.addHost("p" + i, 20 + i);
                receivers.add(startReceiver(lab, receiverHost, List.of()));
                addresses.add(receiverHost.ipv4());
            }
            send(lab, lanHost, addresses);
            List<Integer> ports = new ArrayList<>();
            for (LabProcess receiver : receivers) {
                ports.add(portSeen(receiver, router));
            }
            return ports;
        }
    }

    private static int portSeenAfterEarlyPunch(Path dir, boolean dropUnsolicited) {
        try (NetLab lab = NetLab.create(dir)) {
            LabHost router = lab.addNatRouter("router", 1, 1, NetLab.NatMapping.ENDPOINT_INDEPENDENT, dropUnsolicited);
            LabHost lanHost = lab.addLanHost("l", router, 2);
            LabHost peer = lab.addHost("p", 20);
            LabProcess receiver = startReceiver(lab, peer, List.of(router.ipv4(), String.valueOf(LAN_PORT)));
            send(lab, lanHost, List.of(peer.ipv4()));
            return portSeen(receiver, router);
        }
    }

    private static LabProcess startReceiver(NetLab lab, LabHost host, List<String> punchTarget) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "-c", RECEIVER));
        command.addAll(punchTarget);
        LabProcess receiver = lab.start(host, "receiver-" + host.name(), command);
        receiver.awaitLine("the receiver is bound", "ready"::equals, WAIT);
        return receiver;
    }

    private static void send(NetLab lab, LabHost from, List<String> addresses) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "-c", SENDER));
        command.addAll(addresses);
        Commands.Result result = lab.run(from, WAIT, command);
        assertEquals(0, result.status(), result.output());
    }

    private static int portSeen(LabProcess receiver, LabHost router) {
        String line = receiver.awaitLine("a datagram from the LAN", l -> l.startsWith("from "), WAIT);
        String[] parts = line.split(" ");
        assertEquals(router.ipv4(), parts[1], "the datagram comes from the router's public address: " + line);
        return Integer.parseInt(parts[2]);
    }
}
