package io.topictracker.e2e;

import static io.topictracker.e2e.Swarm.SECRET;
import static io.topictracker.e2e.Swarm.TOPIC;
import static io.topictracker.e2e.Swarm.WAIT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.topictracker.engine.Node;
import io.topictracker.engine.Topic;
import io.topictracker.tck.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The short version of the churn soak (the long one is {@code bench}'s {@code ChurnSoakBenchmark}: 30 nodes, 15 rounds
 * of 20 s): 12 nodes over TCP on 127.0.0.1 and the in-memory DHT; three rounds, each closing 30 % of the live members
 * (4) and starting 4 new ones, with broadcasts every 500 ms during the 5 s a round lasts. Once churn stops, the
 * survivors must form one connected overlay within 30 s, and every later broadcast must reach all of them.
 *
 * <p>The swarm's injected clock (the records' minutes) moves on by the benchmark's round, 20 s, each round, so the
 * records age as in the benchmark, which runs on the real clock: the third round starts a new minute. (The swarm
 * otherwise stands still inside one minute, where a slot whose publishers were all closed stays full of them.)
 */
class ChurnSoakTest {
    private static final int NODES = 12;
    private static final int ROUNDS = 3;
    private static final int PER_ROUND = 4; // 30 % of 12, rounded
    private static final Duration ROUND = Duration.ofSeconds(5);
    /** How far the records' clock moves each round: the benchmark's round. */
    private static final Duration RECORD_CLOCK_STEP = Duration.ofSeconds(20);
    private static final Duration SETTLE = Duration.ofSeconds(30);

    /** A live member: its node, its topic and the broadcasts it received so far. */
    private record Member(Node node, Topic topic, Set<String> received) {
        static Member start(Swarm swarm, String name) {
            Node node = swarm.start(name);
            return new Member(node, node.joinNoWait(TOPIC, SECRET), new HashSet<>());
        }

        void drain() {
            Swarm.drain(topic, received);
        }
    }

    @Test
    void afterThreeRoundsOfThirtyPercentChurnTheSurvivorsFormOneOverlayAndGetEveryBroadcast() throws Exception {
        Random random = new Random(16);
        try (Swarm swarm = new Swarm()) {
            List<Member> live = new ArrayList<>(IntStream.range(0, NODES).parallel()
                    .mapToObj(i -> Member.start(swarm, "n" + i)).toList());
            Await.until(WAIT, "the first " + NODES + " nodes form one overlay", () -> connected(live));

            int name = NODES;
            int sentDuringChurn = 0;
            for (int round = 0; round < ROUNDS; round++) {
                List<Member> victims = new ArrayList<>(live);
                java.util.Collections.shuffle(victims, random);
                victims = victims.subList(0, PER_ROUND);
                live.removeAll(victims);
                victims.parallelStream().forEach(m -> m.node().close());
                int first = name;
                live.addAll(IntStream.range(first, first + PER_ROUND).parallel()
                        .mapToObj(i -> Member.start(swarm, "n" + i)).toList());
                name += PER_ROUND;
                swarm.clock.advance(RECORD_CLOCK_STEP);
                long roundEnd = System.nanoTime() + ROUND.toNanos();
                while (System.nanoTime() < roundEnd) {
                    List<Member> joined = live.stream().filter(m -> m.topic().joined().isDone()).toList();
                    if (!joined.isEmpty()) {
                        Member from = joined.get(random.nextInt(joined.size()));
                        // traffic during churn; whether it arrives is the benchmark's figure, not asserted here
                        from.topic().sender().broadcast(("churn " + sentDuringChurn++).getBytes(UTF_8))
                                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    }
                    live.forEach(Member::drain);
                    TimeUnit.MILLISECONDS.sleep(500); // the pace of the traffic, not a wait for an outcome
                }
            }

            List<Member> survivors = List.copyOf(live);
            Await.until(SETTLE, "the " + survivors.size() + " survivors joined and form one connected overlay", () ->
                    survivors.stream().allMatch(m -> m.topic().joined().isDone()) && connected(survivors));
            for (int i = 0; i < 3; i++) {
                Member from = survivors.get(random.nextInt(survivors.size()));
                String text = "after churn " + i;
                Await.result(from.topic().sender().broadcast(text.getBytes(UTF_8)), WAIT);
                Await.until(WAIT, "'" + text + "' reaches every survivor", () -> survivors.stream()
                        .filter(m -> m != from).allMatch(m -> {
                            m.drain();
                            return m.received().contains(text);
                        }));
            }
            assertEquals(NODES, survivors.size(), "as many members as at the start: each round replaced its victims");
        }
    }

    private static boolean connected(List<Member> members) {
        return Swarm.connected(members.stream().map(Member::topic).toList(),
                members.stream().map(Member::node).toList());
    }
}
