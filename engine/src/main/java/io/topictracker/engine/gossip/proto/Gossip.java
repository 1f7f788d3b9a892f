package io.topictracker.engine.gossip.proto;

import io.topictracker.api.PeerId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * A broadcast payload on its way (PlumTree §3.3, GOSSIP): author, the author's sequence number, payload, signature and
 * the hop count {@code round}. The {@link MessageId} is always computed from the content here, never taken from the
 * wire, so a peer cannot replay a message under a fresh id without also changing what the signature covers.
 *
 * <p>Immutable and thread-safe (the arrays are never exposed unless copied; {@link #payloadUnsafe()} is for codecs
 * that promise not to write).
 */
public final class Gossip implements Message {
    private static final byte[] ID_DOMAIN = "tt-gossip-id-v1".getBytes(StandardCharsets.US_ASCII);

    /**
     * Everything but the hop count: the same for every hop of one message, so the copies a message makes on its way
     * (one per hop, differing in {@code round}) and the payload caches that keep it share one. Immutable.
     */
    static final class Content {
        private final PeerId author;
        private final long seq;
        private final byte[] payload;
        private final byte[] signature;
        private final boolean neighborsOnly;
        private volatile MessageId id;

        private Content(PeerId author, long seq, byte[] payload, byte[] signature, boolean neighborsOnly) {
            this.author = author;
            this.seq = seq;
            this.payload = payload;
            this.signature = signature;
            this.neighborsOnly = neighborsOnly;
        }

        PeerId author() {
            return author;
        }

        long seq() {
            return seq;
        }

        MessageId id() {
            MessageId current = id;
            if (current == null) {
                current = computeId(author, seq, payload);
                id = current;
            }
            return current;
        }

        /** @return this message at hop count {@code round} */
        Gossip at(int round) {
            return new Gossip(this, round);
        }
    }

    private final Content content;
    private final int round;

    /**
     * @param author not null
     * @param seq the author's sequence number
     * @param payload not null; not copied (callers hand over ownership)
     * @param signature 64 bytes, or empty when signatures are off; not null; not copied
     * @param round hops travelled so far, 0–65535
     * @param neighborsOnly true if receivers must not forward it
     */
    public Gossip(PeerId author, long seq, byte[] payload, byte[] signature, int round, boolean neighborsOnly) {
        this(new Content(Objects.requireNonNull(author, "author"), seq, Objects.requireNonNull(payload, "payload"),
                Objects.requireNonNull(signature, "signature"), neighborsOnly), round);
        if (signature.length != 0 && signature.length != 64) {
            throw new IllegalArgumentException("signature must be 0 or 64 bytes, got " + signature.length);
        }
    }

    private Gossip(Content content, int round) {
        if (round < 0 || round > 0xFFFF) {
            throw new IllegalArgumentException("round must be 0-65535, got " + round);
        }
        this.content = content;
        this.round = round;
    }

    /** @return the same message one hop further; shares the content and the computed id */
    public Gossip nextHop() {
        return new Gossip(content, Math.min(round + 1, 0xFFFF));
    }

    /** @return the hop-independent part, shared by every hop of this message */
    Content content() {
        return content;
    }

    /** @return the id computed from author, seq and payload; never null */
    public MessageId id() {
        return content.id();
    }

    /** Computes a message id; see {@link MessageId}. */
    public static MessageId computeId(PeerId author, long seq, byte[] payload) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(ID_DOMAIN);
            sha.update(author.toBytes());
            sha.update(ByteBuffer.allocate(8).putLong(seq).array());
            sha.update(payload);
            return MessageId.wrap(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    public PeerId author() {
        return content.author;
    }

    public long seq() {
        return content.seq;
    }

    /** @return a copy of the payload */
    public byte[] payload() {
        return content.payload.clone();
    }

    /** @return the payload array itself; callers must not modify it */
    public byte[] payloadUnsafe() {
        return content.payload;
    }

    /** @return the signature array itself (0 or 64 bytes); callers must not modify it */
    public byte[] signatureUnsafe() {
        return content.signature;
    }

    public int round() {
        return round;
    }

    public boolean neighborsOnly() {
        return content.neighborsOnly;
    }

    @Override
    public String toString() {
        return "Gossip[" + id() + " by " + author().shortText() + " seq " + seq() + " round " + round + "]";
    }
}
