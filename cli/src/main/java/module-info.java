/**
 * The {@code topic-tracker} command: {@code demo}, {@code chat}, {@code keygen}, {@code providers} and {@code dht}.
 *
 * <p>It compiles against the engine only; providers (DHT, transports, signing) are found at run time on the module
 * path by the engine's {@code ProviderRegistry}, so dropping a provider's jar removes it from {@code --help}. The
 * command classes are opened to picocli, which reads their annotations reflectively; nothing is exported.
 *
 * <p>{@code --metrics} serves the Prometheus text format (Micrometer's Prometheus registry, automatic modules) on the
 * JDK's HTTP server.
 */
module io.topictracker.cli {
    requires io.topictracker.engine;
    requires info.picocli;
    // sun.misc.Signal: 'dht serve' answers SIGTERM/SIGINT itself, to close in order and exit 0 rather than the JVM's
    // 143/130 (see io.topictracker.cli.command.StopSignals). Only this module uses it.
    requires jdk.unsupported;
    requires micrometer.core;
    requires micrometer.registry.prometheus;
    requires jdk.httpserver;

    opens io.topictracker.cli.command to info.picocli;
}
