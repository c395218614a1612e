package dev.portico.core.internal;

import dev.portico.api.session.Message;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * Reads a transcript's lines as {@link LineScanner} hands them over: the header, how many
 * messages there are and their first and latest times, the lines it could not read, and (for the
 * read cache) where each message starts and the most recent ones.
 */
final class TranscriptScan implements LineScanner.Visitor {
    private final boolean keepOffsets;
    private final int tailSize;

    TranscriptFormat.Header header;
    long count;
    Instant firstTimestamp;
    Instant latestTimestamp;
    int unreadable;
    String firstProblem;
    final SessionEntry.LongList offsets = new SessionEntry.LongList();
    final ArrayDeque<Message> tail = new ArrayDeque<>();
    private boolean atFirstLine = true;

    private TranscriptScan(boolean keepOffsets, int tailSize) {
        this.keepOffsets = keepOffsets;
        this.tailSize = tailSize;
    }

    /** A scan that only counts (opening a store whose index is stale). */
    static TranscriptScan counting() {
        return new TranscriptScan(false, 0);
    }

    /**
     * A scan that also records message offsets and keeps the latest messages (loading the cache).
     *
     * @param tailSize how many recent messages to keep
     */
    static TranscriptScan caching(int tailSize) {
        return new TranscriptScan(true, tailSize);
    }

    @Override
    public void line(byte[] bytes, int offset, int length, long position) {
        accept(TranscriptFormat.parse(bytes, offset, length), position);
    }

    /**
     * Takes one parsed line.
     *
     * @param line the line
     * @param position where it starts in the file
     */
    void accept(TranscriptFormat.Line line, long position) {
        boolean first = atFirstLine;
        atFirstLine = false;
        switch (line) {
            case TranscriptFormat.Header h when first -> header = h;
            case TranscriptFormat.Header h -> problem("a second session header");
            case TranscriptFormat.Entry e -> {
                Message m = e.message();
                count++;
                if (firstTimestamp == null) {
                    firstTimestamp = m.timestamp();
                }
                if (latestTimestamp == null || m.timestamp().isAfter(latestTimestamp)) {
                    latestTimestamp = m.timestamp();
                }
                if (keepOffsets) {
                    offsets.add(position);
                }
                if (tailSize > 0) {
                    tail.addLast(m);
                    if (tail.size() > tailSize) {
                        tail.removeFirst();
                    }
                }
            }
            case TranscriptFormat.Unreadable u -> problem(u.reason());
        }
    }

    private void problem(String reason) {
        if (unreadable++ == 0) {
            firstProblem = reason;
        }
    }
}
