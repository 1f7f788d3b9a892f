package io.topictracker.cli.command;

import io.topictracker.engine.provider.ProviderInfo;
import io.topictracker.engine.provider.ProviderKind;
import io.topictracker.engine.provider.ProviderRegistry;
import java.util.List;
import java.util.Optional;

/**
 * Which provider a command uses when the user named none, and why: the preferred one when the registry lists it as
 * available here, else the fallback, with the reason the preferred one was passed over (so the output says it).
 * Immutable.
 *
 * @param id the chosen provider id, never null
 * @param reason why, e.g. {@code default: quic is available}; never null
 */
record ProviderChoice(String id, String reason) {
    /** @return the user's choice, said to be theirs */
    static ProviderChoice chosenWith(String id, String option) {
        return new ProviderChoice(id, "chosen with " + option);
    }

    /**
     * The preferred provider when it is available here; else the fallback when it is; else, when exactly one
     * provider of the kind is available (a third party's alone on the path), that one; else the fallback, which
     * selecting then refuses with the ids present.
     *
     * @param registry the providers found, not null
     * @param kind the kind of provider, not null
     * @param preferred the id to use when it is available, not null
     * @param fallback the id to use otherwise, not null
     * @return never null
     */
    static ProviderChoice preferring(ProviderRegistry registry, ProviderKind kind, String preferred,
            String fallback) {
        List<ProviderInfo> present = registry.providers(kind);
        Optional<ProviderInfo> info = present.stream().filter(p -> p.id().equals(preferred)).findFirst();
        if (info.isPresent() && info.get().availability().isAvailable()) {
            return new ProviderChoice(preferred, "default: " + preferred + " is available");
        }
        String passedOver = info.map(p -> "default: " + preferred + " is unavailable here ("
                        + p.availability().unavailabilityCause().map(Throwable::toString).orElse("?") + ")")
                .orElse("default: no " + preferred + " provider on the module path");
        boolean fallbackAvailable = present.stream()
                .anyMatch(p -> p.id().equals(fallback) && p.availability().isAvailable());
        List<ProviderInfo> available = present.stream().filter(p -> p.availability().isAvailable()).toList();
        if (!fallbackAvailable && available.size() == 1) {
            return new ProviderChoice(available.get(0).id(), passedOver + ", nor " + fallback + "; the only "
                    + kind.noun() + " here");
        }
        return new ProviderChoice(fallback, passedOver);
    }
}
