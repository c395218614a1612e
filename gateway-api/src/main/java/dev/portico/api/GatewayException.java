package dev.portico.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The one root of Portico's unchecked exceptions. It carries the {@link ErrorCode} the client is
 * answered with and a message meant for the client: it states the bad value and what was expected,
 * never an internal detail.
 *
 * <pre>{@code
 * throw new GatewayException(ErrorCode.INVALID_REQUEST, "message: required");
 * }</pre>
 */
public class GatewayException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final Map<String, String> headers = new LinkedHashMap<>();

    /**
     * Creates an exception answered with {@code code} and {@code message}.
     *
     * @param code the error code
     * @param message the message shown to the client
     */
    public GatewayException(ErrorCode code, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.code = Objects.requireNonNull(code, "code");
    }

    /**
     * Creates an exception answered with {@code code} and {@code message}, keeping {@code cause}
     * for the log.
     *
     * @param code the error code
     * @param message the message shown to the client
     * @param cause the underlying failure, logged but never shown to the client
     */
    public GatewayException(ErrorCode code, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /**
     * The code the client is answered with.
     *
     * @return the error code
     */
    public ErrorCode code() {
        return code;
    }

    /**
     * Adds a response header to the error answer, such as {@code Allow} or {@code Retry-After}.
     *
     * @param name the header name
     * @param value the header value
     * @return this exception
     */
    public GatewayException header(String name, String value) {
        headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * The response headers added with {@link #header(String, String)}.
     *
     * @return an unmodifiable view of the headers
     */
    public Map<String, String> headers() {
        return Map.copyOf(headers);
    }
}
