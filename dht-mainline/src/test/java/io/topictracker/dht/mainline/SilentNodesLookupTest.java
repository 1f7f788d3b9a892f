package io.topictracker.dht.mainline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.dht.LookupSummary;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.dht.MutableQuery;
import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import io.topictracker.tck.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Lookups stop asking nodes that keep not answering (node.SilentNodes): a reader whose table still lists two gone
 * nodes waits for them in its first gets, then leaves them out, and still finds the item on the node that is up.
 */
class SilentNodesLookupTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final SigningProvider SIGNING = new BouncyCastleEd25519Provider();
    private static final byte[] SALT = "minute".getBytes(StandardCharsets.UTF_8);

    private final LocalTestnet net = LocalTestnet.builder(SIGNING).nodes(4).startTimeout(WAIT).start();
    private final SigningKeyPair slot = SIGNING.generate();

    @AfterEach
    void closeNodes() {
        net.close();
    }

    @Test
    void aReaderLeavesOutNodesThatTimedOutTwiceAndStillReadsTheItem() {
        MutableItem item = MutableItem.sign(slot, SALT, 0, "a record".getBytes(StandardCharsets.UTF_8));
        Await.result(net.nodes().get(1).putMutable(item), WAIT);
        MainlineDht reader = net.nodes().get(0);
        assertEquals(List.of(item), get(reader).items, "all up");

        net.nodes().get(2).close();
        net.nodes().get(3).close();
        // each get waits for the gone nodes' query timeouts, which are longer than an episode's gap, so the first two
        // gets' timeouts are two episodes
        Read first = get(reader);
        get(reader);
        Read third = get(reader);
        assertEquals(first.summary.queriesSent() - 2, third.summary.queriesSent(), "the two gone nodes left out: "
                + first.summary + " then " + third.summary);
        assertTrue(third.items.contains(item), "the node that is up still asked: " + third.items);
    }

    private record Read(List<MutableItem> items, LookupSummary summary) {}

    private Read get(MainlineDht dht) {
        List<MutableItem> items = new CopyOnWriteArrayList<>();
        LookupSummary summary = Await.result(dht.getMutable(
                MutableQuery.of(slot.publicKey(), SALT, OptionalLong.empty(), Duration.ofSeconds(5)), items::add),
                WAIT);
        return new Read(items, summary);
    }
}
