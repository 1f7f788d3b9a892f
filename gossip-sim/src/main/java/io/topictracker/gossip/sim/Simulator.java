package io.topictracker.gossip.sim;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.TopicId;
import io.topictracker.engine.gossip.GossipConfig;
import io.topictracker.engine.gossip.GossipEvent;
import io.topictracker.engine.gossip.proto.BroadcastAuth;
import io.topictracker.engine.gossip.proto.Gossip;
import io.topictracker.engine.gossip.proto.GossipStateMachine;
import io.topictracker.engine.gossip.proto.Input;
import io.topictracker.engine.gossip.proto.Message;
import io.topictracker.engine.gossip.proto.Output;
import io.topictracker.engine.gossip.proto.Timer;
import io.topictracker.engine.measure.Percentiles;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A deterministic, in-process network of gossip nodes: each node is a {@link GossipStateMachine} driven directly, time is
 * virtual, every link has a fixed latency drawn from a seeded hash (so messages on one link stay in order), and all
 * randomness comes from one seed. The same seed and the same calls give the same result, bit for bit.
 *
 * <p>Failures: a crashed node receives nothing; peers holding a link to it see the link fail one latency later, and a
 * message sent to it fails the same way (a dial that gets no answer). A split drops every message across the cut and
 * fails the links across it. Broadcasts are unsigned here (checking costs ~50 µs per message and is covered by the
 * unit tests); the admission MAC is real.
 *
 * <p>Not thread-safe: one simulation runs on one thread.
 *
 * <p>Size: a little over 400 lines on purpose: it is the one place where virtual time, links and node failures meet
 * the state machines (the event queue, the network model and the scenarios already live in their own classes), and
 * splitting the delivery loop from the failure model would put one ordering rule in two places.
 */
public final class Simulator {
    private static final TopicId TOPIC = TopicId.fromName("simulation");
    private static final byte[] SECRET_HASH = new byte[32];

    /** Event kinds: a message arrives at {@code node} from {@code peer}. */
    private static final int DELIVER = 0;
    /** A timer of {@code node} is due. */
    private static final int FIRE = 1;
    /** {@code node}'s link to {@code peer} failed. */
    private static final int LOST = 2;

    /** Per-broadcast bookkeeping. */
    private static final class Tracked {
        /** Its tracking number. */
        final int number;
        final int author;
        final long sentAt;
        int reached = 1;
        long payloadMessages;
        int lastHop;
        /** The last delivery hop had the message taken its author's fastest paths over the overlay at sending. */
        final int fastestLastHop;
        final boolean[] got;

        Tracked(int number, int author, long sentAt, int nodes, int fastestLastHop) {
            this.number = number;
            this.author = author;
            this.sentAt = sentAt;
            this.fastestLastHop = fastestLastHop;
            this.got = new boolean[nodes];
            got[author] = true;
        }
    }

    private final long seed;
    private final GossipConfig config;
    private final int minLatency;
    private final int maxLatency;
    private final SplittableRandom random;
    private final List<GossipStateMachine> nodes = new ArrayList<>();
    private final List<PeerInfo> infos = new ArrayList<>();
    private final Map<PeerId, Integer> index = new HashMap<>();
    private final boolean[] alive;
    private final int[] side;
    private final VirtualTimeQueue queue = new VirtualTimeQueue();
    private final List<Tracked> tracked = new ArrayList<>();
    /** Delivery latencies of tracked messages, unboxed: an all-senders run at 5,000 nodes records 25 million. */
    private long[] latencies = new long[1024];
    private int latencyCount;
    /**
     * Latencies are sampled for tracked messages from this number on: a message of an earlier phase that still
     * arrives (say, one sent during a split, reaching the other half after the heal) is not the current phase's.
     */
    private int sampledFrom;
    private long now;
    /** Events dispatched so far: apart from a join, the overlay can only have changed if this moved. */
    private long dispatched;
    /** The overlay as of {@link #pathsAt} events, for {@link FastestPaths}; rebuilt when needed. */
    private FastestPaths paths;
    private long pathsAt = -1;
    /** Set while a Gossip is handed to a node, so a delivery can be attributed to its message and hop. */
    private int deliveringHop = -1;

