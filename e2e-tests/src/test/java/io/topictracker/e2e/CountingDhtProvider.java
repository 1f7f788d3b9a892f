package io.topictracker.e2e;

import io.topictracker.api.dht.Dht;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.dht.DhtProvider;
import io.topictracker.api.dht.LookupSummary;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.dht.MutableQuery;
import io.topictracker.api.dht.PutSummary;
import io.topictracker.dht.inmemory.InMemoryDhtProvider;
import java.util.HexFormat;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The in-memory DHT (id {@code counting}, same config keys) counting every put per slot (key + salt), so a test sees
 * exactly how many writes each slot took. Thread-safe.
 */
final class CountingDhtProvider implements DhtProvider {
    static final String ID = "counting";
    final Map<String, AtomicInteger> putsPerSlot = new ConcurrentHashMap<>();
    private final InMemoryDhtProvider inner = new InMemoryDhtProvider();

    @Override
    public String id() {
        return ID;
    }

    static String slot(byte[] key, byte[] salt) {
        return HexFormat.of().formatHex(key) + "/" + HexFormat.of().formatHex(salt);
    }

    @Override
    public Dht create(DhtContext context) {
        Dht dht = inner.create(context);
        return new Dht() {
            @Override
            public CompletableFuture<Void> start() {
                return dht.start();
            }

            @Override
            public CompletableFuture<LookupSummary> getMutable(MutableQuery query, Consumer<MutableItem> onItem) {
                return dht.getMutable(query, onItem);
            }

            @Override
            public CompletableFuture<PutSummary> putMutable(MutableItem item, OptionalLong cas) {
                putsPerSlot.computeIfAbsent(slot(item.publicKey(), item.salt()), k -> new AtomicInteger())
                        .incrementAndGet();
                return dht.putMutable(item, cas);
            }

            @Override
            public void close() {
                dht.close();
            }
        };
    }
}
