package io.topictracker.engine.gossip.proto;

import static io.topictracker.engine.gossip.proto.Harness.SECRET;
import static io.topictracker.engine.gossip.proto.Harness.mac;
import static io.topictracker.engine.gossip.proto.Harness.peer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.engine.gossip.GossipEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One test per HyParView rule (Leitão, Pereira, Rodrigues, DSN 2007) and per admission rule of ours. */
class HyParViewTest {
    private final Harness node = Harness.plain(1);

    @Test
    void joinPeersSendsJoinCarryingAValidMac() {
        PeerInfo contact = peer(2);
        node.input(new Input.JoinPeers(List.of(contact)));
        List<Output.Send> joins = node.sendsOf(Message.Join.class);
        assertEquals(1, joins.size());
        assertEquals(contact, joins.get(0).to());
        Message.Join join = (Message.Join) joins.get(0).message();
        assertEquals(node.self, join.from());
        assertTrue(new Admission(Harness.TOPIC, SECRET).verify(node.self.id(), contact.id(), join.mac()));
    }

    @Test
    void onlyABootstrapsJoinsAreMarkedToBeDroppedOnceTheTopicHasANeighbour() {
        node.input(new Input.JoinPeers(List.of(peer(2)), true));
        node.input(new Input.JoinPeers(List.of(peer(3))));
        List<Output.Send> joins = node.sendsOf(Message.Join.class);
        assertEquals(List.of(peer(2), peer(3)), joins.stream().map(Output.Send::to).toList());
        assertTrue(joins.get(0).untilJoined(), "a bootstrap Join is moot once another contact accepted us");
        assertFalse(joins.get(1).untilJoined(), "any other Join (a merge's, the application's) always goes");
    }

    @Test
    void validJoinIsAcceptedAndForwardedToEveryOtherNeighbour() {
        node.connect(peer(3));
        node.connect(peer(4));
        PeerInfo joiner = peer(2);
        node.receive(joiner, new Message.Join(joiner, mac(joiner, node.self, SECRET)));
        assertTrue(node.state.activeView().contains(joiner.id()));
        assertTrue(node.events().contains(new GossipEvent.NeighborUp(joiner.id())));
        List<Output.Send> accepts = node.sendsOf(Message.Neighbor.class);
        assertEquals(1, accepts.size());
        assertEquals(Message.NeighborKind.ACCEPT, ((Message.Neighbor) accepts.get(0).message()).kind());
        Set<PeerId> forwardedTo = new HashSet<>();
        for (Output.Send send : node.sendsOf(Message.ForwardJoin.class)) {
            Message.ForwardJoin forward = (Message.ForwardJoin) send.message();
            assertEquals(joiner, forward.joiner());
            assertEquals(6, forward.ttl(), "ARWL default");
            forwardedTo.add(send.to().id());
        }
        assertEquals(Set.of(peer(3).id(), peer(4).id()), forwardedTo);
    }

    @Test
    void aRepeatedJoinFromAnActiveNeighbourIsAnsweredButNotForwardedAgain() {
        node.connect(peer(3));
        node.connect(peer(4));
        PeerInfo joiner = peer(2);
        node.receive(joiner, new Message.Join(joiner, mac(joiner, node.self, SECRET)));
        assertEquals(2, node.sendsOf(Message.ForwardJoin.class).size(), "the first Join starts its random walks");
        node.outputs.clear();

        // The joiner's bootstrap sent another Join before our ACCEPT reached it.
        node.receive(joiner, new Message.Join(joiner, mac(joiner, node.self, SECRET)));

        assertEquals(List.of(), node.sendsOf(Message.ForwardJoin.class), "no second set of random walks");
        List<Output.Send> accepts = node.sendsOf(Message.Neighbor.class);
        assertEquals(1, accepts.size(), "the repeat is answered, in case the first ACCEPT was lost with its link");
        assertEquals(joiner, accepts.get(0).to());
        assertEquals(List.of(), node.events(), "still the same neighbour: no second NeighborUp");
        assertEquals(3, node.state.activeView().size());
    }

    @Test
    void joinWithoutTheTopicSecretIsRefused() {
        PeerInfo outsider = peer(2);
        node.receive(outsider, new Message.Join(outsider, mac(outsider, node.self, Harness.filled(32, 9))));
        assertFalse(node.state.activeView().contains(outsider.id()));
        assertTrue(node.sends().isEmpty());
        assertEquals(1, node.state.stats().joinsRefused());
    }

