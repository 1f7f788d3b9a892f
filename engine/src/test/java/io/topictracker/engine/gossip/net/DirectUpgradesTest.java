package io.topictracker.engine.gossip.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The direct connection upgrade's decisions (PROTOCOL.md §9), driven by hand with a made-up clock. */
class DirectUpgradesTest {
    private static PeerId id(int first) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) 7);
        bytes[0] = (byte) first;
        return PeerId.of(bytes);
    }

    private final PeerId low = id(1);
    private final PeerId high = id(0xF0); // unsigned: above low
    private final List<PeerAddress> lowAddresses = List.of(PeerAddress.parse("quic://198.51.100.2:4433"));
    private final List<PeerAddress> highAddresses = List.of(PeerAddress.parse("quic://203.0.113.9:5555"));
    private final DirectUpgrades initiator = new DirectUpgrades(low);
    private final DirectUpgrades responder = new DirectUpgrades(high);

    @Test
    void onlyTheLowerIdInitiates() {
        assertTrue(initiator.initiates(high));
        assertFalse(responder.initiates(low));
        assertEquals(List.of(), responder.relayed(low, 0, highAddresses));
    }

    @Test
    void connectAnswerSyncAndBothDialTheInitiatorAfterHalfTheRoundTrip() {
        DirectUpgrades.SendConnect ask = (DirectUpgrades.SendConnect) single(initiator.relayed(high, 1_000,
                lowAddresses));
        assertEquals(new FrameCodec.UpgradeConnect(false, 1, lowAddresses), ask.frame());
        assertEquals(List.of(), initiator.relayed(high, 1_050, lowAddresses), "one Connect in flight");

        DirectUpgrades.SendConnect answer = (DirectUpgrades.SendConnect) single(responder.connect(low, ask.frame(),
                ask.frame().addresses(), 1_040, highAddresses));
        assertEquals(new FrameCodec.UpgradeConnect(true, 1, highAddresses), answer.frame());

        List<DirectUpgrades.Action> onAnswer = initiator.connect(high, answer.frame(), answer.frame().addresses(),
                1_080, lowAddresses);
        assertEquals(List.of(new DirectUpgrades.SendSync(high, new FrameCodec.UpgradeSync(1)),
                new DirectUpgrades.Dial(high, 1, highAddresses, 40)), onAnswer, "dials after RTT/2 of 80 ms");

        assertEquals(List.of(new DirectUpgrades.Dial(low, 1, lowAddresses, 0)),
                responder.sync(low, new FrameCodec.UpgradeSync(1), true), "the responder dials on Sync");
        assertEquals(List.of(), responder.sync(low, new FrameCodec.UpgradeSync(1), true), "once per Connect");
        assertEquals(List.of(), responder.sync(low, new FrameCodec.UpgradeSync(2), true), "not for another attempt");
    }

    @Test
    void threeAttemptsThenTheSlowPeriodOrAnAddressChange() {
        long now = 0;
        for (int attempt = 1; attempt <= DirectUpgrades.ATTEMPTS; attempt++) {
            DirectUpgrades.SendConnect ask = (DirectUpgrades.SendConnect) single(initiator.relayed(high, now,
                    lowAddresses));
            assertEquals(attempt, ask.frame().attempt());
            initiator.connect(high, new FrameCodec.UpgradeConnect(true, attempt, highAddresses), highAddresses,
                    now + 50, lowAddresses);
            List<DirectUpgrades.Action> ended = initiator.dialEnded(high, attempt, false, now + 10_000);
            assertEquals(attempt == DirectUpgrades.ATTEMPTS ? List.of(new DirectUpgrades.RoundFailed(high, 1))
                    : List.of(), ended, "the round's end is reported once");
            now += 10_000;
        }
        assertEquals(List.of(), initiator.relayed(high, now, lowAddresses), "the round is over");
        assertEquals(List.of(), initiator.relayed(high, now + DirectUpgrades.RETRY_PERIOD_MILLIS - 1, lowAddresses));
        assertEquals(4, ((DirectUpgrades.SendConnect) single(initiator.relayed(high,
                now + DirectUpgrades.RETRY_PERIOD_MILLIS, lowAddresses))).frame().attempt(), "the next round");

        DirectUpgrades other = new DirectUpgrades(low);
        long at = 0;
        for (int attempt = 1; attempt <= DirectUpgrades.ATTEMPTS; attempt++) {
            single(other.relayed(high, at, lowAddresses));
            at += DirectUpgrades.ANSWER_TIMEOUT_MILLIS; // no answer: the attempt times out
            assertEquals(attempt == DirectUpgrades.ATTEMPTS ? List.of(new DirectUpgrades.RoundFailed(high, 1))
                    : List.of(), other.relayed(high, at, lowAddresses));
        }
        assertEquals(List.of(), other.relayed(high, at + 1, lowAddresses));
        other.addressesChanged(at + 2);
        assertEquals(1, other.relayed(high, at + 2, lowAddresses).size(), "a new address starts a round at once");
    }

    @Test
    void attemptsThatFailAtOnceAreSpacedSoTheResponderAnswersEveryRetry() {
        // the Connect of attempt 1 waits 300 ms in queues on its way, the later ones none: the responder still
        // sees each at least its answer gap after the one before
        long sentAt = 0;
        long delay = 300;
        for (int attempt = 1; attempt <= DirectUpgrades.ATTEMPTS; attempt++) {
            DirectUpgrades.SendConnect ask = (DirectUpgrades.SendConnect) single(initiator.relayed(high, sentAt,
                    lowAddresses));
            DirectUpgrades.SendConnect answer = (DirectUpgrades.SendConnect) single(responder.connect(low,
                    ask.frame(), lowAddresses, sentAt + delay, highAddresses));
            initiator.connect(high, answer.frame(), highAddresses, sentAt + 2 * delay, lowAddresses);
            assertEquals(1, responder.sync(low, new FrameCodec.UpgradeSync(attempt), true).size());
            long failedAt = sentAt + 2 * delay + 1;
            initiator.dialEnded(high, attempt, false, failedAt);
            for (long t = failedAt; t < sentAt + DirectUpgrades.ATTEMPT_SPACING_MILLIS; t += 100) {
                assertEquals(List.of(), initiator.relayed(high, t, lowAddresses), "no retry yet at " + t);
            }
            sentAt += DirectUpgrades.ATTEMPT_SPACING_MILLIS;
            delay = 0;
        }
    }

    @Test
    void aDialThatNeverReportsFailsTheAttemptAfterItsTimeout() {
        single(initiator.relayed(high, 0, lowAddresses));
        initiator.connect(high, new FrameCodec.UpgradeConnect(true, 1, highAddresses), highAddresses, 10,
                lowAddresses);
        assertEquals(List.of(), initiator.relayed(high, 10 + DirectUpgrades.DIAL_TIMEOUT_MILLIS - 1, lowAddresses));
        assertEquals(List.of(), initiator.relayed(high, 10 + DirectUpgrades.DIAL_TIMEOUT_MILLIS, lowAddresses));
        assertEquals(2, ((DirectUpgrades.SendConnect) single(initiator.relayed(high,
                11 + DirectUpgrades.DIAL_TIMEOUT_MILLIS, lowAddresses))).frame().attempt());
    }

    @Test
    void givesUpWithoutAPunchingTransportOrWhenThePeerHasNoAddressForIt() {
        assertEquals(List.of(), initiator.relayed(high, 0, List.of()), "we have no QUIC: never start");

        single(initiator.relayed(high, 0, lowAddresses));
        assertEquals(List.of(), initiator.connect(high, new FrameCodec.UpgradeConnect(true, 1, List.of()), List.of(),
                20, lowAddresses));
        for (long t = 0; t < 5 * DirectUpgrades.RETRY_PERIOD_MILLIS; t += 1_000) {
            assertEquals(List.of(), initiator.relayed(high, t, lowAddresses), "gave up at " + t);
        }

        List<DirectUpgrades.Action> answer = responder.connect(low, new FrameCodec.UpgradeConnect(false, 1,
                lowAddresses), lowAddresses, 0, List.of());
        assertEquals(new FrameCodec.UpgradeConnect(true, 1, List.of()),
                ((DirectUpgrades.SendConnect) single(answer)).frame(), "a responder without QUIC says so");
        assertEquals(List.of(), responder.sync(low, new FrameCodec.UpgradeSync(1), false));
    }

    @Test
    void lateOrUnaskedAnswersAndFastConnectsAreIgnored() {
        assertEquals(List.of(), initiator.connect(high, new FrameCodec.UpgradeConnect(true, 1, highAddresses),
                highAddresses, 0, lowAddresses), "never asked");
        single(initiator.relayed(high, 0, lowAddresses));
        assertEquals(List.of(), initiator.connect(high, new FrameCodec.UpgradeConnect(true, 9, highAddresses),
                highAddresses, 10, lowAddresses), "another attempt's answer");

        FrameCodec.UpgradeConnect ask = new FrameCodec.UpgradeConnect(false, 1, lowAddresses);
        single(responder.connect(low, ask, lowAddresses, 0, highAddresses));
        assertEquals(List.of(), responder.connect(low, ask, lowAddresses, DirectUpgrades.ANSWER_GAP_MILLIS - 1,
                highAddresses));
        single(responder.connect(low, ask, lowAddresses, DirectUpgrades.ANSWER_GAP_MILLIS, highAddresses));
    }

    @Test
    void forgettingAPeerStartsAfresh() {
        single(initiator.relayed(high, 0, lowAddresses));
        assertEquals(List.of(), initiator.relayed(high, 5, lowAddresses), "awaiting the answer");
        initiator.retainOnly(peer -> false);
        assertEquals(1, ((DirectUpgrades.SendConnect) single(initiator.relayed(high, 6, lowAddresses))).frame()
                .attempt(), "a fresh round after the peer was forgotten");
    }

    private static DirectUpgrades.Action single(List<DirectUpgrades.Action> actions) {
        assertEquals(1, actions.size(), actions.toString());
        return actions.get(0);
    }
}
