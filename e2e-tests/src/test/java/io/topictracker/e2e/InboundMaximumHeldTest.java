package io.topictracker.e2e;

import static io.topictracker.e2e.Swarm.SECRET;
import static io.topictracker.e2e.Swarm.TOPIC;
import static io.topictracker.e2e.Swarm.WAIT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.topictracker.api.PeerAddress;
import io.topictracker.api.TopicId;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.engine.Node;
import io.topictracker.engine.Topic;
import io.topictracker.engine.gossip.GossipConfig;
import io.topictracker.engine.gossip.net.FrameCodec;
import io.topictracker.engine.gossip.proto.Message;
import io.topictracker.signing.bc.BouncyCastleEd25519Provider;
import io.topictracker.tck.Await;
import io.topictracker.tls.NodeCredentials;
import io.topictracker.tls.NodeKeyManager;
import io.topictracker.tls.PeerTrustManager;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * "The node keeps serving its real peers while an attacker holds the maximum" (issue 16). The attacker makes an
 * Ed25519 identity per connection, completes TLS with the victim over TCP and keeps each connection in use with a
 * well-formed frame for the victim's topic every second (it knows the topic's name, not its secret; the victim's
 * {@code join_deadline} is long, standing for an attacker that reconnects as soon as it is cut), from 127.0.0.2
 * and 127.0.0.3 — all of 127/8 is loopback on Linux, so these are other addresses to the per-IP bound, as other
 * hosts would be. It holds every inbound place the victim has; one more connection is closed at once. A real peer
 * on 127.0.0.1 then joins the topic and the two exchange broadcasts: inbound bounds never limit the victim's own
 * dials, and the victim dials the peers it finds in the DHT itself.
 */
class InboundMaximumHeldTest {
    private static final SigningProvider SIGNING = new BouncyCastleEd25519Provider();
    private static final int PER_IP = 4;
    private static final List<String> ATTACKER_IPS = List.of("127.0.0.2", "127.0.0.3");

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aRealPeerJoinsAndDeliversWhileAnAttackerHoldsEveryInboundPlace() throws Exception {
        ScheduledExecutorService keepAlive = Executors.newSingleThreadScheduledExecutor();
        List<SSLSocket> held = new ArrayList<>();
        try (Swarm swarm = new Swarm()) {
            Node victim = swarm.start("victim", b -> b
                    .set("gossip.max_inbound_connections", (long) PER_IP * ATTACKER_IPS.size())
                    .set("gossip.max_inbound_connections_per_ip", (long) PER_IP)
                    // An attacker without the secret never becomes a neighbour, so each of its connections is closed
                    // at the join deadline; one that reconnects at once holds the places nearly all the time. The
                    // long deadline here is that worst case, held still.
                    .set("gossip.join_deadline", Duration.ofMinutes(5)));
            Topic victimTopic = victim.joinNoWait(TOPIC, SECRET);
            PeerAddress target = victim.self().addresses().get(0);
            ByteBuffer prune = new FrameCodec(GossipConfig.defaults().maxMessageSize())
                    .encode(TopicId.fromName(TOPIC), new Message.Prune());
            byte[] frame = new byte[prune.remaining()];
            prune.get(frame);

            for (String ip : ATTACKER_IPS) {
                for (int i = 0; i < PER_IP; i++) {
                    held.add(acceptedConnection(ip, target));
                }
            }
            keepAlive.scheduleWithFixedDelay(() -> held.forEach(socket -> send(socket, frame)), 0, 1,
                    TimeUnit.SECONDS);
            // The maximum is held: one more connection, from a third address, is closed once authenticated.
            SSLSocket extra = acceptedConnection("127.0.0.4", target);
            assertFalse(isOpen(extra, WAIT), "a connection over max_inbound_connections is closed at once");

            Node peer = swarm.start("peer");
            Topic peerTopic = Await.result(peer.join(TOPIC, SECRET), WAIT);
            Await.result(victimTopic.joined(), WAIT);
            Await.result(victimTopic.sender().broadcast("from the victim".getBytes(UTF_8)), WAIT);
            Await.result(peerTopic.sender().broadcast("from the peer".getBytes(UTF_8)), WAIT);
            List<String> atPeer = new ArrayList<>();
            List<String> atVictim = new ArrayList<>();
            Await.until(WAIT, "both broadcasts delivered", () -> {
                Swarm.drain(peerTopic, atPeer);
                Swarm.drain(victimTopic, atVictim);
                return atPeer.contains("from the victim") && atVictim.contains("from the peer");
            });

            for (SSLSocket socket : held) {
                assertTrue(isOpen(socket, Duration.ofMillis(200)), "the attacker still holds its place");
            }
            assertEquals(PER_IP * ATTACKER_IPS.size(), held.size());
        } finally {
            keepAlive.shutdownNow();
            for (SSLSocket socket : held) {
                socket.close();
            }
        }
    }

    /**
     * @return a TLS connection from {@code sourceIp}, with a fresh identity, that the victim's transport accepted
     *     (its 8-byte confirmation read)
     */
    private static SSLSocket acceptedConnection(String sourceIp, PeerAddress target) throws Exception {
        var keys = SIGNING.generate();
        SSLContext tls = SSLContext.getInstance("TLSv1.3");
        tls.init(new KeyManager[] {new NodeKeyManager(NodeCredentials.create(keys, Instant.now()))},
                new TrustManager[] {new PeerTrustManager(SIGNING, null)}, null);
        Socket raw = new Socket();
        raw.bind(new InetSocketAddress(sourceIp, 0));
        raw.connect(new InetSocketAddress(target.host(), target.port()), (int) WAIT.toMillis());
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(raw, target.host(), target.port(), true);
        socket.setUseClientMode(true);
        socket.setEnabledProtocols(new String[] {"TLSv1.3"});
        socket.setSoTimeout((int) WAIT.toMillis());
        socket.startHandshake();
        byte[] confirmation = new byte[8];
        new DataInputStream(socket.getInputStream()).readFully(confirmation);
        assertArrayEquals("tt-tcp/1".getBytes(UTF_8), confirmation, "the transport accepted the connection");
        return socket;
    }

    private static void send(SSLSocket socket, byte[] frame) {
        try {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(frame.length);
            out.write(frame);
            out.flush();
        } catch (IOException closed) {
            // seen by the final check
        }
    }

    /**
     * Reads what the victim sends (its observed-address frame, say) until {@code quiet} passes without a byte (open)
     * or the stream ends (closed); bounded by {@link Swarm#WAIT} in all.
     */
    private static boolean isOpen(SSLSocket socket, Duration quiet) throws IOException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        socket.setSoTimeout((int) quiet.toMillis());
        byte[] buffer = new byte[4096];
        while (System.nanoTime() < deadline) {
            try {
                if (socket.getInputStream().read(buffer) < 0) {
                    return false;
                }
            } catch (SocketTimeoutException silent) {
                return true;
            } catch (IOException reset) {
                return false;
            }
        }
        return true;
    }
}
