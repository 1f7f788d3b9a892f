package io.topictracker.lab;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 14, "dual-stack transports": a chat on a dual-stack host whose transport binds the wildcard {@code ::}
 * advertises both its IPv4 and its IPv6 address, and one socket takes an IPv4-only host's connection (arriving as an
 * IPv4-mapped address: Linux's IPv6 sockets are dual-stack unless IPV6_V6ONLY, and Java's are) and an IPv6-only
 * host's. For TCP and for QUIC (netty's UDP channel bound to {@code ::}). And the mainline DHT's IPv6 socket is
 * IPv6-only (BEP32: one node per family), so {@code ::} and {@code 0.0.0.0} share port 6881.
 */
@Tag("lab")
class DualStackLabTest {
    private static final Duration READY = Duration.ofSeconds(90);
    private static final Duration MEET = Duration.ofSeconds(120);
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private static List<String> topicTracker(String... args) throws IOException {
        String modulePath = Files.readString(Path.of(System.getProperty("lab.cliModulePathFile"))).strip();
        List<String> command = new ArrayList<>(List.of(JAVA, "--module-path", modulePath,
                "--add-modules", "ALL-MODULE-PATH", "--module", "io.topictracker.cli/io.topictracker.cli.Main"));
        command.addAll(List.of(args));
        return command;
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp", "quic"})
    void aWildcardSocketTakesAnIpv4OnlyAndAnIpv6OnlyPeer(String transport, @TempDir Path dir) throws Exception {
        try (NetLab lab = NetLab.create(dir)) {
            LabHost a = lab.addHost("a", 10);
            lab.addIpv6Address(a, 10);
            LabHost b = lab.addHost("b", 20);
            LabHost c = lab.addIpv6OnlyHost("c", 30);
            LabProcess chatA = lab.start(a, "chat-a", chat(dir, a, transport, "::"));
            String v4Self = chatA.awaitLine("A's IPv4 self line", l -> l.startsWith("self: ")
                    && l.contains("@" + transport + "://" + a.ipv4() + ":"), READY);
            String v6Self = chatA.awaitLine("A's IPv6 self line", l -> l.startsWith("self: ")
                    && l.contains("@" + transport + "://[2001:db8:0:0:0:0:0:a]:"), READY);
            String aId = v4Self.substring(6, 16);
            // the same socket: one port behind both addresses
            assertTrue(v4Self.substring(v4Self.lastIndexOf(':')).equals(v6Self.substring(v6Self.lastIndexOf(':'))),
                    v4Self + " / " + v6Self);

            LabProcess chatB = lab.start(b, "chat-b", chat(dir, b, transport, b.ipv4(), "--peer",
                    v4Self.substring(6)));
            LabProcess chatC = lab.start(c, "chat-c", chat(dir, c, transport, NetLab.ipv6Of(30), "--peer",
                    v6Self.substring(6)));
            try {
                chatB.awaitLine("B (IPv4 only) joins A", l -> l.startsWith("* neighbor up " + aId), MEET);
                chatC.awaitLine("C (IPv6 only) joins A", l -> l.startsWith("* neighbor up " + aId), MEET);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nand A: " + chatA, e);
            }
            chatB.send("from the IPv4 side");
            chatC.awaitLine("C receives B's line through A", l -> l.endsWith(": from the IPv4 side"), READY);
            chatC.send("from the IPv6 side");
            chatB.awaitLine("B receives C's line through A", l -> l.endsWith(": from the IPv6 side"), READY);
            chatB.stop();
            chatC.stop();
            chatA.stop();
        }
    }

    @Test
    void theDhtsIpv4AndIpv6WildcardSocketsShareAPort(@TempDir Path dir) throws Exception {
        try (NetLab lab = NetLab.create(dir)) {
            LabHost a = lab.addHost("a", 10);
            lab.addIpv6Address(a, 10);
            LabProcess v4 = lab.start(a, "serve-v4", topicTracker("dht", "serve", "--bind", "0.0.0.0", "--port",
                    "6881", "--seconds", "600", "--status-interval", "0"));
            v4.awaitLine("the IPv4 wildcard node", l -> l.startsWith("dht-node: 0.0.0.0:6881 "), READY);
            LabProcess v6 = lab.start(a, "serve-v6", topicTracker("dht", "serve", "--bind", "::", "--port",
                    "6881", "--seconds", "600", "--status-interval", "0"));
            v6.awaitLine("the IPv6 wildcard node on the same port",
                    l -> l.startsWith("dht-node: [0:0:0:0:0:0:0:0]:6881 "), READY);
            v6.stop();
            v4.stop();
        }
    }

    private static List<String> chat(Path dir, LabHost host, String transport, String bind, String... more)
            throws IOException {
        Path config = Files.writeString(dir.resolve("chat-" + host.name() + ".toml"), """
                [node]
                dht = "inmemory"
                transports = ["%s"]

                [transport.%s]
                bind_address = "%s"
                port = 0
                """.formatted(transport, transport, bind));
        List<String> args = new ArrayList<>(List.of("chat", "--topic", "lab-dual-stack", "--secret", "s3cret",
                "--config", config.toString()));
        args.addAll(List.of(more));
        return topicTracker(args.toArray(String[]::new));
    }
}