    @Test
    void joinReplayedByAnotherSenderIsRefused() {
        PeerInfo member = peer(2);
        PeerInfo thief = peer(5);
        // The thief forwards a genuine Join of the member, but the transport proved the thief's identity.
        node.receive(thief, new Message.Join(member, mac(member, node.self, SECRET)));
        assertTrue(node.state.activeView().isEmpty());
        // Nor may it claim to be itself while reusing the member's MAC.
        node.receive(thief, new Message.Join(thief, mac(member, node.self, SECRET)));
        assertTrue(node.state.activeView().isEmpty());
        assertEquals(2, node.state.stats().joinsRefused());
    }

    @Test
    void neighborRequestWithoutTheSecretIsRefused() {
        PeerInfo outsider = peer(2);
        node.receive(outsider, new Message.Neighbor(outsider, Message.NeighborKind.REQUEST_HIGH,
                mac(outsider, node.self, Harness.filled(32, 9))));
        assertTrue(node.state.activeView().isEmpty());
        assertEquals(1, node.state.stats().joinsRefused());
    }

    @Test
    void forwardJoinAtTtlZeroTakesTheJoinerIntoTheActiveView() {
        node.connect(peer(3));
        node.connect(peer(4));
        PeerInfo joiner = peer(2);
        node.receive(peer(3), new Message.ForwardJoin(joiner, 0));
        assertTrue(node.state.activeView().contains(joiner.id()));
        Output.Send accept = node.sendsOf(Message.Neighbor.class).get(0);
        assertEquals(joiner, accept.to());
    }

    @Test
    void forwardJoinAtPassiveWalkLengthLandsInPassiveViewAndWalksOnAwayFromTheSender() {
        node.connect(peer(3));
        node.connect(peer(4));
        PeerInfo joiner = peer(2);
        node.receive(peer(3), new Message.ForwardJoin(joiner, 3));
        assertTrue(node.state.passiveView().contains(joiner.id()));
        assertFalse(node.state.activeView().contains(joiner.id()));
        List<Output.Send> forwards = node.sendsOf(Message.ForwardJoin.class);
        assertEquals(1, forwards.size());
        assertEquals(peer(4), forwards.get(0).to());
        assertEquals(2, ((Message.ForwardJoin) forwards.get(0).message()).ttl());
    }

    @Test
    void forwardJoinAtANodeWithOneNeighbourEndsThere() {
        node.connect(peer(3));
        PeerInfo joiner = peer(2);
        node.receive(peer(3), new Message.ForwardJoin(joiner, 5));
        assertTrue(node.state.activeView().contains(joiner.id()));
    }

    @Test
    void aFullActiveViewDropsARandomPeerToPassiveAndTellsIt() {
        for (int i = 10; i < 15; i++) {
            node.connect(peer(i));
        }
        assertEquals(5, node.state.activeView().size());
        PeerInfo joiner = peer(2);
        node.receive(joiner, new Message.Join(joiner, mac(joiner, node.self, SECRET)));
        assertEquals(5, node.state.activeView().size());
        assertTrue(node.state.activeView().contains(joiner.id()));
        List<Output.Send> disconnects = node.sendsOf(Message.Disconnect.class);
        assertEquals(1, disconnects.size());
        PeerId victim = disconnects.get(0).to().id();
        assertTrue(node.events().contains(new GossipEvent.NeighborDown(victim)));
        assertTrue(node.state.passiveView().contains(victim));
        assertTrue(node.outputs.contains(new Output.DisconnectPeer(victim)));
    }

    @Test
    void lowPriorityNeighborRequestIsRefusedWhenFullAndHighPriorityIsNot() {
        for (int i = 10; i < 15; i++) {
            node.connect(peer(i));
        }
        PeerInfo low = peer(2);
        node.receive(low, new Message.Neighbor(low, Message.NeighborKind.REQUEST_LOW, mac(low, node.self, SECRET)));
        assertFalse(node.state.activeView().contains(low.id()));
        assertEquals(low, node.sendsOf(Message.Disconnect.class).get(0).to());
        node.outputs.clear();
        PeerInfo high = peer(3);
        node.receive(high, new Message.Neighbor(high, Message.NeighborKind.REQUEST_HIGH,
                mac(high, node.self, SECRET)));
        assertTrue(node.state.activeView().contains(high.id()));
        assertEquals(5, node.state.activeView().size());
    }

