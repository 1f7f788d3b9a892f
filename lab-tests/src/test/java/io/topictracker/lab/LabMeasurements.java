package io.topictracker.lab;

import static io.topictracker.lab.LabFigures.millis;
import static io.topictracker.lab.LabFigures.percentile;
import static io.topictracker.lab.LabFigures.report;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's lab figures, for BENCHMARKS.md; not part of CI (the class name is outside surefire's default includes,
 * so only {@code -Dtest=LabMeasurements} runs it). Prints each figure and appends it to
 * {@code target/lab-measurements.txt}. Asserts only that each run did what it measures, never a speed.
 *
 * <pre>
 * mvn -B -o verify -Plab -pl lab-tests -am -Dtests.groups=lab -Dtest=LabMeasurements \
 *     -Dsurefire.failIfNoSpecifiedTests=false [-Dlab.transport=quic,tcp]
 * </pre>
 */
@Tag("lab")
class LabMeasurements {
    private static final Duration MEET = Duration.ofSeconds(150);
    private static final int NEWCOMERS = Integer.getInteger("lab.newcomers", 20);
    private static final int REJOINS = Integer.getInteger("lab.rejoins", 3);
    /** Past {@code [bootstrap] rejoin_max_delay} (1 min): a topic joined that long rejoins after the first delay. */
    private static final Duration SETTLE = Duration.ofSeconds(65);
    /** Long enough for the TCP idle timeout (15 s) to notice the cut on both ends. */
    private static final Duration CUT = Duration.ofSeconds(Long.getLong("lab.cutSeconds", 20));
    /**
     * {@code -Dlab.transport=tcp}, {@code quic} or {@code quic,tcp}: the transports of the join and rejoin runs'
     * chats ({@code [node] transports}). With one, every chat uses only it; with several, the members (and the
     * rejoin's chats) use all of them and newcomer {@code i} only the {@code i mod n}-th, so the transports take turns
     * under the same load and each gets its own figure. Unset or empty: the chats' default configuration.
     */
    private static final List<String> TRANSPORTS = transports(System.getProperty("lab.transport", ""));

    /**
     * The delay helper's overhead: pings across the impaired switch configured for 40 ms and for 0 ms, and across
     * the kernel bridge, 200 each, 20 ms apart.
     */
    @Test
    void delayHelperRoundTripAgainstTheConfigured(@TempDir Path dir) {
        for (long configured : new long[] {40, 0, -1}) {
            try (NetLab lab = NetLab.create(dir)) {
                LabHost a = lab.addHost("a", 10);
                LabHost b = lab.addHost("b", 20);
                if (configured >= 0) {
                    lab.impair(Duration.ofMillis(configured), 0, 1);
                }
                LabPing.run(lab, a, b.ipv4(), 3, Duration.ofMillis(20)); // ARP, caches
                LabPing ping = LabPing.run(lab, a, b.ipv4(), 200, Duration.ofMillis(20));
                assertTrue(ping.received() >= 190, ping.toString());
                report(String.format(Locale.ROOT, "delay helper: configured RTT %s: %s",
                        configured < 0 ? "none (kernel bridge)" : configured + " ms", ping));
            }
        }
    }

