package dev.portico.core.internal;

import dev.portico.api.session.SessionKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * Transcript file names for session keys: {@code [a-z0-9_-]} stay as they are, every other key
 * character (upper-case letters, {@code . : @ +}) becomes {@code %} and two upper-case hex digits,
 * then {@code .jsonl} is added. {@code main} is {@code main.jsonl}, {@code Main} is
 * {@code %4Dain.jsonl}, {@code telegram:acct:42} is {@code telegram%3Aacct%3A42.jsonl}.
 *
 * <p>So a name never holds {@code :} (illegal on Windows), is never {@code .} or {@code ..}, and
 * two keys never get names that differ only in case (letters outside escapes are always lower
 * case), so case-insensitive file systems keep {@code Main} and {@code main} apart. A name whose
 * stem would be a Windows device name ({@code con}, {@code nul}, {@code com1}, …) gets its first
 * letter escaped too. Names decode back to their key.
 *
 * <p>Names stay under 255 bytes: when the encoded stem would be longer than 200 characters, it
 * is cut to 160 characters and followed by {@code ~} and 32 hex digits of the key's SHA-256.
 * Such a name cannot be decoded; the transcript's first line keeps the real key.
 */
public final class SessionFileNames {
    /** The transcript file suffix. */
    public static final String SUFFIX = ".jsonl";

    private static final int MAX_STEM = 200;
    private static final int CUT_STEM = 160;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private static final Set<String> WINDOWS_DEVICES = Set.of("con", "prn", "aux", "nul",
            "com0", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
            "lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9");

    private SessionFileNames() {}

    /**
     * The transcript file name of a key.
     *
     * @param key the session key
     * @return a file name ending in {@code .jsonl}
     */
    public static String fileName(SessionKey key) {
        String value = key.value();
        StringBuilder stem = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (kept(c)) {
                stem.append(c);
            } else {
                escape(stem, c);
            }
        }
        if (WINDOWS_DEVICES.contains(stem.toString())) {
            char first = stem.charAt(0);
            stem.deleteCharAt(0);
            StringBuilder escaped = new StringBuilder();
            escape(escaped, first);
            stem.insert(0, escaped);
        }
        if (stem.length() > MAX_STEM) {
            int cut = CUT_STEM;
            // Never split an escape: back up to its '%'.
            if (stem.charAt(cut - 1) == '%') {
                cut -= 1;
            } else if (stem.charAt(cut - 2) == '%') {
                cut -= 2;
            }
            stem.setLength(cut);
            stem.append('~').append(sha256Hex(value), 0, 32);
        }
        return stem.append(SUFFIX).toString();
    }

    /**
     * The key a file name stands for.
     *
     * @param fileName a transcript file name
     * @return the key, or empty when the name is hashed (too long to decode) or not a transcript name
     */
    public static Optional<SessionKey> key(String fileName) {
        if (!fileName.endsWith(SUFFIX)) {
            return Optional.empty();
        }
        String stem = fileName.substring(0, fileName.length() - SUFFIX.length());
        StringBuilder key = new StringBuilder(stem.length());
        for (int i = 0; i < stem.length(); i++) {
            char c = stem.charAt(i);
            if (c == '%') {
                if (i + 2 >= stem.length()) {
                    return Optional.empty();
                }
                int hi = Character.digit(stem.charAt(i + 1), 16);
                int lo = Character.digit(stem.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return Optional.empty();
                }
                key.append((char) (hi << 4 | lo));
                i += 2;
            } else if (kept(c)) {
                key.append(c);
            } else {
                return Optional.empty();
            }
        }
        String value = key.toString();
        return SessionKey.isValid(value) ? Optional.of(SessionKey.of(value)) : Optional.empty();
    }

    private static boolean kept(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }

    private static void escape(StringBuilder out, char c) {
        out.append('%').append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
    }

    private static String sha256Hex(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
