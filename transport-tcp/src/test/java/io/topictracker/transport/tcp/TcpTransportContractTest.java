package io.topictracker.transport.tcp;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DuplexChannel;
import io.topictracker.api.ConfigTable;
import io.topictracker.api.transport.Connection;
import io.topictracker.api.transport.TransportProvider;
import io.topictracker.tck.Await;
import io.topictracker.tck.TransportFramingContract;
import io.topictracker.tck.TransportIdentityContract;
import io.topictracker.tck.TransportContracts;
import io.topictracker.tck.TransportUnderTest;
import org.junit.jupiter.api.Nested;
import io.topictracker.stream.StreamConnection;
import java.time.Duration;
import java.util.Map;

/**
 * Runs every transport contract, behaviour by behaviour, against the TCP provider, with TLS, over 127.0.0.1; and the
 * identity and framing contracts over ::1 too.
 */
class TcpTransportContractTest extends TransportContracts {
    private static final TransportUnderTest TRANSPORT = new UnderTest("127.0.0.1");
    /** Issue 14, "dual-stack transports": the same provider on IPv6 (::1). */
    private static final TransportUnderTest OVER_IPV6 = new UnderTest("::1");

    @Override
    protected TransportUnderTest transport() {
        return TRANSPORT;
    }

    @Nested
    class IdentityOverIpv6 extends TransportIdentityContract {
        @Override
        protected TransportUnderTest transport() {
            return OVER_IPV6;
        }
    }

    @Nested
    class FramingOverIpv6 extends TransportFramingContract {
        @Override
        protected TransportUnderTest transport() {
            return OVER_IPV6;
        }
    }

    /** The provider, its settings and the hooks that misbehave on purpose. */
    private static final class UnderTest implements TransportUnderTest {
        private static final int MAX_FRAME = 64 * 1024;
        private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(20);
        private final String bindAddress;

        UnderTest(String bindAddress) {
            this.bindAddress = bindAddress;
        }

        @Override
        public TransportProvider provider() {
            return new TcpTransportProvider();
        }

        @Override
        public int maxFrameSize() {
            return MAX_FRAME;
        }

        @Override
        public ConfigTable settings() {
            return ConfigTable.of("transport.tcp", Map.of("bind_address", bindAddress, "port", 0L,
                    "max_frame_size", (long) MAX_FRAME, "handshake_timeout", "15s", "io_threads", 1L));
        }

        @Override
        public void shutdownOutput(Connection connection) {
            // A TCP FIN with no TLS close_notify first: the peer sees its input end while we could still read.
            Await.result(toCompletable(((DuplexChannel) channel(connection)).shutdownOutput()), SHUTDOWN_WAIT);
        }

        @Override
        public void abort(Connection connection) {
            // SO_LINGER 0 makes close() send a reset instead of a FIN.
            channel(connection).config().setOption(ChannelOption.SO_LINGER, 0);
            channel(connection).close();
        }

        @Override
        public void sendOverLimitLength(Connection connection, int length) {
            // Written inside the TLS stream below the frame layer, so the receiver's decoder sees the forged length.
            channel(connection).writeAndFlush(Unpooled.buffer(4).writeInt(length));
        }

        private static io.netty.channel.Channel channel(Connection connection) {
            return ((StreamConnection) connection).channel();
        }

        private static java.util.concurrent.CompletableFuture<Void> toCompletable(io.netty.channel.ChannelFuture future) {
            java.util.concurrent.CompletableFuture<Void> result = new java.util.concurrent.CompletableFuture<>();
            future.addListener(done -> {
                if (done.isSuccess()) {
                    result.complete(null);
                } else {
                    result.completeExceptionally(done.cause());
                }
            });
            return result;
        }
    }
}
