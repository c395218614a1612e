package dev.portico.core.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Forces written bytes to storage. Tests substitute one that records or holds back each fsync. */
public interface Syncer {

    /**
     * Forces a file's content to storage.
     *
     * @param channel the open file
     * @param file its path, for messages
     * @throws IOException when the fsync fails
     */
    void sync(FileChannel channel, Path file) throws IOException;

    /**
     * Forces a directory's entries (files created, renamed or deleted in it) to storage.
     *
     * @param directory the directory
     * @throws IOException when the fsync fails
     */
    void syncDirectory(Path directory) throws IOException;

    /**
     * The real thing: {@link FileChannel#force(boolean)}. Files are forced without metadata (on
     * Linux, {@code fdatasync}, which still writes the length an append changed); directories are
     * opened and forced where the platform allows it (not on Windows, where a rename is durable
     * without it).
     *
     * @return the system syncer
     */
    static Syncer system() {
        return new Syncer() {
            @Override
            public void sync(FileChannel channel, Path file) throws IOException {
                channel.force(false);
            }

            @Override
            public void syncDirectory(Path directory) throws IOException {
                FileChannel dir;
                try {
                    dir = FileChannel.open(directory, StandardOpenOption.READ);
                } catch (AccessDeniedException | UnsupportedOperationException e) {
                    return;
                }
                try (dir) {
                    dir.force(true);
                }
            }
        };
    }
}
