package dev.portico.tck;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;

/**
 * An HTTP response as a client saw it: status, headers and the raw body bytes.
 *
 * @param status the status code
 * @param headers the response headers
 * @param body the body bytes
 */
record Reply(int status, HttpHeaders headers, byte[] body) {

    /** @return the body decoded as UTF-8 */
    String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** @return the body parsed as a JSON object; fails the test when it is not one */
    JsonObject json() {
        return parseObject(text(), "response body (status " + status + ")");
    }

    /**
     * The first value of a header.
     *
     * @param name the header name, in any case
     * @return the value, or empty
     */
    Optional<String> header(String name) {
        return headers.firstValue(name);
    }

    /**
     * Every value of a header, with comma-joined values split, so that {@code X: a} {@code X: b}
     * and {@code X: a, b} read alike.
     *
     * @param name the header name
     * @return the values, trimmed
     */
    List<String> headerValues(String name) {
        List<String> values = new ArrayList<>();
        for (String line : headers.allValues(name)) {
            for (String v : line.split(",")) {
                values.add(v.trim());
            }
        }
        return values;
    }

    /** @return the {@code Content-Type}, or an empty string when absent */
    String contentType() {
        return header("Content-Type").orElse("");
    }

    @Override
    public String toString() {
        return "Reply[" + status + " " + headers.map() + " " + text() + "]";
    }

    /**
     * Parses a JSON object, failing the test with the text when it is not one.
     *
     * @param text the JSON text
     * @param what what the text is, for the failure message
     * @return the object
     */
    static JsonObject parseObject(String text, String what) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        } catch (JsonException | IllegalStateException e) {
            return Assertions.fail(what + ": expected a JSON object, got: " + text, e);
        }
    }
}
