package io.topictracker.engine.gossip.net;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.transport.Transport;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The {@link PeerLinks} of the tests around relayed peers (PeerLinksUpgradeTest, PeerLinksRelayFirstTest): links over
 * the test's transports on a scheduler of their own, recording the peers the topics are told were lost and the direct
 * upgrades announced. {@link #close()} stops the scheduler. The records are thread-safe.
 */
final class PeerLinksFixture implements AutoCloseable {
    /** The peer the tests connect to. */
    static final PeerId PEER = peerId(9);
    /** The relay that relayed connections to {@link #PEER} pass through. */
    static final PeerId RELAY = peerId(5);

    /** The peers the topics were told were lost, each with whether a dial failed. */
    final Map<PeerId, Boolean> lost = new ConcurrentHashMap<>();
    /** The peers whose upgrade to a direct connection was announced, in order. */
    final List<PeerId> upgraded = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    /** The links under test; the clock stands still at 0. */
    final PeerLinks links;

    /** @param transports the links' transports, in preference order, not null */
    PeerLinksFixture(List<Transport> transports) {
        links = new PeerLinks(new Transports(transports), () -> 0, (c, f) -> { },
                (peer, dialFailed) -> lost.put(peer, dialFailed), scheduler);
        links.onUpgrade(upgraded::add);
    }

    /** A peer id of 32 bytes: {@code seed}, then zeros. */
    static PeerId peerId(int seed) {
        byte[] bytes = new byte[32];
        bytes[0] = (byte) seed;
        return PeerId.of(bytes);
    }

    /**
     * A connection to {@link #PEER}: relayed via {@code via} at {@code relayAddress} when {@code via} is present, else
     * direct at {@code directAddress}. Not yet told to any listener.
     */
    static RecordingConnection toPeer(Optional<PeerId> via, String relayAddress, String directAddress) {
        return new RecordingConnection(PEER, PeerAddress.parse(via.isPresent() ? relayAddress : directAddress), via);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
