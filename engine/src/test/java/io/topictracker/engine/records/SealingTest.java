package io.topictracker.engine.records;

import static io.topictracker.engine.records.Fixtures.MINUTE;
import static io.topictracker.engine.records.Fixtures.SIGNING;
import static io.topictracker.engine.records.Fixtures.TOPIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerInfo;
import io.topictracker.api.dht.Bep44;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SealingTest {
    private final TopicKeys keys = Fixtures.keys("topic secret");
    private final RecordSealer sealer = new RecordSealer(new SecureRandom());
    private final Record record = Record.sign(TOPIC, MINUTE, SIGNING.generate(), Fixtures.worstCase());

    private static RecordException.Reason rejection(byte[] sealed, SlotKeys slot) {
        return assertThrows(RecordException.class, () -> RecordSealer.open(sealed, slot, SIGNING)).reason();
    }

    @Test
    void worstCaseRecordFitsBep44() throws RecordException {
        RecordContent worst = Fixtures.worstCase();
        assertEquals(RecordContent.MAX_PEERS, worst.activePeers().size());
        assertEquals(RecordContent.MAX_CONNECT_REQUESTS, worst.connectRequests().size());
        byte[] sealed = sealer.seal(record, keys.slot(MINUTE));
        assertTrue(sealed.length <= Bep44.MAX_VALUE_LENGTH, "sealed worst case is " + sealed.length + " bytes");
        assertTrue(Bep44.encodedValueLength(sealed) <= Bep44.MAX_ENCODED_VALUE_LENGTH);
        assertEquals(record, RecordSealer.open(sealed, keys.slot(MINUTE), SIGNING));
        // the computed figure, recorded in PROTOCOL.md
        assertEquals(851, sealed.length);
    }

    @Test
    void anotherSecretCannotOpen() {
        byte[] sealed = sealer.seal(record, keys.slot(MINUTE));
        assertEquals(RecordException.Reason.DECRYPT_FAILED, rejection(sealed, Fixtures.keys("wrong secret").slot(MINUTE)));
    }

    @Test
    void theRightSecretForAnotherMinuteCannotOpen() {
        byte[] sealed = sealer.seal(record, keys.slot(MINUTE));
        assertEquals(RecordException.Reason.DECRYPT_FAILED, rejection(sealed, keys.slot(MINUTE + 1)));
    }

    @Test
    void anotherTopicCannotOpenEvenWithTheSameSealKey() {
        // Bind check: same key bytes, other topic in the associated data.
        SlotKeys slot = keys.slot(MINUTE);
        SlotKeys otherTopic = new SlotKeys(io.topictracker.api.TopicId.fromName("x"), MINUTE, slot.slotKeyPair(),
                slot.salt(), slot.sealKey());
        assertEquals(RecordException.Reason.DECRYPT_FAILED, rejection(sealer.seal(record, slot), otherTopic));
    }

    @Test
    void tamperedCiphertextIsRejected() {
        byte[] sealed = sealer.seal(record, keys.slot(MINUTE));
        sealed[40] ^= 1;
        assertEquals(RecordException.Reason.DECRYPT_FAILED, rejection(sealed, keys.slot(MINUTE)));
    }

    @Test
    void recordForAnotherMinuteSealedIntoThisSlotIsRejected() {
        // A secret holder could seal a stale record into a fresh slot; the inner minute check catches it.
        Record stale = Record.sign(TOPIC, MINUTE - 5, SIGNING.generate(), RecordContent.of(Fixtures.ipv6Pair(1)));
        byte[] sealed = sealer.seal(stale, keys.slot(MINUTE));
        assertEquals(RecordException.Reason.WRONG_MINUTE, rejection(sealed, keys.slot(MINUTE)));
    }

    @Test
    void truncatedAndOverLongEnvelopesAreRejected() {
        byte[] sealed = sealer.seal(record, keys.slot(MINUTE));
        assertEquals(RecordException.Reason.TRUNCATED, rejection(Arrays.copyOf(sealed, 100), keys.slot(MINUTE)));
        assertEquals(RecordException.Reason.DECRYPT_FAILED,
                rejection(Arrays.copyOf(sealed, sealed.length - 1), keys.slot(MINUTE)));
        assertEquals(RecordException.Reason.TOO_LONG,
                rejection(Arrays.copyOf(sealed, Bep44.MAX_VALUE_LENGTH + 1), keys.slot(MINUTE)));
    }

    @Test
    void unknownEnvelopeVersionIsRejected() {
        byte[] sealed = sealer.seal(record, keys.slot(MINUTE));
        sealed[0] = 2;
        assertEquals(RecordException.Reason.UNSUPPORTED_VERSION, rejection(sealed, keys.slot(MINUTE)));
    }

    @Test
    void contentThatCannotFitDropsHashesThenPeersThenOwnAddresses() {
        // DNS names of 190 characters make everything far larger than a record can hold.
        List<io.topictracker.api.PeerAddress> own = longAddresses(8);
        List<PeerInfo> peers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            peers.add(new PeerInfo(SIGNING.generate().peerId(), own.subList(0, 2)));
        }
        List<MessageHash> hashes = List.of(Fixtures.hash(1), Fixtures.hash(2));

        assertThrows(IllegalArgumentException.class, () -> new RecordContent(own, peers, hashes));
        RecordContent fitted = RecordContent.fitting(own, peers, hashes);
        assertTrue(fitted.encodedLength() <= RecordContent.MAX_ENCODED_LENGTH);
        assertEquals(List.of(), fitted.messageHashes(), "hashes go first");
        assertEquals(List.of(), fitted.activePeers(), "then peers");
        assertTrue(fitted.addresses().size() < own.size() && !fitted.addresses().isEmpty(), "then own addresses");
        assertEquals(own.subList(0, fitted.addresses().size()), fitted.addresses(), "kept in order");

        // With fewer own addresses only hashes and some peers go, and the leading peers are kept.
        RecordContent partly = RecordContent.fitting(own.subList(0, 2), peers, hashes);
        assertEquals(List.of(), partly.messageHashes());
        assertEquals(peers.subList(0, partly.activePeers().size()), partly.activePeers());
        assertEquals(2, partly.addresses().size());
        assertTrue(Bep44.MAX_VALUE_LENGTH >= sealer.seal(
                Record.sign(TOPIC, MINUTE, SIGNING.generate(), fitted), keys.slot(MINUTE)).length);
    }

    @Test
    void connectionRequestsGoAfterPeersAndBeforeOwnAddresses() {
        // Content may take 829 bytes.
        List<io.topictracker.api.PeerAddress> own = longAddresses(4);
        List<PeerInfo> peers = List.of(new PeerInfo(SIGNING.generate().peerId(), own.subList(0, 1)));
        List<io.topictracker.api.PeerId> requests = List.of(SIGNING.generate().peerId(),
                SIGNING.generate().peerId());

        // Three addresses (622 bytes with the counts) and two requests (65) fit, a 239-byte peer does not.
        RecordContent fitted = RecordContent.fitting(own.subList(0, 3), peers, List.of(Fixtures.hash(1)), requests,
                RecordContent.SINCE_UNKNOWN);
        assertEquals(List.of(), fitted.activePeers(), "the peer goes before the requests");
        assertEquals(requests, fitted.connectRequests(), "both requests kept");
        assertEquals(own.subList(0, 3), fitted.addresses());
        assertEquals(622 + 65, fitted.encodedLength());

        // Four addresses take 828 bytes: the requests go, the last first, and every own address stays.
        RecordContent tighter = RecordContent.fitting(own, peers, List.of(), requests, RecordContent.SINCE_UNKNOWN);
        assertEquals(List.of(), tighter.connectRequests());
        assertEquals(own, tighter.addresses());
        assertEquals(828, tighter.encodedLength());

        // The since instant is kept whatever else goes (its 9 bytes with the request count): here the last address.
        RecordContent since = RecordContent.fitting(own, peers, List.of(), requests, 1_796_000_000_000L);
        assertEquals(1_796_000_000_000L, since.sinceMillis());
        assertEquals(own.subList(0, 3), since.addresses());
        assertEquals(622 + 9, since.encodedLength());
    }

    /** @return {@code count} addresses of 206 encoded bytes each: transports {@code transport-i}, a 190-character name */
    private static List<io.topictracker.api.PeerAddress> longAddresses(int count) {
        String longName = "a".repeat(60) + "." + "b".repeat(60) + "." + "c".repeat(60) + ".example";
        List<io.topictracker.api.PeerAddress> own = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            own.add(io.topictracker.api.PeerAddress.of("transport-" + i, longName, 1000 + i));
        }
        return own;
    }

    @Test
    void worstCaseIsKeptWholeByFitting() {
        RecordContent worst = Fixtures.worstCase();
        assertEquals(worst, RecordContent.fitting(worst.addresses(), worst.activePeers(), worst.messageHashes(),
                worst.connectRequests(), worst.sinceMillis()));
    }
}
