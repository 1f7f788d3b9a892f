package io.topictracker.cli.command;

import picocli.CommandLine.IVersionProvider;

/** Reports the version of the cli module (module descriptor, else the jar manifest). */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        Module module = VersionProvider.class.getModule();
        String version = module.getDescriptor() == null ? null : module.getDescriptor().rawVersion().orElse(null);
        if (version == null && VersionProvider.class.getPackage() != null) {
            version = VersionProvider.class.getPackage().getImplementationVersion();
        }
        return new String[] {"topic-tracker " + (version == null ? "(development build)" : version)};
    }
}
