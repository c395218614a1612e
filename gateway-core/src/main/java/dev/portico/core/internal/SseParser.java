package dev.portico.core.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a server-sent event stream as it arrives, in whatever pieces the network delivers it.
 * Lines end with LF, CRLF or CR; {@code data:} lines accumulate into an event that a blank line
 * dispatches; comments ({@code :…}), {@code id:} and {@code retry:} lines are skipped, and
 * {@code event:} names the event. Lines are split on bytes (LF and CR never occur inside a UTF-8
 * sequence), so a multi-byte character split across two pieces arrives whole.
 */
public final class SseParser {
    private final int maxLineBytes;
    private byte[] line = new byte[256];
    private int length;
    private boolean afterCr;
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String eventName = "";

    /**
     * One dispatched event.
     *
     * @param name the {@code event:} name, empty when none was given
     * @param data the {@code data:} lines joined with LF
     */
    public record Event(String name, String data) {}

    /** Thrown when a single line is longer than the parser accepts. */
    public static final class LineTooLong extends Exception {
        private static final long serialVersionUID = 1L;

        LineTooLong(int max) {
            super("a line longer than " + max + " bytes");
        }
    }

    /**
     * Creates a parser.
     *
     * @param maxLineBytes the longest line accepted
     */
    public SseParser(int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * Reads the next piece of the stream.
     *
     * @param bytes the piece; read to its end
     * @param out receives each event the piece completes, in order
     * @throws LineTooLong when a line exceeds the limit
     */
    public void feed(ByteBuffer bytes, List<Event> out) throws LineTooLong {
        while (bytes.hasRemaining()) {
            byte b = bytes.get();
            if (b == '\n') {
                if (afterCr) {
                    afterCr = false;
                    continue;
                }
                endLine(out);
            } else if (b == '\r') {
                afterCr = true;
                endLine(out);
            } else {
                afterCr = false;
                if (length == maxLineBytes) {
                    throw new LineTooLong(maxLineBytes);
                }
                if (length == line.length) {
                    line = Arrays.copyOf(line, Math.min(maxLineBytes, line.length * 2));
                }
                line[length++] = b;
            }
        }
    }

    /**
     * Ends the stream: a last event that lacks its blank line is still dispatched (servers that
     * close right after their final {@code data:} line are common).
     *
     * @param out receives the last event, if any
     */
    public void finish(List<Event> out) {
        if (length > 0) {
            endLine(out);
        }
        endLine(out);
    }

    private void endLine(List<Event> out) {
        if (length == 0) {
            if (hasData) {
                out.add(new Event(eventName, data.toString()));
            }
            data.setLength(0);
            hasData = false;
            eventName = "";
            return;
        }
        String text = new String(line, 0, length, StandardCharsets.UTF_8);
        length = 0;
        if (text.charAt(0) == ':') {
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = "";
        if (colon >= 0) {
            int start = colon + 1 < text.length() && text.charAt(colon + 1) == ' ' ? colon + 2 : colon + 1;
            value = text.substring(start);
        }
        switch (field) {
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            case "event" -> eventName = value;
            default -> {
                // id and retry matter to a reconnecting browser, not to a one-shot completion.
            }
        }
    }
}
