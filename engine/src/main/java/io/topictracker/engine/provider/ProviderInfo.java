package io.topictracker.engine.provider;

import io.topictracker.api.Availability;
import java.util.Objects;

/**
 * What the registry knows about one provider it holds, for logs and listings.
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind the SPI it implements, never null
 * @param id its id, never null
 * @param className the implementing class, never null
 * @param module the module it came from, or {@code "unnamed"} on the class path; never null
 * @param version the module or jar version, or {@code "unknown"}; never null
 * @param availability whether it can be selected here, never null
 */
public record ProviderInfo(ProviderKind kind, String id, String className, String module, String version,
        Availability availability) {
    public ProviderInfo {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(availability, "availability");
    }

    /** Describes where a provider instance came from. */
    static ProviderInfo describe(ProviderKind kind, String id, Object provider, Availability availability) {
        Class<?> type = provider.getClass();
        Module module = type.getModule();
        String moduleName = module.isNamed() ? module.getName() : "unnamed";
        String version = module.getDescriptor() == null ? null
                : module.getDescriptor().rawVersion().orElse(null);
        if (version == null && type.getPackage() != null) {
            version = type.getPackage().getImplementationVersion();
        }
        return new ProviderInfo(kind, id, type.getName(), moduleName, version == null ? "unknown" : version,
                availability);
    }

    /** @return e.g. {@code "dht: mainline (module io.topictracker.dht.mainline, version 0.1.0)"} */
    @Override
    public String toString() {
        return kind.configKey() + ": " + id + " (" + className + ", module " + module + ", version " + version
                + (availability.isAvailable() ? "" : ", " + availability) + ")";
    }
}
