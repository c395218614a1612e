package dev.portico.core;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The files of a log directory — {@code gateway.log}, then {@code gateway.log.1},
 * {@code gateway.log.2}, … from newest to oldest — and a reader that walks them line by line from
 * the end, reading only as much as it returns.
 */
final class LogFiles {
    /** The file being written. */
    static final String CURRENT = "gateway.log";
    private static final int CHUNK = 64 * 1024;

    private LogFiles() {}

    /**
     * A rotated file.
     *
     * @param dir the directory
     * @param index 1 for the newest rotated file
     * @return {@code gateway.log.<index>}
     */
    static Path rotated(Path dir, int index) {
        return dir.resolve(CURRENT + "." + index);
    }

    /**
     * Opens the files that exist, newest first: {@code gateway.log}, then the rotated ones up to the
     * first that is missing. Opened together, they stay readable as they were when a rotation
     * renames them meanwhile.
     *
     * @param dir the directory
     * @return the open files; the caller closes them
     * @throws IOException when one exists but cannot be opened
     */
    static List<FileChannel> open(Path dir) throws IOException {
        List<FileChannel> out = new ArrayList<>();
        try {
            add(out, dir.resolve(CURRENT));
            for (int i = 1; ; i++) {
                if (!add(out, rotated(dir, i))) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            closeAll(out);
            throw e;
        }
        return out;
    }

    private static boolean add(List<FileChannel> out, Path file) throws IOException {
        try {
            out.add(FileChannel.open(file, StandardOpenOption.READ));
            return true;
        } catch (NoSuchFileException missing) {
            return false;
        }
    }

    /**
     * Closes files, ignoring failures.
     *
     * @param files the files
     */
    static void closeAll(List<FileChannel> files) {
        for (FileChannel f : files) {
            try {
                f.close();
            } catch (IOException ignored) {
                // Read-only: nothing is lost.
            }
        }
    }

    /**
     * Whether a directory holds a log.
     *
     * @param dir the directory
     * @return whether {@code gateway.log} or {@code gateway.log.1} exists
     */
    static boolean exists(Path dir) {
        return Files.exists(dir.resolve(CURRENT)) || Files.exists(rotated(dir, 1));
    }

    /** Reads one file's lines from its end towards its start. */
    static final class Backwards implements Closeable {
        private final FileChannel file;
        /** Bytes before this offset are not loaded yet. */
        private long loadedFrom;
        /** Loaded bytes not returned yet: the file's bytes from {@link #loadedFrom}. */
        private byte[] buf = new byte[0];
        private int len;
        private boolean done;

        /**
         * Starts at the file's end as it is now; what is appended later is not read.
         *
         * @param file the file
         * @throws IOException when its size cannot be read
         */
        Backwards(FileChannel file) throws IOException {
            this.file = file;
            this.loadedFrom = file.size();
        }

        /**
         * The line before the last one returned. A file that ends with a line break gives an empty
         * line first; callers skip empty lines.
         *
         * @return the line without its line break, or null once the start of the file was passed
         * @throws IOException when reading fails
         */
        String previous() throws IOException {
            if (done) {
                return null;
            }
            while (true) {
                for (int i = len - 1; i >= 0; i--) {
                    if (buf[i] == '\n') {
                        String line = decode(i + 1, len);
                        len = i;
                        return line;
                    }
                }
                if (loadedFrom == 0) {
                    done = true;
                    return decode(0, len);
                }
                load();
            }
        }

        private void load() throws IOException {
            int n = (int) Math.min(CHUNK, loadedFrom);
            byte[] next = new byte[n + len];
            ByteBuffer b = ByteBuffer.wrap(next, 0, n);
            long at = loadedFrom - n;
            while (b.hasRemaining()) {
                int read = file.read(b, at + b.position());
                if (read < 0) {
                    break;
                }
            }
            System.arraycopy(buf, 0, next, n, len);
            buf = next;
            len += n;
            loadedFrom = at;
        }

        private String decode(int from, int to) {
            int end = to > from && buf[to - 1] == '\r' ? to - 1 : to;
            return new String(buf, from, end - from, StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }
}
