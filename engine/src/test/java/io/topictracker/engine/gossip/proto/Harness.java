package io.topictracker.engine.gossip.proto;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.PeerId;
import io.topictracker.api.PeerInfo;
import io.topictracker.api.TopicId;
import io.topictracker.engine.gossip.GossipConfig;
import io.topictracker.engine.gossip.GossipEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Drives one GossipStateMachine by hand and records its outputs. */
final class Harness {
    static final TopicId TOPIC = TopicId.fromName("harness-topic");
    static final byte[] SECRET = filled(32, 7);

    final GossipStateMachine state;
    final PeerInfo self;
    final List<Output> outputs = new ArrayList<>();
    long now;

    Harness(int selfIndex, GossipConfig config, BroadcastAuth auth) {
        this(peer(selfIndex), config, auth);
    }

    Harness(PeerInfo self, GossipConfig config, BroadcastAuth auth) {
        this.self = self;
        this.state = new GossipStateMachine(TOPIC, self, config, SECRET, auth, new SplittableRandom(42), outputs::add);
        state.start(0);
        outputs.clear();
    }

    static Harness plain(int selfIndex) {
        return new Harness(selfIndex, GossipConfig.defaults().withVerifySignatures(false), BroadcastAuth.none());
    }

    static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    static PeerInfo peer(int index) {
        return new PeerInfo(PeerId.of(filled(32, index)), List.of(PeerAddress.of("inmemory", "n" + index, 1)));
    }

    /** The MAC that {@code from} would attach to a message to {@code to}, with the right or another secret. */
    static byte[] mac(PeerInfo from, PeerInfo to, byte[] secret) {
        return new Admission(TOPIC, secret).sign(from.id(), to.id());
    }

    void input(Input input) {
        state.handle(now, input);
    }

    void receive(PeerInfo from, Message message) {
        input(new Input.Received(from.id(), message));
    }

    /** Makes {@code peer} an active neighbour through a high-priority Neighbor request, then clears outputs. */
    void connect(PeerInfo peer) {
        receive(peer, new Message.Neighbor(peer, Message.NeighborKind.REQUEST_HIGH, mac(peer, self, SECRET)));
        outputs.clear();
    }

    void fire(Timer timer) {
        input(new Input.TimerFired(timer));
    }

    List<Output.Send> sends() {
        List<Output.Send> result = new ArrayList<>();
        for (Output output : outputs) {
            if (output instanceof Output.Send send) {
                result.add(send);
            }
        }
        return result;
    }

    <T extends Message> List<Output.Send> sendsOf(Class<T> type) {
        List<Output.Send> result = new ArrayList<>();
        for (Output.Send send : sends()) {
            if (type.isInstance(send.message())) {
                result.add(send);
            }
        }
        return result;
    }

    List<GossipEvent> events() {
        List<GossipEvent> result = new ArrayList<>();
        for (Output output : outputs) {
            if (output instanceof Output.Emit emit) {
                result.add(emit.event());
            }
        }
        return result;
    }

    List<GossipEvent.Received> received() {
        List<GossipEvent.Received> result = new ArrayList<>();
        for (GossipEvent event : events()) {
            if (event instanceof GossipEvent.Received r) {
                result.add(r);
            }
        }
        return result;
    }

    List<Timer> scheduled() {
        List<Timer> result = new ArrayList<>();
        for (Output output : outputs) {
            if (output instanceof Output.Schedule schedule) {
                result.add(schedule.timer());
            }
        }
        return result;
    }

    long delayOf(Class<? extends Timer> type) {
        for (Output output : outputs) {
            if (output instanceof Output.Schedule schedule && type.isInstance(schedule.timer())) {
                return schedule.delayMillis();
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " scheduled in " + outputs);
    }
}
