package dev.portico.server.undertow;

import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.TransportOptions;
import dev.portico.api.transport.TransportWebSocket;
import dev.portico.api.transport.WebSocketCloseCodes;
import dev.portico.api.transport.WebSocketListener;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.protocol.Handshake;
import io.undertow.websockets.core.protocol.version07.Hybi07Handshake;
import io.undertow.websockets.core.protocol.version08.Hybi08Handshake;
import io.undertow.websockets.core.protocol.version13.Hybi13Handshake;
import io.undertow.websockets.spi.AsyncWebSocketHttpServerExchange;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs the WebSocket handshake for an upgrade the core accepted, on any path, and wires the new
 * channel to a {@link TransportWebSocket}. The handshake classes are Undertow's (RFC 6455 and the
 * two drafts before it); no subprotocol and no extension is negotiated.
 */
final class WebSocketUpgrade {
    private static final List<Handshake> HANDSHAKES =
            List.of(new Hybi13Handshake(), new Hybi08Handshake(), new Hybi07Handshake());

    /** The handshake chosen by {@link #matches}, kept on the exchange for {@link #accept}. */
    private static final AttachmentKey<Handshake> HANDSHAKE = AttachmentKey.create(Handshake.class);

    private final int maxMessageBytes;
    private final long maxQueuedBytes;
    private final WebSocketRegistry sockets;
    /** Undertow's own record of open channels, which its channels add themselves to. */
    private final Set<WebSocketChannel> peers = ConcurrentHashMap.newKeySet();

    WebSocketUpgrade(TransportOptions options, WebSocketRegistry sockets) {
        this.maxMessageBytes = options.maxWebSocketFrameBytes();
        this.maxQueuedBytes = options.maxQueuedOutboundBytes();
        this.sockets = sockets;
    }

    /**
     * Whether the request is a well-formed handshake of a supported version (it carries a key and a
     * known {@code Sec-WebSocket-Version}). One that is not is served as a plain request, so the
     * core answers it.
     *
     * @param exchange an upgrade request
     * @return true when a handshake can be completed
     */
    boolean matches(HttpServerExchange exchange) {
        AsyncWebSocketHttpServerExchange facade = new AsyncWebSocketHttpServerExchange(exchange, peers);
        for (Handshake handshake : HANDSHAKES) {
            if (handshake.matches(facade)) {
                exchange.putAttachment(HANDSHAKE, handshake);
                return true;
            }
        }
        return false;
    }

    /**
     * Completes the handshake of an accepted upgrade. The 101 response is sent from here; the
     * channel is wired on Undertow's I/O thread once the connection is handed over.
     *
     * @param exchange the upgrade request, for which {@link #matches} returned true
     * @param request the request the core saw
     * @param listener the core's listener
     */
    void accept(HttpServerExchange exchange, HttpRequest request, WebSocketListener listener) {
        Handshake handshake = exchange.getAttachment(HANDSHAKE);
        if (handshake == null) {
            throw new IllegalStateException("accept: no WebSocket handshake matched " + request.path() + " (expected: matches() first)");
        }
        AsyncWebSocketHttpServerExchange facade = new AsyncWebSocketHttpServerExchange(exchange, peers);
        exchange.upgradeChannel((connection, upgraded) -> {
            WebSocketChannel channel = handshake.createChannel(facade, connection, facade.getBufferPool());
            peers.add(channel);
            SocketConnection socket = new SocketConnection(channel, sockets);
            TransportWebSocket session = TransportWebSocket.create(request, listener, socket, maxQueuedBytes);
            socket.bind(session);
            channel.getReceiveSetter().set(new MessageReceiver(socket, maxMessageBytes));
            channel.addCloseTask(closed -> {
                peers.remove(closed);
                socket.channelClosed();
            });
            sockets.add(socket);
            session.opened();
            channel.resumeReceives();
            // Registered first, checked second: a stop that began meanwhile either finds this
            // socket in the registry or is seen here.
            if (sockets.isStopping()) {
                session.close(WebSocketCloseCodes.GOING_AWAY, "server stopping");
            }
        });
        handshake.handshake(facade);
    }
}
