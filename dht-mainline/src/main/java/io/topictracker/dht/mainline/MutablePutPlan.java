package io.topictracker.dht.mainline;

import io.topictracker.api.dht.DhtException;
import io.topictracker.api.dht.MutableItem;
import io.topictracker.api.signing.SigningProvider;
import io.topictracker.dht.mainline.krpc.Response;
import io.topictracker.dht.mainline.node.Lookup;
import io.topictracker.dht.mainline.node.ResponseListener;
import io.topictracker.dht.mainline.node.SlotLog;
import io.topictracker.dht.mainline.node.SlotSharing;
import io.topictracker.dht.mainline.routing.NodeInfo;
import io.topictracker.dht.mainline.store.Keys;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Where a mutable put stores its item: it watches what the put's get lookup finds on each node, refuses early what
 * the storing nodes would refuse (BEP44 302 and 301, so a node that missed the newer item cannot accept an older
 * one; only items with a valid signature count), and otherwise lets {@link SlotSharing} choose among the closest.
 *
 * <p>Confined to the node's event loop (the lookup's listener and the choice both run there).
 */
final class MutablePutPlan implements ResponseListener<Response.ItemFound> {
    /** Diagnostics: what each put found and where it stores (lab timelines; debug only). */
    private static final org.slf4j.Logger SLOTS = org.slf4j.LoggerFactory.getLogger("io.topictracker.timeline.slots");
    private final MutableItem item;
    private final OptionalLong cas;
    private final SigningProvider signing;
    private final Map<NodeInfo, MutableItem> found = new HashMap<>();
    private final java.util.Set<String> earlier;

    /**
     * All arguments not null; {@code signing} checks the items found; {@code earlier} holds the values (as keys) of
     * our earlier puts to this target, which a node may hold and we may replace.
     */
    MutablePutPlan(MutableItem item, OptionalLong cas, SigningProvider signing, java.util.Set<String> earlier) {
        this.item = item;
        this.cas = cas;
        this.signing = signing;
        this.earlier = earlier;
    }

    @Override
    public void onResponse(NodeInfo from, Response.ItemFound response) {
        MutableItem stored = DhtResults.mutableItem(response, item.publicKey(), item.salt());
        if (stored != null) {
            found.put(from, stored);
        }
    }

    /**
     * @param self our own node as our lookup asked it, not null
     * @return whether our own node stores this put too, beside the nodes {@link #targets} picks among the others: when
     *     it holds nothing for this target, one of our earlier values, or a lower seq; never over another writer's
     *     item of the same seq (a public node's copy is what lets NATed peers, who reach no other node of ours, find
     *     us; another writer's record there is theirs to keep)
     */
    boolean replacesOn(NodeInfo self) {
        MutableItem held = found.get(self);
        return held == null || held.seq() < item.seq() || earlier.contains(Keys.of(held.value()));
    }

    /**
     * @param closest the closest nodes that gave a token, not null
     * @return the nodes to store on, never null
     * @throws DhtException SEQ_TOO_OLD or CAS_MISMATCH when a node holds a validly signed item that rules it out
     */
    List<Lookup.Candidate> targets(List<Lookup.Candidate> closest) {
        long seq = item.seq();
        for (MutableItem held : found.values()) {
            if (held.seq() > seq && held.verify(signing)) {
                throw new DhtException(DhtException.Reason.SEQ_TOO_OLD,
                        "302 sequence number less than current (" + seq + " < " + held.seq() + ")");
            }
            if (cas.isPresent() && held.seq() != cas.getAsLong() && held.verify(signing)) {
                throw new DhtException(DhtException.Reason.CAS_MISMATCH, "301 the stored seq is " + held.seq()
                        + ", not " + cas.getAsLong());
            }
        }
        if (cas.isPresent()) {
            return closest; // a compare-and-swap means to replace whatever is there: no sharing
        }
        Map<NodeInfo, SlotSharing.Held> held = new HashMap<>();
        found.forEach((node, h) -> held.put(node, new SlotSharing.Held(h.seq(), Keys.of(h.value()))));
        List<Lookup.Candidate> chosen = SlotSharing.choose(closest, held, seq, Keys.of(item.value()),
                earlier);
        if (SLOTS.isDebugEnabled()) {
            StringBuilder seen = new StringBuilder();
            for (Lookup.Candidate c : closest) {
                MutableItem h = found.get(c.node());
                seen.append(' ').append(c.node().address()).append('=')
                        .append(h == null ? "none" : SlotLog.hex(h.signature(), 4));
            }
            SLOTS.debug("put {} sig {}: closest{}; storing on {}", SlotLog.hex(item.target(), 4),
                    SlotLog.hex(item.signature(), 4), seen, chosen.stream().map(c -> c.node().address()).toList());
        }
        return chosen;
    }
}
