package dev.portico.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

/** Generating, storing and showing tokens. */
public final class Tokens {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    /** The length of a {@linkplain #generate() generated} token in characters. */
    public static final int GENERATED_LENGTH = 43;
    private static final int GENERATED_BYTES = 32;

    private Tokens() {}

    /**
     * A new random token: 32 bytes from a {@link SecureRandom}, URL-safe base64 without padding
     * ({@value #GENERATED_LENGTH} characters).
     *
     * @return the token
     */
    public static String generate() {
        byte[] bytes = new byte[GENERATED_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Reads the token stored in {@code file}, or generates one and stores it there with mode 0600
     * (written to a temporary file first, then moved into place, so a crash never leaves half a
     * token).
     *
     * @param file the token file, such as {@code ~/.portico/token}
     * @return the token
     * @throws UncheckedIOException when the file cannot be read or written, or is empty
     */
    public static String loadOrCreate(Path file) {
        Optional<String> stored = load(file);
        if (stored.isPresent()) {
            return stored.get();
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            createOwnerOnlyDirectory(dir);
            String token = generate();
            Path tmp = Files.createTempFile(dir, ".token", ".tmp");
            try {
                setOwnerOnly(tmp);
                Files.writeString(tmp, token + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file);
                }
            } catch (FileAlreadyExistsException raced) {
                return read(file);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return read(file);
        } catch (IOException e) {
            throw failure(file, e);
        }
    }

    /**
     * Reads the token stored in {@code file}, without creating anything.
     *
     * @param file the token file
     * @return the token, or empty when the file does not exist
     * @throws UncheckedIOException when the file cannot be read, or is empty
     */
    public static Optional<String> load(Path file) {
        try {
            return Optional.of(read(file));
        } catch (NoSuchFileException missing) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure(file, e);
        }
    }

    private static UncheckedIOException failure(Path file, IOException e) {
        return new UncheckedIOException("token file " + file + ": " + e.getMessage(), e);
    }

    /**
     * A token shown safely: its first and last four characters, or {@code ****} when it is short.
     *
     * @param token the token
     * @return the masked token, such as {@code abcd…wxyz}
     */
    public static String mask(String token) {
        if (token.length() < 12) {
            return "****";
        }
        return token.substring(0, 4) + "…" + token.substring(token.length() - 4);
    }

    private static String read(Path file) throws IOException {
        String token = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (token.isEmpty()) {
            throw new IOException("empty (expected: a token; delete the file to have a new one generated)");
        }
        return token;
    }

    /**
     * Creates a directory (and its parents) when missing; the directory itself gets mode 0700 on
     * POSIX file systems. An existing directory is left as it is.
     *
     * @param dir the directory, such as {@code ~/.portico}
     * @throws IOException when it cannot be created
     */
    public static void createOwnerOnlyDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
        } catch (UnsupportedOperationException notPosix) {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException raced) {
            // Another process made it first; use it as it is.
        }
    }

    private static void setOwnerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        } catch (UnsupportedOperationException notPosix) {
            // Not a POSIX file system (Windows): the file inherits the directory's ACL.
        }
    }
}
