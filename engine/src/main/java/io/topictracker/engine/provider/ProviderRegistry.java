package io.topictracker.engine.provider;

import io.topictracker.api.Availability;
import io.topictracker.api.Provider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signing, DHT and transport providers a node may use, and the rules for choosing among them.
 *
 * <p>Selection (as JUnit's engine lookup and Helidon's provider config): the id named in configuration wins;
 * otherwise the single available provider of that kind; otherwise an error that names what was asked, what exists
 * and which module to add. Never "the first one found". Two providers of one kind with the same id are fatal when
 * the registry is built. A provider that fails to load is reported (logged once and listed in {@link #problems()})
 * and the others still work; an unavailable provider is logged once and never selected.
 *
 * <p>There is no global instance: build one with {@link #discover()}, {@link #discover(ModuleLayer)},
 * {@link #discover(ClassLoader)} or {@link #builder()} and pass it where it is needed. Immutable and thread-safe
 * once built.
 */
public final class ProviderRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderRegistry.class);

    private final Map<ProviderKind, Map<String, Entry>> byKind;
    private final List<ProviderProblem> problems;

    private ProviderRegistry(Map<ProviderKind, Map<String, Entry>> byKind, List<ProviderProblem> problems) {
        this.byKind = byKind;
        this.problems = problems;
    }

    /**
     * Discovers providers the way the engine itself sees them: through its module layer when the engine runs as a
     * named module ({@code uses} clauses), otherwise through the engine's class loader ({@code META-INF/services}).
     */
    public static ProviderRegistry discover() {
        Module engine = ProviderRegistry.class.getModule();
        if (engine.isNamed() && engine.getLayer() != null) {
            return discover(engine.getLayer());
        }
        return discover(ProviderRegistry.class.getClassLoader());
    }

    /** Discovers the providers in a module layer and its parents (module path). */
    public static ProviderRegistry discover(ModuleLayer layer) {
        return builder().discover(layer).build();
    }

    /** Discovers the providers visible to a class loader (class path, and the boot layer's modules). */
    public static ProviderRegistry discover(ClassLoader loader) {
        return builder().discover(loader).build();
    }

    /** @return a builder for a registry assembled by hand (tests) or from several sources; never null */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Chooses one provider of a kind.
     *
     * @param kind the SPI, e.g. {@code DhtProvider.class}; not null
     * @param id the id named in configuration, or empty to take the single provider present; not null
     * @return the provider, never null
     * @throws ProviderException naming what was asked, what exists and what to add
     */
    public <P extends Provider> P select(Class<P> kind, Optional<String> id) {
        ProviderKind providerKind = ProviderKind.of(kind);
        Objects.requireNonNull(id, "id");
        Map<String, Entry> entries = byKind.get(providerKind);
        if (id.isPresent()) {
            return kind.cast(byId(providerKind, entries, id.get()));
        }
        List<Entry> usable = entries.values().stream().filter(e -> e.info.availability().isAvailable()).toList();
        if (usable.size() == 1) {
            return kind.cast(usable.get(0).provider);
        }
        if (usable.isEmpty()) {
            throw new ProviderException("no " + providerKind.noun() + " found" + availableText(entries)
                    + "; add a module that provides " + kind.getName() + " to the module path" + problemHint(providerKind));
        }
        throw new ProviderException("several " + providerKind.noun() + "s found: " + ids(usable)
                + "; name one in the configuration: [node] " + providerKind.configKey() + " = \"" + usable.get(0).info.id()
                + "\"");
    }

    /**
     * Chooses several providers of a kind, as for {@code [node] transports = ["tcp", "quic"]}.
     *
     * @param kind the SPI; not null
     * @param ids the ids named, in order of preference; empty to take every available provider of the kind
     * @return the providers in the order named; with none named, those of the kind's default preference first
     *     (transports: {@code quic}, then {@code tcp}), then the others in discovery order; never null or empty
     * An unavailable provider among several named is skipped (the registry logged it, with its cause, when it was
     * built); if every one named is unavailable, the first one's cause is the error.
     *
     * @throws ProviderException if one is missing, an id is named twice, every one named is unavailable, or none
     *     exists
     */
    public <P extends Provider> List<P> selectAll(Class<P> kind, List<String> ids) {
        ProviderKind providerKind = ProviderKind.of(kind);
        Map<String, Entry> entries = byKind.get(providerKind);
        if (ids.isEmpty()) {
            List<String> preferred = providerKind.preferredWhenUnnamed();
            List<P> usable = entries.values().stream()
                    .filter(e -> e.info.availability().isAvailable())
                    .sorted(Comparator.comparingInt(e -> rank(preferred, e.info.id()))) // stable: discovery order
                    .map(e -> kind.cast(e.provider))
                    .toList();
            if (usable.isEmpty()) {
                throw new ProviderException("no " + providerKind.noun() + " found" + availableText(entries)
                        + "; add a module that provides " + kind.getName() + " to the module path"
                        + problemHint(providerKind));
            }
            return usable;
        }
        Set<String> seen = new LinkedHashSet<>();
        List<P> chosen = new ArrayList<>(ids.size());
        ProviderException firstUnavailable = null;
        for (String id : ids) {
            if (!seen.add(id)) {
                throw new ProviderException(providerKind.noun() + " '" + id + "' is named twice in " + ids);
            }
            Entry entry = entries.get(id);
            if (entry != null && !entry.info.availability().isAvailable()) {
                // Already reported once, when the registry was built; the others named are used instead.
                if (firstUnavailable == null) {
                    firstUnavailable = unavailable(providerKind, entry);
                }
                continue;
            }
            chosen.add(kind.cast(byId(providerKind, entries, id)));
        }
        if (chosen.isEmpty()) {
            throw firstUnavailable;
        }
        return List.copyOf(chosen);
    }

    /** @return {@code id}'s place in {@code preferred}, or after all of them when it is not there */
    private static int rank(List<String> preferred, String id) {
        int index = preferred.indexOf(id);
        return index < 0 ? preferred.size() : index;
    }

    /** @return every provider held, available or not, by kind then id; never null */
    public List<ProviderInfo> providers() {
        List<ProviderInfo> all = new ArrayList<>();
        for (Map<String, Entry> entries : byKind.values()) {
            entries.values().forEach(e -> all.add(e.info));
        }
        return List.copyOf(all);
    }

    /** @return the providers of one kind, by id; never null */
    public List<ProviderInfo> providers(ProviderKind kind) {
        return byKind.get(kind).values().stream().map(e -> e.info).toList();
    }

    /** @return the providers that were declared but failed to load; never null */
    public List<ProviderProblem> problems() {
        return problems;
    }

    private Provider byId(ProviderKind kind, Map<String, Entry> entries, String id) {
        Entry entry = entries.get(id);
        if (entry == null) {
            throw new ProviderException("no " + kind.noun() + " '" + id + "'; available: " + ids(entries.values())
                    + "; " + kind.moduleHint(id) + problemHint(kind));
        }
        if (!entry.info.availability().isAvailable()) {
            throw unavailable(kind, entry);
        }
        return entry.provider;
    }

    private static ProviderException unavailable(ProviderKind kind, Entry entry) {
        Throwable cause = entry.info.availability().unavailabilityCause().orElseThrow();
        return new ProviderException(kind.noun() + " '" + entry.info.id() + "' (module " + entry.info.module()
                + ") is unavailable here: " + cause, cause);
    }

    private static String availableText(Map<String, Entry> entries) {
        return entries.isEmpty() ? "" : " that is available (present: " + ids(entries.values()) + ")";
    }

    private String problemHint(ProviderKind kind) {
        long broken = problems.stream().filter(p -> p.kind() == kind).count();
        return broken == 0 ? "" : " (" + broken + " " + kind.noun() + "(s) failed to load; see problems())";
    }

    private static List<String> ids(java.util.Collection<Entry> entries) {
        return entries.stream().map(e -> e.info.id()).sorted().toList();
    }

    /** A provider and what we know about it. */
    private record Entry(Provider provider, ProviderInfo info) {}

    /**
     * Collects providers from service loaders and explicit registration, then checks them. Not thread-safe; use
     * from one thread.
     */
    public static final class Builder {
        private final List<Provider> candidates = new ArrayList<>();
        private final List<ProviderKind> candidateKinds = new ArrayList<>();
        private final List<ProviderProblem> problems = new ArrayList<>();

        private Builder() {}

        /**
         * Adds a provider in code, as tests do. It is held under every SPI it implements.
         *
         * @param provider not null
         * @return this builder
         */
        public Builder register(Provider provider) {
            Objects.requireNonNull(provider, "provider");
            boolean any = false;
            for (ProviderKind kind : ProviderKind.values()) {
                if (kind.type().isInstance(provider)) {
                    candidates.add(provider);
                    candidateKinds.add(kind);
                    any = true;
                }
            }
            if (!any) {
                throw new IllegalArgumentException(provider.getClass().getName()
                        + " implements none of the signing, DHT or transport SPIs");
            }
            return this;
        }

        /** Adds every provider found in a module layer (and its parents). */
        public Builder discover(ModuleLayer layer) {
            Objects.requireNonNull(layer, "layer");
            for (ProviderKind kind : ProviderKind.values()) {
                scan(kind, ServiceLoader.load(layer, kind.type()));
            }
            return this;
        }

        /** Adds every provider visible to a class loader. */
        public Builder discover(ClassLoader loader) {
            Objects.requireNonNull(loader, "loader");
            for (ProviderKind kind : ProviderKind.values()) {
                scan(kind, ServiceLoader.load(kind.type(), loader));
            }
            return this;
        }

        private void scan(ProviderKind kind, ServiceLoader<? extends Provider> loader) {
            ServiceScanner.scan(kind, loader, provider -> {
                candidates.add(provider);
                candidateKinds.add(kind);
            }, problems::add);
        }

        /**
         * Checks ids, logs one line per provider and per problem, and freezes the result.
         *
         * @throws ProviderException if two providers of one kind share an id
         */
        public ProviderRegistry build() {
            Map<ProviderKind, Map<String, Entry>> byKind = new EnumMap<>(ProviderKind.class);
            for (ProviderKind kind : ProviderKind.values()) {
                byKind.put(kind, new LinkedHashMap<>());
            }
            List<ProviderProblem> found = new ArrayList<>(problems);
            for (int i = 0; i < candidates.size(); i++) {
                Provider provider = candidates.get(i);
                ProviderKind kind = candidateKinds.get(i);
                Entry entry = inspect(kind, provider, found);
                if (entry == null) {
                    continue;
                }
                Entry previous = byKind.get(kind).get(entry.info.id());
                if (previous != null) {
                    if (previous.provider == provider) {
                        continue;
                    }
                    throw new ProviderException("duplicate " + kind.noun() + " id '" + entry.info.id() + "': "
                            + previous.info.className() + " (module " + previous.info.module() + ") and "
                            + entry.info.className() + " (module " + entry.info.module()
                            + "); remove one of them from the module path");
                }
                byKind.get(kind).put(entry.info.id(), entry);
            }
            Map<ProviderKind, Map<String, Entry>> frozen = new EnumMap<>(ProviderKind.class);
            byKind.forEach((kind, entries) -> frozen.put(kind, Collections.unmodifiableMap(entries)));
            log(frozen, found);
            return new ProviderRegistry(Collections.unmodifiableMap(frozen), List.copyOf(found));
        }

        /** Asks a provider for its id and availability; a provider that throws here is a problem, not a crash. */
        private static Entry inspect(ProviderKind kind, Provider provider, List<ProviderProblem> problems) {
            String id;
            Availability availability;
            try {
                id = provider.id();
                availability = provider.availability();
            } catch (RuntimeException | LinkageError e) {
                problems.add(new ProviderProblem(kind, provider.getClass().getName() + " failed to report its id: " + e, e));
                return null;
            }
            if (id == null || id.isBlank() || availability == null) {
                problems.add(new ProviderProblem(kind, provider.getClass().getName()
                        + " reported " + (availability == null ? "a null availability" : "a blank id"),
                        new IllegalStateException("invalid provider " + provider.getClass().getName())));
                return null;
            }
            return new Entry(provider, ProviderInfo.describe(kind, id, provider, availability));
        }

        private static void log(Map<ProviderKind, Map<String, Entry>> byKind, List<ProviderProblem> problems) {
            byKind.values().forEach(entries -> entries.values().forEach(e -> {
                ProviderInfo info = e.info;
                if (info.availability().isAvailable()) {
                    LOG.info("found {} '{}' in module {} version {}", info.kind().noun(), info.id(), info.module(),
                            info.version());
                } else {
                    LOG.warn("found {} '{}' in module {} version {} but it is {}", info.kind().noun(), info.id(),
                            info.module(), info.version(), info.availability());
                }
            }));
            for (ProviderProblem problem : problems) {
                LOG.warn("{} could not be loaded: {}", problem.kind().noun(), problem.description());
            }
        }
    }
}
