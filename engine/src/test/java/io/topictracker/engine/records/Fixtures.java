package io.topictracker.engine.records;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.TopicId;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Shared test data: a topic, secrets, and the worst-case content of the issue. */
final class Fixtures {
    static final SigningProvider SIGNING = new BouncyCastleEd25519Provider();
    static final TopicId TOPIC = TopicId.fromName("records-test-topic");
    static final long MINUTE = 29_000_000L;

    private Fixtures() {}

    static TopicKeys keys(String secret) {
        return new TopicKeys(TOPIC, SlotDerivation.initialSecretHash(secret.getBytes(StandardCharsets.UTF_8)),
                SecretRotation.standard(), SIGNING);
    }

    /** Two transports, each on a full-length IPv6 address. */
    static List<PeerAddress> ipv6Pair(int n) {
        String host = "2001:db8:ffff:ffff:ffff:ffff:ffff:" + Integer.toHexString(0x1000 + n);
        return List.of(PeerAddress.of("tcp", host, 65000), PeerAddress.of("quic", host, 65001));
    }

    static MessageHash hash(int n) {
        byte[] bytes = new byte[32];
        bytes[0] = (byte) n;
        bytes[31] = (byte) 0xee;
        return MessageHash.of(bytes);
    }

    /** The worst case: 5 peers, IPv6 for each transport everywhere, 5 hashes, 2 requests, a since instant. */
    static RecordContent worstCase() {
        List<PeerInfo> peers = new ArrayList<>();
        for (int i = 0; i < RecordContent.MAX_PEERS; i++) {
            peers.add(new PeerInfo(SIGNING.generate().peerId(), ipv6Pair(i + 1)));
        }
        List<MessageHash> hashes = new ArrayList<>();
        for (int i = 0; i < RecordContent.MAX_MESSAGE_HASHES; i++) {
            hashes.add(hash(i));
        }
        List<io.topictracker.api.PeerId> requests = new ArrayList<>();
        for (int i = 0; i < RecordContent.MAX_CONNECT_REQUESTS; i++) {
            requests.add(SIGNING.generate().peerId());
        }
        return new RecordContent(ipv6Pair(0), peers, hashes, requests, 1_796_000_000_000L);
    }
}
