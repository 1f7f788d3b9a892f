package io.topictracker.lab;

import static io.topictracker.lab.LabFigures.percentile;
import static io.topictracker.lab.LabFigures.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's hole-punching figures (scenario 1), for BENCHMARKS.md; not part of CI (outside surefire's default
 * includes, so only {@code -Dtest=PunchMeasurements} runs it). Per trial, a fresh lab ({@link PunchLab}) and two
 * chats; from their timeline logs: <em>aware</em> = the later of the two moments each chat first sent a Join to the
 * other at an address that includes the other's NAT (it has then seen the other's record with its reflexive address,
 * so both records are visible to both), <em>direct</em> = the first authenticated connection between them
 * ({@code dialled} or {@code accepted}, either side). Prints success rate and the median and p90 of direct − aware,
 * and appends them to {@code target/lab-measurements.txt}. Asserts nothing about speed.
 *
 * <pre>
 * mvn -B -o verify -Plab -pl lab-tests -am -Dtests.groups=lab -Dtest=PunchMeasurements \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dlab.punchTrials=20 -Dlab.punchDrop=true
 * </pre>
 */
@Tag("lab")
class PunchMeasurements {
    private static final int TRIALS = Integer.getInteger("lab.punchTrials", 20);
    /** Which routers: true drop unsolicited packets, false keep them (conntrack entries). */
    private static final boolean DROP = Boolean.parseBoolean(System.getProperty("lab.punchDrop", "true"));
    /**
     * The worst case with NATs that keep unsolicited packets: the failed dial (10 s), 30 s of quiet, up to one period
     * to the first punch slot, then up to two 45-s periods when the other side's own first dial fell close to that
     * slot (ARCHITECTURE.md, NAT traversal): about 175 s after the first side saw the other's record.
     */
    private static final Duration MEET = Duration.ofSeconds(300);

    @Test
    void timeFromBothRecordsVisibleToADirectConnection(@TempDir Path dir) throws IOException {
        System.setProperty("lab.timeline", "true"); // the chats' join timeline on stderr, with wall-clock times
        List<Long> millis = new ArrayList<>();
        int failures = 0;
        for (int trial = 1; trial <= TRIALS; trial++) {
            Path trialDir = Files.createDirectories(dir.resolve("trial-" + trial));
            PunchLab setup = new PunchLab(trialDir, DROP, 100 + trial);
            try (NetLab lab = setup.lab) {
                Cli.serveOn(lab, setup.serveHost);
                LabProcess chatA = lab.start(setup.a, "chat-a", setup.chat("lab-punch-" + trial));
                LabProcess chatB = lab.start(setup.b, "chat-b", setup.chat("lab-punch-" + trial));
                String aId = Cli.shortId(chatA);
                String bId = Cli.shortId(chatB);
                try {
                    chatA.awaitLine("A meets B", l -> l.equals("* neighbor up " + bId + " (direct)"), MEET);
                    chatB.awaitLine("B meets A", l -> l.equals("* neighbor up " + aId + " (direct)"), MEET);
                } catch (AssertionError e) {
                    failures++;
                    report("trial " + trial + ": no direct connection within " + MEET.toSeconds() + " s");
                    continue;
                }
                LocalTime aAware = time(chatA.awaitErrorLine("A sees B's reflexive address",
                        l -> l.contains("joining " + bId + " at [") && l.contains("198.51.100."), MEET));
                LocalTime bAware = time(chatB.awaitErrorLine("B sees A's reflexive address",
                        l -> l.contains("joining " + aId + " at [") && l.contains("198.51.100."), MEET));
                LocalTime aUp = time(chatA.awaitErrorLine("A's connection to B",
                        l -> l.contains("dialled " + bId) || l.contains("accepted " + bId), MEET));
                LocalTime bUp = time(chatB.awaitErrorLine("B's connection to A",
                        l -> l.contains("dialled " + aId) || l.contains("accepted " + aId), MEET));
                LocalTime aware = aAware.isAfter(bAware) ? aAware : bAware;
                LocalTime direct = aUp.isBefore(bUp) ? aUp : bUp;
                long took = Duration.between(aware, direct).toMillis();
                millis.add(took);
                report("trial " + trial + ": both aware " + aware + ", direct " + direct + ": " + took + " ms");
            }
        }
        Collections.sort(millis);
        report(String.format(Locale.ROOT, "hole punch, EIM x EIM NATs %s unsolicited packets, 60 ms RTT, 1 %% loss: "
                + "%d/%d direct; both records visible to direct connection: median %s ms, p90 %s ms (all: %s)",
                DROP ? "dropping" : "keeping", TRIALS - failures, TRIALS, rank(millis, 50),
                rank(millis, 90), millis));
    }

    /** @return the p-th percentile of {@code millis} as text, {@code -} when there are none */
    private static String rank(List<Long> millis, int p) {
        return percentile(millis, p).stream().mapToObj(String::valueOf).findFirst().orElse("-");
    }

    /** @return the HH:mm:ss.SSS time at the start of a timeline log line */
    private static LocalTime time(String logLine) {
        return LocalTime.parse(logLine.substring(0, 12));
    }
}
