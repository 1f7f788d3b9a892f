package io.topictracker.cli.command;

import io.topictracker.api.ConfigTable;
import io.topictracker.cli.support.PeerSpec;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli converters whose messages say what is expected; picocli prefixes them with the option's name. */
final class Converters {
    private Converters() {}

    /** {@code ID@ADDRESS}, see {@link PeerSpec}. */
    static final class Peer implements ITypeConverter<PeerSpec> {
        @Override
        public PeerSpec convert(String value) {
            try {
                return PeerSpec.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A duration written as in configuration files: {@code 1500ms}, {@code 60s}, {@code 2m}. */
    static final class Time implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return ConfigTable.parseDuration(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
