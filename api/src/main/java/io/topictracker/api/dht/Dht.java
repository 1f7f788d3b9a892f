package io.topictracker.api.dht;

import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A distributed hash table that stores BEP44 mutable items.
 *
 * <p>Lifecycle: created by {@link DhtProvider#create}, then {@link #start()} (binds sockets, joins the network), then
 * any number of gets and puts, then {@link #close()}, which releases every socket and thread and fails calls in
 * flight with {@link DhtException.Reason#CLOSED}. Methods are thread-safe. Returned futures complete on a provider
 * thread; cancelling one stops that operation.
 */
public interface Dht extends AutoCloseable {
    /**
     * Binds sockets and joins the network. Called again on a started DHT it changes nothing (no second socket or
     * thread; the DHT keeps serving) and its future completes at once, normally or failing with
     * {@link IllegalStateException}; after {@link #close()} it fails with {@link DhtException.Reason#CLOSED}.
     *
     * @return completes when the DHT can serve calls, or fails with the reason it cannot; never null
     */
    CompletableFuture<Void> start();

    /**
     * Looks up the mutable item for the query's key and salt, streaming every distinct valid item as it arrives.
     *
     * <p>Distinct means different (seq, value, signature): on the mainline DHT different storing nodes may hold
     * different writers' values for one slot, and every one is delivered. Items whose signature does not verify are
     * never delivered. {@code onItem} is called on a provider thread, never concurrently for one lookup, and must
     * not block.
     *
     * @param query not null
     * @param onItem receives each item once, not null
     * @return completes with a summary when the lookup ends (or its timeout passes); never null
     */
    CompletableFuture<LookupSummary> getMutable(MutableQuery query, Consumer<MutableItem> onItem);

    /**
     * Stores a signed item (BEP44) on the nodes responsible for its target.
     *
     * @param item a signed item, not null
     * @param cas if present, store only where the stored item's seq equals it (BEP44 compare-and-swap); where nothing
     *     is stored there is nothing to compare and the item is stored
     * @return completes with how many nodes acknowledged; fails with {@link DhtException} (e.g. reason
     *     {@link DhtException.Reason#SEQ_TOO_OLD}) if every node refused; never null
     */
    CompletableFuture<PutSummary> putMutable(MutableItem item, OptionalLong cas);

    /** Same as {@link #putMutable(MutableItem, OptionalLong)} without compare-and-swap. */
    default CompletableFuture<PutSummary> putMutable(MutableItem item) {
        return putMutable(item, OptionalLong.empty());
    }

    /** Releases every resource; idempotent; never throws. */
    @Override
    void close();
}
