package dev.portico.server.undertow;

import dev.portico.api.transport.Headers;
import dev.portico.api.transport.HttpRequest;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * The {@link HttpRequest} over one Undertow exchange. Everything but the body is copied when the
 * request is made; the body stays Undertow's blocking stream, read at most once and never
 * buffered whole.
 */
final class UndertowRequest implements HttpRequest {
    private static final InetSocketAddress UNKNOWN_PEER = new InetSocketAddress(0);

    private final String method;
    private final String path;
    private final String rawQuery;
    private final Headers headers;
    private final InetSocketAddress remoteAddress;
    private final boolean secure;
    private final InputStream body;

    private UndertowRequest(String method, String path, String rawQuery, Headers headers,
            InetSocketAddress remoteAddress, boolean secure, InputStream body) {
        this.method = method;
        this.path = path;
        this.rawQuery = rawQuery;
        this.headers = headers;
        this.remoteAddress = remoteAddress;
        this.secure = secure;
        this.body = body;
    }

    /**
     * Reads the request line and headers of an exchange.
     *
     * @param exchange the exchange
     * @param body the body stream to hand out
     * @return the request
     */
    static UndertowRequest of(HttpServerExchange exchange, InputStream body) {
        Headers.Builder headers = Headers.builder();
        for (HeaderValues values : exchange.getRequestHeaders()) {
            String name = values.getHeaderName().toString();
            for (String value : values) {
                headers.add(name, value);
            }
        }
        String query = exchange.getQueryString();
        InetSocketAddress peer = exchange.getSourceAddress();
        return new UndertowRequest(
                exchange.getRequestMethod().toString().toUpperCase(Locale.ROOT),
                rawPath(exchange),
                query == null ? "" : query,
                headers.build(),
                peer == null ? UNKNOWN_PEER : peer,
                exchange.getConnection().getSslSessionInfo() != null,
                body);
    }

    /**
     * The still-encoded path. Undertow keeps the request target as sent (URL decoding is off); an
     * absolute-form target ({@code GET http://host/path}) is reduced to its path.
     */
    static String rawPath(HttpServerExchange exchange) {
        String uri = exchange.getRequestURI();
        if (exchange.isHostIncludedInRequestURI()) {
            int scheme = uri.indexOf("://");
            int slash = scheme < 0 ? uri.indexOf('/') : uri.indexOf('/', scheme + 3);
            uri = slash < 0 ? "/" : uri.substring(slash);
        }
        return uri.isEmpty() ? "/" : uri;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String rawQuery() {
        return rawQuery;
    }

    @Override
    public Headers headers() {
        return headers;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public boolean secure() {
        return secure;
    }

    @Override
    public InputStream body() {
        return body;
    }

    @Override
    public String toString() {
        return method + " " + path + (rawQuery.isEmpty() ? "" : "?" + rawQuery);
    }
}
