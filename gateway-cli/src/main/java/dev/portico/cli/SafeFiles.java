package dev.portico.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** Writes the files the CLI keeps (config, service definitions) whole, so a crash never leaves half of one. */
final class SafeFiles {
    private SafeFiles() {}

    /**
     * Writes a file through a temporary file beside it, written and forced to disk, then renamed
     * over it: a reader or a crash sees the old file or the new one.
     *
     * @param file the file; its directory is created when missing
     * @param content the new contents
     * @param mode the file's permissions where the file system has POSIX ones
     * @param replace whether an existing file is replaced; without it, an existing file makes this
     *     fail with {@link java.nio.file.FileAlreadyExistsException} and stays as it was
     * @throws IOException when it cannot be written; the temporary file is removed
     */
    static void write(Path file, byte[] content, Set<PosixFilePermission> mode, boolean replace) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            if (posix(temp)) {
                Files.setPosixFilePermissions(temp, mode);
            }
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(content);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            if (!replace) {
                Files.move(temp, file);
                return;
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Whether a file system keeps POSIX permissions.
     *
     * @param p a path on it
     * @return whether it does
     */
    static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