    /**
     * Time to join across the 40 ms RTT, 1 % loss segment: two members (B, C) have met, so their records exist; then
     * {@code lab.newcomers} (20 by default) newcomers, one at a time on host D, each a fresh {@code chat} process.
     * Per newcomer: from its
     * {@code self:} line (printed once its node started: JVM up, DHT bootstrapped, sockets bound) to its first
     * {@code * neighbor up} (its record's put started, the slots looked up, a member dialled, the Join answered): the part of joining that needs the records. Also from process start, for scale.
     */
    @Test
    void timeToJoinAcrossTheFortyMillisecondLab(@TempDir Path dir) {
        try (NetLab lab = NetLab.create(logs(dir))) {
            LabHost a = lab.addHost("a", 10);
            LabHost b = lab.addHost("b", 20);
            LabHost c = lab.addHost("c", 30);
            LabHost d = lab.addHost("d", 40);
            lab.impair(LossyPublicSegmentLabTest.ROUND_TRIP, LossyPublicSegmentLabTest.LOSS, 20);
            Cli.serveOn(lab, a);
            List<String> members = chat(a, dir, TRANSPORTS);
            LabProcess chatB = lab.start(b, "chat-b", members);
            LabProcess chatC = lab.start(c, "chat-c", members);
            String cId = Cli.shortId(chatC);
            chatB.awaitLine("B meets C", l -> l.startsWith("* neighbor up " + cId), MEET);

            List<String> turns = TRANSPORTS.isEmpty() ? List.of("") : TRANSPORTS;
            Map<String, List<Long>> afterSelf = new LinkedHashMap<>();
            Map<String, List<Long>> fromStart = new LinkedHashMap<>();
            for (int i = 0; i < NEWCOMERS; i++) {
                String transport = turns.get(i % turns.size());
                long started = System.nanoTime();
                LabProcess newcomer = lab.start(d, "newcomer-" + i,
                        chat(a, dir, transport.isEmpty() ? List.of() : List.of(transport)));
                int self = newcomer.awaitLineIndex(0, "the newcomer's self line", l -> l.startsWith("self: "),
                        Cli.READY);
                assertTrue(transport.isEmpty() || newcomer.line(self).contains("@" + transport + "://"),
                        "the newcomer runs " + transport + ": " + newcomer.line(self));
                int up = newcomer.awaitLineIndex(self, "the newcomer's first neighbour",
                        l -> l.startsWith("* neighbor up "), MEET);
                afterSelf.computeIfAbsent(transport, t -> new ArrayList<>())
                        .add(newcomer.arrivalNanos(up) - newcomer.arrivalNanos(self));
                fromStart.computeIfAbsent(transport, t -> new ArrayList<>()).add(newcomer.arrivalNanos(up) - started);
                newcomer.stop();
            }
            for (String transport : afterSelf.keySet()) {
                List<Long> times = afterSelf.get(transport);
                report(String.format(Locale.ROOT, "join over %s, %d newcomers%s, 40 ms RTT, 1 %% loss: self line to "
                        + "first neighbour median %s (min %s, max %s); process start to first neighbour median %s",
                        transport.isEmpty() ? "the default transports" : transport, times.size(),
                        turns.size() > 1 ? " (taking turns with " + turns + ")" : "", millis(percentile(times, 50)),
                        millis(times.stream().min(Long::compare).orElseThrow()),
                        millis(times.stream().max(Long::compare).orElseThrow()),
                        millis(percentile(fromStart.get(transport), 50))));
                report("join over " + (transport.isEmpty() ? "the default transports" : transport)
                        + ", each newcomer, self line to first neighbour (ms): " + times.stream()
                        .map(n -> String.valueOf(TimeUnit.NANOSECONDS.toMillis(n))).toList());
            }
        }
    }

