package io.topictracker.engine.config;

import io.topictracker.api.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a configuration file's text: a regular file, at most a given size (read with a bound, so even
 * {@code /dev/zero} ends), in UTF-8 as TOML 1.0 requires (§Spec: "A TOML file must be a valid UTF-8 encoded Unicode
 * document"); a byte sequence that is not UTF-8 is reported with its line. Stateless and thread-safe.
 */
final class ConfigText {
    private ConfigText() {}

    /**
     * @param file the file, not null
     * @param source how messages name it, not null
     * @param maxBytes the largest size accepted
     * @return the text, never null
     * @throws java.nio.file.NoSuchFileException if it does not exist
     * @throws IOException if it cannot be read
     * @throws ConfigException if it is a directory (or not a regular file), too large, or not UTF-8
     */
    static String read(Path file, String source, int maxBytes) throws IOException {
        if (Files.isDirectory(file)) {
            throw new ConfigException("", 0, source + ": is a directory, not a configuration file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(maxBytes + 1);
        }
        if (bytes.length > maxBytes) {
            throw new ConfigException("", 0, source + ": larger than " + maxBytes / 1024
                    + " KiB; a node configuration is a few KB (is this the right file?)");
        }
        return decode(bytes, source);
    }

    private static String decode(byte[] bytes, String source) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int line = 1;
            for (int i = 0; i < in.position(); i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new ConfigException("", line, source + ":" + line + ": not UTF-8 text (byte "
                    + String.format("0x%02x", bytes[in.position()] & 0xff) + " at offset " + in.position()
                    + "); a configuration file is TOML, which is UTF-8");
        }
        decoder.flush(out);
        return out.flip().toString();
    }
}
