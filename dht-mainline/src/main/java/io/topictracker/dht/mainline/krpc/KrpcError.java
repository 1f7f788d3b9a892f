package io.topictracker.dht.mainline.krpc;

/**
 * An error reply ({@code y=e}, BEP5 "Errors"): the remote refused a query.
 *
 * @param code the KRPC or BEP44 error code (see {@link KrpcException})
 * @param message the remote's text, never null
 */
public record KrpcError(int code, String message) {
    @Override
    public String toString() {
        return code + " " + message;
    }
}
