/**
 * An example DHT provider, {@code dirdht}: BEP44 mutable items as files in a folder that every node shares. It
 * depends on the Topic Tracker api alone, and declares its provider here for the module path (and in
 * {@code META-INF/services} for the class path).
 */
module com.example.dirdht {
    requires io.topictracker.api;

    provides io.topictracker.api.dht.DhtProvider with com.example.dirdht.DirDhtProvider;
}
