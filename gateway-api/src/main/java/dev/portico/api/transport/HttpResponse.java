package dev.portico.api.transport;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * An HTTP response as the core hands it to a transport: a status, headers, and a body that is
 * either {@linkplain ResponseBody.Bytes bytes} or an {@linkplain ResponseBody.Stream SSE stream}.
 *
 * <p>Transports send exactly what is here and add nothing observable of their own beyond the
 * framing their protocol needs ({@code Content-Length} or chunking, {@code Date}). For a
 * {@code HEAD} request they send the status and headers only.
 *
 * @param status the HTTP status code
 * @param headers the response headers
 * @param body the body
 */
public record HttpResponse(int status, Headers headers, ResponseBody body) {

    /** The body of {@link #internalError()}, fixed so that a failing handler still answers in the envelope. */
    private static final byte[] INTERNAL_ERROR_BODY =
            "{\"ok\":false,\"error\":{\"code\":\"INTERNAL_ERROR\",\"message\":\"internal error\"}}"
                    .getBytes(StandardCharsets.UTF_8);

    /**
     * Validates the parts.
     *
     * @param status the HTTP status code, 100..599
     * @param headers the response headers
     * @param body the body
     */
    public HttpResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status: " + status + " (expected: 100..599)");
        }
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
    }

    /**
     * A response with a byte body.
     *
     * @param status the status
     * @param headers the headers, including {@code Content-Type} when there is a body
     * @param body the body bytes (not copied)
     * @return the response
     */
    public static HttpResponse of(int status, Headers headers, byte[] body) {
        return new HttpResponse(status, headers, new ResponseBody.Bytes(body));
    }

    /**
     * A response with a UTF-8 text body and the given content type.
     *
     * @param status the status
     * @param contentType the {@code Content-Type}
     * @param body the text
     * @return the response
     */
    public static HttpResponse text(int status, String contentType, String body) {
        return of(status, Headers.builder().set("Content-Type", contentType).build(),
                body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A {@code text/event-stream} response whose events {@code producer} writes.
     *
     * @param headers the headers to send; the SSE headers are added when absent
     * @param producer writes the events, on the request's thread, until it returns
     * @return the response
     */
    public static HttpResponse sse(Headers headers, SseProducer producer) {
        Headers.Builder h = headers.toBuilder();
        if (!h.contains("Content-Type")) {
            h.set("Content-Type", "text/event-stream; charset=utf-8");
        }
        if (!h.contains("Cache-Control")) {
            h.set("Cache-Control", "no-cache");
        }
        if (!h.contains("X-Accel-Buffering")) {
            h.set("X-Accel-Buffering", "no");
        }
        return new HttpResponse(200, h.build(), new ResponseBody.Stream(producer));
    }

    /**
     * The {@code 500 INTERNAL_ERROR} envelope, for a transport whose handler failed unexpectedly.
     *
     * @return a 500 response without any internal detail
     */
    public static HttpResponse internalError() {
        return of(500, withSecurityHeaders(Headers.builder().set("Content-Type", "application/json")).build(),
                INTERNAL_ERROR_BODY.clone());
    }

    /**
     * Adds the headers every Portico response carries, so a browser never sniffs a JSON body into
     * something else, frames a response, leaks the URL in a referrer, or runs anything a response
     * contains: {@code X-Content-Type-Options: nosniff}, {@code X-Frame-Options: DENY},
     * {@code Referrer-Policy: no-referrer} and {@link #CONTENT_SECURITY_POLICY} as
     * {@code Content-Security-Policy}. A route that serves an HTML page sets its own policy after
     * these, replacing this one.
     *
     * @param headers the headers being built
     * @return the same builder
     */
    public static Headers.Builder withSecurityHeaders(Headers.Builder headers) {
        return headers.set("X-Content-Type-Options", "nosniff")
                .set("X-Frame-Options", "DENY")
                .set("Referrer-Policy", "no-referrer")
                .set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    }

    /**
     * The content security policy of every response unless a route sets another: nothing may be
     * loaded, run or framed ({@code default-src 'none'; frame-ancestors 'none'; base-uri 'none';
     * form-action 'none'}), so HTML that ends up in an answer stays inert.
     */
    public static final String CONTENT_SECURITY_POLICY =
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    /**
     * Whether the transport must close the connection after this response (the core asks for this
     * with {@code Connection: close}, for example after refusing a body it did not read).
     *
     * @return true when the connection must not be reused
     */
    public boolean closeConnection() {
        return headers.first("Connection").map(v -> v.equalsIgnoreCase("close")).orElse(false);
    }
}