    @Test
    void aFailedNeighbourIsReplacedFromThePassiveViewWithHighPriorityWhenAlone() {
        node.connect(peer(3));
        // peer 2 reaches the passive view through a shuffle reply; we have room, so it is asked at once, and refuses
        node.receive(peer(3), new Message.ShuffleReply(peer(3), List.of(peer(2)), mac(peer(3), node.self, SECRET)));
        assertTrue(node.state.passiveView().contains(peer(2).id()));
        assertEquals(Message.NeighborKind.REQUEST_LOW,
                ((Message.Neighbor) node.sendsOf(Message.Neighbor.class).get(0).message()).kind());
        node.receive(peer(2), new Message.Disconnect(true));
        assertTrue(node.state.passiveView().contains(peer(2).id()));
        node.outputs.clear();
        node.input(new Input.PeerDisconnected(peer(3).id()));
        assertTrue(node.events().contains(new GossipEvent.NeighborDown(peer(3).id())));
        List<Output.Send> requests = node.sendsOf(Message.Neighbor.class);
        assertEquals(1, requests.size());
        assertEquals(peer(2), requests.get(0).to());
        assertEquals(Message.NeighborKind.REQUEST_HIGH, ((Message.Neighbor) requests.get(0).message()).kind());
        assertEquals(500, node.delayOf(Timer.NeighborTimeout.class));
        assertTrue(node.state.isPending(peer(2).id()));
        assertFalse(node.state.passiveView().contains(peer(3).id()), "a crashed peer is not kept as a backup");

        node.fire(new Timer.NeighborTimeout(peer(2).id()));
        assertFalse(node.state.isPending(peer(2).id()));
        assertFalse(node.state.passiveView().contains(peer(2).id()), "an unanswering peer is dropped");
    }

    @Test
    void anAcceptCompletesAPendingNeighborRequest() {
        node.connect(peer(3));
        node.connect(peer(4));
        node.receive(peer(3), new Message.ForwardJoin(peer(2), 3));
        node.input(new Input.PeerDisconnected(peer(4).id()));
        assertTrue(node.state.isPending(peer(2).id()));
        node.receive(peer(2), new Message.Neighbor(peer(2), Message.NeighborKind.ACCEPT, mac(peer(2), node.self,
                SECRET)));
        assertTrue(node.state.activeView().contains(peer(2).id()));
        assertFalse(node.state.isPending(peer(2).id()));
    }

    @Test
    void disconnectAliveMovesThePeerToPassive() {
        node.connect(peer(3));
        node.receive(peer(3), new Message.Disconnect(true));
        assertFalse(node.state.activeView().contains(peer(3).id()));
        assertTrue(node.events().contains(new GossipEvent.NeighborDown(peer(3).id())));
        // it is immediately asked back (the only passive peer) since the active view has room
        assertTrue(node.state.isPending(peer(3).id()));
    }

    /**
     * Answers every Neighbor request the node sends with a refusal (a full peer's Disconnect, §4.2), at most
     * {@code bound} times, and returns the peers asked in order.
     */
    private List<PeerId> refuseEveryRequest(int bound) {
        List<PeerId> asked = new ArrayList<>();
        for (int i = 0; i < bound; i++) {
            List<Output.Send> requests = node.sendsOf(Message.Neighbor.class);
            node.outputs.clear();
            if (requests.isEmpty()) {
                break;
            }
            for (Output.Send request : requests) {
                asked.add(request.to().id());
                node.receive(request.to(), new Message.Disconnect(true));
            }
        }
        return asked;
    }

