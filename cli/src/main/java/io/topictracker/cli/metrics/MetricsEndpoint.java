package io.topictracker.cli.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.topictracker.cli.support.CliException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves a Prometheus registry's meters in the Prometheus text format at {@code /metrics}, on the JDK's HTTP server
 * ({@code jdk.httpserver}), one daemon thread. Anything else gets 404 (405 for a method other than GET or HEAD).
 * Thread-safe; {@link #close()} stops the server and frees the port.
 */
public final class MetricsEndpoint implements AutoCloseable {
    /** The path scrapers ask for. */
    public static final String PATH = "/metrics";
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsEndpoint(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Reads {@code --metrics}: {@code PORT} (on 127.0.0.1), {@code :PORT} (likewise), {@code HOST:PORT} or
     * {@code [IPv6]:PORT}; port 0 takes any free port.
     *
     * @param text not null
     * @return the address to listen on, resolved; never null
     * @throws IllegalArgumentException naming what is wrong
     */
    public static InetSocketAddress parseAddress(String text) {
        Objects.requireNonNull(text, "text");
        int colon = text.lastIndexOf(':');
        String host = colon < 0 ? "" : text.substring(0, colon);
        String portText = colon < 0 ? text : text.substring(colon + 1);
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected PORT or HOST:PORT (e.g. 9464 or 127.0.0.1:9464), got '"
                    + text + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), port); // loopback unless asked otherwise
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("unknown host '" + host + "' in '" + text + "'");
        }
    }

    /**
     * Starts serving {@code registry} at {@code address}.
     *
     * @param address where to listen, not null (port 0: any free port)
     * @param registry what to serve, not null; read at each request
     * @return the running endpoint, never null
     * @throws CliException (status 1) if the address cannot be bound, naming it
     */
    public static MetricsEndpoint start(InetSocketAddress address, PrometheusMeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw CliException.failed("cannot serve metrics on " + address.getAddress().getHostAddress() + ":"
                    + address.getPort() + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "tt-metrics-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", exchange -> handle(exchange, registry));
        server.start();
        return new MetricsEndpoint(server, executor);
    }

    private static void handle(HttpExchange exchange, PrometheusMeterRegistry registry) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!exchange.getRequestURI().getPath().equals(PATH)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** @return the bound address (the real port when 0 was asked for); never null */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** @return {@code http://HOST:PORT/metrics}, IPv6 hosts in brackets; never null */
    public String url() {
        InetSocketAddress bound = address();
        String host = bound.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + bound.getPort() + PATH;
    }

    /** Stops the server at once and frees its port. Idempotent. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
