package dev.portico.server.helidon;

import dev.portico.api.transport.Headers;
import dev.portico.api.transport.HttpRequest;
import io.helidon.common.socket.PeerInfo;
import io.helidon.http.Header;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.ServerRequest;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Locale;

/**
 * Turns Helidon requests into the core's {@link HttpRequest}. The body is a lazy stream over
 * Helidon's entity, so nothing is read from the socket unless the core reads it.
 */
final class ServerHttpRequest {

    private ServerHttpRequest() {}

    /**
     * Adapts a routed request.
     *
     * @param req Helidon's request
     * @return the core's view of it
     */
    static HttpRequest of(ServerRequest req) {
        HttpPrologue prologue = req.prologue();
        return HttpRequest.of(
                method(prologue),
                prologue.uriPath().rawPath(),
                prologue.query().rawValue(),
                headers(req.headers()),
                address(req.remotePeer()),
                req.isSecure(),
                new RequestBody(() -> req.content().inputStream()));
    }

    /**
     * Adapts an upgrade request, which Helidon hands over before any routing.
     *
     * @param ctx the connection
     * @param prologue the request line
     * @param headers the request headers
     * @return the core's view of it, with an empty body
     */
    static HttpRequest ofUpgrade(ConnectionContext ctx, HttpPrologue prologue, io.helidon.http.Headers headers) {
        return HttpRequest.of(
                method(prologue),
                prologue.uriPath().rawPath(),
                prologue.query().rawValue(),
                headers(headers),
                address(ctx.remotePeer()),
                ctx.isSecure(),
                new ByteArrayInputStream(new byte[0]));
    }

    private static String method(HttpPrologue prologue) {
        return prologue.method().text().toUpperCase(Locale.ROOT);
    }

    private static Headers headers(io.helidon.http.Headers helidon) {
        Headers.Builder b = Headers.builder();
        for (Header header : helidon) {
            for (String value : header.allValues()) {
                b.add(header.name(), value);
            }
        }
        return b.build();
    }

    private static InetSocketAddress address(PeerInfo peer) {
        SocketAddress address = peer.address();
        if (address instanceof InetSocketAddress inet) {
            return inet;
        }
        return InetSocketAddress.createUnresolved(peer.host(), Math.max(peer.port(), 0));
    }
}
