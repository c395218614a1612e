package dev.portico.server.undertow;

import dev.portico.api.transport.Headers;
import dev.portico.api.transport.HttpRequest;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * Turns an Undertow exchange into the core's {@link HttpRequest}. Everything but the body is copied
 * when the request is made; the body is a stream over the exchange's channel, read at most once and
 * never buffered whole.
 */
final class UndertowRequest {
    private static final InetSocketAddress UNKNOWN_PEER = new InetSocketAddress(0);

    private UndertowRequest() {}

    /**
     * Reads the request line and headers of an exchange.
     *
     * @param exchange the exchange
     * @param body the body stream to hand out
     * @return the request
     */
    static HttpRequest of(HttpServerExchange exchange, InputStream body) {
        Headers.Builder headers = Headers.builder();
        for (HeaderValues values : exchange.getRequestHeaders()) {
            String name = values.getHeaderName().toString();
            for (String value : values) {
                headers.add(name, value);
            }
        }
        String query = exchange.getQueryString();
        InetSocketAddress peer = exchange.getSourceAddress();
        return HttpRequest.of(
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
}
