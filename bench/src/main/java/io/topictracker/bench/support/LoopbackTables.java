package io.topictracker.bench.support;

import io.topictracker.api.ConfigTable;
import java.util.Map;

/**
 * Transport tables for benchmarks, which run on 127.0.0.1 only: a network transport's default bind is the wildcard,
 * so it is named; the in-process transport binds nothing and has no such key.
 */
public final class LoopbackTables {
    /** The in-process transport's id. */
    private static final String IN_PROCESS = "inmemory";

    private LoopbackTables() {}

    /** @return the {@code [transport.ID]} table binding 127.0.0.1, never null */
    public static ConfigTable transport(String id) {
        return id.equals(IN_PROCESS) ? ConfigTable.empty("transport." + id)
                : ConfigTable.of("transport." + id, Map.of("bind_address", "127.0.0.1"));
    }
}
