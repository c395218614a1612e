package dev.portico.api;

/**
 * The error codes of the Portico API, each with the HTTP status it is answered with.
 *
 * <p>Every HTTP error the gateway sends is the envelope
 * {@code {"ok":false,"error":{"code":"<CODE>","message":"…"}}} with one of these codes.
 */
public enum ErrorCode {
    /** The request is malformed: a missing or mistyped field, malformed JSON. */
    INVALID_REQUEST(400),
    /** No valid credential was presented. */
    UNAUTHORIZED(401),
    /** The credential is valid but lacks the scope the route needs; the message names the scope. */
    FORBIDDEN(403),
    /** No route matches the path. */
    NOT_FOUND(404),
    /** The named session does not exist. */
    SESSION_NOT_FOUND(404),
    /** The named channel does not exist. */
    CHANNEL_NOT_FOUND(404),
    /** The named scheduled job does not exist. */
    JOB_NOT_FOUND(404),
    /** The named agent run does not exist (or has expired). */
    RUN_NOT_FOUND(404),
    /** The path exists but not for this method; answered with an {@code Allow} header. */
    METHOD_NOT_ALLOWED(405),
    /** The request conflicts with the current state. */
    CONFLICT(409),
    /** The request body exceeds the limit of the route. */
    PAYLOAD_TOO_LARGE(413),
    /** The route expects another content type (JSON routes expect {@code application/json}). */
    UNSUPPORTED_MEDIA_TYPE(415),
    /** Too many requests; answered with a {@code Retry-After} header. */
    RATE_LIMITED(429),
    /** An unexpected failure inside the gateway; never carries internal details. */
    INTERNAL_ERROR(500),
    /** The agent or its upstream failed. */
    AGENT_ERROR(502),
    /** The gateway is starting, draining, or over a connection cap. */
    UNAVAILABLE(503);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /**
     * The HTTP status this code is answered with.
     *
     * @return a 4xx or 5xx status
     */
    public int httpStatus() {
        return httpStatus;
    }
}
