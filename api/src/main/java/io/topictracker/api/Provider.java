package io.topictracker.api;

/**
 * What every provider (signing, DHT, transport) tells the engine about itself.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader} and must have a public no-argument constructor
 * that allocates nothing. Methods may be called from any thread.
 */
public interface Provider {
    /**
     * @return the unique id used to select this provider in configuration, such as {@code "tcp"}; never null or
     *     blank, stable across versions
     */
    String id();

    /**
     * Whether this provider can work in this process (a native library loaded, say). The engine reports an
     * unavailable provider once with its cause and does not select it.
     *
     * @return never null; {@link Availability#AVAILABLE} unless overridden
     */
    default Availability availability() {
        return Availability.AVAILABLE;
    }
}
