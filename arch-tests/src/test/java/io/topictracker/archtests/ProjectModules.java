package io.topictracker.archtests;

import io.topictracker.archtests.ArchitectureRules.ModulePackages;
import java.io.File;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The project's own JPMS modules on this test's class path, read from their {@code module-info.class} with
 * {@link ModuleFinder}: tests run on the class path, where {@code Class.getModule()} says nothing. Stateless.
 */
final class ProjectModules {
    private static final String PREFIX = "io.topictracker.";

    private ProjectModules() {}

    /** @return every explicit {@code io.topictracker.*} module on the class path, by name */
    static Map<String, ModuleDescriptor> onClassPath() {
        Map<String, ModuleDescriptor> modules = new TreeMap<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            boolean explicit = Files.isDirectory(path) ? Files.exists(path.resolve("module-info.class"))
                    : entry.endsWith(".jar");
            if (!explicit || !Files.exists(path)) {
                continue;
            }
            for (ModuleReference reference : ModuleFinder.of(path).findAll()) {
                ModuleDescriptor descriptor = reference.descriptor();
                if (!descriptor.isAutomatic() && descriptor.name().startsWith(PREFIX)) {
                    modules.put(descriptor.name(), descriptor);
                }
            }
        }
        return modules;
    }

    /**
     * @return for each module, its packages, the ones it does not export to everyone, and for each package it exports
     *     only to named modules the packages of those of them on the class path
     */
    static Map<String, ModulePackages> packages(Map<String, ModuleDescriptor> modules) {
        Map<String, ModulePackages> result = new TreeMap<>();
        modules.forEach((name, descriptor) -> {
            Set<String> exported = new java.util.HashSet<>();
            Map<String, List<String>> qualifiedTo = new TreeMap<>();
            for (ModuleDescriptor.Exports export : descriptor.exports()) {
                if (!export.isQualified()) {
                    exported.add(export.source());
                    continue;
                }
                List<String> targetPackages = new ArrayList<>();
                for (String target : export.targets()) {
                    ModuleDescriptor targetModule = modules.get(target);
                    if (targetModule != null) {
                        targetPackages.addAll(targetModule.packages());
                    }
                }
                qualifiedTo.put(export.source(), List.copyOf(targetPackages));
            }
            List<String> nonExported = new ArrayList<>();
            for (String pkg : descriptor.packages()) {
                if (!exported.contains(pkg)) {
                    nonExported.add(pkg);
                }
            }
            result.put(name, new ModulePackages(List.copyOf(descriptor.packages()), List.copyOf(nonExported),
                    Map.copyOf(qualifiedTo)));
        });
        return result;
    }
}
