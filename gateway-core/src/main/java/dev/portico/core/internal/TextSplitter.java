package dev.portico.core.internal;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a text into parts no longer than a channel takes. A cut goes, by preference, at the last
 * paragraph break (a blank line) that fits, else at the last line break, else at the last space,
 * else between two characters as a reader sees them (never inside a surrogate pair, an emoji
 * sequence or a letter with its combining marks). The whitespace at a cut is dropped; nothing
 * else is.
 */
final class TextSplitter {
    /** A cut later than this fraction of the limit is worth taking at a weaker boundary. */
    private static final double MIN_FILL = 0.5;

    private TextSplitter() {}

    /**
     * The parts of a text.
     *
     * @param text the text
     * @param max the longest part, in UTF-16 code units, &gt; 0
     * @return the parts, in order; the text itself when it fits; empty for a blank text
     */
    static List<String> split(String text, int max) {
        if (max <= 0) {
            throw new IllegalArgumentException("max: " + max + " (expected: > 0)");
        }
        List<String> parts = new ArrayList<>();
        int start = skipSpace(text, 0);
        while (start < text.length()) {
            if (text.length() - start <= max) {
                add(parts, text.substring(start));
                break;
            }
            int cut = cut(text, start, start + max);
            add(parts, text.substring(start, cut));
            start = skipSpace(text, cut);
        }
        return parts;
    }

    /** Where to end the part that starts at {@code start} and may reach {@code limit} (exclusive). */
    private static int cut(String text, int start, int limit) {
        int least = start + (int) ((limit - start) * MIN_FILL);
        int paragraph = text.lastIndexOf("\n\n", limit - 1);
        if (paragraph > least) {
            return paragraph;
        }
        int line = text.lastIndexOf('\n', limit - 1);
        if (line > least) {
            return line;
        }
        for (int i = limit; i > least; i--) {
            if (Character.isWhitespace(text.charAt(i)) && !Character.isLowSurrogate(text.charAt(i))) {
                return i;
            }
        }
        BreakIterator characters = BreakIterator.getCharacterInstance();
        characters.setText(text);
        int boundary = characters.isBoundary(limit) ? limit : characters.preceding(limit);
        if (boundary <= start) {
            // One "character" longer than the limit (an absurd run of combining marks): cut at a
            // code point boundary rather than loop.
            boundary = Character.isLowSurrogate(text.charAt(limit)) && limit - 1 > start ? limit - 1 : limit;
        }
        return boundary;
    }

    private static int skipSpace(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static void add(List<String> parts, String part) {
        String trimmed = part.stripTrailing();
        if (!trimmed.isEmpty()) {
            parts.add(trimmed);
        }
    }
}
