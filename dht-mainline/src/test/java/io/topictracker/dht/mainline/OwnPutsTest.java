package io.topictracker.dht.mainline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.dht.LookupSummary;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.dht.MutableQuery;
import io.topictracker.api.dht.PutSummary;
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
 * A node's gets count its own values only from other nodes, never from its own node (which stores them too, when
 * free, for peers that can reach no other node of the writer's): a get of its own reports its item only when some
 * other node holds it. Issue 15 (BENCHMARKS.md, hole punching): two chats behind NATs wrote one minute's
 * slot at the same moment, each overwrote the other on the public nodes (BEP44: an equal seq replaces), and the
 * loser's gets kept finding its record on its own node (which the other chat cannot reach through the NATs), so it
 * never put again and the other chat saw no record of it for minutes.
 */
class OwnPutsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** The other nodes are gone: the lookup ends at its deadline. */
    private static final Duration LOOKUP = Duration.ofSeconds(2);
    private static final SigningProvider SIGNING = new BouncyCastleEd25519Provider();
    /** The salt of the one slot these tests write (never modified). */
    private static final byte[] SALT = "minute".getBytes(StandardCharsets.UTF_8);

    /** Four started nodes, closed after each test. */
    private final LocalTestnet net = LocalTestnet.builder(SIGNING).nodes(4).startTimeout(WAIT).start();
    /** Node 0: the node whose own puts these tests watch. */
    private final MainlineDht writer = net.nodes().get(0);
    /** The writer's slot key, new for each test. */
    private final SigningKeyPair slot = SIGNING.generate();

    @AfterEach
    void closeNodes() {
        net.close();
    }

    @Test
    void aGetOfTheWriterFindsItsItemOnlyWhileAnotherNodeHoldsIt() {
        MutableItem item = signed("the writer's record");
        PutSummary put = Await.result(writer.putMutable(item), WAIT);
        assertTrue(put.acknowledged() >= 1, put.toString());
        assertEquals(List.of(item), get(writer), "the other nodes hold it");

        for (MainlineDht other : net.nodes().subList(1, net.nodes().size())) {
            other.close(); // every node but the writer gone: as unreachable as a NATed writer's node is
        }
        assertEquals(List.of(), get(writer), "its copy on itself does not count for its own gets");
        assertEquals(3, put.attempted(), "half of the 3 others (the slot was empty: SlotSharing) and, free there, "
                + "the writer's own node: " + put);
    }

    /**
     * A writer that puts its slot again with new content (a chat whose record went missing puts a fresh one, with its
     * current neighbours and addresses) replaces its earlier value on the nodes holding it: they are not another
     * writer's share of the slot. Counted as another writer's, they left no free node when the other writer held
     * the rest (the put stored nowhere, in the lab), and readers got both values.
     */
    @Test
    void aWritersNewValueReplacesItsEarlierOneInsteadOfSharingTheSlotWithIt() {
        MutableItem first = signed("record, first");
        MutableItem second = signed("record, again");
        Await.result(writer.putMutable(first), WAIT);
        assertEquals(List.of(first), get(net.nodes().get(1)));

        PutSummary again = Await.result(writer.putMutable(second), WAIT);
        assertEquals(4, again.attempted(), "all three other nodes and its own: " + again);
        assertEquals(List.of(second), get(net.nodes().get(1)));
    }

    /** {@code text} signed with {@link #slot}'s key under {@link #SALT}, at seq 0 (both tests' writes use seq 0). */
    private MutableItem signed(String text) {
        return MutableItem.sign(slot, SALT, 0, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The items a get of {@link #slot} under {@link #SALT} from {@code dht} delivers, in order. */
    private List<MutableItem> get(MainlineDht dht) {
        List<MutableItem> items = new CopyOnWriteArrayList<>();
        LookupSummary summary = Await.result(dht.getMutable(
                MutableQuery.of(slot.publicKey(), SALT, OptionalLong.empty(), LOOKUP), items::add), WAIT);
        assertEquals(items.size(), summary.itemsDelivered());
        return items;
    }
}
