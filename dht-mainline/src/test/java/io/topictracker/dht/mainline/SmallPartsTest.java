package io.topictracker.dht.mainline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.dht.mainline.node.Bep42;
import io.topictracker.dht.mainline.node.IpVoter;
import io.topictracker.dht.mainline.node.Lookup;
import io.topictracker.dht.mainline.node.RateLimiter;
import io.topictracker.dht.mainline.node.RttEstimator;
import io.topictracker.dht.mainline.node.SlotSharing;
import io.topictracker.dht.mainline.routing.NodeIds;
import io.topictracker.dht.mainline.routing.NodeInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Lookup state, BEP42, IP voting, rate limiting, adaptive timeouts and slot sharing: pure logic. */
class SmallPartsTest {
    private final Random random = new Random(3);

    private NodeInfo randomNode(int port) {
        byte[] id = new byte[20];
        random.nextBytes(id);
        return new NodeInfo(id, new InetSocketAddress("127.0.0.1", port));
    }

    /** @return {@code count} random nodes, each added to the lookup, closest to {@code target} first */
    private List<NodeInfo> addRandomNodes(Lookup lookup, byte[] target, int count) {
        List<NodeInfo> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            NodeInfo n = randomNode(1000 + i);
            all.add(n);
            lookup.add(n);
        }
        all.sort(NodeIds.byDistanceTo(target));
        return all;
    }

    @Test
    void aRoutingLookupQueriesAlphaAtATimeAndEndsWhenTheKClosestAnswered() {
        byte[] target = new byte[20];
        Lookup lookup = new Lookup(target, 8, 3, 64, 64, false);
        List<NodeInfo> all = addRandomNodes(lookup, target, 30);
        int rounds = 0;
        while (!lookup.isDone() && rounds++ < 100) {
            List<NodeInfo> batch = lookup.next();
            assertTrue(batch.size() <= 3 && lookup.inFlight() <= 3);
            for (NodeInfo n : batch) {
                if (n.equals(all.get(1))) {
                    lookup.failed(n);
                } else {
                    lookup.responded(n, new byte[] {1});
                }
            }
        }
        assertTrue(lookup.isDone());
        List<Lookup.Candidate> closest = lookup.closestResponded(8);
        assertEquals(8, closest.size());
        assertEquals(all.get(0), closest.get(0).node());
        assertEquals(all.get(2), closest.get(1).node(), "the failed node is skipped");
        assertEquals(9, lookup.queries(), "only the 8 closest live nodes plus the failed one were asked");
    }

    @Test
    void aDataLookupQueriesTheRestOfTheKClosestAtOnceOnceTheClosestAnswered() {
        byte[] target = new byte[20];
        Lookup lookup = new Lookup(target, 8, 3, 64, 64, true);
        List<NodeInfo> all = addRandomNodes(lookup, target, 30);
        List<NodeInfo> first = lookup.next();
        assertEquals(all.subList(0, 3), first, "α = 3 at first");
        lookup.responded(all.get(1), new byte[] {1});
        lookup.responded(all.get(2), new byte[] {1});
        assertEquals(List.of(all.get(3), all.get(4)), lookup.next(),
                "while the closest has not answered, still α in flight");
        lookup.responded(all.get(0), new byte[] {1});
        assertEquals(all.subList(5, 8), lookup.next(), "the closest answered: the rest of the 8 closest at once");
        for (NodeInfo n : all.subList(3, 8)) {
            lookup.responded(n, new byte[] {1});
        }
        assertTrue(lookup.isDone());
        assertEquals(8, lookup.queries(), "no query beyond the 8 closest");
    }

    @Test
    void aDataLookupEndsWhenTheKClosestAnsweredEvenWithQueriesToFartherNodesInFlight() {
        byte[] target = new byte[20];
        Lookup lookup = new Lookup(target, 2, 4, 64, 64, true);
        List<NodeInfo> all = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            all.add(randomNode(2000 + i));
        }
        all.sort(NodeIds.byDistanceTo(target));
        lookup.add(all.get(2));
        lookup.add(all.get(3));
        assertEquals(2, lookup.next().size(), "the two known nodes are asked");
        // their answers are slow; meanwhile closer nodes are learned (from the table, or another answer)
        lookup.add(all.get(0));
        lookup.add(all.get(1));
        assertEquals(List.of(all.get(0), all.get(1)), lookup.next());
        lookup.responded(all.get(0), null);
        assertFalse(lookup.isDone(), "the second closest has not answered");
        lookup.responded(all.get(1), null);
        assertEquals(2, lookup.inFlight());
        assertTrue(lookup.isDone(), "answers from farther nodes cannot change the 2 closest, who answered");
    }

    @Test
    void aRoutingLookupWaitsForItsQueriesInFlight() {
        byte[] target = new byte[20];
        Lookup lookup = new Lookup(target, 2, 4, 64, 64, false);
        List<NodeInfo> all = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            all.add(randomNode(3000 + i));
        }
        all.sort(NodeIds.byDistanceTo(target));
        lookup.add(all.get(2));
        lookup.next();
        lookup.add(all.get(0));
        lookup.add(all.get(1));
        lookup.next();
        lookup.responded(all.get(0), null);
        lookup.responded(all.get(1), null);
        assertFalse(lookup.isDone(), "the farther node's answer still goes into the routing table first");
        lookup.responded(all.get(2), null);
        assertTrue(lookup.isDone());
    }

    @Test
    void slowNodesFreeTheirSlotAndHoldTheEndOnlyOfDataLookups() {
        byte[] target = new byte[20];
        for (boolean waitForSlow : new boolean[] {true, false}) {
            Lookup lookup = new Lookup(target, 2, 1, 64, 64, waitForSlow);
            NodeInfo a = randomNode(1);
            NodeInfo b = randomNode(2);
            lookup.add(a);
            lookup.add(b);
            NodeInfo first = lookup.next().get(0);
            NodeInfo second = first.equals(a) ? b : a;
            assertTrue(lookup.next().isEmpty(), "alpha = 1");
            lookup.slow(first);
            assertEquals(List.of(second), lookup.next(), "a slow query frees its slot");
            lookup.responded(second, null);
            assertEquals(!waitForSlow, lookup.isDone());
            lookup.responded(first, new byte[] {1});
            assertTrue(lookup.isDone());
            assertEquals(2, lookup.closestResponded(2).size(), "the late answer counts");
        }
    }

    @Test
    void bep42VectorsFromTheBep() {
        String[][] vectors = {{"124.31.75.21", "5fbfbf", "01"}, {"21.75.31.124", "5a3ce9", "56"},
            {"65.23.51.170", "a5d432", "16"}, {"84.124.73.14", "1b0321", "41"}, {"43.213.53.83", "e56f6c", "5a"}};
        for (String[] v : vectors) {
            byte[] id = new byte[20];
            byte[] prefix = HexFormat.of().parseHex(v[1]);
            System.arraycopy(prefix, 0, id, 0, 3);
            id[19] = (byte) Integer.parseInt(v[2], 16);
            InetAddress ip = ipv4(v[0]);
            assertTrue(Bep42.isValid(id, ip), v[0]);
            id[0] ^= 1;
            assertFalse(Bep42.isValid(id, ip), v[0]);
            assertTrue(Bep42.isValid(Bep42.idFor(ip, random), ip));
        }
        assertTrue(Bep42.isExempt(ipv4("127.0.0.1")) && Bep42.isExempt(ipv4("192.168.1.2")));
    }

    @Test
    void externalIpNeedsAQuorumAndMajority() {
        IpVoter voter = new IpVoter(3, 10);
        InetAddress mine = ipv4("203.0.113.7");
        assertNull(voter.vote(ipv4("1.1.1.1"), mine));
        assertNull(voter.vote(ipv4("1.1.1.1"), mine), "one voter counts once");
        assertNull(voter.vote(ipv4("2.2.2.2"), mine));
        assertEquals(mine, voter.vote(ipv4("3.3.3.3"), mine));
        assertNull(voter.vote(ipv4("4.4.4.4"), ipv4("198.51.100.1")));
    }

    @Test
    void beforeAQuorumTheUnanimousReportStandsInAndADisagreementWithdrawsIt() {
        IpVoter voter = new IpVoter(3, 10);
        assertNull(voter.unanimous(), "no vote yet");
        InetAddress mine = ipv4("203.0.113.7");
        voter.vote(ipv4("1.1.1.1"), mine);
        assertNull(voter.decided());
        assertEquals(mine, voter.unanimous(), "one voter, no dissent");
        voter.vote(ipv4("127.0.0.1"), ipv4("127.0.0.1"));
        assertEquals(mine, voter.unanimous(), "a node on this host reaching us over loopback is no dissent");
        voter.vote(ipv4("2.2.2.2"), ipv4("198.51.100.1"));
        assertNull(voter.unanimous(), "two voters disagree");
        voter.vote(ipv4("3.3.3.3"), mine);
        voter.vote(ipv4("4.4.4.4"), mine);
        assertEquals(mine, voter.decided());
        assertEquals(mine, voter.unanimous(), "a decision stands even with a dissenter");
    }

    @Test
    void rateLimiterBoundsAFlood() {
        RateLimiter limiter = new RateLimiter(100, 20, 2);
        InetAddress flooder = ipv4("198.51.100.9");
        int allowed = 0;
        for (int i = 0; i < 1000; i++) {
            if (limiter.allow(flooder, 0)) {
                allowed++;
            }
        }
        assertEquals(20, allowed, "only the burst passes in one instant");
        assertTrue(limiter.allow(ipv4("198.51.100.10"), 0), "other sources are unaffected");
        assertTrue(limiter.allow(flooder, 1_000_000_000L), "tokens refill with time");
    }

    @Test
    void timeoutAdaptsToMeasuredRoundTrips() {
        RttEstimator rtt = new RttEstimator(1_000_000, 2_000_000_000L);
        assertEquals(2_000_000_000L, rtt.timeoutNanos());
        for (int i = 0; i < 50; i++) {
            rtt.sample(100_000);
        }
        assertEquals(1_000_000, rtt.timeoutNanos(), "clamped to the minimum");
        for (int i = 0; i < 50; i++) {
            rtt.sample(100_000_000);
        }
        assertTrue(rtt.timeoutNanos() >= 100_000_000);
    }

    /** @return the 8 closest of 8 random nodes, each answered with a token */
    private List<Lookup.Candidate> eightClosest() {
        Lookup lookup = new Lookup(new byte[20], 8, 8, 64, 64, true);
        for (int i = 0; i < 8; i++) {
            lookup.add(randomNode(2000 + i));
        }
        for (NodeInfo n : lookup.next()) {
            lookup.responded(n, new byte[] {1});
        }
        return new ArrayList<>(lookup.closestResponded(8));
    }

    @Test
    void writersOfOneSlotShareTheClosestNodes() {
        List<Lookup.Candidate> closest = eightClosest();
        Map<NodeInfo, SlotSharing.Held> held = new HashMap<>();
        assertEquals(8, SlotSharing.choose(closest, Map.of(closest.get(5).node(), new SlotSharing.Held(0, "a0")), 0,
                "a", java.util.Set.of("a0")).size(), "our earlier value there: a re-put, every free node");
        List<Lookup.Candidate> first = SlotSharing.choose(closest, held, 0, "a");
        assertEquals(4, first.size(), "the first writer of an empty slot takes half");
        first.forEach(c -> held.put(c.node(), new SlotSharing.Held(0, "a")));
        List<Lookup.Candidate> second = SlotSharing.choose(closest, held, 0, "b");
        assertEquals(4, second.size(), "the second writer takes the other half");
        assertTrue(second.stream().noneMatch(first::contains));
        second.forEach(c -> held.put(c.node(), new SlotSharing.Held(0, "b")));
        List<Lookup.Candidate> third = SlotSharing.choose(closest, held, 0, "c");
        assertEquals(3, third.size());
        third.forEach(c -> held.put(c.node(), new SlotSharing.Held(0, "c")));
        assertEquals(3, held.values().stream().map(SlotSharing.Held::value).distinct().count());
        assertEquals(8, SlotSharing.choose(closest, held, 1, "d").size(), "a higher seq replaces everywhere");
        assertEquals(new java.util.HashSet<>(third),
                new java.util.HashSet<>(SlotSharing.choose(closest, held, 0, "c2", java.util.Set.of("c"))),
                "c's new value replaces c's earlier one on its nodes (its fair share), taking none from a or b");
        assertEquals(2, SlotSharing.choose(closest, held, 0, "c2").size(), "without knowing c was ours: a 4th writer");
    }

    @Test
    void twoWritersWhosePutsCrossOnAnEmptySlotRarelyLoseOneAnother() {
        // neither lookup saw the other's value, so both take half of the empty slot; the later put replaces the
        // earlier only where the halves overlap
        List<Lookup.Candidate> closest = eightClosest();
        int lost = 0;
        int pairs = 2_000;
        for (int i = 0; i < pairs; i++) {
            List<Lookup.Candidate> earlier = SlotSharing.choose(closest, Map.of(), 0, "record " + i + " of x");
            List<Lookup.Candidate> later = SlotSharing.choose(closest, Map.of(), 0, "record " + i + " of y");
            assertEquals(4, earlier.size());
            assertEquals(4, later.size());
            if (later.containsAll(earlier)) {
                lost++;
            }
        }
        // two independent halves of 8 coincide with probability 1 / C(8,4) = 1/70: about 29 of 2,000
        assertTrue(lost > 0 && lost < pairs / 35, "the earlier writer lost everywhere in " + lost + " of " + pairs);
    }

    private static InetAddress ipv4(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
