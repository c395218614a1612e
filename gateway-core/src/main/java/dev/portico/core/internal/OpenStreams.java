package dev.portico.core.internal;

import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.SseProducer;
import dev.portico.api.transport.WebSocketListener;
import dev.portico.api.transport.WebSocketSession;
import java.io.InputStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;

/**
 * The authenticated streams open now (server-sent event streams and WebSockets), each with the
 * request that opened it, so that a change of credentials can close those whose credential no
 * longer holds, and a stop can close them all instead of waiting out the drain.
 */
final class OpenStreams {
    /** The close code of a WebSocket whose credential was revoked (policy violation). */
    static final int REVOKED = 1008;
    /** The close code of a WebSocket when the gateway stops (going away). */
    static final int GOING_AWAY = 1001;

    private final Set<Stream> open = ConcurrentHashMap.newKeySet();
    /** Set once the gateway stops: a subscription that opens after is closed at once. */
    private volatile boolean stopping;

    /** One open stream; compared by identity. */
    private static final class Stream {
        final Route route;
        final HttpRequest request;
        final Closer closer;

        Stream(Route route, HttpRequest request, Closer closer) {
            this.route = route;
            this.request = request;
            this.closer = closer;
        }
    }

    /** Ends a stream: a WebSocket with a close code and reason, an event stream by ending it. */
    @FunctionalInterface
    private interface Closer {
        void close(int code, String reason);
    }

    /**
     * An event stream that is listed while it runs.
     *
     * @param route the route that answered it
     * @param request the request that opened it
     * @param producer the route's producer
     * @return the producer to hand the transport
     */
    SseProducer tracked(Route route, HttpRequest request, SseProducer producer) {
        HttpRequest opener = snapshot(request);
        return sink -> {
            Stream s = new Stream(route, opener, (code, reason) -> sink.close());
            open.add(s);
            if (stopping && route.stream()) {
                closeSubscriptions();
            }
            try {
                producer.produce(sink);
            } finally {
                open.remove(s);
            }
        };
    }

    /**
     * A WebSocket listener whose socket is listed from {@code onOpen} to {@code onClose}.
     *
     * @param route the route that accepted it
     * @param request the upgrade request
     * @param listener the route's listener
     * @return the listener to hand the transport
     */
    WebSocketListener tracked(Route route, HttpRequest request, WebSocketListener listener) {
        HttpRequest opener = snapshot(request);
        return new WebSocketListener() {
            private volatile Stream stream;

            @Override
            public void onOpen(WebSocketSession session) {
                stream = new Stream(route, opener, session::close);
                open.add(stream);
                listener.onOpen(session);
                if (stopping && route.stream()) {
                    closeSubscriptions();
                }
            }

            @Override
            public void onText(WebSocketSession session, String text) {
                listener.onText(session, text);
            }

            @Override
            public void onClose(WebSocketSession session, int code, String reason) {
                Stream s = stream;
                if (s != null) {
                    open.remove(s);
                }
                listener.onClose(session, code, reason);
            }

            @Override
            public void onError(WebSocketSession session, Throwable error) {
                listener.onError(session, error);
            }
        };
    }

    /**
     * Closes the streams whose opening request no longer passes {@code allowed}.
     *
     * @param allowed whether a stream, given its route and opening request, may stay open
     * @return how many were closed
     */
    int closeUnless(BiPredicate<Route, HttpRequest> allowed) {
        int closed = 0;
        for (Stream s : open) {
            if (!allowed.test(s.route, s.request) && open.remove(s)) {
                s.closer.close(REVOKED, "credential revoked");
                closed++;
            }
        }
        return closed;
    }

    /**
     * Closes the subscriptions (the routes made to stream: event streams, WebSockets): the gateway
     * is stopping. A finite stream, such as a streamed agent reply, is left to finish in the drain.
     */
    void closeSubscriptions() {
        stopping = true;
        for (Stream s : open) {
            if (s.route.stream() && open.remove(s)) {
                s.closer.close(GOING_AWAY, "gateway stopping");
            }
        }
    }

    /** @return how many streams are open */
    int size() {
        return open.size();
    }

    /** What authorizing the request again needs, kept apart from the transport's request object. */
    private static HttpRequest snapshot(HttpRequest r) {
        return HttpRequest.of(r.method(), r.path(), r.rawQuery(), r.headers().toBuilder().build(), r.remoteAddress(),
                r.secure(), InputStream.nullInputStream());
    }
}
