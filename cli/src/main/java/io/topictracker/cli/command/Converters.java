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

    /** As {@link Time}, or {@code 0} for "never". */
    static final class TimeOrZero implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return value.equals("0") ? Duration.ZERO : new Time().convert(value);
        }
    }

    /** {@code HOST:PORT}, the port 1 to 65535; kept as text, which is what {@code [dht.mainline] bootstrap} holds. */
    static final class HostPort implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            int colon = value.lastIndexOf(':');
            if (colon <= 0 || colon == value.length() - 1) {
                throw new TypeConversionException("expected HOST:PORT, e.g. 127.0.0.1:6881, got '" + value + "'");
            }
            try {
                int port = Integer.parseInt(value.substring(colon + 1));
                if (port < 1 || port > 65535) {
                    throw new TypeConversionException("port must be 1 to 65535, got " + port);
                }
            } catch (NumberFormatException e) {
                throw new TypeConversionException("expected HOST:PORT with a numeric port, got '" + value + "'");
            }
            return value;
        }
    }

    /** Bytes given in hex (picocli would read a {@code byte[]} field as a list of numbers). */
    record HexValue(byte[] bytes) {}

    /** Exactly {@code length} bytes as {@code 2 * length} hex digits. */
    private static HexValue hex(String value, int length) {
        if (value.length() != 2 * length) {
            throw new TypeConversionException("expected " + 2 * length + " hex digits (" + length + " bytes), got "
                    + value.length() + " characters");
        }
        try {
            return new HexValue(java.util.HexFormat.of().parseHex(value));
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException("expected " + 2 * length + " hex digits, got '" + value + "'");
        }
    }

    /** 32 bytes as 64 hex digits (a seed or a public key). */
    static final class Hex32 implements ITypeConverter<HexValue> {
        @Override
        public HexValue convert(String value) {
            return hex(value, 32);
        }
    }

    /** 20 bytes as 40 hex digits (an info-hash). */
    static final class Hex20 implements ITypeConverter<HexValue> {
        @Override
        public HexValue convert(String value) {
            return hex(value, 20);
        }
    }
}
