package io.topictracker.engine.gossip.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/**
 * Fuzzes the gossip wire format's decoder ({@link FrameCodec#decode}), which reads every frame a connected peer sends
 * before anything checks who it is: it must return a message or throw {@link MalformedFrameException}. A message it
 * returns encodes to a frame that decodes and encodes to the same bytes again (the codec's output is a fixed point;
 * the first round may normalise, e.g. an IPv6 host's case).
 *
 * <p>Seeds: {@code src/test/resources/io/topictracker/engine/gossip/net/FrameCodecFuzzTestInputs/decode/}.
 */
class FrameCodecFuzzTest {
    /** Small, so the fuzzer reaches the payload limit; the control-frame limit stays the codec's own. */
    private static final FrameCodec CODEC = new FrameCodec(1024);

    @FuzzTest(maxDuration = "20s")
    void decode(byte[] frame) throws Exception {
        FrameCodec.Decoded decoded;
        try {
            decoded = CODEC.decode(ByteBuffer.wrap(frame));
        } catch (MalformedFrameException e) {
            assertNotNull(e.getMessage());
            return;
        }
        ByteBuffer once = CODEC.encode(decoded.topic(), decoded.message());
        assertTrue(once.remaining() <= CODEC.maxFrameSize());
        FrameCodec.Decoded again = CODEC.decode(once.duplicate());
        assertEquals(decoded.topic(), again.topic());
        assertEquals(once, CODEC.encode(again.topic(), again.message()), "encoding is a fixed point");
    }

    /**
     * The direct connection upgrade's frames (Connect, Sync): any bytes give a message, null (another type) or
     * {@link MalformedFrameException}; a message re-encodes to a frame that decodes to the same message.
     */
    @FuzzTest(maxDuration = "10s")
    void upgrade(byte[] frame) throws Exception {
        FrameCodec.UpgradeFrame message;
        try {
            message = CODEC.upgrade(ByteBuffer.wrap(frame));
        } catch (MalformedFrameException e) {
            assertNotNull(e.getMessage());
            return;
        }
        if (message != null) {
            assertEquals(message, CODEC.upgrade(CODEC.encodeUpgrade(message)));
        }
    }
}
