package io.topictracker.transport.tcp.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Gathers received TLS bytes in heap buffers for the TLS handler. Stateless and thread-safe.
 *
 * <p>Why: sockets read into direct buffers, and the JDK 17 AES-GCM decrypts a direct {@code ByteBuffer} through a
 * pure-Java GHASH ({@code GHASH.processBlocksDirect}) instead of the CLMUL intrinsic it uses for arrays. Profiling the
 * benchmark showed the receiving event loop spending most of its time there; one copy of the ciphertext into a heap
 * buffer is far cheaper.
 */
final class HeapCumulator implements ByteToMessageDecoder.Cumulator {
    static final HeapCumulator INSTANCE = new HeapCumulator();

    private HeapCumulator() {}

    @Override
    public ByteBuf cumulate(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
        try {
            int incoming = in.readableBytes();
            if (!cumulation.isReadable()) {
                cumulation.release();
                return alloc.heapBuffer(Math.max(incoming, 256)).writeBytes(in);
            }
            boolean reusable = cumulation.hasArray() && cumulation.refCnt() == 1 && !cumulation.isReadOnly()
                    && cumulation.maxWritableBytes() >= incoming;
            if (!reusable) {
                // Shared, read-only, direct or bounded: copy into a fresh heap buffer, as Netty's MERGE_CUMULATOR.
                ByteBuf bigger = alloc.heapBuffer(cumulation.readableBytes() + incoming);
                bigger.writeBytes(cumulation);
                cumulation.release();
                cumulation = bigger;
            }
            return cumulation.writeBytes(in);
        } finally {
            in.release();
        }
    }
}
