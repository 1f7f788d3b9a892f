package io.topictracker.dht.mainline.krpc;

/**
 * A KRPC error to answer with (BEP5 "Errors"; BEP44 adds 205–207, 301, 302). Carries the code and message that go in
 * the {@code e} list.
 */
public final class KrpcException extends Exception {
    private static final long serialVersionUID = 1L;

    /** BEP5: generic error. */
    public static final int GENERIC = 201;
    /** BEP5: server error. */
    public static final int SERVER = 202;
    /** BEP5: protocol error, such as a malformed packet, invalid arguments, or bad token. */
    public static final int PROTOCOL = 203;
    /** BEP5: method unknown. */
    public static final int METHOD_UNKNOWN = 204;
    /** BEP44: the bencoded {@code v} is over 1000 bytes. */
    public static final int VALUE_TOO_BIG = 205;
    /** BEP44: invalid signature. */
    public static final int INVALID_SIGNATURE = 206;
    /** BEP44: salt over 64 bytes. */
    public static final int SALT_TOO_BIG = 207;
    /** BEP44: the {@code cas} does not match the stored seq. */
    public static final int CAS_MISMATCH = 301;
    /** BEP44: the seq is lower than the stored one. */
    public static final int SEQ_TOO_OLD = 302;

    private final int code;

    /** @param code the KRPC error code; @param message for the remote, not null */
    public KrpcException(int code, String message) {
        super(message);
        this.code = code;
    }

    /** @return the KRPC error code */
    public int code() {
        return code;
    }
}
