package io.topictracker.transport.quic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** Routing datagrams of one socket to the dialling or the accepting codec by their destination connection id. */
class ConnectionIdsTest {
    private final ConnectionIds ids = new ConnectionIds(new SecureRandom());

    /** A QUIC short-header (1-RTT) packet: first byte 0b01xxxxxx, then the destination id, then payload. */
    private static ByteBuf shortHeader(byte[] dcid) {
        ByteBuf buf = Unpooled.buffer();
        buf.writeByte(0x41).writeBytes(dcid).writeBytes(new byte[24]);
        return buf;
    }

    /** A QUIC long-header packet (Initial): first byte, version, dcid length, dcid, scid length, scid, payload. */
    private static ByteBuf longHeader(byte[] dcid) {
        ByteBuf buf = Unpooled.buffer();
        buf.writeByte(0xC0).writeInt(1).writeByte(dcid.length).writeBytes(dcid).writeByte(8).writeBytes(new byte[8])
                .writeBytes(new byte[40]);
        return buf;
    }

    @Test
    void dialIdsCarryThePrefixAndTheirPacketsGoToTheDiallingSide() {
        byte[] id = ids.newDialId();
        assertEquals(ConnectionIds.LENGTH, id.length);
        byte[] prefix = ids.dialPrefix();
        for (int i = 0; i < ConnectionIds.PREFIX_LENGTH; i++) {
            assertEquals(prefix[i], id[i]);
        }
        assertTrue(ids.isDialled(shortHeader(id)), "1-RTT packet to a dialled connection");
        assertTrue(ids.isDialled(longHeader(id)), "Initial/Handshake packet to a dialled connection");
    }

    @Test
    void twoDialIdsDiffer() {
        assertNotEquals(ByteBuffer.wrap(ids.newDialId()), ByteBuffer.wrap(ids.newDialId()));
    }

    @Test
    void aNewPeersInitialAndAcceptedConnectionsGoToTheAcceptingSide() {
        byte[] random = new byte[ConnectionIds.LENGTH];
        byte[] prefix = ids.dialPrefix();
        random[0] = (byte) ~prefix[0];
        assertFalse(ids.isDialled(longHeader(random)));
        assertFalse(ids.isDialled(shortHeader(random)));
    }

    @Test
    void acceptedIdsNeverCarryThePrefixAndStayIdempotent() {
        var generator = ids.acceptedIds();
        byte[] input = new byte[ConnectionIds.LENGTH];
        for (int i = 0; i < 2000; i++) {
            new SecureRandom().nextBytes(input);
            ByteBuffer a = generator.newId(ByteBuffer.wrap(input), ConnectionIds.LENGTH);
            ByteBuffer b = generator.newId(ByteBuffer.wrap(input), ConnectionIds.LENGTH);
            assertEquals(a, b, "idempotent");
            byte[] bytes = new byte[a.remaining()];
            a.duplicate().get(bytes);
            assertFalse(ids.isDialled(shortHeader(bytes)));
        }
    }

    @Test
    void anIdThatWouldCarryThePrefixIsChangedOnlyInItsFirstByte() {
        byte[] clash = new byte[ConnectionIds.LENGTH];
        System.arraycopy(ids.dialPrefix(), 0, clash, 0, ConnectionIds.PREFIX_LENGTH);
        clash[10] = 7;
        ByteBuffer changed = ids.avoidPrefix(ByteBuffer.wrap(clash));
        byte[] out = new byte[changed.remaining()];
        changed.get(out);
        assertNotEquals(clash[0], out[0]);
        clash[0] ^= (byte) 0x80;
        assertArrayEquals(clash, out);
    }

    @Test
    void malformedOrTinyDatagramsAreNotDialled() {
        assertFalse(ids.isDialled(Unpooled.buffer()));
        assertFalse(ids.isDialled(Unpooled.wrappedBuffer(new byte[] {(byte) 0xC0, 0, 0})));
        assertFalse(ids.isDialled(Unpooled.wrappedBuffer(new byte[] {0x41, 1})));
        byte[] longWithShortId = {(byte) 0xC0, 0, 0, 0, 1, 2, 9, 9};
        assertFalse(ids.isDialled(Unpooled.wrappedBuffer(longWithShortId)));
    }
}
