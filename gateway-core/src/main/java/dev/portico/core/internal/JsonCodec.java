package dev.portico.core.internal;

import dev.portico.api.ErrorCode;
import dev.portico.api.GatewayException;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * JSON for the API: records are written with JSON-B (Yasson); request bodies are read as JSON-P
 * trees so that every problem can be named precisely ({@code "message: required"}).
 */
public final class JsonCodec {
    private static final Jsonb JSONB = JsonbBuilder.create(new JsonbConfig().withFormatting(false));
    /** Looked up once: {@code Json.createReader} would search for the provider on every call. */
    private static final JsonReaderFactory READERS = JsonProvider.provider().createReaderFactory(Map.of());

    private JsonCodec() {}

    /**
     * Writes a value (a record, map, list, string, number or boolean) as compact JSON.
     *
     * @param value the value
     * @return the JSON text
     */
    public static String write(Object value) {
        return JSONB.toJson(value);
    }

    /**
     * Writes a value as UTF-8 JSON bytes.
     *
     * @param value the value
     * @return the bytes
     */
    public static byte[] writeBytes(Object value) {
        return write(value).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses a request body that must be a JSON object.
     *
     * @param body the UTF-8 bytes
     * @return the object
     * @throws GatewayException {@code INVALID_REQUEST} naming the problem
     */
    public static JsonObject parseObject(byte[] body) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw invalid("body: not valid UTF-8");
        }
        return parseObject(text);
    }

    /**
     * Parses a text (such as a WebSocket message) that must be a JSON object.
     *
     * @param text the text
     * @return the object
     * @throws GatewayException {@code INVALID_REQUEST} naming the problem
     */
    public static JsonObject parseObject(String text) {
        if (text.isBlank()) {
            throw invalid("body: required (expected: a JSON object)");
        }
        JsonValue value;
        // A reader over a String: Parsson's InputStream path allocates an 8 KiB decoder per call.
        try (JsonReader reader = READERS.createReader(new StringReader(text))) {
            value = reader.readValue();
        } catch (JsonParsingException e) {
            var at = e.getLocation();
            throw invalid("malformed JSON at line " + at.getLineNumber() + ", column " + at.getColumnNumber());
        } catch (JsonException | IllegalStateException e) {
            throw invalid("malformed JSON: " + firstLine(e.getMessage()));
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw invalid("body: expected a JSON object, got " + value.getValueType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return value.asJsonObject();
    }

    /**
     * A required, non-empty string field.
     *
     * @param object the object
     * @param name the field
     * @return the value
     * @throws GatewayException {@code INVALID_REQUEST}: {@code "<name>: required"} or a type problem
     */
    public static String requiredString(JsonObject object, String name) {
        String value = optionalString(object, name).orElseThrow(() -> invalid(name + ": required"));
        if (value.isEmpty()) {
            throw invalid(name + ": must not be empty");
        }
        return value;
    }

    /**
     * An optional string field; JSON {@code null} counts as absent.
     *
     * @param object the object
     * @param name the field
     * @return the value, or empty when absent
     * @throws GatewayException {@code INVALID_REQUEST} when present but not a string
     */
    public static Optional<String> optionalString(JsonObject object, String name) {
        JsonValue v = object.get(name);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return Optional.empty();
        }
        if (v instanceof JsonString s) {
            return Optional.of(s.getString());
        }
        throw invalid(name + ": expected a string, got " + describe(v));
    }

    /**
     * An optional whole-number field; JSON {@code null} counts as absent.
     *
     * @param object the object
     * @param name the field
     * @return the value, or empty when absent
     * @throws GatewayException {@code INVALID_REQUEST} when present but not a whole number
     */
    public static java.util.OptionalLong optionalLong(JsonObject object, String name) {
        JsonValue v = object.get(name);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return java.util.OptionalLong.empty();
        }
        if (v instanceof JsonNumber n && n.isIntegral()) {
            try {
                return java.util.OptionalLong.of(n.longValueExact());
            } catch (ArithmeticException tooBig) {
                throw invalid(name + ": " + n + " is out of range");
            }
        }
        throw invalid(name + ": expected a whole number, got " + describe(v));
    }

    /**
     * An optional identifier field that may be a string or a number (chat ids are numbers in some
     * platforms' payloads); a number is taken as its decimal text.
     *
     * @param object the object
     * @param name the field
     * @return the value, or empty when absent
     * @throws GatewayException {@code INVALID_REQUEST} when present but neither string nor number
     */
    public static Optional<String> optionalId(JsonObject object, String name) {
        if (object.get(name) instanceof JsonNumber n) {
            return Optional.of(n.toString());
        }
        return optionalString(object, name);
    }

    private static String describe(JsonValue v) {
        return switch (v.getValueType()) {
            case TRUE, FALSE -> "boolean";
            case NUMBER -> "number";
            default -> v.getValueType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static GatewayException invalid(String message) {
        return new GatewayException(ErrorCode.INVALID_REQUEST, message);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable body";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
