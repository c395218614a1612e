package dev.portico.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/** Reads a range of a file line by line (lines end with {@code \n}) without loading it whole. */
final class LineScanner {
    private static final int CHUNK = 64 * 1024;

    /** Receives each complete line. */
    @FunctionalInterface
    interface Visitor {
        /**
         * One line, without its {@code \n}.
         *
         * @param bytes the buffer
         * @param offset where the line starts in {@code bytes}
         * @param length the line's length
         * @param position where the line starts in the file
         */
        void line(byte[] bytes, int offset, int length, long position);
    }

    /**
     * What is left after the last complete line.
     *
     * @param end the file position just after the last {@code \n} (the start when there is none)
     * @param rest the bytes after it, up to the end of the range (a line without its line end)
     */
    record Tail(long end, byte[] rest) {}

    private LineScanner() {}

    /**
     * Scans {@code [from, to)} of a file.
     *
     * @param channel the file, open for reading
     * @param from where to start, at the beginning of a line
     * @param to where to stop
     * @param visitor receives each complete line
     * @return the end of the last complete line and what follows it
     * @throws IOException when the file cannot be read
     */
    static Tail scan(FileChannel channel, long from, long to, Visitor visitor) throws IOException {
        byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(1, to - from))];
        int filled = 0;
        long bufStart = from;
        long pos = from;
        while (pos < to) {
            if (filled == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            ByteBuffer bb = ByteBuffer.wrap(buf, filled, (int) Math.min(buf.length - filled, to - pos));
            int n = channel.read(bb, pos);
            if (n < 0) {
                break;
            }
            int scanFrom = filled;
            filled += n;
            pos += n;
            int lineStart = 0;
            for (int i = scanFrom; i < filled; i++) {
                if (buf[i] == '\n') {
                    visitor.line(buf, lineStart, i - lineStart, bufStart + lineStart);
                    lineStart = i + 1;
                }
            }
            if (lineStart > 0) {
                System.arraycopy(buf, lineStart, buf, 0, filled - lineStart);
                filled -= lineStart;
                bufStart += lineStart;
            }
        }
        return new Tail(bufStart, Arrays.copyOf(buf, filled));
    }
}
