package dev.portico.api.transport;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An HTTP request as a transport hands it to the core. Transports implement this interface over
 * their server's request type; {@link #builder()} makes one from plain values (for tests and for
 * transports that have no request type of their own).
 *
 * <p>The body is a stream that is read at most once; the core reads it with a bound and answers
 * 413 past that bound, so a transport must never buffer the whole body first.
 */
public interface HttpRequest {

    /**
     * The request method in upper case, such as {@code GET}.
     *
     * @return the method
     */
    String method();

    /**
     * The raw (still percent-encoded) path, without the query string, such as {@code /api/agent}.
     *
     * @return the path, starting with {@code /}
     */
    String path();

    /**
     * The raw query string without the leading {@code ?}.
     *
     * @return the query string, empty when there is none
     */
    String rawQuery();

    /**
     * The decoded query parameters, each name with its values in order.
     *
     * @return an unmodifiable map
     */
    default Map<String, List<String>> queryParams() {
        return decodeQuery(rawQuery());
    }

    /**
     * The first value of a query parameter.
     *
     * @param name the parameter name
     * @return the decoded value, or empty when absent
     */
    default Optional<String> queryParam(String name) {
        List<String> values = queryParams().get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /**
     * The request headers.
     *
     * @return the headers, names case-insensitive
     */
    Headers headers();

    /**
     * The address of the peer that sent the request (not interpreted through proxy headers).
     *
     * @return the remote socket address
     */
    InetSocketAddress remoteAddress();

    /**
     * Whether the request arrived over TLS.
     *
     * @return true for HTTPS and WSS
     */
    boolean secure();

    /**
     * The body length the client declared with {@code Content-Length}.
     *
     * @return the declared length, or empty when none was declared (for example chunked bodies)
     */
    default OptionalLong contentLength() {
        Optional<String> value = headers().first("Content-Length");
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            long n = Long.parseLong(value.get().trim());
            return n < 0 ? OptionalLong.empty() : OptionalLong.of(n);
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * The request body as a stream, read at most once. Empty for requests without a body. Closing
     * it does not read the rest of the body: after a response with {@code Connection: close} the
     * transport closes the connection instead of draining what the client still sends.
     *
     * @return the body stream
     */
    InputStream body();

    /**
     * Decodes an {@code application/x-www-form-urlencoded} query string.
     *
     * @param rawQuery the raw query, without {@code ?}; may be empty
     * @return the parameters in order, unmodifiable
     */
    static Map<String, List<String>> decodeQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                name = URLDecoder.decode(name, StandardCharsets.UTF_8);
                value = URLDecoder.decode(value, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException malformed) {
                // A malformed escape is kept as sent rather than failing the whole request.
            }
            params.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        params.replaceAll((k, v) -> List.copyOf(v));
        return Collections.unmodifiableMap(params);
    }

    /**
     * A request from its parts, for transports: they read the request line and headers of their
     * server's request and hand the body over as a stream.
     *
     * @param method the method, upper case
     * @param path the raw (still encoded) path, without the query
     * @param rawQuery the raw query without {@code ?}, empty when there is none
     * @param headers the headers
     * @param remoteAddress the peer's address
     * @param secure whether the request arrived over TLS
     * @param body the body stream, read at most once
     * @return the request
     */
    static HttpRequest of(String method, String path, String rawQuery, Headers headers,
            InetSocketAddress remoteAddress, boolean secure, InputStream body) {
        return new SimpleRequest(method, path, rawQuery, headers, remoteAddress, secure, body);
    }

    /**
     * A builder of requests from plain values.
     *
     * @return a new builder for a {@code GET /} request from 127.0.0.1 with no body
     */
    static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link HttpRequest} from plain values. */
    final class Builder {
        private String method = "GET";
        private String path = "/";
        private String rawQuery = "";
        private final Headers.Builder headers = Headers.builder();
        private InetSocketAddress remoteAddress = new InetSocketAddress("127.0.0.1", 0);
        private boolean secure;
        private byte[] bodyBytes = new byte[0];
        private InputStream bodyStream;

        private Builder() {}

        /**
         * Sets the method.
         *
         * @param method the method, such as {@code POST}
         * @return this builder
         */
        public Builder method(String method) {
            this.method = method.toUpperCase(java.util.Locale.ROOT);
            return this;
        }

        /**
         * Sets the path and query from a request target such as {@code /api/chat?session=main}.
         *
         * @param target the raw path, optionally followed by {@code ?query}
         * @return this builder
         */
        public Builder target(String target) {
            int q = target.indexOf('?');
            this.path = q < 0 ? target : target.substring(0, q);
            this.rawQuery = q < 0 ? "" : target.substring(q + 1);
            return this;
        }

        /**
         * Adds a header value.
         *
         * @param name the header name
         * @param value the value
         * @return this builder
         */
        public Builder header(String name, String value) {
            headers.add(name, value);
            return this;
        }

        /**
         * Sets the remote address.
         *
         * @param remoteAddress the peer address
         * @return this builder
         */
        public Builder remoteAddress(InetSocketAddress remoteAddress) {
            this.remoteAddress = java.util.Objects.requireNonNull(remoteAddress, "remoteAddress");
            return this;
        }

        /**
         * Marks the request as received over TLS.
         *
         * @param secure whether the request is secure
         * @return this builder
         */
        public Builder secure(boolean secure) {
            this.secure = secure;
            return this;
        }

        /**
         * Sets the body bytes; a {@code Content-Length} header is added unless one was set.
         *
         * @param body the body
         * @return this builder
         */
        public Builder body(byte[] body) {
            this.bodyBytes = body.clone();
            this.bodyStream = null;
            return this;
        }

        /**
         * Sets the body as a UTF-8 string; a {@code Content-Length} header is added unless one was set.
         *
         * @param body the body text
         * @return this builder
         */
        public Builder body(String body) {
            return body(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        /**
         * Sets the body as a stream of unknown length.
         *
         * @param body the body stream
         * @return this builder
         */
        public Builder body(InputStream body) {
            this.bodyStream = java.util.Objects.requireNonNull(body, "body");
            return this;
        }

        /**
         * Builds the request.
         *
         * @return an immutable request whose body can be read once
         */
        public HttpRequest build() {
            Headers.Builder h = Headers.builder();
            headers.build().forEach(h::add);
            if (bodyStream == null && bodyBytes.length > 0 && !h.contains("Content-Length")) {
                h.set("Content-Length", Integer.toString(bodyBytes.length));
            }
            InputStream body = bodyStream != null ? bodyStream : new java.io.ByteArrayInputStream(bodyBytes);
            return new SimpleRequest(method, path, rawQuery, h.build(), remoteAddress, secure, body);
        }
    }
}

/** The {@link HttpRequest} of {@link HttpRequest#of} and {@link HttpRequest.Builder}. */
record SimpleRequest(
        String method,
        String path,
        String rawQuery,
        Headers headers,
        InetSocketAddress remoteAddress,
        boolean secure,
        InputStream body)
        implements HttpRequest {

    SimpleRequest {
        java.util.Objects.requireNonNull(method, "method");
        java.util.Objects.requireNonNull(path, "path");
        java.util.Objects.requireNonNull(rawQuery, "rawQuery");
        java.util.Objects.requireNonNull(headers, "headers");
        java.util.Objects.requireNonNull(remoteAddress, "remoteAddress");
        java.util.Objects.requireNonNull(body, "body");
    }

    @Override
    public String toString() {
        return method + " " + path + (rawQuery.isEmpty() ? "" : "?" + rawQuery);
    }
}