    /**
     * @param nodeCount how many nodes, 2–100,000
     * @param seed the only source of randomness
     * @param config gossip settings (signature checking is not used here)
     * @param minLatency smallest one-way link latency in ms, at least 1
     * @param maxLatency largest one-way link latency in ms
     */
    public Simulator(int nodeCount, long seed, GossipConfig config, int minLatency, int maxLatency) {
        if (nodeCount < 2 || nodeCount > 100_000) {
            throw new IllegalArgumentException("nodes must be 2-100000, got " + nodeCount);
        }
        if (minLatency < 1 || maxLatency < minLatency) {
            throw new IllegalArgumentException("need 1 <= minLatency <= maxLatency, got " + minLatency + ", "
                    + maxLatency);
        }
        this.seed = seed;
        this.config = config;
        this.minLatency = minLatency;
        this.maxLatency = maxLatency;
        this.random = new SplittableRandom(seed);
        this.alive = new boolean[nodeCount];
        this.side = new int[nodeCount];
        for (int i = 0; i < nodeCount; i++) {
            byte[] key = ByteBuffer.allocate(32).putLong(seed).putInt(i).array();
            PeerInfo info = new PeerInfo(PeerId.of(key), List.of(PeerAddress.of("sim", "n" + i, 1)));
            infos.add(info);
            index.put(info.id(), i);
            int self = i;
            GossipStateMachine state = new GossipStateMachine(TOPIC, info, config, SECRET_HASH, BroadcastAuth.none(),
                    random.split(), output -> onOutput(self, output));
            nodes.add(state);
            alive[i] = true;
        }
    }

    /** @return the number of nodes, alive or not */
    public int size() {
        return nodes.size();
    }

    /** @return the virtual time in ms */
    public long now() {
        return now;
    }

    /** @return node {@code i}'s state machine, for inspection */
    public GossipStateMachine node(int i) {
        return nodes.get(i);
    }

    /** @return whether node {@code i} is running */
    public boolean isAlive(int i) {
        return alive[i];
    }

    /** @return the seed this simulation was built with */
    public long seed() {
        return seed;
    }

    /**
     * Starts every node and has node {@code i > 0} join {@code contacts} random earlier nodes, one node every
     * {@code spacingMillis}, then runs {@code settleMillis} more.
     */
    public void bootstrap(int contacts, long spacingMillis, long settleMillis) {
        for (int i = 0; i < nodes.size(); i++) {
            nodes.get(i).start(now);
            if (i > 0) {
                List<PeerInfo> chosen = new ArrayList<>();
                for (int k = 0; k < Math.min(contacts, i); k++) {
                    PeerInfo candidate = infos.get(random.nextInt(i));
                    if (!chosen.contains(candidate)) {
                        chosen.add(candidate);
                    }
                }
                input(i, new Input.JoinPeers(chosen));
            }
            runFor(spacingMillis);
        }
        runFor(settleMillis);
    }

    /** Processes every event due within the next {@code millis}. */
    public void runFor(long millis) {
        long until = now + millis;
        while (!queue.isEmpty() && queue.peekTime() <= until) {
            queue.poll();
            now = queue.polledTime();
            dispatch(queue.polledKind(), queue.polledNode(), queue.polledPeer(), queue.polledItem());
        }
        now = until;
    }

    private void dispatch(int kind, int node, int peer, Object item) {
        dispatched++;
        if (!alive[node]) {
            return;
        }
        if (kind == DELIVER) {
            if (side[node] != side[peer]) {
                return;
            }
            Message message = (Message) item;
            if (message instanceof Gossip gossip && !gossip.neighborsOnly()) {
                Tracked t = trackedOf(gossip.payloadUnsafe());
                if (t != null) {
                    t.payloadMessages++;
                }
                deliveringHop = gossip.round() + 1;
            }
            nodes.get(node).handle(now, new Input.Received(infos.get(peer).id(), message));
            deliveringHop = -1;
        } else if (kind == FIRE) {
            nodes.get(node).handle(now, new Input.TimerFired((Timer) item));
        } else if (kind == LOST) {
            nodes.get(node).handle(now, new Input.PeerDisconnected(infos.get(peer).id()));
        }
    }

