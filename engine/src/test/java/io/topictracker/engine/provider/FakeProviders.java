package io.topictracker.engine.provider;

import io.topictracker.api.Availability;
import io.topictracker.api.dht.Dht;
import io.topictracker.api.dht.DhtContext;
import io.topictracker.api.dht.DhtProvider;
import io.topictracker.api.transport.Transport;
import io.topictracker.api.transport.TransportContext;
import io.topictracker.api.transport.TransportProvider;

/** Providers that exist only to be found, chosen or rejected by the registry tests. */
public final class FakeProviders {
    private FakeProviders() {}

    /** A DHT provider with a given id; it never creates anything. */
    public static class FakeDht implements DhtProvider {
        private final String id;

        public FakeDht(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Dht create(DhtContext context) {
            throw new UnsupportedOperationException("test fake");
        }
    }

    /** A second class with a chosen id, to clash with {@link FakeDht}. */
    public static final class OtherDht extends FakeDht {
        public OtherDht(String id) {
            super(id);
        }
    }

    /** Found through META-INF/services in a test: public no-argument constructor, id {@code inmemory}. */
    public static final class LoadableDht extends FakeDht {
        public LoadableDht() {
            super("inmemory");
        }
    }

    /** Found through META-INF/services in a test: its constructor fails, as a provider missing a dependency would. */
    public static final class BrokenDht extends FakeDht {
        public BrokenDht() {
            super("broken");
            throw new IllegalStateException("cannot start: native library missing");
        }
    }

    /** A provider whose {@code id()} throws. */
    public static final class NoIdDht extends FakeDht {
        public NoIdDht() {
            super("never");
        }

        @Override
        public String id() {
            throw new IllegalStateException("id lookup failed");
        }
    }

    /** A transport with a given id and availability. */
    public static final class FakeTransport implements TransportProvider {
        private final String id;
        private final Availability availability;

        public FakeTransport(String id, Availability availability) {
            this.id = id;
            this.availability = availability;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Availability availability() {
            return availability;
        }

        @Override
        public Transport create(TransportContext context) {
            throw new UnsupportedOperationException("test fake");
        }
    }
}
