package io.topictracker.engine.records;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.TopicId;
import io.topictracker.api.signing.SigningKeyPair;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Records as properties over generated content (IPv4, IPv6 in any text form and DNS hosts; up to the peer and hash
 * bounds, cut to fit by {@link RecordContent#fitting}), topics, minutes and secrets: a sealed record opens in its slot
 * to the same record and content; it does not open in the next minute's slot or under another secret; and no single
 * changed byte of a sealed value opens at all. Fixed seeds: the same cases every run.
 */
class RecordSealingPropertiesTest {
    private static final RecordSealer SEALER = new RecordSealer(new SecureRandom());

    /** One case: what a publisher says, where and when, under which secret, and which sealed byte to change. */
    private record Case(String topic, long minute, String secret, long publisherSeed, RecordContent content,
            int flipAt, int flipMask) {}

    @Test
    void aSealedRecordOpensInItsSlotOnlyAndUnchanged() {
        qt().withFixedSeed(20260405L).withExamples(150).forAll(cases()).checkAssert(c -> {
            TopicKeys keys = keys(c.topic, c.secret);
            SlotKeys slot = keys.slot(c.minute);
            SigningKeyPair publisher = Fixtures.SIGNING.fromSeed(seed(c.publisherSeed));
            Record record = Record.sign(keys.topic(), c.minute, publisher, c.content);
            byte[] sealed = SEALER.seal(record, slot);

            Record opened = open(sealed, slot);
            assertEquals(record, opened);
            assertEquals(c.content, opened.content());
            assertEquals(publisher.peerId(), opened.publisher());
            assertArrayEquals(record.encode(), opened.encode());

            assertEquals(RecordException.Reason.DECRYPT_FAILED, reason(sealed, keys.slot(c.minute + 1)));
            assertEquals(RecordException.Reason.DECRYPT_FAILED,
                    reason(sealed, keys(c.topic, c.secret + "'").slot(c.minute)));

            byte[] changed = sealed.clone();
            changed[c.flipAt % changed.length] ^= (byte) c.flipMask;
            assertThrows(RecordException.class, () -> RecordSealer.open(changed, slot, Fixtures.SIGNING));
        });
    }

    @Test
    void everyContentRoundTripsThroughItsEncoding() {
        qt().withFixedSeed(20260406L).withExamples(1000).forAll(contents()).checkAssert(content -> {
            byte[] encoded = ContentCodec.encode(content);
            assertEquals(content.encodedLength(), encoded.length);
            assertEquals(content, decode(encoded));
        });
    }

    private static Record open(byte[] sealed, SlotKeys slot) {
        try {
            return RecordSealer.open(sealed, slot, Fixtures.SIGNING);
        } catch (RecordException e) {
            throw new AssertionError(e.reason() + ": " + e.getMessage(), e);
        }
    }

    private static RecordException.Reason reason(byte[] sealed, SlotKeys slot) {
        return assertThrows(RecordException.class, () -> RecordSealer.open(sealed, slot, Fixtures.SIGNING)).reason();
    }

    private static RecordContent decode(byte[] encoded) {
        try {
            return ContentCodec.decode(encoded);
        } catch (RecordException e) {
            throw new AssertionError(e.reason() + ": " + e.getMessage(), e);
        }
    }

    private static TopicKeys keys(String topic, String secret) {
        return new TopicKeys(TopicId.fromName(topic),
                SlotDerivation.initialSecretHash(secret.getBytes(StandardCharsets.UTF_8)), SecretRotation.standard(),
                Fixtures.SIGNING);
    }

    private static byte[] seed(long value) {
        byte[] seed = new byte[32];
        new Random(value).nextBytes(seed);
        return seed;
    }

    private static Gen<Case> cases() {
        Gen<String> names = integers().between(0, 1_000_000).map(n -> "topic-" + n);
        return random -> new Case(names.generate(random),
                longs().between(0, 1L << 40).generate(random), names.generate(random), longs().all().generate(random),
                contents().generate(random), integers().between(0, 10_000).generate(random),
                integers().between(1, 255).generate(random));
    }

    private static Gen<RecordContent> contents() {
        Gen<PeerAddress> address = addresses();
        return random -> {
            List<PeerAddress> own = list(address, 0, PeerInfo.MAX_ADDRESSES, random);
            List<PeerInfo> peers = new ArrayList<>();
            int peerCount = integers().between(0, RecordContent.MAX_PEERS + 1).generate(random);
            for (int i = 0; i < peerCount; i++) {
                peers.add(new PeerInfo(PeerId.of(seed(longs().all().generate(random))),
                        list(address, 0, 3, random)));
            }
            List<MessageHash> hashes = new ArrayList<>();
            int hashCount = integers().between(0, RecordContent.MAX_MESSAGE_HASHES + 1).generate(random);
            for (int i = 0; i < hashCount; i++) {
                hashes.add(MessageHash.of(seed(longs().all().generate(random))));
            }
            List<PeerId> requests = new ArrayList<>();
            int requestCount = integers().between(0, RecordContent.MAX_CONNECT_REQUESTS + 1).generate(random);
            for (int i = 0; i < requestCount; i++) {
                requests.add(PeerId.of(seed(longs().all().generate(random))));
            }
            long since = integers().between(0, 1).generate(random) == 0 ? RecordContent.SINCE_UNKNOWN
                    : longs().between(1, Long.MAX_VALUE).generate(random);
            return RecordContent.fitting(own, peers, hashes, requests, since);
        };
    }

    private static <T> List<T> list(Gen<T> item, int min, int max, org.quicktheories.core.RandomnessSource random) {
        int size = integers().between(min, max).generate(random);
        List<T> items = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            items.add(item.generate(random));
        }
        return items;
    }

    /** Hosts in every form PeerAddress takes: dotted IPv4, IPv6 in full, compressed or IPv4-mapped form, DNS. */
    private static Gen<PeerAddress> addresses() {
        Gen<String> transport = integers().between(0, 2).map(i -> List.of("tcp", "quic", "inmemory").get(i));
        Gen<String> host = random -> {
            Random r = new Random(longs().all().generate(random));
            return switch (integers().between(0, 3).generate(random)) {
                case 0 -> r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256);
                case 1 -> {
                    List<String> groups = new ArrayList<>();
                    for (int i = 0; i < 8; i++) {
                        groups.add(Integer.toHexString(r.nextInt(4) == 0 ? 0 : r.nextInt(0x10000)));
                    }
                    yield r.nextBoolean() ? String.join(":", groups).toUpperCase(java.util.Locale.ROOT)
                            : String.join(":", groups.subList(0, 3)) + "::" + groups.get(7);
                }
                case 2 -> "::ffff:" + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256) + "."
                        + r.nextInt(256);
                default -> "node-" + r.nextInt(1000) + ".example.org";
            };
        };
        return transport.zip(host, integers().between(1, 65535), PeerAddress::of);
    }
}
