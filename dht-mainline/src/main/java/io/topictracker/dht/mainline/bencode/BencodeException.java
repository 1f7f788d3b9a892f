package io.topictracker.dht.mainline.bencode;

/** Input is not strict, bounded bencode. The message names the problem and the byte offset where it was found. */
public final class BencodeException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int offset;

    /** @param offset where the problem was found; @param problem what is wrong, not null */
    public BencodeException(int offset, String problem) {
        super(problem + " at offset " + offset);
        this.offset = offset;
    }

    /** @return the byte offset of the problem */
    public int offset() {
        return offset;
    }
}
