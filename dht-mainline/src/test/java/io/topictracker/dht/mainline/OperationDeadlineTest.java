package io.topictracker.dht.mainline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.topictracker.api.ConfigTable;
import io.topictracker.api.metrics.Metrics;
import io.topictracker.dht.mainline.node.DhtNode;
import io.topictracker.dht.mainline.node.MainlineSettings;
import io.topictracker.dht.mainline.node.NetworkConditions;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An operation's overall deadline, kept on the node's event loop. */
class OperationDeadlineTest {
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final DhtNode node = new DhtNode(MainlineSettings.from(ConfigTable.of("dht.mainline",
            Map.of("bootstrap", List.of()))),
            new BouncyCastleEd25519Provider(), Clock.systemUTC(), loop, NioDatagramChannel.class, Metrics.none(),
            new NetworkConditions());

    @AfterEach
    void stopLoop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Test
    void anOperationNotDoneInTimeFailsWithATimeout() {
        CompletableFuture<String> never = node.failAfter(50, new CompletableFuture<>());
        ExecutionException e = assertThrows(ExecutionException.class, () -> never.get(10, TimeUnit.SECONDS));
        assertInstanceOf(TimeoutException.class, e.getCause());
    }

    @Test
    void anOperationDoneInTimeKeepsItsResult() throws Exception {
        CompletableFuture<String> operation = new CompletableFuture<>();
        node.failAfter(50, operation);
        loop.execute(() -> operation.complete("done"));
        assertEquals("done", operation.get(10, TimeUnit.SECONDS));
        // past the deadline, on the same loop, the timer (cancelled or fired) has not replaced the result
        CompletableFuture<String> later = new CompletableFuture<>();
        loop.schedule(() -> later.complete(operation.join()), 100, TimeUnit.MILLISECONDS);
        assertEquals("done", later.get(10, TimeUnit.SECONDS));
    }
}