    private void input(int node, Input input) {
        nodes.get(node).handle(now, input);
    }

    private void onOutput(int from, Output output) {
        if (output instanceof Output.Send send) {
            int to = index.get(send.to().id());
            long arrival = now + latency(from, to);
            if (alive[to] && side[to] == side[from]) {
                queue.add(arrival, DELIVER, to, from, send.message());
            } else {
                // No answer from a crashed or cut-off peer: the dial (or the link) fails after a round trip.
                queue.add(now + 2L * latency(from, to), LOST, from, to, null);
            }
        } else if (output instanceof Output.Schedule schedule) {
            queue.add(now + schedule.delayMillis(), FIRE, from, -1, schedule.timer());
        } else if (output instanceof Output.Emit emit && emit.event() instanceof GossipEvent.Received received
                && !received.neighborsOnly()) {
            Tracked t = trackedOf(received.payload());
            if (t != null && !t.got[from]) {
                t.got[from] = true;
                t.reached++;
                t.lastHop = Math.max(t.lastHop, deliveringHop);
                if (t.number < sampledFrom) {
                    return;
                }
                if (latencyCount == latencies.length) {
                    latencies = Arrays.copyOf(latencies, latencies.length * 2);
                }
                latencies[latencyCount++] = now - t.sentAt;
            }
        }
    }

    private Tracked trackedOf(byte[] payload) {
        if (payload.length < 4) {
            return null;
        }
        int id = ByteBuffer.wrap(payload).getInt();
        return id >= 0 && id < tracked.size() ? tracked.get(id) : null;
    }

    /** A fixed latency per unordered pair, from a seeded hash, so each link is FIFO. */
    private int latency(int a, int b) {
        long x = seed ^ (Math.min(a, b) * 0x9E3779B97F4A7C15L) ^ (Math.max(a, b) * 0xC2B2AE3D27D4EB4FL);
        x ^= x >>> 33;
        x *= 0xFF51AFD7ED558CCDL;
        x ^= x >>> 33;
        return minLatency + (int) Math.floorMod(x, (long) (maxLatency - minLatency + 1));
    }

    /**
     * Node {@code author} broadcasts a tracked message of {@code size} bytes (at least 4).
     *
     * @return the message's tracking number
     */
    public int broadcast(int author, int size) {
        int id = tracked.size();
        tracked.add(new Tracked(id, author, now, nodes.size(), fastestLastHop(author)));
        byte[] payload = ByteBuffer.allocate(Math.max(4, size)).putInt(id).array();
        input(author, new Input.Broadcast(payload));
        return id;
    }

    private int fastestLastHop(int author) {
        if (paths == null || pathsAt != dispatched) {
            int[][] links = new int[nodes.size()][];
            for (int i = 0; i < links.length; i++) {
                links[i] = nodes.get(i).activeView().stream().mapToInt(index::get).toArray();
            }
            paths = new FastestPaths(links, this::latency);
            pathsAt = dispatched;
        }
        boolean[] reachable = new boolean[nodes.size()];
        for (int i = 0; i < reachable.length; i++) {
            reachable[i] = alive[i] && side[i] == side[author];
        }
        return paths.lastHop(author, reachable);
    }

    /** Crashes a node: it stops, and each peer with a link to it sees the link fail one latency later. */
    public void crash(int node) {
        if (!alive[node]) {
            return;
        }
        alive[node] = false;
        PeerId id = infos.get(node).id();
        for (int i = 0; i < nodes.size(); i++) {
            if (alive[i] && nodes.get(i).activeView().contains(id)) {
                queue.add(now + latency(i, node), LOST, i, node, null);
            }
        }
    }

    /** Assigns each node a side; links across sides fail at once (one latency later) and messages across are lost. */
    public void split(int[] sides) {
        if (sides.length != nodes.size()) {
            throw new IllegalArgumentException("need one side per node");
        }
        System.arraycopy(sides, 0, side, 0, sides.length);
        for (int i = 0; i < nodes.size(); i++) {
            if (!alive[i]) {
                continue;
            }
            for (PeerId peer : nodes.get(i).activeView()) {
                int j = index.get(peer);
                if (side[j] != side[i]) {
                    queue.add(now + latency(i, j), LOST, i, j, null);
                }
            }
        }
    }

