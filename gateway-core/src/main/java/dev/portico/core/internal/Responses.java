package dev.portico.core.internal;

import dev.portico.api.ErrorCode;
import dev.portico.api.GatewayException;
import dev.portico.api.transport.Headers;
import dev.portico.api.transport.HttpResponse;

/** Builds the JSON responses of the API. */
public final class Responses {
    private static final Headers JSON = HttpResponse.withSecurityHeaders(Headers.builder())
            .set("Content-Type", "application/json").build();
    /** The headers of an event stream (the transport adds the SSE ones). */
    static final Headers STREAM = HttpResponse.withSecurityHeaders(Headers.builder()).build();

    private Responses() {}

    /**
     * A JSON response.
     *
     * @param status the status
     * @param body a record of {@link Wire}
     * @return the response
     */
    public static HttpResponse json(int status, Object body) {
        return HttpResponse.of(status, JSON, JsonCodec.writeBytes(body));
    }

    /**
     * A 200 JSON response.
     *
     * @param body a record of {@link Wire}
     * @return the response
     */
    public static HttpResponse ok(Object body) {
        return json(200, body);
    }

    /**
     * The error envelope for an exception, with the headers it asks for.
     *
     * @param e the exception
     * @return the response
     */
    public static HttpResponse error(GatewayException e) {
        return error(e, new Wire.ErrorEnvelope(false, new Wire.ErrorBody(e.code().name(), e.getMessage())));
    }

    /**
     * An error answered with its own body (a record of {@link Wire} that carries the envelope's
     * fields), with the headers the exception asks for.
     *
     * @param e the exception
     * @param body the body
     * @return the response
     */
    public static HttpResponse error(GatewayException e, Object body) {
        Headers.Builder h = JSON.toBuilder();
        e.headers().forEach(h::set);
        return HttpResponse.of(e.code().httpStatus(), h.build(), JsonCodec.writeBytes(body));
    }

    /**
     * The error envelope for a code and message.
     *
     * @param code the code
     * @param message the message
     * @return the response
     */
    public static HttpResponse error(ErrorCode code, String message) {
        return error(new GatewayException(code, message));
    }
}
