package io.topictracker.dht.mainline.bencode;

/**
 * Bounds the decoder enforces so hostile input cannot make it allocate or recurse without limit.
 *
 * @param maxInputLength longest input accepted, in bytes
 * @param maxDepth deepest nesting of lists and dictionaries
 * @param maxElements most values (of any kind) in one input
 * @param maxListLength most entries in one list or dictionary
 */
public record BencodeLimits(int maxInputLength, int maxDepth, int maxElements, int maxListLength) {
    /**
     * For one KRPC datagram: a UDP payload is at most a few KB in practice; BEP44 values nest shallowly. The
     * limits leave room for a 1000-byte value plus 8 compact nodes and 100 peers.
     */
    public static final BencodeLimits KRPC = new BencodeLimits(4096, 16, 1024, 512);

    public BencodeLimits {
        if (maxInputLength < 1 || maxDepth < 1 || maxElements < 1 || maxListLength < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