    /** Heals a split: every node is on one side again (links re-form only through joins). */
    public void heal() {
        Arrays.fill(side, 0);
    }

    /** Has {@code node} join the given peers (what the bootstrap and merge layers do from DHT records). */
    public void join(int node, List<Integer> peers) {
        List<PeerInfo> list = new ArrayList<>();
        for (int peer : peers) {
            list.add(infos.get(peer));
        }
        pathsAt = -1;
        input(node, new Input.JoinPeers(list));
    }

    /** @return the shared random source, for scenarios */
    SplittableRandom random() {
        return random;
    }

    /** @return the side of node {@code i} */
    int side(int i) {
        return side[i];
    }

    /** @return the sum over nodes of messages sent so far */
    public long totalMessagesSent() {
        long total = 0;
        for (GossipStateMachine node : nodes) {
            total += node.stats().messagesSent();
        }
        return total;
    }

    /** @return the tracked messages broadcast so far */
    public int trackedCount() {
        return tracked.size();
    }

    /** @return whether every node alive and on its author's side has tracked message {@code message} */
    public boolean reachedAll(int message) {
        Tracked t = tracked.get(message);
        for (int i = 0; i < nodes.size(); i++) {
            if (alive[i] && side[i] == side[t.author] && !t.got[i]) {
                return false;
            }
        }
        return true;
    }

    /** @return whether node {@code i} received tracked message {@code message} (authors count as having it) */
    public boolean received(int message, int i) {
        return tracked.get(message).got[i];
    }

    /**
     * Summarises tracked messages {@code [first, last)}: a delivery is expected at every node alive now and on the
     * author's side, except the author. The latency percentiles are over the deliveries since the previous report (or
     * {@link #clearLatencies()}) of messages tracked after it, so late arrivals of an earlier phase's messages do not
     * count in this phase.
     */
    public SimReport report(String scenario, int first, int last, long messagesBefore, int nodesAtStart,
            long wallMillis) {
        long expected = 0;
        long delivered = 0;
        long payloadMessages = 0;
        long reachedMinusOne = 0;
        int ldhMax = 0;
        long ldhSum = 0;
        int fastestMax = 0;
        long fastestSum = 0;

        for (int m = first; m < last; m++) {
            Tracked t = tracked.get(m);
            for (int i = 0; i < nodes.size(); i++) {
                if (i != t.author && alive[i] && side[i] == side[t.author]) {
                    expected++;
                    if (t.got[i]) {
                        delivered++;
                    }
                }
            }
            payloadMessages += t.payloadMessages;
            reachedMinusOne += t.reached - 1;
            ldhMax = Math.max(ldhMax, t.lastHop);
            ldhSum += t.lastHop;
            fastestMax = Math.max(fastestMax, t.fastestLastHop);
            fastestSum += t.fastestLastHop;
        }
        Percentiles latency = Percentiles.of(Arrays.copyOf(latencies, latencyCount));
        latencyCount = 0;
        sampledFrom = Math.max(sampledFrom, last);
        int count = last - first;
        double rmr = reachedMinusOne == 0 ? 0 : (double) payloadMessages / reachedMinusOne - 1;
        double perNode = (double) (totalMessagesSent() - messagesBefore) / nodesAtStart;
        return new SimReport(scenario, nodesAtStart, count, expected, delivered, rmr, ldhMax,
                count == 0 ? 0 : (double) ldhSum / count, fastestMax, count == 0 ? 0 : (double) fastestSum / count,
                (long) latency.at(50).orElse(0), (long) latency.at(95).orElse(0), (long) latency.at(99).orElse(0),
                (long) latency.at(100).orElse(0), perNode, wallMillis);
    }

    /** Forgets latency samples gathered so far (e.g. during warm-up). */
    public void clearLatencies() {
        latencyCount = 0;
        sampledFrom = tracked.size();
    }
}
