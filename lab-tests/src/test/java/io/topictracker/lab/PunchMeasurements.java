package io.topictracker.lab;

import static io.topictracker.lab.LabFigures.percentile;
import static io.topictracker.lab.LabFigures.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's hole-punching figures (scenario 1), for BENCHMARKS.md; not part of CI (outside surefire's default
 * includes, so only {@code -Dtest=PunchMeasurements} runs it). Per trial, a fresh lab ({@link PunchLab}) and two
 * chats; from their timeline logs: <em>aware</em> = the later of the two moments each chat first sent a Join to the
 * other at an address that includes the other's NAT (it has then seen the other's record with its reflexive address,
 * so both records are visible to both), <em>direct</em> = the first authenticated connection between them
 * ({@code dialled} or {@code accepted}, either side); <em>both records visible</em> two ways: the later of the two
 * chats' first puts stored ({@code PUBLISHED}), and the later of the two puts, stored, of the records each chat first
 * read of the other (when first puts cross, one replaces the other on every node, and the loser's record is read only
 * after it puts again). Prints success rate and the median and p90 of direct − aware and direct − each visible, and
 * appends them to {@code target/lab-measurements.txt}. Asserts nothing about speed.
 *
 * <p>With {@code -Dlab.logs=DIR} each trial's processes' standard error (their timelines) is kept in
 * {@code DIR/trial-N/}, with both routers' UDP conntrack tables sampled every {@link #SAMPLE_MILLIS} ms
 * ({@code conntrack-ra.txt}, {@code conntrack-rb.txt}): what the NATs did to the punches, over time.
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
    /** Conntrack sampling period with {@code -Dlab.logs}. */
    private static final long SAMPLE_MILLIS = 2000;

    @Test
    void timeFromBothRecordsVisibleToADirectConnection(@TempDir Path dir) throws IOException {
        System.setProperty("lab.timeline", "true"); // the chats' join timeline on stderr, with wall-clock times
        List<Long> millis = new ArrayList<>();
        List<Long> fromVisible = new ArrayList<>();
        List<Long> fromReadable = new ArrayList<>();
        int failures = 0;
        for (int trial = 1; trial <= TRIALS; trial++) {
            Path trialDir = Files.createDirectories(dir.resolve("trial-" + trial));
            Path logDir = Files.createDirectories(logs(trialDir).resolve("trial-" + trial));
            PunchLab setup = new PunchLab(trialDir, logDir, DROP, 100 + trial);
            try (NetLab lab = setup.lab; ConntrackSampler sampler = ConntrackSampler.start(setup, logDir)) {
                setup.serve();
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
                // A record is visible once its first put is stored: the later of the two chats' first "PUBLISHED".
                LocalTime aStored = time(chatA.awaitErrorLine("A's first record stored",
                        l -> l.contains("publish for minute") && l.endsWith(": PUBLISHED"), MEET));
                LocalTime bStored = time(chatB.awaitErrorLine("B's first record stored",
                        l -> l.contains("publish for minute") && l.endsWith(": PUBLISHED"), MEET));
                LocalTime aware = aAware.isAfter(bAware) ? aAware : bAware;
                LocalTime visible = aStored.isAfter(bStored) ? aStored : bStored;
                // When first puts cross, one chat's first record is replaced on every node and the other reads only
                // its next one: that record's put, stored, is when both records became visible.
                LocalTime aRead = readRecordStored(logDir.resolve("chat-a.stderr.txt"),
                        logDir.resolve("chat-b.stderr.txt"), aId);
                LocalTime bRead = readRecordStored(logDir.resolve("chat-b.stderr.txt"),
                        logDir.resolve("chat-a.stderr.txt"), bId);
                LocalTime readable = aRead.isAfter(bRead) ? aRead : bRead;
                LocalTime direct = aUp.isBefore(bUp) ? aUp : bUp;
                long took = Duration.between(aware, direct).toMillis();
                millis.add(took);
                fromVisible.add(Duration.between(visible, direct).toMillis());
                fromReadable.add(Duration.between(readable, direct).toMillis());
                LocalTime aStart = time(chatA.awaitErrorLine("A's start", l -> l.contains("bootstrap started"), MEET));
                LocalTime bStart = time(chatB.awaitErrorLine("B's start", l -> l.contains("bootstrap started"), MEET));
                report("trial " + trial + ": chats started " + Math.abs(Duration.between(aStart, bStart).toMillis())
                        + " ms apart; first"
                        + " records stored " + visible + ", records read stored " + readable + ", both aware " + aware
                        + ", direct " + direct + ": " + took + " ms after both aware, "
                        + Duration.between(visible, direct).toMillis() + " ms after both first records stored, "
                        + Duration.between(readable, direct).toMillis() + " ms after both records read were stored");
            }
        }
        Collections.sort(millis);
        Collections.sort(fromVisible);
        Collections.sort(fromReadable);
        report(String.format(Locale.ROOT, "hole punch, EIM x EIM NATs %s unsolicited packets, 60 ms RTT, 1 %% loss: "
                + "%d/%d direct; both aware to direct connection: median %s ms, p90 %s ms (all: %s); both first"
                + " records stored to direct: median %s ms, p90 %s ms (all: %s); both records read stored to direct:"
                + " median %s ms, p90 %s ms (all: %s)",
                DROP ? "dropping" : "keeping", TRIALS - failures, TRIALS, rank(millis, 50),
                rank(millis, 90), millis, rank(fromVisible, 50), rank(fromVisible, 90), fromVisible,
                rank(fromReadable, 50), rank(fromReadable, 90), fromReadable));
    }

    /** @return the p-th percentile of {@code millis} as text, {@code -} when there are none */
    private static String rank(List<Long> millis, int p) {
        return percentile(millis, p).stream().mapToObj(String::valueOf).findFirst().orElse("-");
    }

    /** @return {@code -Dlab.logs=DIR} when given (kept after the run), else {@code dir} */
    private static Path logs(Path dir) {
        String kept = System.getProperty("lab.logs");
        return kept == null || kept.isBlank() ? dir : Path.of(kept);
    }

    /**
     * With {@code -Dlab.logs}: a thread appending both routers' UDP conntrack tables, with the wall-clock time, to
     * files every {@link #SAMPLE_MILLIS} ms until closed (then joined). Without it, nothing.
     */
    private static final class ConntrackSampler implements AutoCloseable {
        private final Thread thread;
        private volatile boolean running = true;

        private ConntrackSampler(PunchLab setup, Path logDir) {
            thread = new Thread(() -> {
                long end = System.nanoTime() + MEET.plusMinutes(5).toNanos(); // bounded even if never closed
                while (running && System.nanoTime() < end) {
                    sample(setup, setup.routerA, logDir.resolve("conntrack-ra.txt"));
                    sample(setup, setup.routerB, logDir.resolve("conntrack-rb.txt"));
                    try {
                        Thread.sleep(SAMPLE_MILLIS); // a sampling period, not a wait for an event
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "conntrack-sampler");
            thread.setDaemon(true);
        }

        static ConntrackSampler start(PunchLab setup, Path logDir) {
            ConntrackSampler sampler = new ConntrackSampler(setup, logDir);
            if (System.getProperty("lab.logs") != null) {
                sampler.thread.start();
            }
            return sampler;
        }

        private static void sample(PunchLab setup, LabHost router, Path file) {
            String table;
            try {
                table = setup.udpFlows(router);
            } catch (RuntimeException e) {
                table = "(conntrack failed: " + e.getMessage() + ")\n";
            }
            try {
                Files.writeString(file, "--- " + LocalTime.now() + "\n" + table, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            running = false;
            thread.interrupt();
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return the HH:mm:ss.SSS time at the start of a timeline log line */
    /**
     * @return when the record of {@code publisherId} that the reader first read was stored: the reader's timeline
     *     names its signature ({@code sig S is ID's record}), the publisher's the put of that signature, and the
     *     first {@code PUBLISHED} after it is that put stored
     */
    private static LocalTime readRecordStored(Path publisherLog, Path readerLog, String publisherId)
            throws IOException {
        Pattern read = Pattern.compile("sig (\\S+) is " + Pattern.quote(publisherId) + "'s record");
        String signature = Files.readAllLines(readerLog).stream().map(read::matcher).filter(Matcher::find)
                .map(m -> m.group(1)).findFirst()
                .orElseThrow(() -> new AssertionError(readerLog + " never read " + publisherId + "'s record"));
        List<String> lines = Files.readAllLines(publisherLog);
        boolean put = false;
        for (String line : lines) {
            put |= line.contains("putting our record, sig " + signature);
            if (put && line.contains("publish for minute") && line.endsWith(": PUBLISHED")) {
                return time(line);
            }
        }
        throw new AssertionError(publisherLog + " has no stored put of record " + signature);
    }

    private static LocalTime time(String logLine) {
        return LocalTime.parse(logLine.substring(0, 12));
    }
}
