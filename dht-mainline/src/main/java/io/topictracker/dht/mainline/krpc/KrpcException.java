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
