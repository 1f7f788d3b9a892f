package io.topictracker.dht.mainline;

import io.topictracker.api.dht.Dht;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.dht.DhtProvider;
import io.topictracker.dht.mainline.node.MainlineSettings;

/**
 * The {@code mainline} DHT provider: a real BitTorrent mainline DHT node (BEP5, BEP42, BEP43, BEP44) on Netty UDP,
 * configured by the {@code [dht.mainline]} table. Stateless and thread-safe; {@link #create} allocates nothing.
 */
public final class MainlineDhtProvider implements DhtProvider {
    /** The provider id. */
    public static final String ID = "mainline";

    @Override
    public String id() {
        return ID;
    }

    /**
     * @throws io.topictracker.api.ConfigException for an unknown key or a bad value in the table
     */
    @Override
    public Dht create(DhtContext context) {
        return new MainlineDht(MainlineSettings.from(context.settings()), context);
    }
}
