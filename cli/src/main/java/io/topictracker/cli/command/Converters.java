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

    /**
     * A duration written as in configuration files ({@code 1500ms}, {@code 60s}, {@code 2m}), from {@link #MIN_TIME}
     * to {@link #MAX_TIME}: every duration option of the command is a timeout or an interval, for which nothing
     * shorter makes sense and nothing longer is meant (a longer one overflowed the arithmetic on deadlines).
     */
    static final class Time implements ITypeConverter<Duration> {
        static final Duration MIN_TIME = Duration.ofMillis(100);
        static final Duration MAX_TIME = Duration.ofHours(24);

        @Override
        public Duration convert(String value) {
            Duration duration;
            try {
                duration = ConfigTable.parseDuration(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
            if (duration.compareTo(MIN_TIME) < 0 || duration.compareTo(MAX_TIME) > 0) {
                throw new TypeConversionException("expected " + ConfigTable.format(MIN_TIME) + " to "
                        + ConfigTable.format(MAX_TIME) + ", got " + ConfigTable.excerpt(value));
            }
            return duration;
        }
    }

    /** As {@link Time}, or {@code 0} for "never". */
    static final class TimeOrZero implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return value.equals("0") ? Duration.ZERO : new Time().convert(value);
        }
    }

    /**
     * {@code HOST:PORT}: a host name or IPv4 address, or an IPv6 address in brackets ({@code [::1]:6881}); the port 1
     * to 65535. Kept as text, which is what {@code [dht.mainline] bootstrap} holds (the provider checks it again).
     */
    static final class HostPort implements ITypeConverter<String> {
        private static final java.util.regex.Pattern HOST = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,253}");
        private static final java.util.regex.Pattern IPV6 = java.util.regex.Pattern.compile("\\[[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*]");

        @Override
        public String convert(String value) {
            int colon = value.lastIndexOf(':');
            if (colon <= 0 || colon == value.length() - 1) {
                throw new TypeConversionException("expected HOST:PORT, e.g. 127.0.0.1:6881 or [::1]:6881, got "
                        + ConfigTable.excerpt(value));
            }
            String host = value.substring(0, colon);
            if (host.contains(":") && !IPV6.matcher(host).matches()) {
                throw new TypeConversionException("an IPv6 address goes in brackets, e.g. [::1]:6881; got "
                        + ConfigTable.excerpt(value));
            }
            if (!host.contains(":") && !HOST.matcher(host).matches()) {
                throw new TypeConversionException("not a host name or IPv4 address before ':' in "
                        + ConfigTable.excerpt(value));
            }
            String port = value.substring(colon + 1);
            if (!port.matches("\\d{1,5}")) {
                throw new TypeConversionException("expected HOST:PORT with a numeric port, got "
                        + ConfigTable.excerpt(value));
            }
            int number = Integer.parseInt(port);
            if (number < 1 || number > 65535) {
                throw new TypeConversionException("port must be 1 to 65535, got " + number);
            }
            return value;
        }
    }

    /** A local IP address to bind, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}: not empty, no spaces, not a URL. */
    static final class BindAddress implements ITypeConverter<String> {
        private static final java.util.regex.Pattern ADDRESS = java.util.regex.Pattern.compile("[A-Za-z0-9._:%-]{1,253}");

        @Override
        public String convert(String value) {
            if (!ADDRESS.matcher(value).matches()) {
                throw new TypeConversionException("expected a local IP address to bind, e.g. 127.0.0.1 or 0.0.0.0, "
                        + "got " + ConfigTable.excerpt(value));
            }
            return value;
        }
    }

    /**
     * A file's path: not empty, at most {@link ConfigTable#MAX_STRING_LENGTH} characters (Linux's {@code PATH_MAX}),
     * and one this platform accepts (no NUL character). Nothing is checked on disk.
     */
    static final class FilePath implements ITypeConverter<java.nio.file.Path> {
        @Override
        public java.nio.file.Path convert(String value) {
            if (value.isEmpty()) {
                throw new TypeConversionException("expected a file path, got an empty string");
            }
            if (value.length() > ConfigTable.MAX_STRING_LENGTH) {
                throw new TypeConversionException("a path is at most " + ConfigTable.MAX_STRING_LENGTH
                        + " characters, got " + ConfigTable.excerpt(value));
            }
            try {
                if (value.indexOf('\0') >= 0) {
                    throw new java.nio.file.InvalidPathException(value, "a NUL character");
                }
                return java.nio.file.Path.of(value);
            } catch (java.nio.file.InvalidPathException e) {
                throw new TypeConversionException("not a valid path (" + e.getReason() + "): "
                        + ConfigTable.excerpt(value));
            }
        }
    }

    /** A topic name: not blank, at most {@link #MAX_TOPIC_LENGTH} characters (it is hashed, never sent as is). */
    static final class TopicName implements ITypeConverter<String> {
        static final int MAX_TOPIC_LENGTH = 1024;

        @Override
        public String convert(String value) {
            if (value.isBlank()) {
                throw new TypeConversionException("a topic name must not be blank");
            }
            if (value.length() > MAX_TOPIC_LENGTH) {
                throw new TypeConversionException("a topic name is at most " + MAX_TOPIC_LENGTH + " characters, got "
                        + ConfigTable.excerpt(value));
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
