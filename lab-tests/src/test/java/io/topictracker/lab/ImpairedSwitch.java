package io.topictracker.lab;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lab's delay and loss emulator: a userspace Ethernet switch ({@code labnet.py switch}, Python 3 standard library
 * only) run in the switch namespace over the public segment's ports, in place of the kernel bridge.
 *
 * <p>Why this design: the kernel these labs run on has no netem (nor fq, sfq or cake), so {@code tc} cannot delay or
 * drop. An NFQUEUE helper would need a netfilter-queue binding Python's standard library does not have (and a
 * netfilter drop on the sending host makes its {@code sendto} fail with EPERM, which no real network does). A
 * forwarder over AF_PACKET raw sockets needs nothing but Python: it reads each frame arriving on a port, drops it
 * with probability {@code loss}, holds it for half the round trip and sends it to the port its destination MAC was
 * last seen on (else to every other port). A ping crosses it twice, so its RTT is the configured round trip plus the
 * forwarder's own overhead (measured in BENCHMARKS.md). Frames keep their virtio-net header (PACKET_VNET_HDR), so
 * checksum and segmentation offloads of the veth ends keep working, as on a kernel bridge.
 *
 * <p>Loss is per frame and per crossing: a ping with {@code loss} p is lost with probability {@code 1-(1-p)^2}. The
 * forwarder counts frames forwarded, dropped by the loss and lost to a cut link ({@link #stats()}), so tests can
 * check the loss applied. Started and stopped (by pid) by its {@link NetLab}. Not thread-safe: one test drives it.
 */
final class ImpairedSwitch {
    private static final Duration ANSWER = Duration.ofSeconds(10);
    private static final Pattern STATS = Pattern.compile("stats forwarded=(\\d+) dropped=(\\d+) cut=(\\d+)");

    /** The forwarder's counters: frames forwarded, dropped by the emulated loss, and lost to a cut link. */
    record Stats(long forwarded, long dropped, long cut) {}

    private final LabProcess process;
    private final Duration roundTrip;
    private final double loss;

    private ImpairedSwitch(LabProcess process, Duration roundTrip, double loss) {
        this.process = process;
        this.roundTrip = roundTrip;
        this.loss = loss;
    }

    static ImpairedSwitch start(NetLab lab, String switchNamespace, List<String> ports, Duration roundTrip,
            double loss, long seed) {
        if (ports.isEmpty() || roundTrip.isNegative() || !(loss >= 0 && loss < 1)) {
            throw new IllegalArgumentException("need ports, a round trip >= 0 and a loss in [0, 1): " + ports + " "
                    + roundTrip + " " + loss);
        }
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", script(), "switch",
                "--delay-ms", String.format(Locale.ROOT, "%.3f", roundTrip.toNanos() / 2e6),
                "--loss", String.valueOf(loss), "--seed", String.valueOf(seed)));
        command.addAll(ports);
        LabProcess process = lab.startInSwitch("impaired-switch", command);
        process.awaitLine("the impaired switch's ready line", "ready"::equals, ANSWER);
        return new ImpairedSwitch(process, roundTrip, loss);
    }

    /** @return the path of {@code labnet.py}, a file of the test classes' folder */
    static String script() {
        try {
            return Path.of(ImpairedSwitch.class.getResource("labnet.py").toURI()).toString();
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("labnet.py is not among the test resources: " + e, e);
        }
    }

    Duration roundTrip() {
        return roundTrip;
    }

    double loss() {
        return loss;
    }

    /** @return the forwarder's counters now */
    Stats stats() {
        int from = process.lineCount();
        process.send("stats");
        Matcher m = STATS.matcher(process.line(process.awaitLineIndex(from, "a stats line",
                l -> STATS.matcher(l).matches(), ANSWER)));
        if (!m.matches()) {
            throw new AssertionError("unreadable stats line\n" + process);
        }
        return new Stats(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)));
    }

    /** Cuts the link of {@code port}: returns once the forwarder confirmed it. */
    void cut(String port) {
        command("cut " + port, "cut " + port);
    }

    /** Restores the link of {@code port}: returns once the forwarder confirmed it. */
    void restore(String port) {
        command("restore " + port, "restored " + port);
    }

    private void command(String line, String answer) {
        int from = process.lineCount();
        process.send(line);
        process.awaitLineIndex(from, "'" + answer + "'", answer::equals, ANSWER);
    }
}