    /**
     * Time to rejoin after the link returns: B and C have met; C's link is cut for {@code lab.cutSeconds} (20 s by
     * default, past the TCP idle timeout) and restored, {@code lab.rejoins} times (3 by default); per round, from the
     * restore to C's {@code * rejoined the topic}. Rounds start 65 s after the last rejoin, so each rejoin waits the
     * first backoff ({@code rejoin_delay}, 1 s) rather than one doubled for a flapping link.
     */
    @Test
    void timeToRejoinAfterTheLinkReturns(@TempDir Path dir) {
        try (NetLab lab = NetLab.create(dir)) {
            LabHost a = lab.addHost("a", 10);
            LabHost b = lab.addHost("b", 20);
            LabHost c = lab.addHost("c", 30);
            lab.impair(LossyPublicSegmentLabTest.ROUND_TRIP, LossyPublicSegmentLabTest.LOSS, 21);
            Cli.serveOn(lab, a);
            List<String> chat = chat(a, dir, TRANSPORTS);
            LabProcess chatB = lab.start(b, "chat-b", chat);
            LabProcess chatC = lab.start(c, "chat-c", chat);
            String bId = Cli.shortId(chatB);
            chatC.awaitLine("C meets B", l -> l.startsWith("* neighbor up " + bId), MEET);

            List<Long> rejoins = new ArrayList<>();
            for (int i = 0; i < REJOINS; i++) {
                int before = chatC.lineCount();
                long cutAt = System.nanoTime();
                lab.cut(c);
                chatC.awaitLineIndex(before, "C seeing B go", l -> l.equals("* neighbor down " + bId), CUT);
                LockSupport.parkNanos(Math.max(0, cutAt + CUT.toNanos() - System.nanoTime()));
                int restored = chatC.lineCount();
                long restoredAt = System.nanoTime();
                lab.restore(c);
                int rejoined = chatC.awaitLineIndex(restored, "C rejoining", l -> l.equals("* rejoined the topic"),
                        MEET);
                rejoins.add(chatC.arrivalNanos(rejoined) - restoredAt);
                if (i + 1 < REJOINS) {
                    LockSupport.parkNanos(SETTLE.toNanos());
                }
            }
            report(String.format(Locale.ROOT, "rejoin over %s after a %d s cut, 40 ms RTT, 1 %% loss, %d rounds: "
                    + "median %s (min %s, max %s) from the link's return to '* rejoined the topic'",
                    TRANSPORTS.isEmpty() ? "the default transports" : TRANSPORTS,
                    CUT.toSeconds(), REJOINS,
                    millis(percentile(rejoins, 50)), millis(rejoins.stream().min(Long::compare).orElseThrow()),
                    millis(rejoins.stream().max(Long::compare).orElseThrow())));
        }
    }

    /**
     * @return a chat as a user starts it ({@link LossyPublicSegmentLabTest#userChat}), with {@code [node] transports =
     *     transports} in a config file written to {@code dir} unless {@code transports} is empty
     */
    private static List<String> chat(LabHost serveHost, Path dir, List<String> transports) {
        if (transports.isEmpty()) {
            return LossyPublicSegmentLabTest.userChat(serveHost);
        }
        String name = String.join("-", transports);
        String list = transports.stream().map(t -> '"' + t + '"').collect(Collectors.joining(", "));
        try {
            Path config = Files.writeString(dir.resolve("chat-" + name + ".toml"), """
                    [node]
                    transports = [%s]
                    """.formatted(list));
            List<String> chat = new ArrayList<>(LossyPublicSegmentLabTest.userChat(serveHost));
            chat.addAll(List.of("--config", config.toString()));
            return chat;
        } catch (IOException e) {
            throw new AssertionError("cannot write the chat's config in " + dir + ": " + e, e);
        }
    }

    /** @return {@code -Dlab.transport}'s ids, checked; empty when unset */
    private static List<String> transports(String property) {
        if (property.isBlank()) {
            return List.of();
        }
        List<String> ids = List.of(property.strip().split("\\s*,\\s*"));
        for (String id : ids) {
            if (!id.equals("tcp") && !id.equals("quic")) {
                throw new AssertionError("-Dlab.transport takes tcp and/or quic (comma-separated), not " + property);
            }
        }
        return ids;
    }

    /**
     * @return {@code -Dlab.logs=DIR} (created) when given, so the processes' stderr (their timelines) outlives the
     *     run; else {@code dir}, the test's temporary directory
     */
    private static Path logs(Path dir) {
        String kept = System.getProperty("lab.logs");
        if (kept == null || kept.isBlank()) {
            return dir;
        }
        try {
            return Files.createDirectories(Path.of(kept));
        } catch (IOException e) {
            throw new AssertionError("cannot create -Dlab.logs=" + kept + ": " + e, e);
        }
    }
}
