package io.topictracker.cli.command;

import io.topictracker.cli.support.CliException;
import io.topictracker.engine.config.ConfigLoader;
import io.topictracker.engine.config.NodeConfig;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads {@code --config FILE} for the commands that take one, with errors that name the option. Stateless. */
final class ConfigFiles {
    private ConfigFiles() {}

    /**
     * @param file the path given to {@code --config}, not null
     * @return the node configuration it holds, never null
     * @throws CliException (status 2) if the file is missing or unreadable
     * @throws io.topictracker.api.ConfigException (status 2) naming {@code file:line: key} for a bad value
     */
    static NodeConfig load(Path file) {
        try {
            return ConfigLoader.load(file);
        } catch (NoSuchFileException e) {
            throw CliException.usage("--config " + file + ": no such file");
        } catch (IOException e) {
            throw CliException.usage("--config " + file + ": cannot be read: " + e.getMessage());
        }
    }
}
