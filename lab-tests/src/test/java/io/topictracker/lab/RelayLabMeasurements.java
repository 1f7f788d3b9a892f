package io.topictracker.lab;

import static io.topictracker.lab.LabFigures.millis;
import static io.topictracker.lab.LabFigures.percentile;
import static io.topictracker.lab.LabFigures.report;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's scenario 2 figures for BENCHMARKS.md; not part of CI (the class name is outside surefire's default
 * includes). The lab of {@link RelayLabTest} with the 40 ms RTT, 1 % loss segment: P relays, B (behind an
 * endpoint-independent router) is a member; then {@code lab.relayTrials} (20 by default) newcomers, one at a time,
 * each a fresh chat on D behind a symmetric router. Per newcomer: from its {@code self:} line (its node started; the
 * topic is joined and its first DHT lookup starts right after) to {@code * neighbor up <B> (relayed via <P>)}; a
 * newcomer that does not get there within 150 s counts as a failure. Prints and appends to
 * {@code target/lab-measurements.txt}, with the one-minute load average at the end of each trial (the machine is
 * shared); asserts nothing about speed.
 *
 * <p>With {@code -Dlab.timeline=true} each process logs its join timeline (dials, membership messages) to its
 * standard error file; with {@code -Dlab.logs=DIR} those files are kept in DIR after the run (else in a temporary
 * folder that is deleted).
 *
 * <pre>
 * mvn -B -o verify -Plab -pl lab-tests -am -Dtests.groups=lab -Dtest=RelayLabMeasurements \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@Tag("lab")
class RelayLabMeasurements {
    private static final int TRIALS = Integer.getInteger("lab.relayTrials", 20);
    private static final Duration MEET = Duration.ofSeconds(150);

    @Test
    void timeToARelayedConnection(@TempDir Path dir) throws IOException {
        try (NetLab lab = NetLab.create(logs(dir))) {
            LabHost s = lab.addHost("s", 10);
            LabHost p = lab.addHost("p", 30);
            LabHost routerB = lab.addNatRouter("rb", 2, 2, NetLab.NatMapping.ENDPOINT_INDEPENDENT, false);
            LabHost routerD = lab.addNatRouter("rd", 4, 4, NetLab.NatMapping.SYMMETRIC, false);
            LabHost b = lab.addLanHost("b", routerB, 2);
            LabHost d = lab.addLanHost("d", routerD, 2);
            lab.impair(RelayLabTest.ROUND_TRIP, RelayLabTest.LOSS, 16);
            Path config = dir.resolve("nated.toml");
            Files.writeString(config, "[node]\ntransports = [\"tcp\", \"relay\"]\n\n[transport.relay]\nrelays = "
                    + "[\"relay://" + p.ipv4() + ":" + RelayLabTest.RELAY_PORT + "\"]\n");
            Cli.serveOn(lab, s);
            LabProcess relay = lab.start(p, "relay-p", RelayLabTest.relayOn(s));
            String pId = relay.awaitLine("P's self line", l -> l.startsWith("self: "), Cli.READY).substring(6, 16);
            LabProcess chatB = lab.start(b, "chat-b", RelayLabTest.natedChat(s, config));
            String bId = Cli.shortId(chatB);
            chatB.awaitLine("B meets P", l -> l.startsWith("* neighbor up " + pId), MEET);

            List<Long> times = new ArrayList<>();
            List<String> loads = new ArrayList<>();
            int failures = 0;
            for (int i = 0; i < TRIALS; i++) {
                LabProcess newcomer = lab.start(d, "newcomer-" + i, RelayLabTest.natedChat(s, config));
                try {
                    times.add(LabFigures.selfLineTo(newcomer, "the newcomer relayed to B",
                            l -> l.equals("* neighbor up " + bId + " (relayed via " + pId + ")"), MEET));
                } catch (AssertionError e) {
                    failures++;
                }
                newcomer.stop();
                loads.add(String.format(Locale.ROOT, "%.1f", load()));
            }
            String line = String.format(Locale.ROOT, "relay, scenario 2 (symmetric newcomer, EIM member, relay "
                    + "member; 40 ms RTT, 1 %% loss): %d/%d relayed; self line to relayed neighbour median %s, "
                    + "p90 %s, min %s, max %s (load average %.2f)", times.size(), TRIALS,
                    millis(percentile(times, 50)), millis(percentile(times, 90)),
                    millis(times.stream().mapToLong(Long::longValue).min()), millis(percentile(times, 100)),
                    load());
            report(line);
            report("relay, each newcomer (ms): " + times.stream()
                    .map(n -> String.valueOf(TimeUnit.NANOSECONDS.toMillis(n))).toList() + ", failures " + failures
                    + "; load average after each trial " + loads);
        }
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** @return {@code -Dlab.logs=DIR} when given (created, kept after the run), else {@code dir} */
    private static Path logs(Path dir) throws IOException {
        String kept = System.getProperty("lab.logs");
        return kept == null || kept.isBlank() ? dir : Files.createDirectories(Path.of(kept));
    }
}
