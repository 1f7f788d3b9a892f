package io.topictracker.transport.relay;

import io.netty.channel.ChannelOption;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.DuplexChannel;
import io.topictracker.api.ConfigTable;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.TransportProvider;
import io.topictracker.tck.Await;
import io.topictracker.tck.TransportContracts;
import io.topictracker.tck.TransportUnderTest;
import io.topictracker.stream.StreamConnection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Runs every transport contract against the relay provider over 127.0.0.1. Each peer serves (a relay listener), so
 * a peer's address is its own relay address and a dial is a Connect to the relay's own id: the direct path through
 * the relay port, with the hop's mutual TLS as the connection's. The relayed path (a circuit between two other
 * peers) is covered by {@code RelayCircuitTest}.
 */
class RelayTransportContractTest extends TransportContracts {
    private static final TransportUnderTest TRANSPORT = new UnderTest();

    @Override
    protected TransportUnderTest transport() {
        return TRANSPORT;
    }

    private static final class UnderTest implements TransportUnderTest {
        private static final int MAX_FRAME = 64 * 1024;

        @Override
        public TransportProvider provider() {
            return new RelayTransportProvider();
        }

        @Override
        public int maxFrameSize() {
            return MAX_FRAME;
        }

        @Override
        public ConfigTable settings() {
            return ConfigTable.of("transport.relay", Map.of("serve", "always", "reserve", "off",
                    "bind_address", "127.0.0.1", "port", 0L, "max_frame_size", (long) MAX_FRAME,
                    "handshake_timeout", "15s"));
        }

        @Override
        public void shutdownOutput(Connection connection) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            ((DuplexChannel) channel(connection)).shutdownOutput().addListener(f -> done.complete(null));
            Await.result(done, Duration.ofSeconds(20));
        }

        @Override
        public void abort(Connection connection) {
            channel(connection).config().setOption(ChannelOption.SO_LINGER, 0);
            channel(connection).close();
        }

        @Override
        public void sendOverLimitLength(Connection connection, int length) {
            channel(connection).writeAndFlush(Unpooled.buffer(4).writeInt(length));
        }

        private static io.netty.channel.Channel channel(Connection connection) {
            return ((StreamConnection) connection).channel();
        }
    }
}
