package io.topictracker.cli.command;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.topictracker.api.metrics.Metrics;
import io.topictracker.cli.metrics.MetricsEndpoint;
import io.topictracker.engine.MeterRegistryMetrics;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --metrics [HOST:]PORT}, mixed into {@code dht serve}, {@code chat} and {@code demo}: serves the node's meters
 * (docs/metrics.md) in the Prometheus text format at {@code http://HOST:PORT/metrics}, on 127.0.0.1 unless a host is
 * given; port 0 takes any free port. The URL is printed on standard output once it listens. Used on the command's
 * thread only.
 */
final class MetricsOption {
    @Option(names = "--metrics", paramLabel = "[HOST:]PORT", converter = Address.class,
            description = "Serve Prometheus metrics at http://HOST:PORT/metrics (HOST default 127.0.0.1; "
                    + "port 0: any free port, printed on start).")
    InetSocketAddress address;

    /** @return true if {@code --metrics} was given */
    boolean enabled() {
        return address != null;
    }

    /**
     * A registry, and its endpoint when {@code --metrics} was given. Closing stops the endpoint (the registry needs
     * no closing of its own beyond {@link PrometheusMeterRegistry#close()}).
     */
    static final class Serving implements AutoCloseable {
        final PrometheusMeterRegistry registry;
        private final MetricsEndpoint endpoint;

        private Serving(PrometheusMeterRegistry registry, MetricsEndpoint endpoint) {
            this.registry = registry;
            this.endpoint = endpoint;
        }

        /** @return the api facade over {@link #registry}, to hand to a node or a provider's context */
        Metrics metrics() {
            return MeterRegistryMetrics.of(registry);
        }

        /** Prints {@code metrics: URL} if serving. */
        void announce(PrintWriter out) {
            if (endpoint != null) {
                out.println("metrics: " + endpoint.url());
                out.flush();
            }
        }

        @Override
        public void close() {
            if (endpoint != null) {
                endpoint.close();
            }
            registry.close();
        }
    }

    /**
     * Creates a registry and, with {@code --metrics}, binds the endpoint (before any node starts, so a port in use
     * fails the command before it did anything).
     *
     * @throws io.topictracker.cli.support.CliException (status 1) if the address cannot be bound
     */
    Serving start() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try {
            return new Serving(registry, address == null ? null : MetricsEndpoint.start(address, registry));
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
    }

    /** Reads the option's value; picocli names the option in the message (status 2). */
    static final class Address implements ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            try {
                return MetricsEndpoint.parseAddress(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
