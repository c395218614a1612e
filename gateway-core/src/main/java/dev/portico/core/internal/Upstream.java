package dev.portico.core.internal;

import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a model provider says, made safe to pass on: the short reason from an error body, the
 * {@code Retry-After} header, and the sanitising every upstream text goes through before a client
 * or a log sees it (control characters removed, secrets redacted, length capped).
 */
public final class Upstream {
    /** The longest upstream text passed on, in characters. */
    public static final int MAX_REASON = 200;

    private static final JsonReaderFactory READERS = JsonProvider.provider().createReaderFactory(Map.of());
    /** Key-shaped words ({@code sk-…}, {@code Bearer …}) that a provider might echo back. */
    private static final Pattern KEY_LIKE = Pattern.compile(
            "(?i)\\b(?:bearer\\s+[A-Za-z0-9._~+/=\\-]{8,}|(?:sk|pk|rk|key)-[A-Za-z0-9_\\-]{6,}|[A-Za-z0-9_\\-]{40,})");
    private static final Pattern SPACE = Pattern.compile("\\s+");

    private Upstream() {}

    /**
     * The provider's own explanation from an error body: {@code error.message}, else a string
     * {@code error}, {@code message} or {@code detail}; never the body itself.
     *
     * @param body the (possibly truncated) body
     * @param secrets strings to redact, such as the API keys in use
     * @return the sanitised explanation, or empty when the body has none
     */
    public static Optional<String> errorMessage(byte[] body, Collection<String> secrets) {
        return parseObject(new String(body, StandardCharsets.UTF_8))
                .flatMap(Upstream::explanation)
                .map(m -> sanitize(m, secrets))
                .filter(m -> !m.isEmpty());
    }

    /**
     * The provider's explanation inside a JSON object (an error body or an error chunk of a stream).
     *
     * @param object the object
     * @return the raw explanation, or empty
     */
    public static Optional<String> explanation(JsonObject object) {
        JsonValue error = object.get("error");
        if (error instanceof JsonObject e && e.get("message") instanceof JsonString s) {
            return Optional.of(s.getString());
        }
        if (error instanceof JsonString s) {
            return Optional.of(s.getString());
        }
        for (String field : new String[] {"message", "detail"}) {
            if (object.get(field) instanceof JsonString s) {
                return Optional.of(s.getString());
            }
        }
        return Optional.empty();
    }

    /**
     * Parses text that should be one JSON object.
     *
     * @param text the text
     * @return the object, or empty when the text is not a JSON object
     */
    public static Optional<JsonObject> parseObject(String text) {
        try (JsonReader reader = READERS.createReader(new StringReader(text))) {
            JsonValue value = reader.readValue();
            return value instanceof JsonObject o ? Optional.of(o) : Optional.empty();
        } catch (JsonException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    /**
     * Makes upstream text fit to show: one line, no control characters, secrets and key-shaped
     * words replaced by {@code [redacted]}, at most {@value #MAX_REASON} characters.
     *
     * @param text the text
     * @param secrets exact strings to redact
     * @return the sanitised text
     */
    public static String sanitize(String text, Collection<String> secrets) {
        String out = text;
        for (String secret : secrets) {
            if (!secret.isEmpty()) {
                out = out.replace(secret, "[redacted]");
            }
        }
        out = KEY_LIKE.matcher(out).replaceAll("[redacted]");
        StringBuilder clean = new StringBuilder(out.length());
        out.codePoints().forEach(c -> clean.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        out = SPACE.matcher(clean).replaceAll(" ").strip();
        if (out.length() > MAX_REASON) {
            int end = MAX_REASON - 1;
            if (Character.isHighSurrogate(out.charAt(end - 1))) {
                end--;
            }
            out = out.substring(0, end) + "…";
        }
        return out;
    }

    /**
     * When a {@code Retry-After} header allows the next attempt.
     *
     * @param header the header value: delay seconds or an HTTP date
     * @param now the current time
     * @param longest the cap on the wait (a header far in the future must not disable a model for good)
     * @return the instant, or empty when the header is missing, unreadable or already past
     */
    public static Optional<Instant> retryAfter(Optional<String> header, Instant now, Duration longest) {
        if (header.isEmpty() || header.get().isBlank()) {
            return Optional.empty();
        }
        String value = header.get().strip();
        Instant until;
        if (value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            long seconds;
            try {
                seconds = Long.parseLong(value);
            } catch (NumberFormatException e) {
                seconds = Long.MAX_VALUE;
            }
            until = seconds >= longest.toSeconds() ? now.plus(longest) : now.plusSeconds(seconds);
        } else {
            try {
                until = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            } catch (DateTimeException e) {
                return Optional.empty();
            }
            Instant cap = now.plus(longest);
            if (until.isAfter(cap)) {
                until = cap;
            }
        }
        return until.isAfter(now) ? Optional.of(until) : Optional.empty();
    }
}
