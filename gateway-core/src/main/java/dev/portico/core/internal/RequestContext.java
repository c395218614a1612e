package dev.portico.core.internal;

import dev.portico.api.ErrorCode;
import dev.portico.api.GatewayException;
import dev.portico.api.auth.Principal;
import dev.portico.api.transport.HttpRequest;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A request as a route handler sees it: the request, the path parameters, the principal, and a
 * bounded reader for the JSON body.
 *
 * @param request the request
 * @param params the decoded path parameters
 * @param principal who made it, empty on public routes
 * @param maxBodyBytes the body limit of this route
 */
public record RequestContext(HttpRequest request, Map<String, String> params, Optional<Principal> principal,
        long maxBodyBytes) {

    /**
     * Reads the body as a JSON object: checks the content type (415), the declared and the actual
     * length (413, without reading past the limit) and the syntax (400).
     *
     * @return the object
     * @throws GatewayException naming the problem
     */
    public JsonObject jsonBody() {
        checkJsonType();
        return JsonCodec.parseObject(readBody());
    }

    /**
     * Reads a body already read as a JSON object: checks the content type (415) and the syntax
     * (400); for a handler that also needs the raw bytes.
     *
     * @param body the bytes {@link #readBody()} returned
     * @return the object
     * @throws GatewayException naming the problem
     */
    public JsonObject jsonBody(byte[] body) {
        checkJsonType();
        return JsonCodec.parseObject(body);
    }

    private void checkJsonType() {
        Optional<String> type = request.headers().first("Content-Type");
        if (type.isPresent() && !isJson(type.get())) {
            throw new GatewayException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type: " + type.get() + " (expected: application/json)");
        }
    }

    /**
     * Reads the whole body, refusing more than the limit.
     *
     * @return the body bytes
     * @throws GatewayException {@code PAYLOAD_TOO_LARGE} with {@code Connection: close}
     */
    public byte[] readBody() {
        OptionalLong declared = request.contentLength();
        if (declared.isPresent() && declared.getAsLong() > maxBodyBytes) {
            throw tooLarge();
        }
        try (InputStream in = request.body()) {
            if (declared.isPresent()) {
                // The transport delivers exactly the declared length; read it into one array.
                byte[] body = new byte[(int) declared.getAsLong()];
                int n = in.readNBytes(body, 0, body.length);
                return n == body.length ? body : Arrays.copyOf(body, n);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[(int) Math.min(8192, maxBodyBytes + 1)];
            long total = 0;
            for (int n; (n = in.read(chunk, 0, (int) Math.min(chunk.length, maxBodyBytes + 1 - total))) >= 0; ) {
                total += n;
                if (total > maxBodyBytes) {
                    throw tooLarge();
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the request body", e);
        }
    }

    /**
     * A query parameter.
     *
     * @param name the name
     * @return the decoded value, or empty
     */
    public Optional<String> query(String name) {
        return request.queryParam(name);
    }

    /**
     * A whole-number query parameter within a range.
     *
     * @param name the parameter
     * @param fallback the value when it is absent or empty
     * @param min the smallest accepted value
     * @param max the largest accepted value
     * @return the value
     * @throws GatewayException {@code INVALID_REQUEST} naming the parameter, the value and the range
     */
    public int intQuery(String name, int fallback, int min, int max) {
        long n = longQuery(name, fallback);
        if (n < min || n > max) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST, name + ": " + n + " (expected: " + min + ".." + max + ")");
        }
        return (int) n;
    }

    /**
     * A whole-number query parameter.
     *
     * @param name the parameter
     * @param fallback the value when it is absent or empty
     * @return the value
     * @throws GatewayException {@code INVALID_REQUEST} when it is not a whole number
     */
    public long longQuery(String name, long fallback) {
        Optional<String> value = query(name).filter(v -> !v.isEmpty());
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.get());
        } catch (NumberFormatException e) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST, name + ": " + value.get() + " (expected: a whole number)");
        }
    }

    private GatewayException tooLarge() {
        return new GatewayException(ErrorCode.PAYLOAD_TOO_LARGE,
                "body: larger than " + maxBodyBytes + " bytes").header("Connection", "close");
    }

    private static boolean isJson(String contentType) {
        String t = contentType.toLowerCase(Locale.ROOT);
        int semi = t.indexOf(';');
        String mime = (semi < 0 ? t : t.substring(0, semi)).trim();
        return mime.equals("application/json") || (mime.startsWith("application/") && mime.endsWith("+json"));
    }
}
