package io.topictracker.dht.mainline;

import io.topictracker.api.dht.DhtException;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.dht.PutSummary;
import io.topictracker.dht.mainline.bencode.Bencode;
import io.topictracker.dht.mainline.krpc.KrpcError;
import io.topictracker.dht.mainline.krpc.KrpcException;
import io.topictracker.dht.mainline.krpc.Response;
import io.topictracker.dht.mainline.node.LookupResult;
import io.topictracker.dht.mainline.node.StoreOutcome;
import io.topictracker.dht.mainline.routing.NodeIds;
import java.util.Arrays;
import java.util.concurrent.CompletionException;

/**
 * Turns what nodes answered into the api's results and errors: items read from get responses (BEP44 rules on what
 * counts as an item), the summary of a put, and the {@link DhtException} an operation fails with.
 *
 * <p>Stateless and thread-safe.
 */
final class DhtResults {
    private DhtResults() {}

    /** @return the mutable item in {@code found} for this key and salt, or null if absent or malformed */
    static MutableItem mutableItem(Response.ItemFound found, byte[] key, byte[] salt) {
        if (!(found.value() instanceof byte[] v) || found.key() == null || !Arrays.equals(found.key(), key)
                || found.signature() == null || found.seq() == null) {
            return null;
        }
        try {
            return MutableItem.of(found.key(), salt, found.seq(), v, found.signature());
        } catch (IllegalArgumentException e) {
            return null; // wrong sizes from a remote: not a valid item
        }
    }

    /** @return the immutable value in {@code found}, or null unless it hashes to {@code target} (BEP44) */
    static byte[] immutableValue(Response.ItemFound found, byte[] target) {
        if (found.value() instanceof byte[] v && found.key() == null
                && Arrays.equals(NodeIds.sha1(Bencode.encode(v)), target)) {
            return v;
        }
        return null;
    }

    /**
     * @return the put's summary when at least one node stored it
     * @throws DhtException with the reason of the worst refusal when none did
     */
    static PutSummary summarize(LookupResult lookup, StoreOutcome outcome) {
        if (outcome.acknowledged() == 0) {
            KrpcError worst = null;
            for (KrpcError refusal : outcome.refusals()) {
                if (worst == null || refusal.code() > worst.code()) {
                    worst = refusal;
                }
            }
            DhtException.Reason reason = worst == null ? DhtException.Reason.UNREACHABLE : switch (worst.code()) {
                case KrpcException.VALUE_TOO_BIG -> DhtException.Reason.VALUE_TOO_LARGE;
                case KrpcException.INVALID_SIGNATURE -> DhtException.Reason.INVALID_SIGNATURE;
                case KrpcException.SALT_TOO_BIG -> DhtException.Reason.SALT_TOO_LARGE;
                case KrpcException.CAS_MISMATCH -> DhtException.Reason.CAS_MISMATCH;
                case KrpcException.SEQ_TOO_OLD -> DhtException.Reason.SEQ_TOO_OLD;
                default -> DhtException.Reason.UNREACHABLE;
            };
            throw new DhtException(reason, "no node stored the item (" + outcome.asked() + " asked, "
                    + outcome.refusals().size() + " answered): "
                    + (worst == null ? "no node gave a write token" : worst.toString()));
        }
        return new PutSummary(outcome.acknowledged(), outcome.asked(), lookup.queries() + outcome.asked());
    }

    /** @return {@code e} as the exception an operation fails with: closed, its own {@link DhtException}, or other */
    static RuntimeException closedOr(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof DhtException d) {
            return d;
        }
        if (cause instanceof IllegalStateException) {
            return new DhtException(DhtException.Reason.CLOSED, "closed while the operation was in flight", cause);
        }
        return new DhtException(DhtException.Reason.OTHER, String.valueOf(cause.getMessage()), cause);
    }
}
