package io.topictracker.api;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;

/**
 * Keeps test suites on the machine's loopback: when the environment variable {@value #VARIABLE} is set to anything
 * but empty or {@code 0} (this project's build sets it for every test run, and processes started by tests inherit
 * it), providers keep off the host's network by default: the mainline DHT refuses its default bootstrap nodes (the
 * public routers) and a transport without a {@code bind_address} binds 127.0.0.1 instead of the wildcard. Users
 * never set it.
 *
 * <p>Stateless and thread-safe.
 */
public final class LoopbackOnlyMode {
    /** The environment variable that turns the mode on. */
    public static final String VARIABLE = "TOPIC_TRACKER_DHT_LOOPBACK_ONLY";

    private LoopbackOnlyMode() {}

    /** @return whether the mode is on in this process's environment */
    public static boolean active() {
        return active(System.getenv());
    }

    /** @return whether {@code environment} turns the mode on; not null */
    public static boolean active(Map<String, String> environment) {
        String value = environment.get(VARIABLE);
        return value != null && !value.isBlank() && !value.strip().equals("0");
    }

    /**
     * The default bind address of a transport: the wildcard of both families ({@code ::}, a dual-stack socket) where
     * the host has IPv6, else {@code 0.0.0.0}; {@code 127.0.0.1} while the mode is on.
     *
     * @param table the transport's table, not null
     * @param key the bind address key, not null
     * @return the configured value, or the default when the key is absent
     */
    public static String bindAddress(ConfigTable table, String key) {
        return bindAddress(table, key, System.getenv());
    }

    /**
     * As {@link #bindAddress(ConfigTable, String)}, in the given environment.
     *
     * @param environment not null
     */
    public static String bindAddress(ConfigTable table, String key, Map<String, String> environment) {
        if (table.contains(key)) {
            return table.string(key, null);
        }
        if (active(environment)) {
            return "127.0.0.1"; // the test suite: never the host's interfaces unless a test names them
        }
        return preferredWildcard();
    }

    /** @return {@code ::} if the host has an IPv6 address (loopback counts: the stack is there), else {@code 0.0.0.0} */
    private static String preferredWildcard() {
        try {
            Enumeration<NetworkInterface> nics = NetworkInterface.getNetworkInterfaces();
            if (nics != null) {
                for (NetworkInterface nic : Collections.list(nics)) {
                    for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                        if (address instanceof Inet6Address) {
                            return "::";
                        }
                    }
                }
            }
        } catch (SocketException e) {
            // nothing readable: IPv4 is the safer guess
        }
        return "0.0.0.0";
    }
}
