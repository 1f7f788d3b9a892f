package io.topictracker.dht.inmemory;

import io.topictracker.tck.DhtContract;

/** The in-memory provider passes the DHT contract. */
class InMemoryDhtContractTest extends DhtContract {
    @Override
    protected Network newNetwork() {
        return new TestNetwork();
    }

    @Override
    protected int writerCapacity() {
        // replicas 20, put fanout 8: 13 sequential writers from consecutive nodes are guaranteed a free place.
        return 13;
    }
}
