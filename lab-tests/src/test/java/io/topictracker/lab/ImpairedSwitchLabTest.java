package io.topictracker.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab's delay and loss emulator ({@link ImpairedSwitch}) applies what it is configured with: pings across it take
 * at least the configured round trip, its loss shows in its own counters and in the pings that come back, and a cut
 * link carries nothing until it is restored. Each bound is wide enough that chance cannot fail it (see each
 * assertion) and tight enough that an emulator doing nothing cannot pass it.
 */
@Tag("lab")
class ImpairedSwitchLabTest {

    @Test
    void pingsAcrossItTakeAtLeastTheConfiguredRoundTripAndACutLinkCarriesNothing(@TempDir Path dir) {
        try (NetLab lab = NetLab.create(dir)) {
            LabHost a = lab.addHost("a", 10);
            LabHost b = lab.addHost("b", 20);
            lab.addHost("c", 30);
            ImpairedSwitch impaired = lab.impair(Duration.ofMillis(40), 0.01, 14);

            LabPing ping = LabPing.run(lab, a, b.ipv4(), 30, Duration.ofMillis(50));
            // 1 % per crossing: P(more than 10 of 30 lost) is below 1e-15
            assertTrue(ping.received() >= 20, ping.toString());
            assertTrue(ping.minMillis() >= 40.0, "every reply crossed the switch twice, 20 ms each: " + ping);

            ImpairedSwitch.Stats before = impaired.stats();
            lab.cut(b);
            LabPing cut = LabPing.run(lab, a, b.ipv4(), 5, Duration.ofMillis(50));
            assertEquals(0, cut.received(), "nothing crosses a cut link: " + cut);
            assertTrue(impaired.stats().cut() > before.cut(), "the cut frames are counted as such");
            lab.restore(b);
            LabPing restored = LabPing.run(lab, a, b.ipv4(), 10, Duration.ofMillis(50));
            assertTrue(restored.received() >= 5, "the link carries again: " + restored);
        }
    }

    @Test
    void itLosesTheConfiguredShareOfFrames(@TempDir Path dir) {
        try (NetLab lab = NetLab.create(dir)) {
            LabHost a = lab.addHost("a", 10);
            LabHost b = lab.addHost("b", 20);
            ImpairedSwitch impaired = lab.impair(Duration.ofMillis(2), 0.2, 14);

            LabPing ping = LabPing.run(lab, a, b.ipv4(), 300, Duration.ofMillis(10));
            ImpairedSwitch.Stats stats = impaired.stats();
            long frames = stats.forwarded() + stats.dropped();
            double dropped = (double) stats.dropped() / frames;
            // ~540 frames at p = 0.2: the standard deviation is 0.017, so [0.12, 0.28] is 4.7 of them either side
            assertTrue(frames >= 400, "the pings' frames crossed the switch: " + stats);
            assertTrue(dropped >= 0.12 && dropped <= 0.28, "about 20 % of frames dropped: " + stats);
            // a ping is lost if either crossing is: 1 - 0.8^2 = 0.36, deviation 0.028 over 300 pings
            assertTrue(ping.lossRatio() >= 0.22 && ping.lossRatio() <= 0.50, "about 36 % of pings lost: " + ping);
        }
    }
}
