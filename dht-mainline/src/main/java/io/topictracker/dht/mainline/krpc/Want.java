package io.topictracker.dht.mainline.krpc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * BEP32's {@code want} argument of find_node, get_peers and (BEP44) get: which address families' nodes the querier
 * wants back, {@code "n4"} in {@code nodes} and {@code "n6"} in {@code nodes6}. Without it a node answers with the
 * family of the socket the query came in on (BEP32, "want" parameter). Immutable and thread-safe.
 *
 * @param n4 IPv4 nodes wanted
 * @param n6 IPv6 nodes wanted
 */
public record Want(boolean n4, boolean n6) {
    /** Both families: what a dual-stack node asks for to fill both tables. */
    public static final Want BOTH = new Want(true, true);
    /** Most entries read from one {@code want} list; the BEP defines two. */
    static final int MAX_ENTRIES = 8;
    private static final byte[] N4 = "n4".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] N6 = "n6".getBytes(StandardCharsets.US_ASCII);

    /**
     * Reads a query's {@code want}. Entries other than {@code n4} and {@code n6} are ignored, as later BEPs may add
     * some; an empty list wants nothing (libtorrent reads it the same way).
     *
     * @param value the {@code want} value, or null when absent
     * @return the families wanted, or null when absent (then the socket's family applies)
     * @throws KrpcException 203 when it is not a list of byte strings, or longer than {@value #MAX_ENTRIES}
     */
    static Want parse(Object value) throws KrpcException {
        if (value == null) {
            return null;
        }
        if (!(value instanceof List<?> entries) || entries.size() > MAX_ENTRIES) {
            throw new KrpcException(KrpcException.PROTOCOL,
                    "want must be a list of at most " + MAX_ENTRIES + " strings such as \"n4\", \"n6\"");
        }
        boolean n4 = false;
        boolean n6 = false;
        for (Object entry : entries) {
            if (!(entry instanceof byte[] name)) {
                throw new KrpcException(KrpcException.PROTOCOL, "want entries must be strings such as \"n4\"");
            }
            n4 |= Arrays.equals(name, N4);
            n6 |= Arrays.equals(name, N6);
        }
        return new Want(n4, n6);
    }

    /** @return the bencodable list, {@code n4} before {@code n6}; never null */
    List<byte[]> encode() {
        List<byte[]> list = new ArrayList<>(2);
        if (n4) {
            list.add(N4);
        }
        if (n6) {
            list.add(N6);
        }
        return list;
    }

    /**
     * @param ipv6Socket whether the query came in on an IPv6 socket
     * @param want the query's want, or null when absent
     * @return the families to answer with: {@code want}, or the socket's own family when absent
     */
    public static Want orSocketFamily(Want want, boolean ipv6Socket) {
        return want != null ? want : new Want(!ipv6Socket, ipv6Socket);
    }
}
