package dev.portico.core;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes secrets out of log text: the exact values registered with {@link #register}, and whatever
 * looks like a credential whether registered or not — {@code Bearer …}, {@code Basic …},
 * {@code token=…}, {@code api_key}/{@code apiKey}/{@code password}/{@code secret} values in
 * {@code key=value}, {@code key: value} and JSON {@code "key":"value"} form, and {@code sk-…} API
 * keys. What is taken out becomes {@value #REDACTED}.
 *
 * <p>Text without any of the words the patterns start with is returned after one scan, so the cost
 * for ordinary messages is small.
 */
final class LogRedactor {
    /** What a secret is replaced with. */
    static final String REDACTED = "[redacted]";
    /** Shorter values are not registered: replacing them would mangle ordinary words. */
    static final int MIN_SECRET_LENGTH = 4;

    /** The words every pattern below starts with; text without them needs no further look. */
    private static final Pattern QUICK = Pattern.compile("(?i)bearer|basic|token|key|pass|secret|sk-|://");
    /**
     * A key name ending in one of the secret words ({@code apiKey}, {@code X-Api-Key},
     * {@code client_secret}, {@code botToken}): the name is matched whole and possessively, then its
     * end is checked, so a long run of word characters costs one pass.
     */
    private static final String KEY = "(?<![\\w.-])([\\w.-]++)";
    private static final String SECRET_END = "(?<=(?i:api[_-]?key|password|passwd|secret))";
    private static final String TOKEN_END = "(?<=(?i:token))";
    /** Words that follow {@code key:} in prose ({@code password: required}); they are not secrets. */
    private static final String PROSE = "(?!(?:required|expected|missing|must|not|is|set|unset|empty|none|null|invalid"
            + "|environment|a|an|the)\\b)";
    private static final String VALUE = "(?:\"[^\"]*\"|'[^']*'|[^\\s\"'&,;)}\\]]+)";
    /** JSON form: {@code "password":"…"}, {@code "token": "…"}. */
    private static final Pattern JSON_FORM = Pattern.compile(
            "\"([\\w.-]++)(?<=(?i:api[_-]?key|password|passwd|secret|token))\"(\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"");
    /** {@code password=…}, {@code api_key: …}, {@code X-Api-Key: …}. */
    private static final Pattern KEY_VALUE = Pattern.compile(
            KEY + SECRET_END + "(\\s*[=:]\\s*)(?!\\[redacted])" + PROSE + VALUE);
    /** {@code token=…}, {@code ?token=…}, {@code &access_token=…}. */
    private static final Pattern TOKEN_VALUE = Pattern.compile(
            KEY + TOKEN_END + "(\\s*=\\s?)(?!\\[redacted])" + PROSE + VALUE);
    /** {@code Bearer …} in any case ({@code Bearer <token>} in a message is left as it is). */
    private static final Pattern BEARER = Pattern.compile(
            "(?i)\\b(bearer)(\\s+)(?!\\[redacted])(?!<)(?!tokens?\\b)[^\\s\"',;]+");
    /** {@code Basic …} capitalised, followed by base64. */
    private static final Pattern BASIC = Pattern.compile("\\b(Basic|BASIC)(\\s+)[A-Za-z0-9+/]{4,}={0,2}");
    /** The password of a URL: {@code https://user:password@host}. */
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^/\\s:@\"']+:)(?!\\[redacted])[^/\\s@\"']+(@)");
    /** OpenAI-style keys: {@code sk-…}, {@code sk-proj-…}. */
    private static final Pattern SK_KEY = Pattern.compile("\\bsk-[A-Za-z0-9_-]{16,}");
    /** Field names whose value is a secret, whatever it is. */
    private static final Pattern SECRET_FIELD = Pattern.compile(
            "(?i).*(?:api[_-]?key|password|passwd|secret|token|authorization)");

    /** The registered values and their URL-encoded forms, longest first. */
    private volatile String[] secrets = new String[0];

    /**
     * Registers a value to be replaced wherever it appears.
     *
     * @param secret the value; blanks and values shorter than {@value #MIN_SECRET_LENGTH} are ignored
     */
    synchronized void register(String secret) {
        if (secret == null || secret.isBlank() || secret.length() < MIN_SECRET_LENGTH) {
            return;
        }
        Set<String> all = new LinkedHashSet<>(Arrays.asList(secrets));
        all.add(secret);
        String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        all.add(encoded);
        String[] next = all.toArray(String[]::new);
        Arrays.sort(next, Comparator.comparingInt(String::length).reversed());
        secrets = next;
    }

    /**
     * Whether a field's value is a secret by its name alone ({@code token}, {@code botToken},
     * {@code api_key}, {@code password}, …); {@code max_tokens} is not.
     *
     * @param name the field name
     * @return whether to replace its value whatever it is
     */
    static boolean secretField(String name) {
        return SECRET_FIELD.matcher(name).matches();
    }

    /**
     * The text with every registered value and every credential-looking part replaced.
     *
     * @param text the text, or null
     * @return the redacted text; the same instance when nothing was replaced
     */
    String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : secrets) {
            if (out.contains(secret)) {
                out = out.replace(secret, REDACTED);
            }
        }
        return patterns(out);
    }

    /**
     * The text with the credential-looking parts replaced; registered values are not looked for.
     *
     * @param text the text
     * @return the redacted text; the same instance when nothing was replaced
     */
    static String patterns(String text) {
        if (text == null || !QUICK.matcher(text).find()) {
            return text;
        }
        String out = text;
        out = replace(JSON_FORM, out, m -> "\"" + m.group(1) + "\"" + m.group(2) + "\"" + REDACTED + "\"");
        out = replace(KEY_VALUE, out, m -> m.group(1) + m.group(2) + REDACTED);
        out = replace(TOKEN_VALUE, out, m -> m.group(1) + m.group(2) + REDACTED);
        out = replace(BEARER, out, m -> m.group(1) + m.group(2) + REDACTED);
        out = replace(BASIC, out, m -> m.group(1) + m.group(2) + REDACTED);
        out = replace(URL_PASSWORD, out, m -> m.group(1) + REDACTED + m.group(2));
        out = replace(SK_KEY, out, m -> REDACTED);
        return out;
    }

    private static String replace(Pattern p, String text, java.util.function.Function<Matcher, String> with) {
        Matcher m = p.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length());
        do {
            m.appendReplacement(sb, Matcher.quoteReplacement(with.apply(m)));
        } while (m.find());
        m.appendTail(sb);
        return sb.toString();
    }
}
