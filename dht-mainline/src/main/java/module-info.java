/**
 * A BitTorrent mainline DHT node (BEP5, BEP32, BEP42, BEP43, BEP44) on Netty UDP, offered as the DHT provider
 * {@code mainline}.
 *
 * <p>Only {@code io.topictracker.dht.mainline} is exported (the provider, the {@code Dht} implementation and the
 * loopback testnet helper); the codec, routing table, storage and node internals are not.
 */
module io.topictracker.dht.mainline {
    requires transitive io.topictracker.api;
    requires io.netty.transport;
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.transport.classes.epoll;
    requires io.netty.transport.unix.common;
    requires org.slf4j;

    exports io.topictracker.dht.mainline;
    // the micro-benchmarks measure the codec and the routing table directly
    exports io.topictracker.dht.mainline.bencode to io.topictracker.bench;
    exports io.topictracker.dht.mainline.routing to io.topictracker.bench;

    provides io.topictracker.api.dht.DhtProvider with io.topictracker.dht.mainline.MainlineDhtProvider;
}
