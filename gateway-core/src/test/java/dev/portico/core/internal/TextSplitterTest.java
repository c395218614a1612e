package dev.portico.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Cutting replies to a channel's length, at the best boundary that fits. */
class TextSplitterTest {

    private static void assertWellFormed(List<String> parts, int max) {
        for (String p : parts) {
            assertTrue(p.length() <= max, "part longer than " + max + ": " + p);
            assertFalse(p.isBlank(), "a blank part");
            assertFalse(Character.isHighSurrogate(p.charAt(p.length() - 1)), "ends inside a pair: " + p);
            assertFalse(Character.isLowSurrogate(p.charAt(0)), "starts inside a pair: " + p);
        }
    }

    @Test
    void aTextThatFitsIsOnePart() {
        assertEquals(List.of("hello"), TextSplitter.split("hello", 5));
        assertEquals(List.of(), TextSplitter.split("  \n ", 5));
    }

    @Test
    void aParagraphBreakIsPreferredToALineBreakAndALineBreakToASpace() {
        String text = "first paragraph\n\nsecond line\nthird words here";
        assertEquals(List.of("first paragraph", "second line", "third words here"), TextSplitter.split(text, 20));
        assertEquals(List.of("one two three", "four"), TextSplitter.split("one two three four", 15));
    }

    @Test
    void anEmojiAtTheLimitIsNeverCutInHalf() {
        String text = "abcdefghi😀xyz";
        List<String> parts = TextSplitter.split(text, 10);
        assertEquals(List.of("abcdefghi", "😀xyz"), parts);
        assertWellFormed(parts, 10);
    }

    @Test
    void aJoinedEmojiSequenceAndCombiningMarksStayWhole() {
        String family = "👨\u200D👩\u200D👧";
        List<String> parts = TextSplitter.split("abcdef" + family, 10);
        assertEquals(List.of("abcdef", family), parts);
        List<String> accents = TextSplitter.split("abcdefghie\u0301z", 10);
        assertEquals(List.of("abcdefghi", "e\u0301z"), accents);
    }

    @Test
    void aLongTextWithoutBoundariesIsCutAtTheLimitAndNothingIsLost() {
        String text = "x".repeat(25) + "😀".repeat(10);
        List<String> parts = TextSplitter.split(text, 7);
        assertWellFormed(parts, 7);
        assertEquals(text, String.join("", parts));
    }

    @Test
    void nothingButTheWhitespaceAtACutIsDropped() {
        String text = "alpha beta gamma delta epsilon zeta eta theta iota kappa";
        List<String> parts = TextSplitter.split(text, 12);
        assertWellFormed(parts, 12);
        assertEquals(text, String.join(" ", parts));
    }

    @Test
    void aNonPositiveLimitIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> TextSplitter.split("x", 0));
    }
}
