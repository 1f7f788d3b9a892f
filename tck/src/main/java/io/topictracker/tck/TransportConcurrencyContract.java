package io.topictracker.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.topictracker.api.PeerId;
import io.topictracker.api.transport.Connection;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Concurrency: many connections at once from several peers to one, each accepted connection naming its dialler
 * and carrying its own frames.
 *
 * <p>A provider's test extends this and returns its {@link TransportUnderTest}.
 */
public abstract class TransportConcurrencyContract extends TransportContractSupport {
    @Test
    void manyConcurrentConnectionsFromSeveralPeers() {
        Peer server = startPeer();
        server.echo = true;
        int dialers = 4;
        int perDialer = 4;
        List<Peer> clients = new ArrayList<>();
        for (int i = 0; i < dialers; i++) {
            clients.add(startPeer());
        }
        List<CompletableFuture<Connection>> pending = new ArrayList<>();
        List<Recorder> recorders = new ArrayList<>();
        for (Peer client : clients) {
            for (int i = 0; i < perDialer; i++) {
                Recorder recorder = new Recorder();
                recorders.add(recorder);
                pending.add(client.transport.connect(server.id(), server.address(), recorder));
            }
        }
        List<Connection> connections = new ArrayList<>();
        for (CompletableFuture<Connection> connecting : pending) {
            connections.add(Await.result(connecting, WAIT));
        }
        for (int i = 0; i < connections.size(); i++) {
            Await.result(connections.get(i).send(ByteBuffer.wrap(pattern(i))), WAIT);
        }
        for (int i = 0; i < connections.size(); i++) {
            assertArrayEquals(pattern(i), bytes(recorders.get(i).next()), "echo on connection " + i);
        }
        Map<PeerId, Integer> acceptedPerPeer = new HashMap<>();
        for (int i = 0; i < connections.size(); i++) {
            acceptedPerPeer.merge(server.nextAccepted().connection().remote(), 1, Integer::sum);
        }
        Map<PeerId, Integer> expected = new HashMap<>();
        clients.forEach(client -> expected.put(client.id(), perDialer));
        assertEquals(expected, acceptedPerPeer, "each accepted connection names its dialler");
    }
}
