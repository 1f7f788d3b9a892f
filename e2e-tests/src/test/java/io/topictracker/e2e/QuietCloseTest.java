package io.topictracker.e2e;

import static io.topictracker.e2e.Swarm.SECRET;
import static io.topictracker.e2e.Swarm.TOPIC;
import static io.topictracker.e2e.Swarm.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.topictracker.engine.Node;
import io.topictracker.engine.Topic;
import io.topictracker.tck.Await;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Closing nodes while gossip is in flight logs nothing at WARN or ERROR. The demo used to end with
 * {@code RejectedExecutionException: event executor terminated} logged at ERROR in about half its runs: a topic's
 * driver still sent (its quit, or a reply to a late input) through a TCP connection whose event loop the closing
 * transport had terminated, and Netty logged the refused listener notification.
 *
 * <p>slf4j-simple writes to {@code System.err} as it is at each line (its default target), so the test captures the
 * log by putting a tee there for its duration.
 */
class QuietCloseTest {
    private static final int ROUNDS = 20;
    private static final int NODES = 20;
    /** slf4j-simple's line: {@code [thread] LEVEL logger - message}. */
    private static final Pattern WARN_OR_ERROR = Pattern.compile("(?m)^\\[[^\\]\\n]*\\] (WARN|ERROR) .*$");

    @Test
    @Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES)
    void twentyNodesClosedTwentyTimesOverTcpLogNoWarningOrError() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(new Tee(original, captured), true, StandardCharsets.UTF_8));
        try {
            for (int round = 0; round < ROUNDS; round++) {
                closeASwarmMidGossip(round);
            }
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        List<String> bad = new ArrayList<>();
        Matcher matcher = WARN_OR_ERROR.matcher(log);
        while (matcher.find()) {
            bad.add(matcher.group());
        }
        assertEquals(List.of(), bad, "WARN or ERROR logged while closing " + ROUNDS + " swarms of " + NODES
                + " nodes");
    }

    /** Starts the nodes, joins them, sets broadcasts going from every node and closes them one by one, as the demo. */
    private static void closeASwarmMidGossip(int round) {
        try (Swarm swarm = new Swarm()) {
            List<Topic> topics = new ArrayList<>();
            for (int i = 0; i < NODES; i++) {
                Node node = swarm.start("r" + round + "n" + i);
                topics.add(node.joinNoWait(TOPIC, SECRET));
            }
            for (Topic topic : topics) {
                Await.result(topic.joined(), WAIT);
            }
            for (int i = 0; i < NODES; i++) {
                topics.get(i).sender().broadcast(("round " + round + " from " + i).getBytes(StandardCharsets.UTF_8));
            }
            for (Node node : List.copyOf(swarm.nodes)) {
                node.close(); // in turn: the others keep gossiping to the one closing
            }
        }
    }

    /** Writes to both streams; the capture is what the assertion reads. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public synchronized void write(int b) throws java.io.IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) throws java.io.IOException {
            first.write(bytes, offset, length);
            second.write(bytes, offset, length);
        }

        @Override
        public synchronized void flush() throws java.io.IOException {
            first.flush();
            second.flush();
        }
    }
}
