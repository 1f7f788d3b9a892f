package io.topictracker.dht.mainline.node;

import java.util.List;
import java.util.Map;

/**
 * Keeps test suites off the public DHT. When the environment variable {@value #VARIABLE} is set to anything but
 * empty or {@code 0} (the parent pom sets it for every test run, and processes started by tests inherit it), a
 * {@code [dht.mainline]} table must name its bootstrap nodes, and only loopback ones: without {@code bootstrap} it
 * would default to the public routers, and a named non-loopback host would be just as public. Users never set it.
 *
 * <p>Stateless and thread-safe.
 */
public final class PublicRoutersGuard {
    /** The environment variable that turns the guard on. */
    public static final String VARIABLE = "TOPIC_TRACKER_DHT_LOOPBACK_ONLY";

    private PublicRoutersGuard() {}

    /** @return whether the guard is on in this process's environment */
    public static boolean active() {
        return active(System.getenv());
    }

    /** @return whether {@code environment} turns the guard on; not null */
    public static boolean active(Map<String, String> environment) {
        String value = environment.get(VARIABLE);
        return value != null && !value.isBlank() && !value.strip().equals("0");
    }

    /**
     * @param configured the {@code bootstrap} entries as configured ("host:port"), or null when the key is absent
     * @return null if the guard lets them through, else what is wrong
     */
    public static String problem(List<String> configured) {
        if (configured == null) {
            return "no bootstrap nodes named: the default, the public routers, is forbidden while " + VARIABLE
                    + " is set (as in the test suite); name 127.0.0.1 nodes";
        }
        for (String entry : configured) {
            String host = entry.substring(0, Math.max(0, entry.lastIndexOf(':')));
            if (!isLoopback(host)) {
                return "\"" + entry + "\" is not a loopback address, and only those may be contacted while "
                        + VARIABLE + " is set (as in the test suite)";
            }
        }
        return null;
    }

    /** A loopback literal or name; no name is resolved, so no DNS query leaves the machine either. */
    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }
}
