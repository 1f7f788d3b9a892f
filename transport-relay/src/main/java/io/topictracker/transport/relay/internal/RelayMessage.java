package io.topictracker.transport.relay.internal;

import io.topictracker.api.PeerId;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The relay's control messages, exchanged inside the hop's TLS before a circuit is spliced (PROTOCOL.md, "Relay").
 * Each is sent as a 2-byte big-endian length and a body: a type byte, then the type's fields. Pure: encoding and
 * decoding touch no IO. Immutable values; {@link #decode} throws {@link MalformedRelayMessage} naming what is wrong.
 *
 * <p>Modelled on libp2p circuit relay v2 (its HOP RESERVE/CONNECT and STOP CONNECT, and its status codes), with the
 * STOP stream replaced by a second TCP connection the reserved peer opens ({@link Accept}), since our hop is a plain
 * TLS stream with no multiplexer.
 */
public sealed interface RelayMessage {
    /** The longest body: a CONNECT with the most proofs. */
    int MAX_BODY = 1 + 32 + 1 + Limits.MAX_PROOFS * Limits.PROOF_LENGTH;
    /** The longest refusal text, in bytes. */
    int MAX_TEXT = 200;

    /** Bounds of the proof lists. */
    final class Limits {
        /** Proofs one message may carry: one per joined topic, at most this many. */
        public static final int MAX_PROOFS = 16;
        /** Bytes of one membership proof (an HMAC-SHA256). */
        public static final int PROOF_LENGTH = 32;

        private Limits() {}
    }

    /** Status codes of refusals, as circuit relay v2 numbers them. */
    enum Status {
        RESERVATION_REFUSED(200),
        RESOURCE_LIMIT_EXCEEDED(201),
        PERMISSION_DENIED(202),
        CONNECTION_FAILED(203),
        NO_RESERVATION(204),
        MALFORMED_MESSAGE(400),
        UNEXPECTED_MESSAGE(401);

        final int code;

        Status(int code) {
            this.code = code;
        }

        static Status of(int code) {
            for (Status status : values()) {
                if (status.code == code) {
                    return status;
                }
            }
            throw new MalformedRelayMessage("unknown refusal status " + code);
        }
    }

    /** Client to relay: hold a reservation for me; {@code proofs} show topic membership. */
    record Reserve(List<byte[]> proofs) implements RelayMessage {
        public Reserve {
            proofs = checkProofs(proofs);
        }
    }

    /**
     * Relay to client: reserved.
     *
     * @param ttlMillis how long the reservation lasts unless renewed (the client reserves again before)
     * @param circuitBytes bytes one circuit may carry, both directions together
     * @param circuitMillis how long one circuit may last
     */
    record ReserveOk(long ttlMillis, long circuitBytes, long circuitMillis) implements RelayMessage {}

    /** Client to relay: splice me to {@code target} (or, if {@code target} is the relay, talk to the relay). */
    record Connect(PeerId target, List<byte[]> proofs) implements RelayMessage {
        public Connect {
            Objects.requireNonNull(target, "target");
            proofs = checkProofs(proofs);
        }
    }

    /** Relay to a reserved client, on its reservation connection: {@code initiator} asks for circuit {@code id}. */
    record Incoming(long circuitId, PeerId initiator) implements RelayMessage {
        public Incoming {
            Objects.requireNonNull(initiator, "initiator");
        }
    }

    /** Reserved client to relay, first message of a new connection: I take circuit {@code id}. */
    record Accept(long circuitId) implements RelayMessage {}

    /**
     * Relay to both ends: the circuit is spliced; what follows on this connection are the far end's bytes.
     *
     * @param direct true when the far end is the relay itself (a {@link Connect} to the relay's own id)
     */
    record Connected(boolean direct) implements RelayMessage {}

    /** Relay to client: refused, with a reason for humans; the relay closes the connection after it. */
    record Refused(Status status, String reason) implements RelayMessage {
        public Refused {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The body's type bytes. */
    byte RESERVE = 1;
    byte RESERVE_OK = 2;
    byte CONNECT = 3;
    byte INCOMING = 4;
    byte ACCEPT = 5;
    byte CONNECTED = 6;
    byte REFUSED = 7;

    /** @return the message as length-prefixed bytes, ready to write; never null */
    static ByteBuffer encode(RelayMessage message) {
        ByteBuffer body = ByteBuffer.allocate(MAX_BODY + 2 + MAX_TEXT);
        body.putShort((short) 0); // length, set below
        if (message instanceof Reserve reserve) {
            body.put(RESERVE);
            putProofs(body, reserve.proofs());
        } else if (message instanceof ReserveOk ok) {
            body.put(RESERVE_OK).putLong(ok.ttlMillis()).putLong(ok.circuitBytes()).putLong(ok.circuitMillis());
        } else if (message instanceof Connect connect) {
            body.put(CONNECT).put(connect.target().toBytes());
            putProofs(body, connect.proofs());
        } else if (message instanceof Incoming incoming) {
            body.put(INCOMING).putLong(incoming.circuitId()).put(incoming.initiator().toBytes());
        } else if (message instanceof Accept accept) {
            body.put(ACCEPT).putLong(accept.circuitId());
        } else if (message instanceof Connected connected) {
            body.put(CONNECTED).put((byte) (connected.direct() ? 1 : 0));
        } else if (message instanceof Refused refused) {
            byte[] text = truncate(refused.reason());
            body.put(REFUSED).putShort((short) refused.status().code).put(text);
        }
        body.putShort(0, (short) (body.position() - 2));
        return body.flip();
    }

    /**
     * @param body one message's body (after its length), not null; consumed
     * @return the message, never null
     * @throws MalformedRelayMessage naming what is wrong
     */
    static RelayMessage decode(ByteBuffer body) {
        if (body.remaining() > MAX_BODY + MAX_TEXT) {
            throw new MalformedRelayMessage("message of " + body.remaining() + " bytes is over the limit");
        }
        try {
            byte type = body.get();
            RelayMessage message = switch (type) {
                case RESERVE -> new Reserve(getProofs(body));
                case RESERVE_OK -> new ReserveOk(nonNegative(body.getLong()), nonNegative(body.getLong()),
                        nonNegative(body.getLong()));
                case CONNECT -> new Connect(peer(body), getProofs(body));
                case INCOMING -> new Incoming(body.getLong(), peer(body));
                case ACCEPT -> new Accept(body.getLong());
                case CONNECTED -> new Connected(flag(body.get()));
                case REFUSED -> refused(body);
                default -> throw new MalformedRelayMessage("unknown message type " + type);
            };
            if (body.hasRemaining()) {
                throw new MalformedRelayMessage(body.remaining() + " bytes after a message of type " + type);
            }
            return message;
        } catch (BufferUnderflowException e) {
            throw new MalformedRelayMessage("message ends early");
        }
    }

    private static RelayMessage refused(ByteBuffer body) {
        Status status = Status.of(body.getShort() & 0xFFFF);
        byte[] text = new byte[body.remaining()];
        if (text.length > MAX_TEXT) {
            throw new MalformedRelayMessage("refusal text of " + text.length + " bytes is over " + MAX_TEXT);
        }
        body.get(text);
        return new Refused(status, new String(text, StandardCharsets.UTF_8));
    }

    private static boolean flag(byte value) {
        if (value != 0 && value != 1) {
            throw new MalformedRelayMessage("flag byte " + value + " is neither 0 nor 1");
        }
        return value == 1;
    }

    private static long nonNegative(long value) {
        if (value < 0) {
            throw new MalformedRelayMessage("negative limit " + value);
        }
        return value;
    }

    private static PeerId peer(ByteBuffer body) {
        byte[] id = new byte[32];
        body.get(id);
        return PeerId.of(id);
    }

    private static List<byte[]> checkProofs(List<byte[]> proofs) {
        if (proofs.size() > Limits.MAX_PROOFS) {
            throw new IllegalArgumentException("at most " + Limits.MAX_PROOFS + " proofs, got " + proofs.size());
        }
        for (byte[] proof : proofs) {
            if (proof.length != Limits.PROOF_LENGTH) {
                throw new IllegalArgumentException("a proof is " + Limits.PROOF_LENGTH + " bytes, got " + proof.length);
            }
        }
        return List.copyOf(proofs);
    }

    private static void putProofs(ByteBuffer body, List<byte[]> proofs) {
        body.put((byte) proofs.size());
        proofs.forEach(body::put);
    }

    private static List<byte[]> getProofs(ByteBuffer body) {
        int count = body.get() & 0xFF;
        if (count > Limits.MAX_PROOFS) {
            throw new MalformedRelayMessage(count + " proofs, at most " + Limits.MAX_PROOFS);
        }
        List<byte[]> proofs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] proof = new byte[Limits.PROOF_LENGTH];
            body.get(proof);
            proofs.add(proof);
        }
        return proofs;
    }

    private static byte[] truncate(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_TEXT) {
            return bytes;
        }
        return text.substring(0, Math.min(text.length(), MAX_TEXT / 4)).getBytes(StandardCharsets.UTF_8);
    }
}
