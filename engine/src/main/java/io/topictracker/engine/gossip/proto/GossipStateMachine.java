package io.topictracker.engine.gossip.proto;

import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.TopicId;
import io.topictracker.engine.gossip.GossipConfig;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The gossip state machine of one topic on one node: HyParView membership feeding PlumTree broadcast. Inputs go in
 * through {@link #handle(long, Input)} with the current time; outputs (send, schedule, disconnect, event) go to the
 * sink given at construction, synchronously, in order.
 *
 * <p>Pure: no threads, sockets or wall clock; all randomness comes from the injected source, so a run is reproduced
 * exactly by the same seed and inputs. Not thread-safe: drive it from one thread (the topic's serial executor) only.
 *
 * <p>Admission rule: apart from Join, Neighbor and ShuffleReply (which prove the topic secret with an
 * {@link Admission} MAC) and Disconnect (which can only shrink our state), a message from a peer outside our active
 * view is dropped, so a node that never proved the secret cannot take part in membership or broadcast.
 */
public final class GossipStateMachine {
    private final TopicId topic;
    private final Env env;
    private final HyParView membership;
    private final PlumTree broadcast;
    private boolean started;

    /**
     * @param topic the topic, not null
     * @param self our id and addresses, not null
     * @param config the settings, not null
     * @param secretHash the 32-byte topic secret hash the admission MAC key is derived from, not null
     * @param auth signs and checks broadcasts, not null
     * @param random the only source of randomness (seed it for reproducible runs), not null
     * @param out receives every output, synchronously, on the calling thread; not null
     */
    public GossipStateMachine(TopicId topic, PeerInfo self, GossipConfig config, byte[] secretHash, BroadcastAuth auth,
            RandomGenerator random, Consumer<Output> out) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.env = new Env(Objects.requireNonNull(self, "self"), Objects.requireNonNull(config, "config"),
                Objects.requireNonNull(random, "random"), Objects.requireNonNull(out, "out"), new GossipStats());
        Admission admission = new Admission(topic, secretHash);
        // The membership layer tells the broadcast layer of every active-view change; the broadcast layer only sends
        // to active peers, looked up through the membership layer.
        PlumTree[] tree = new PlumTree[1];
        this.membership = new HyParView(env, admission, new HyParView.Listener() {
            @Override
            public void neighborUp(PeerId peer) {
                tree[0].neighborUp(peer);
            }

            @Override
            public void neighborDown(PeerId peer) {
                tree[0].neighborDown(peer);
            }
        });
        this.broadcast = new PlumTree(env, Objects.requireNonNull(auth, "auth"), membership::activeInfo);
        tree[0] = broadcast;
    }

    /** Schedules the periodic timers; call once before the first {@link #handle}. */
    public void start(long now) {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        broadcast.start(now);
        membership.start();
    }

    /**
     * Processes one input at time {@code now} (milliseconds on any monotonic scale).
     *
     * @throws io.topictracker.api.MessageTooLargeException for an over-size broadcast (nothing is sent)
     * @throws IllegalArgumentException for a JoinPeers naming too many peers
     * @throws IllegalStateException if not started
     */
    public void handle(long now, Input input) {
        if (!started) {
            throw new IllegalStateException("start(now) must be called before handle");
        }
        broadcast.setNow(now);
        if (input instanceof Input.Received received) {
            onMessage(received.from(), received.message());
        } else if (input instanceof Input.TimerFired fired) {
            membership.onTimer(fired.timer());
            broadcast.onTimer(fired.timer());
        } else if (input instanceof Input.PeerDisconnected lost) {
            membership.onPeerDisconnected(lost.peer());
        } else if (input instanceof Input.JoinPeers join) {
            membership.joinPeers(join.peers(), join.untilJoined());
        } else if (input instanceof Input.Broadcast command) {
            broadcast.broadcast(command.payload(), false);
        } else if (input instanceof Input.BroadcastNeighbors command) {
            broadcast.broadcast(command.payload(), true);
        } else if (input instanceof Input.Quit) {
            membership.quit();
        }
        // PeerConnected needs no action: HyParView reacts to messages and failures, not to connection set-up.
    }

    private void onMessage(PeerId from, Message message) {
        boolean membershipMessage = message instanceof Message.Join || message instanceof Message.Neighbor
                || message instanceof Message.ShuffleReply || message instanceof Message.Disconnect;
        if (membershipMessage) {
            membership.onMessage(from, message);
            return;
        }
        if (!membership.isActive(from)) {
            env.stats.stranger();
            return;
        }
        if (message instanceof Message.ForwardJoin || message instanceof Message.Shuffle) {
            membership.onMessage(from, message);
        } else {
            broadcast.onMessage(from, message);
        }
    }

    /** @return the topic, never null */
    public TopicId topic() {
        return topic;
    }

    /** @return our own peer info, never null */
    public PeerInfo self() {
        return env.self;
    }

    /** @return a read-only live view of the active view; never null */
    public Set<PeerId> activeView() {
        return membership.activeView();
    }

    /** @return the active view's peers with their addresses, a snapshot; never null */
    public java.util.List<PeerInfo> activePeers() {
        java.util.List<PeerInfo> peers = new java.util.ArrayList<>();
        for (PeerId peer : membership.activeView()) {
            PeerInfo info = membership.activeInfo(peer);
            if (info != null) {
                peers.add(info);
            }
        }
        return peers;
    }

    /** @return a read-only live view of the passive view; never null */
    public Set<PeerId> passiveView() {
        return membership.passiveView();
    }

    /** @return a read-only live view of PlumTree's eager peers; never null */
    public Set<PeerId> eagerPeers() {
        return broadcast.eagerPeers();
    }

    /** @return a read-only live view of PlumTree's lazy peers; never null */
    public Set<PeerId> lazyPeers() {
        return broadcast.lazyPeers();
    }

    /** @return true if a Neighbor request to {@code peer} awaits an answer */
    public boolean isPending(PeerId peer) {
        return membership.isPending(peer);
    }

    /** @return the number of delivered ids remembered */
    public int receivedIdCount() {
        return broadcast.receivedCount();
    }

    /** @return the number of payloads cached for Grafts */
    public int cachedMessageCount() {
        return broadcast.cachedCount();
    }

    /** @return the counters, never null */
    public GossipStats stats() {
        return env.stats;
    }

    /** @return the settings, never null */
    public GossipConfig config() {
        return env.config;
    }
}
