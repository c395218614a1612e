package dev.portico.core.internal;

import dev.portico.api.GatewayException;
import dev.portico.api.session.Message;
import dev.portico.api.session.Role;
import dev.portico.api.session.SessionKey;
import dev.portico.api.session.SessionMeta;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The lines of a transcript: UTF-8 JSON objects, one per line, each ending with {@code \n}.
 *
 * <p>The first line names the session:
 * {@code {"session":"telegram:acct:42","version":1,"channel":"telegram","chat_id":"42","created_at":"2026-01-02T03:04:05Z"}}
 * ({@code chat_id} and {@code agent_id} are left out when absent). Every other line is a message:
 * {@code {"role":"user","content":"hi","timestamp":"2026-01-02T03:04:05.123Z"}}, with
 * {@code role} one of {@code user}, {@code assistant}, {@code system} and times in RFC 3339 (UTC).
 */
public final class TranscriptFormat {
    /** The format version written in the first line. */
    public static final int VERSION = 1;

    private static final JsonReaderFactory READERS = JsonProvider.provider().createReaderFactory(Map.of());
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private TranscriptFormat() {}

    /** One parsed transcript line. */
    public sealed interface Line permits Header, Entry, Unreadable {}

    /**
     * The first line of a transcript.
     *
     * @param key the session key
     * @param meta the channel, chat and agent
     * @param createdAt when the session was created
     */
    public record Header(SessionKey key, SessionMeta meta, Instant createdAt) implements Line {}

    /**
     * A message line.
     *
     * @param message the message
     */
    public record Entry(Message message) implements Line {}

    /**
     * A line that is neither: not JSON, or missing a field.
     *
     * @param reason what is wrong with it
     */
    public record Unreadable(String reason) implements Line {}

    /**
     * The first line of a new transcript, with its line end.
     *
     * @param header the session
     * @return UTF-8 bytes
     */
    public static byte[] header(Header header) {
        StringBuilder sb = new StringBuilder(160);
        sb.append("{\"session\":");
        string(sb, header.key().value());
        sb.append(",\"version\":").append(VERSION).append(",\"channel\":");
        string(sb, header.meta().channel());
        header.meta().chatId().ifPresent(c -> string(sb.append(",\"chat_id\":"), c));
        header.meta().agentId().ifPresent(a -> string(sb.append(",\"agent_id\":"), a));
        sb.append(",\"created_at\":");
        string(sb, header.createdAt().toString());
        return sb.append("}\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A message line, with its line end.
     *
     * @param message the message
     * @return UTF-8 bytes
     */
    public static byte[] message(Message message) {
        StringBuilder sb = new StringBuilder(message.content().length() + 80);
        sb.append("{\"role\":\"").append(message.role().wireName()).append("\",\"content\":");
        string(sb, message.content());
        sb.append(",\"timestamp\":\"").append(message.timestamp()).append("\"}\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses one line (without its line end).
     *
     * @param bytes the buffer
     * @param offset where the line starts
     * @param length its length in bytes
     * @return the header, the message, or why the line is unreadable
     */
    public static Line parse(byte[] bytes, int offset, int length) {
        JsonObject o;
        try {
            o = object(new String(bytes, offset, length, StandardCharsets.UTF_8));
        } catch (JsonException | IllegalStateException | ClassCastException e) {
            return new Unreadable("not a JSON object");
        }
        try {
            if (o.containsKey("role")) {
                Role role = Role.fromWire(text(o, "role"));
                return new Entry(new Message(role, text(o, "content"), Instant.parse(text(o, "timestamp"))));
            }
            if (o.containsKey("session")) {
                SessionKey key = SessionKey.of(text(o, "session"));
                SessionMeta meta = new SessionMeta(text(o, "channel"), optionalText(o, "chat_id"),
                        optionalText(o, "agent_id"));
                return new Header(key, meta, Instant.parse(text(o, "created_at")));
            }
            return new Unreadable("neither a message nor a session header");
        } catch (IllegalArgumentException | DateTimeException | GatewayException e) {
            return new Unreadable(e.getMessage());
        }
    }

    /**
     * Parses a text that must be one JSON object.
     *
     * @param text the text
     * @return the object
     * @throws JsonException when it is not JSON
     * @throws ClassCastException when it is JSON but not an object
     */
    static JsonObject object(String text) {
        try (JsonReader reader = READERS.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    /**
     * A required string field.
     *
     * @param o the object
     * @param name the field
     * @return the value
     * @throws IllegalArgumentException when it is missing or not a string
     */
    static String text(JsonObject o, String name) {
        if (o.get(name) instanceof JsonString s) {
            return s.getString();
        }
        throw new IllegalArgumentException(name + ": missing (expected: a string)");
    }

    /**
     * An optional string field.
     *
     * @param o the object
     * @param name the field
     * @return the value, empty when absent or null
     * @throws IllegalArgumentException when present but not a string
     */
    static Optional<String> optionalText(JsonObject o, String name) {
        JsonValue v = o.get(name);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return Optional.empty();
        }
        return Optional.of(text(o, name));
    }

    /**
     * A required non-negative integer field.
     *
     * @param o the object
     * @param name the field
     * @return the value
     * @throws IllegalArgumentException when missing, not an integer, or negative
     */
    static long count(JsonObject o, String name) {
        if (o.get(name) instanceof JsonNumber n && n.isIntegral() && n.longValue() >= 0) {
            return n.longValueExact();
        }
        throw new IllegalArgumentException(name + ": " + o.get(name) + " (expected: an integer >= 0)");
    }

    /**
     * Appends a JSON string literal. Characters outside ASCII are kept as they are (the line is
     * UTF-8); control characters and unpaired surrogates are escaped, so every Java string
     * round-trips.
     *
     * @param sb where to write
     * @param s the string
     */
    public static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        unicodeEscape(sb, c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        sb.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        unicodeEscape(sb, c);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static void unicodeEscape(StringBuilder sb, char c) {
        sb.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF]).append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
    }
}
