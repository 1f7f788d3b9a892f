package io.topictracker.tls;

import io.topictracker.api.ConfigTable;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bounds the handshakes in flight that a transport accepted but has not yet authenticated: per remote IP and in total
 * (issue 16). Until its TLS handshake completes a connection proves nothing, yet it holds a socket, buffers and a
 * timer for up to the handshake timeout; without a bound one host could hold any number of them (slowloris). A
 * connection over a bound is refused at once, and the transport closes it before reading anything.
 *
 * <p>IPv4 addresses count one by one; IPv6 addresses by their /64 prefix, the block one subscriber usually gets
 * (RFC 6177), so one host cannot multiply its share by changing the low 64 bits of its source address.
 *
 * <p>Pure counting, thread-safe; one gate per transport. Each granted {@link Permit} is released exactly once, by
 * whoever sees the handshake end first (completion, failure, timeout or close).
 */
public final class HandshakeGate {
    /** The transport table's key for the bound in total. */
    public static final String MAX_KEY = "max_handshakes_in_flight";
    /** The transport table's key for the bound per remote IP. */
    public static final String MAX_PER_IP_KEY = "max_handshakes_in_flight_per_ip";
    /**
     * Default in total: far above what honest dialling needs (a handshake takes milliseconds on a healthy path), low
     * enough that half-open connections cannot exhaust a node's descriptors or memory.
     */
    public static final int DEFAULT_MAX = 256;
    /** Default per IP: several nodes behind one NAT dialling us at the same moment still fit. */
    public static final int DEFAULT_MAX_PER_IP = 16;
    /** The largest value either key takes. */
    public static final int LARGEST = 1 << 16;

    /** Which bound refused a handshake; its {@link #tag()} is the metrics tag value. */
    public enum Limit {
        PER_IP("per_ip", MAX_PER_IP_KEY),
        TOTAL("total", MAX_KEY);

        private final String tag;
        private final String key;

        Limit(String tag, String key) {
            this.tag = tag;
            this.key = key;
        }

        /** @return {@code per_ip} or {@code total}, never null */
        public String tag() {
            return tag;
        }

        /** @return the configuration key of this bound, never null */
        public String key() {
            return key;
        }
    }

    private final int max;
    private final int maxPerIp;
    private final Map<String, Integer> perIp = new HashMap<>();
    private int total;

    /**
     * @param max handshakes in flight at most, at least 1
     * @param maxPerIp of those from one IP (IPv6: one /64) at most, 1 to {@code max}
     */
    public HandshakeGate(int max, int maxPerIp) {
        if (max < 1 || maxPerIp < 1 || maxPerIp > max) {
            throw new IllegalArgumentException("need 1 <= maxPerIp <= max, got max " + max + ", maxPerIp " + maxPerIp);
        }
        this.max = max;
        this.maxPerIp = maxPerIp;
    }

    /**
     * Reads {@value #MAX_KEY} and {@value #MAX_PER_IP_KEY} from a transport's table.
     *
     * @param table the transport's table, not null
     * @return a new gate, never null
     * @throws io.topictracker.api.ConfigException naming the key for a value out of range, or a per-IP bound over the
     *     total
     */
    public static HandshakeGate from(ConfigTable table) {
        int total = table.integer(MAX_KEY, DEFAULT_MAX, 1, LARGEST);
        int perIp = table.integer(MAX_PER_IP_KEY, Math.min(DEFAULT_MAX_PER_IP, total), 1, LARGEST);
        if (perIp > total) {
            throw table.error(MAX_PER_IP_KEY, "must not exceed " + MAX_KEY + " (" + total + "), got " + perIp);
        }
        return new HandshakeGate(total, perIp);
    }

    /**
     * Counts a new handshake if both bounds allow it.
     *
     * @param remote the remote IP, not null
     * @return the admission: a permit to release when the handshake ends, or the bound that refused it; never null
     */
    public synchronized Admission admit(InetAddress remote) {
        String key = keyOf(Objects.requireNonNull(remote, "remote"));
        if (perIp.getOrDefault(key, 0) >= maxPerIp) {
            return new Admission(null, Limit.PER_IP);
        }
        if (total >= max) {
            return new Admission(null, Limit.TOTAL);
        }
        total++;
        perIp.merge(key, 1, Integer::sum);
        return new Admission(new Permit(key), null);
    }

    /** @return handshakes in flight now */
    public synchronized int inFlight() {
        return total;
    }

    /** @return the bound in total */
    public int max() {
        return max;
    }

    /** @return the bound per IP */
    public int maxPerIp() {
        return maxPerIp;
    }

    private synchronized void release(String key) {
        total--;
        perIp.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    private static String keyOf(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address) {
            return HexFormat.of().formatHex(bytes, 0, 8) + "::/64";
        }
        return address.getHostAddress();
    }

    /**
     * The outcome of {@link #admit}: exactly one of the two is non-null.
     *
     * @param permit the handshake's permit, or null if refused
     * @param refusedBy the bound that refused it, or null if admitted
     */
    public record Admission(Permit permit, Limit refusedBy) {
        /** @return whether the handshake may go on */
        public boolean admitted() {
            return permit != null;
        }

        /**
         * @param transport the transport id, for the message
         * @param remote the refused address, for the message
         * @return why it was refused, naming the key, for a log line; null if admitted
         */
        public String reason(String transport, InetAddress remote) {
            return refusedBy == null ? null : "refused a " + transport + " handshake from " + remote.getHostAddress()
                    + ": " + (refusedBy == Limit.PER_IP ? "too many from this address" : "too many in flight")
                    + " (" + refusedBy.key() + ")";
        }
    }

    /** One handshake's place; {@link #release()} is idempotent and may be called from any thread. */
    public final class Permit {
        private final String key;
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit(String key) {
            this.key = key;
        }

        /** Frees the place; calls after the first do nothing. */
        public void release() {
            if (released.compareAndSet(false, true)) {
                HandshakeGate.this.release(key);
            }
        }
    }
}
