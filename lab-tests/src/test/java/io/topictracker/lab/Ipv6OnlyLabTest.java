package io.topictracker.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, lab scenario 3, "IPv6 only": three hosts with only 2001:db8:: addresses on their one interface (no IPv4
 * there, addresses added without duplicate address detection), a {@code dht serve} on host A's IPv6 address, and two
 * {@code chat}s on B and C bootstrapped from {@code [2001:db8::a]:6881}: they find each other through the mainline
 * DHT over IPv6 (BEP32: nodes6, 18-byte peers and {@code ip}), connect over TCP on IPv6 and chat both ways. Real
 * {@code topic-tracker} processes, as in {@link DhtAcrossHostsLabTest}.
 */
@Tag("lab")
class Ipv6OnlyLabTest {
    private static final Duration READY = Duration.ofSeconds(90);
    private static final Duration MEET = Duration.ofSeconds(150);
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    /** {@code java --module-path ... --module io.topictracker.cli/...Main}, as ./topic-tracker runs it. */
    private static List<String> topicTracker(String... args) throws IOException {
        String modulePath = Files.readString(Path.of(System.getProperty("lab.cliModulePathFile"))).strip();
        List<String> command = new ArrayList<>(List.of(JAVA, "--module-path", modulePath,
                "--add-modules", "ALL-MODULE-PATH", "--module", "io.topictracker.cli/io.topictracker.cli.Main"));
        command.addAll(List.of(args));
        return command;
    }

    @Test
    void twoIpv6OnlyHostsMeetThroughAnIpv6ServeNodeAndChatBothWays(@TempDir Path dir) throws Exception {
        try (NetLab lab = NetLab.create(dir)) {
            LabHost a = lab.addIpv6OnlyHost("a", 10);
            LabHost b = lab.addIpv6OnlyHost("b", 11);
            LabHost c = lab.addIpv6OnlyHost("c", 12);
            String aAddress = NetLab.ipv6Of(10);
            // no IPv4 on the hosts' interface: only loopback's 127.0.0.1 is left anywhere
            String v4 = lab.run(b, Duration.ofSeconds(10), List.of("ip", "-4", "-o", "address", "show", "dev",
                    "eth0")).output();
            assertEquals("", v4.strip(), "no IPv4 address on B's eth0");

            LabProcess serve = lab.start(a, "serve", topicTracker("dht", "serve", "--bind", aAddress, "--port",
                    "6881", "--seconds", "600", "--status-interval", "0"));
            String ready = serve.awaitLine("the IPv6 serve node's ready line", l -> l.startsWith("dht-node: ["),
                    READY);
            assertTrue(ready.startsWith("dht-node: [2001:db8:0:0:0:0:0:a]:6881 "), ready);

            String bootstrap = "[" + aAddress + "]:6881";
            LabProcess chatB = lab.start(b, "chat-b", chat(dir, b, bootstrap));
            LabProcess chatC = lab.start(c, "chat-c", chat(dir, c, bootstrap));
            String bSelf = chatB.awaitLine("B's self line", l -> l.startsWith("self: "), READY);
            String cSelf = chatC.awaitLine("C's self line", l -> l.startsWith("self: "), READY);
            // bound to the wildcard, each advertises its host's IPv6 address (nothing else is usable there)
            assertTrue(bSelf.contains("tcp://[2001:db8:0:0:0:0:0:b]:"), "B advertises its IPv6 address: " + bSelf);
            assertTrue(cSelf.contains("tcp://[2001:db8:0:0:0:0:0:c]:"), "C advertises its IPv6 address: " + cSelf);
            String bId = bSelf.substring(6, 16);
            String cId = cSelf.substring(6, 16);
            chatB.awaitLine("B meets C", l -> l.startsWith("* neighbor up " + cId), MEET);
            chatC.awaitLine("C meets B", l -> l.startsWith("* neighbor up " + bId), MEET);

            chatB.send("hello over IPv6 from b");
            chatC.awaitLine("C receives B's line", l -> l.endsWith(": hello over IPv6 from b"), READY);
            chatC.send("and back from c");
            chatB.awaitLine("B receives C's line", l -> l.endsWith(": and back from c"), READY);
            chatB.stop();
            chatC.stop();
            assertTrue(serve.isAlive(), "still serving\n" + serve);
            serve.stop();
        }
    }

    /** A chat whose TCP transport binds the wildcard :: on any port; its DHT socket is the command's own choice. */
    private static List<String> chat(Path dir, LabHost host, String bootstrap) throws IOException {
        Path config = Files.writeString(dir.resolve("chat-" + host.name() + ".toml"), """
                [node]
                transports = ["tcp"]

                [transport.tcp]
                bind_address = "::"
                port = 0

                [bootstrap]
                discovery_poll_interval = "500ms"
                no_peers_retry_interval = "500ms"
                """);
        return topicTracker("chat", "--topic", "lab-ipv6-chat", "--secret", "s3cret", "--config", config.toString(),
                "--bootstrap", bootstrap);
    }
}
