package dev.portico.auth;

/** Writing JSON string literals, for the few JSON documents this module produces by hand. */
final class JsonText {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonText() {}

    /**
     * Appends {@code value} as a quoted JSON string. Quotes, backslashes and control characters are
     * escaped, as are U+2028, U+2029 and unpaired surrogates, so the result is valid JSON that also
     * survives being embedded in JavaScript and encoded as UTF-8.
     *
     * @param out where to append
     * @param value the string
     * @return {@code out}
     */
    static StringBuilder quote(StringBuilder out, String value) {
        out.append('"');
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        unicodeEscape(out, c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < n
                            && Character.isLowSurrogate(value.charAt(i + 1))) {
                        out.append(c).append(value.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        unicodeEscape(out, c);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }

    /**
     * {@code value} as a quoted JSON string.
     *
     * @param value the string
     * @return the JSON literal, quotes included
     */
    static String quote(String value) {
        return quote(new StringBuilder(value.length() + 2), value).toString();
    }

    private static void unicodeEscape(StringBuilder out, char c) {
        out.append("\\u")
                .append(HEX[(c >> 12) & 0xF])
                .append(HEX[(c >> 8) & 0xF])
                .append(HEX[(c >> 4) & 0xF])
                .append(HEX[c & 0xF]);
    }
}