    /**
     * A full view (neighbours 10..14) and passive peers 20..20+count-1, then neighbour 14 fails: one place free,
     * asked for from the passive peers (§4.2), which are all full.
     */
    private void oneShortWithPassivePeers(int count) {
        for (int i = 10; i < 15; i++) {
            node.connect(peer(i));
        }
        List<PeerInfo> passive = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            passive.add(peer(20 + i));
        }
        node.receive(peer(10), new Message.ShuffleReply(peer(10), passive, mac(peer(10), node.self, SECRET)));
        assertTrue(node.sendsOf(Message.Neighbor.class).isEmpty(), "full: nobody asked");
        node.input(new Input.PeerDisconnected(peer(14).id()));
    }

    @Test
    void aNodeOneShortAmongFullPeersAsksEachPassivePeerOnceThenStops() {
        oneShortWithPassivePeers(6);
        List<PeerId> asked = refuseEveryRequest(100);
        assertEquals(6, asked.size(), "one pass through the passive view, not round and round");
        assertEquals(6, new HashSet<>(asked).size(), "each passive peer once");
        assertEquals(4, node.state.activeView().size());
        assertEquals(6, node.state.passiveView().size(), "a refusal is no failure: the peers stay as backups");
    }

    @Test
    void peersThatRefusedAreAskedAgainAfterTheShuffleTimerOrTheLossOfANeighbour() {
        oneShortWithPassivePeers(3);
        assertEquals(3, refuseEveryRequest(100).size());

        node.fire(new Timer.Shuffle());
        assertEquals(3, refuseEveryRequest(100).size(), "the shuffle timer starts one more pass");

        node.input(new Input.PeerDisconnected(peer(10).id()));
        List<Output.Send> requests = node.sendsOf(Message.Neighbor.class);
        assertEquals(2, requests.size(), "a lost neighbour: both free places asked for at once (§4.2)");
        node.receive(requests.get(0).to(), new Message.Neighbor(requests.get(0).to(), Message.NeighborKind.ACCEPT,
                mac(requests.get(0).to(), node.self, SECRET)));
        assertTrue(node.state.activeView().contains(requests.get(0).to().id()));
    }

    @Test
    void aNewPassivePeerIsAskedAtOnceByANodeThatStoppedAsking() {
        oneShortWithPassivePeers(2);
        assertEquals(2, refuseEveryRequest(100).size());
        node.receive(peer(11), new Message.ShuffleReply(peer(11), List.of(peer(30)), mac(peer(11), node.self,
                SECRET)));
        List<Output.Send> requests = node.sendsOf(Message.Neighbor.class);
        assertEquals(1, requests.size());
        assertEquals(peer(30), requests.get(0).to());
    }

    @Test
    void aNodeWithoutNeighboursAsksAPeerThatRefusedItWithHighPriority() {
        oneShortWithPassivePeers(5);
        for (int i = 10; i < 14; i++) {
            node.input(new Input.PeerDisconnected(peer(i).id()));
        }
        assertTrue(node.state.activeView().isEmpty());
        // Its low-priority requests (sent while it still had neighbours) are all refused: every passive peer is full.
        Message.NeighborKind last = null;
        for (int round = 0; round < 100 && last != Message.NeighborKind.REQUEST_HIGH; round++) {
            List<Output.Send> requests = node.sendsOf(Message.Neighbor.class);
            node.outputs.clear();
            assertFalse(requests.isEmpty(), "a node with no neighbour is never held back by refusals");
            for (Output.Send request : requests) {
                last = ((Message.Neighbor) request.message()).kind();
                if (last == Message.NeighborKind.REQUEST_LOW) {
                    node.receive(request.to(), new Message.Disconnect(true));
                }
            }
        }
        assertEquals(Message.NeighborKind.REQUEST_HIGH, last, "then it asks one of them with high priority");
    }

    @Test
    void aPlaceThatOpensIsOfferedFirstToThePeersWhoseRequestWeRefused() {
        for (int i = 10; i < 15; i++) {
            node.connect(peer(i));
        }
        List<PeerInfo> backups = new ArrayList<>();
        for (int i = 20; i < 40; i++) {
            backups.add(peer(i));
        }
        node.receive(peer(10), new Message.ShuffleReply(peer(10), backups, mac(peer(10), node.self, SECRET)));
        for (PeerInfo asker : List.of(peer(3), peer(4))) {
            node.receive(asker, new Message.Neighbor(asker, Message.NeighborKind.REQUEST_LOW, mac(asker, node.self,
                    SECRET)));
        }
        assertEquals(2, node.sendsOf(Message.Disconnect.class).size(), "full: both refused");
        node.outputs.clear();

        node.input(new Input.PeerDisconnected(peer(10).id()));
        List<Output.Send> requests = node.sendsOf(Message.Neighbor.class);
        assertEquals(1, requests.size());
        assertEquals(peer(3), requests.get(0).to(), "the first peer we refused: it was short of neighbours");
        node.outputs.clear();
        node.receive(peer(3), new Message.Disconnect(true)); // it filled its view meanwhile
        requests = node.sendsOf(Message.Neighbor.class);
        assertEquals(peer(4), requests.get(0).to(), "then the next one we refused, before 20 random backups");
    }

    @Test
    void shuffleTimerSendsOurselvesAndSamplesOfBothViewsOnAWalk() {
        node.connect(peer(3));
        node.connect(peer(4));
        node.fire(new Timer.Shuffle());
        List<Output.Send> shuffles = node.sendsOf(Message.Shuffle.class);
        assertEquals(1, shuffles.size());
        Message.Shuffle shuffle = (Message.Shuffle) shuffles.get(0).message();
        assertEquals(node.self, shuffle.origin());
        assertEquals(6, shuffle.ttl());
        assertTrue(shuffle.peers().contains(node.self));
        assertEquals(60_000, node.delayOf(Timer.Shuffle.class));
    }

    @Test
    void shuffleAtTheEndOfItsWalkIsAnsweredToTheOriginAndIntegrated() {
        node.connect(peer(3));
        PeerInfo origin = peer(20);
        List<PeerInfo> offered = List.of(peer(21), peer(22));
        node.receive(peer(3), new Message.Shuffle(origin, offered, 0));
        List<Output.Send> replies = node.sendsOf(Message.ShuffleReply.class);
        assertEquals(1, replies.size());
        assertEquals(origin, replies.get(0).to());
        Message.ShuffleReply reply = (Message.ShuffleReply) replies.get(0).message();
        assertTrue(new Admission(Harness.TOPIC, SECRET).verify(node.self.id(), origin.id(), reply.mac()));
        assertTrue(node.state.passiveView().containsAll(Set.of(origin.id(), peer(21).id(), peer(22).id())));
    }

    @Test
    void shuffleWithTtlLeftIsPassedToAnotherNeighbour() {
        node.connect(peer(3));
        node.connect(peer(4));
        node.receive(peer(3), new Message.Shuffle(peer(20), List.of(peer(21)), 4));
        List<Output.Send> forwards = node.sendsOf(Message.Shuffle.class);
        assertEquals(peer(4), forwards.get(0).to());
        assertEquals(3, ((Message.Shuffle) forwards.get(0).message()).ttl());
        assertTrue(node.sendsOf(Message.ShuffleReply.class).isEmpty());
    }

    @Test
    void shuffleReplyWithoutTheSecretIsIgnored() {
        PeerInfo stranger = peer(30);
        node.receive(stranger, new Message.ShuffleReply(stranger, List.of(peer(31)),
                mac(stranger, node.self, Harness.filled(32, 1))));
        assertTrue(node.state.passiveView().isEmpty());
    }

    @Test
    void thePassiveViewStaysBounded() {
        node.connect(peer(3));
        for (int round = 0; round < 10; round++) {
            List<PeerInfo> offered = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                offered.add(peer(40 + round * 10 + i));
            }
            node.receive(peer(3), new Message.Shuffle(peer(39), offered, 0));
        }
        assertEquals(30, node.state.passiveView().size());
    }

    @Test
    void messagesFromPeersOutsideTheActiveViewAreDropped() {
        PeerInfo stranger = peer(9);
        node.receive(stranger, new Message.ForwardJoin(peer(2), 0));
        node.receive(stranger, new Message.Graft(null, 0));
        assertTrue(node.state.activeView().isEmpty());
        assertTrue(node.sends().isEmpty());
        assertEquals(2, node.state.stats().strangerDropped());
    }

    @Test
    void quitTellsEveryNeighbour() {
        node.connect(peer(3));
        node.connect(peer(4));
        node.input(new Input.Quit());
        assertEquals(2, node.sendsOf(Message.Disconnect.class).size());
        assertTrue(node.state.activeView().isEmpty());
    }

    @Test
    void tooManyJoinPeersIsAClearError() {
        List<PeerInfo> many = new ArrayList<>();
        for (int i = 0; i < 65; i++) {
            many.add(peer(i + 2));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> node.input(new Input.JoinPeers(many)));
        assertTrue(e.getMessage().contains("at most 64"), e.getMessage());
    }
}
