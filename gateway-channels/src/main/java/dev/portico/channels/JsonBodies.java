package dev.portico.channels;

import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Reads the JSON body of a webhook request, strictly: UTF-8, one object and nothing after it. What
 * is not such a body is the caller's error, an {@link IllegalArgumentException} the gateway answers
 * with {@code 400}; its message says what is wrong with the body, never what it held.
 */
public final class JsonBodies {
    /**
     * The JSON provider every channel reads and writes with, looked up once: the {@code Json.create*}
     * shortcuts would search the class path for it on every call.
     */
    public static final JsonProvider JSON = JsonProvider.provider();

    private JsonBodies() {}

    /**
     * Reads a body that must be one JSON object.
     *
     * @param body the raw body
     * @return the object
     * @throws IllegalArgumentException when the body is not UTF-8, not JSON, not an object, or has
     *     more after the object
     */
    public static JsonObject object(byte[] body) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("body: not valid UTF-8");
        }
        try (JsonParser parser = JSON.createParser(new StringReader(text))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                throw new IllegalArgumentException("body: expected a JSON object");
            }
            JsonObject object = parser.getObject();
            if (parser.hasNext()) {
                throw new IllegalArgumentException("body: expected nothing after the JSON object");
            }
            return object;
        } catch (JsonException e) {
            throw new IllegalArgumentException("body: not valid JSON");
        }
    }
}
