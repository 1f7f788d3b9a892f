package io.topictracker.engine.config;

import io.topictracker.api.ConfigTable;
import java.util.Map;

/**
 * Each provider's own table, handed to it unread: {@code [signing.<id>]}, {@code [dht.<id>]} and
 * {@code [transport.<id>]}. The provider validates its table and reports errors in the shared format. Immutable.
 *
 * @param signing signing provider id to table, never null; copied
 * @param dht DHT provider id to table, never null; copied
 * @param transport transport provider id to table, never null; copied
 */
public record ProviderTables(Map<String, ConfigTable> signing, Map<String, ConfigTable> dht,
        Map<String, ConfigTable> transport) {
    public ProviderTables {
        signing = Map.copyOf(signing);
        dht = Map.copyOf(dht);
        transport = Map.copyOf(transport);
    }

    /** @return no provider tables, never null */
    public static ProviderTables none() {
        return new ProviderTables(Map.of(), Map.of(), Map.of());
    }

    /** @return {@code [signing.<id>]}, or an empty table of that path; never null */
    public ConfigTable signing(String id) {
        return signing.getOrDefault(id, ConfigTable.empty("signing." + id));
    }

    /** @return {@code [dht.<id>]}, or an empty table of that path; never null */
    public ConfigTable dht(String id) {
        return dht.getOrDefault(id, ConfigTable.empty("dht." + id));
    }

    /** @return {@code [transport.<id>]}, or an empty table of that path; never null */
    public ConfigTable transport(String id) {
        return transport.getOrDefault(id, ConfigTable.empty("transport." + id));
    }
}
