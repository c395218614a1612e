package dev.portico.server.helidon;

import dev.portico.api.transport.Headers;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.TransportWebSocket;
import dev.portico.api.transport.WebSocketDecision;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ServerConnection;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Helidon's HTTP/1.1 connection calls this for a request with an {@code Upgrade: websocket} header
 * and no body, on any path, before it routes the request.
 *
 * <p>The core decides first ({@link dev.portico.api.transport.GatewayHandler#upgrade}). An
 * accepted upgrade gets the 101 handshake and a {@link WebSocketConnection}. A rejected one is not
 * upgraded: its response is left on the {@link TrackedConnection} and this returns {@code null},
 * so Helidon routes the same request to {@link GatewayRoute}, which sends that response as it
 * sends any other. A request that is not a complete handshake is left to the route as well.
 */
final class WebSocketUpgrade implements Http1Upgrader {
    /**
     * Helidon looks upgraders up by the exact value of the Upgrade header; these are the
     * spellings clients send. Any other spelling reaches the route, which still asks the core.
     */
    static final List<String> SPELLINGS = List.of("websocket", "WebSocket", "Websocket", "WEBSOCKET");

    private static final System.Logger LOG = System.getLogger(WebSocketUpgrade.class.getName());
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final String VERSION = "13";

    private final ServerState state;

    WebSocketUpgrade(ServerState state) {
        this.state = state;
    }

    @Override
    public String supportedProtocol() {
        return "websocket";
    }

    @Override
    public ServerConnection upgrade(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
        TrackedConnection connection = TrackedConnection.current().orElse(null);
        if (connection == null) {
            return null;
        }
        HttpRequest request = ServerHttpRequest.ofUpgrade(ctx, prologue, headers);
        Optional<String> key = completeHandshakeKey(request, prologue.protocolVersion());
        if (key.isEmpty()) {
            return null;
        }
        WebSocketDecision decision;
        try {
            decision = state.handler().upgrade(request);
            if (decision == null) {
                throw new NullPointerException("GatewayHandler.upgrade returned null");
            }
        } catch (RuntimeException | Error e) {
            GatewayRoute.rethrowFatal(e);
            LOG.log(Level.WARNING, "GatewayHandler failed on upgrade " + request.method() + " " + request.path(), e);
            connection.deferResponse(prologue, HttpResponse.internalError());
            return null;
        }
        return switch (decision) {
            case WebSocketDecision.Reject reject -> {
                connection.deferResponse(prologue, reject.response());
                yield null;
            }
            case WebSocketDecision.Accept accept -> {
                switchProtocols(ctx, key.get());
                connection.markUpgraded();
                WebSocketConnection socket = new WebSocketConnection(ctx, state);
                socket.attach(TransportWebSocket.create(request, accept.listener(), socket,
                        state.options().maxQueuedOutboundBytes()));
                yield socket;
            }
        };
    }

    /**
     * Whether a request asks for a WebSocket: a GET whose Upgrade header names websocket.
     *
     * @param request the request
     * @return true for an upgrade request, complete or not
     */
    static boolean isUpgradeRequest(HttpRequest request) {
        return "GET".equals(request.method()) && hasToken(request.headers().all("Upgrade"), "websocket");
    }

    /**
     * The plain protocol answer to an upgrade the core accepted but that cannot be completed.
     *
     * @param request the request
     * @return 426 with the supported version for a version mismatch, else 400; no body
     */
    static HttpResponse handshakeFailure(HttpRequest request) {
        Optional<String> version = request.headers().first("Sec-WebSocket-Version");
        if (version.isPresent() && !VERSION.equals(version.get().trim())) {
            return HttpResponse.of(426, HttpResponse.withSecurityHeaders(Headers.builder())
                    .set("Sec-WebSocket-Version", VERSION).build(), new byte[0]);
        }
        return HttpResponse.of(400, HttpResponse.withSecurityHeaders(Headers.builder()).build(), new byte[0]);
    }

    /** Whether a comma-separated header names {@code token} (lower case), in any case. */
    static boolean hasToken(List<String> values, String token) {
        for (String value : values) {
            for (String part : value.split(",")) {
                if (part.trim().toLowerCase(Locale.ROOT).equals(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The Sec-WebSocket-Key of a complete RFC 6455 handshake, or empty when something is missing. */
    private static Optional<String> completeHandshakeKey(HttpRequest request, String protocolVersion) {
        Headers h = request.headers();
        if (!isUpgradeRequest(request)
                || !"1.1".equals(protocolVersion)
                || !hasToken(h.all("Connection"), "upgrade")
                || !h.first("Sec-WebSocket-Version").map(v -> VERSION.equals(v.trim())).orElse(false)) {
            return Optional.empty();
        }
        Optional<String> key = h.first("Sec-WebSocket-Key").map(String::trim);
        if (key.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Base64.getDecoder().decode(key.get()).length == 16 ? key : Optional.empty();
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }

    private static void switchProtocols(ConnectionContext ctx, String key) {
        String response = "HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + acceptValue(key) + "\r\n"
                + "\r\n";
        try {
            ctx.dataWriter().writeNow(BufferData.create(response.getBytes(StandardCharsets.US_ASCII)));
        } catch (RuntimeException e) {
            throw new CloseConnectionException("client left during the WebSocket handshake", e);
        }
    }

    static String acceptValue(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] digest = sha1.digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java platform", e);
        }
    }
}
