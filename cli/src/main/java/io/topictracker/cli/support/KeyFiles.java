package io.topictracker.cli.support;

import io.topictracker.api.signing.SigningKeyPair;
import io.topictracker.api.signing.SigningProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Set;

/**
 * A node's key file: the 32-byte Ed25519 seed, readable by its owner only (mode 600 where the file system has POSIX
 * permissions). Written as the raw 32 bytes, the format the engine reads for {@code [node] key_file}, so a key made
 * by {@code keygen} works both with {@code chat --key} and in a configuration file. Read back either as the raw 32
 * bytes or as 64 hexadecimal digits (a seed typed or pasted by hand). Stateless and thread-safe.
 */
public final class KeyFiles {
    /** The most a key file is read: the hex form with some white space around it. */
    private static final int MAX_FILE_BYTES = 1024;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private KeyFiles() {}

    /**
     * Writes a seed. The file is created with owner-only permissions before the seed is written, so the secret is
     * never readable by others, not even briefly.
     *
     * @param file where to write, not null
     * @param seed the 32-byte seed, not null
     * @param overwrite whether an existing file may be replaced
     * @throws FileAlreadyExistsException if the file exists and {@code overwrite} is false
     * @throws IOException if it cannot be written
     */
    public static void write(Path file, byte[] seed, boolean overwrite) throws IOException {
        if (seed.length != SigningProvider.SEED_LENGTH) {
            throw new IllegalArgumentException("a seed is " + SigningProvider.SEED_LENGTH + " bytes, got " + seed.length);
        }
        if (overwrite) {
            Files.deleteIfExists(file);
        }
        boolean posix = Files.getFileStore(file.toAbsolutePath().getParent()).supportsFileAttributeView("posix");
        if (posix) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else {
            Files.createFile(file);
        }
        Files.write(file, seed, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /**
     * Reads a key file written by {@link #write}.
     *
     * @param file the key file, not null
     * @param signing the provider that turns the seed into a key pair, not null
     * @return the key pair, never null
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException naming the file if it is a directory or holds neither 32 bytes nor 64
     *     hexadecimal digits
     */
    public static SigningKeyPair read(Path file, SigningProvider signing) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(file + ": is a directory, not a key file (see 'topic-tracker keygen')");
        }
        byte[] content;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            content = in.readNBytes(MAX_FILE_BYTES + 1); // bounded: a key file is 32 bytes, or 64 digits and a newline
        }
        if (content.length > MAX_FILE_BYTES) {
            throw new IllegalArgumentException(file + ": expected a key file holding a 32-byte seed, or "
                    + 2 * SigningProvider.SEED_LENGTH + " hexadecimal digits (see 'topic-tracker keygen'); it holds"
                    + " more than " + MAX_FILE_BYTES + " bytes");
        }
        if (content.length == SigningProvider.SEED_LENGTH) {
            return signing.fromSeed(content);
        }
        String text = new String(content, StandardCharsets.US_ASCII).strip();
        if (text.length() != 2 * SigningProvider.SEED_LENGTH || !text.chars().allMatch(KeyFiles::isHex)) {
            throw new IllegalArgumentException(file + ": expected a key file holding a 32-byte seed, or "
                    + 2 * SigningProvider.SEED_LENGTH + " hexadecimal digits (see 'topic-tracker keygen'); it holds "
                    + content.length + " bytes");
        }
        return signing.fromSeed(HexFormat.of().parseHex(text));
    }

    private static boolean isHex(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
