package io.topictracker.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real command on one lab host, a raw KRPC client on another: host A runs {@code topic-tracker dht serve --bind
 * 198.51.100.10 --port 6881}, host B sends a BEP5 {@code ping} from 198.51.100.20 across the lab's switch and checks
 * the reply.
 */
@Tag("lab")
class DhtServeLabTest {
    private static final Duration READY = Duration.ofSeconds(90);
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    /** {@code java --module-path ... --module io.topictracker.cli/...Main}, as ./topic-tracker runs it. */
    private static List<String> topicTracker(String... args) throws IOException {
        String modulePath = Files.readString(Path.of(System.getProperty("lab.cliModulePathFile"))).strip();
        List<String> command = new ArrayList<>(List.of(JAVA, "--module-path", modulePath,
                "--add-modules", "ALL-MODULE-PATH", "--module", "io.topictracker.cli/io.topictracker.cli.Main"));
        command.addAll(List.of(args));
        return command;
    }

    private static String testClasses() throws URISyntaxException {
        return Path.of(KrpcPing.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void aPingAcrossTheLabGetsAKrpcResponseFromDhtServe(@TempDir Path dir) throws Exception {
        try (NetLab lab = NetLab.create(dir)) {
            LabHost a = lab.addHost("a", 10);
            LabHost b = lab.addHost("b", 20);
            LabProcess serve = lab.start(a, "serve", topicTracker("dht", "serve", "--bind", a.ipv4(),
                    "--port", "6881", "--seconds", "120"));
            serve.awaitLine("the ready line", l -> l.matches("dht-node: 198\\.51\\.100\\.10:6881 [0-9a-f]{40}"),
                    READY);

            Commands.Result ping = lab.run(b, Duration.ofSeconds(60), List.of(JAVA, "-cp", testClasses(),
                    KrpcPing.class.getName(), b.ipv4(), a.ipv4(), "6881", "10000"));

            assertEquals(0, ping.status(), ping.output());
            String[] words = ping.output().strip().split(" ");
            assertEquals("198.51.100.10:6881", words[2], ping.output());
            @SuppressWarnings("unchecked")
            Map<String, Object> reply = (Map<String, Object>) Bencode.decode(HexFormat.of().parseHex(words[3]));
            assertArrayEquals(bytes("r"), (byte[]) reply.get("y"), "a response (y = r): " + ping.output());
            assertArrayEquals(bytes(KrpcPing.TRANSACTION), (byte[]) reply.get("t"), "our transaction id");
            @SuppressWarnings("unchecked")
            Map<String, Object> body = (Map<String, Object>) reply.get("r");
            assertEquals(20, ((byte[]) body.get("id")).length, "a 20-byte node id");
            assertTrue(serve.isAlive(), "still serving after the ping\n" + serve);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

}
