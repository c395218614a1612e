package dev.portico.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.session.SessionKey;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SessionFileNamesTest {
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:@+-";

    @Test
    void readableKeysStayReadable() {
        assertEquals("main.jsonl", SessionFileNames.fileName(SessionKey.MAIN));
        assertEquals("%4Dain.jsonl", SessionFileNames.fileName(SessionKey.of("Main")));
        assertEquals("telegram%3Aacct%3A42.jsonl", SessionFileNames.fileName(SessionKey.of("telegram:acct:42")));
        assertEquals("cron%3Ajob-1.jsonl", SessionFileNames.fileName(SessionKey.of("cron:job-1")));
        assertEquals("%2E%2E.jsonl", SessionFileNames.fileName(SessionKey.of("..")));
        assertEquals("%6Eul.jsonl", SessionFileNames.fileName(SessionKey.of("nul")));
        assertEquals("%4EUL.jsonl".replace("UL", "%55%4C"), SessionFileNames.fileName(SessionKey.of("NUL")));
        assertEquals("com1x.jsonl", SessionFileNames.fileName(SessionKey.of("com1x")));
    }

    /** Every key of one and two characters: names are distinct even ignoring case, and decode back. */
    @Test
    void shortKeysMapOneToOneAndDecode() {
        Map<String, String> byFoldedName = new HashMap<>();
        for (int i = 0; i < ALPHABET.length(); i++) {
            check(byFoldedName, String.valueOf(ALPHABET.charAt(i)));
            for (int j = 0; j < ALPHABET.length(); j++) {
                check(byFoldedName, "" + ALPHABET.charAt(i) + ALPHABET.charAt(j));
            }
        }
        int n = ALPHABET.length();
        assertEquals(n + n * n, byFoldedName.size());
    }

    @Test
    void randomKeysOfAnyLengthMapOneToOne() {
        Random random = new Random(42);
        Map<String, String> byFoldedName = new HashMap<>();
        for (int n = 0; n < 20_000; n++) {
            int length = 1 + random.nextInt(200);
            StringBuilder key = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                key.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            check(byFoldedName, key.toString());
        }
    }

    @Test
    void longKeysAreHashedAndNotDecoded() {
        SessionKey upper = SessionKey.of("X".repeat(200));
        String name = SessionFileNames.fileName(upper);
        assertTrue(name.contains("~"), name);
        assertTrue(name.length() <= 200, name);
        assertEquals(Optional.empty(), SessionFileNames.key(name));
        // A long lower-case key still fits unhashed.
        SessionKey lower = SessionKey.of("x".repeat(200));
        assertEquals("x".repeat(200) + ".jsonl", SessionFileNames.fileName(lower));
        assertEquals(Optional.of(lower), SessionFileNames.key(SessionFileNames.fileName(lower)));
    }

    @Test
    void namesThatNoKeyProducesDoNotDecode() {
        for (String name : List.of("index.jsonl.tmp", "a:b.jsonl", "A.jsonl", "%4.jsonl", "%ZZ.jsonl", ".jsonl", "x.txt")) {
            assertEquals(Optional.empty(), SessionFileNames.key(name), name);
        }
    }

    private static void check(Map<String, String> byFoldedName, String key) {
        String name = SessionFileNames.fileName(SessionKey.of(key));
        assertTrue(name.endsWith(".jsonl"), name);
        assertTrue(name.getBytes(StandardCharsets.UTF_8).length <= 255, name);
        String stem = name.substring(0, name.length() - ".jsonl".length());
        assertTrue(stem.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "_-%~ABCDEF".indexOf(c) >= 0),
                name);
        assertTrue(!stem.equals(".") && !stem.equals(".."), name);
        String previous = byFoldedName.put(name.toLowerCase(Locale.ROOT), key);
        assertTrue(previous == null || previous.equals(key), key + " and " + previous + " share " + name);
        if (!name.contains("~")) {
            assertEquals(Optional.of(SessionKey.of(key)), SessionFileNames.key(name), key);
        }
    }
}
