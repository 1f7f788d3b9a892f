package io.topictracker.cli.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.topictracker.api.PeerId;
import io.topictracker.engine.TopicEvent;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Issue 15: a neighbour's line says how it is reached, keeping the line's old start. */
class ChatPrinterTest {
    private static PeerId peer(int n) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) n);
        return PeerId.of(key);
    }

    @Test
    void aNeighbourLineSaysDirectOrWhichRelay() {
        PeerId neighbour = peer(1);
        PeerId relay = peer(2);
        TopicEvent.NeighborUp up = new TopicEvent.NeighborUp(neighbour);
        assertEquals("* neighbor up " + neighbour.shortText() + " (relayed via " + relay.shortText() + ")",
                ChatPrinter.describe(up, p -> " (relayed via " + relay.shortText() + ")"));
        assertEquals("* neighbor up " + neighbour.shortText() + " (direct)", ChatPrinter.describe(up,
                p -> " (direct)"));
        assertEquals("* neighbor up " + neighbour.shortText(), ChatPrinter.describe(up));
        assertEquals("* neighbor down " + neighbour.shortText(),
                ChatPrinter.describe(new TopicEvent.NeighborDown(neighbour), p -> " (direct)"));
    }

    @Test
    void aNeighbourWhoseConnectionBecameDirectGetsALine() {
        PeerId neighbour = peer(3);
        assertEquals("* neighbor " + neighbour.shortText() + " now direct",
                ChatPrinter.describe(new TopicEvent.NeighborDirect(neighbour), p -> " (relayed via x)"));
    }
}
