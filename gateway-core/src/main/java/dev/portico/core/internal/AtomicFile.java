package dev.portico.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Replaces a file whole, so that a reader (or a crash) sees the old contents or the new, never a mix. */
public final class AtomicFile {
    /** What a file's temporary sibling adds to its name. */
    public static final String TMP_SUFFIX = ".tmp";

    private AtomicFile() {}

    /**
     * The temporary sibling a file is written through.
     *
     * @param file the file
     * @return {@code <file>.tmp} in the same directory
     */
    public static Path tmp(Path file) {
        return file.resolveSibling(file.getFileName() + TMP_SUFFIX);
    }

    /**
     * Writes the bytes to the temporary sibling, fsyncs it, renames it over the file and fsyncs
     * the directory; on failure the temporary file is removed.
     *
     * @param file the file
     * @param bytes its new contents
     * @param syncer forces the file and the directory to storage; {@code null} to skip every fsync
     * @throws IOException when it cannot be written
     */
    public static void replace(Path file, byte[] bytes, Syncer syncer) throws IOException {
        Path tmp = tmp(file);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                if (syncer != null) {
                    syncer.sync(ch, tmp);
                }
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        if (syncer != null) {
            syncer.syncDirectory(file.getParent());
        }
    }
}
