package dev.portico.core.internal;

import dev.portico.api.ErrorCode;
import dev.portico.api.GatewayException;
import dev.portico.api.auth.Scope;
import dev.portico.api.event.GatewayEvent;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.SseEvent;
import dev.portico.api.transport.SseSink;
import dev.portico.api.transport.WebSocketCloseCodes;
import dev.portico.api.transport.WebSocketListener;
import dev.portico.api.transport.WebSocketSession;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/** The event streams: {@code GET /api/events} (SSE) and {@code WS /api/events/live}. */
final class EventRoutes {
    private final EventBus bus;
    private final Semaphore connections;
    private final int maxConnections;

    EventRoutes(EventBus bus, int maxConnections) {
        this.bus = bus;
        this.maxConnections = maxConnections;
        this.connections = new Semaphore(maxConnections);
    }

    List<Route> routes() {
        return List.of(
                Route.sse("/api/events", Scope.OPERATOR_READ, this::sse),
                Route.ws("/api/events/live", Scope.OPERATOR_READ, ctx -> live()));
    }

    private void admit() {
        if (!connections.tryAcquire()) {
            throw new GatewayException(ErrorCode.UNAVAILABLE,
                    "event streams: " + maxConnections + " connected, the most allowed; try again later");
        }
    }

    /**
     * SSE: {@code connected} (id 0), the replay after {@code Last-Event-ID} (or a {@code reset}
     * event when the ring no longer holds all of it), then live events; a keep-alive comment when
     * idle.
     */
    private HttpResponse sse(RequestContext ctx) {
        long lastSeen = ctx.request().headers().first("Last-Event-ID").or(() -> ctx.query("last_event_id"))
                .map(EventRoutes::parseId).orElse(0L);
        admit();
        EventBus.Subscription sub;
        try {
            sub = bus.subscribe(lastSeen);
        } catch (RuntimeException e) {
            connections.release();
            throw e;
        }
        return HttpResponse.sse(Responses.STREAM, sink -> {
            try (sub) {
                stream(sub, sink);
            } finally {
                connections.release();
            }
        });
    }

    private static void stream(EventBus.Subscription sub, SseSink sink) throws InterruptedException {
        // A stream closed from outside (a revoked credential, a stop) ends its wait at once.
        sink.onClose(sub::close);
        sink.send(SseEvent.of("0", "connected", "{\"ok\":true}"));
        if (sub.reset()) {
            sink.send(SseEvent.of("0", "reset", "{\"reason\":\"missed events are no longer kept\"}"));
        }
        for (GatewayEvent e : sub.replay()) {
            if (!sink.send(frame(e))) {
                return;
            }
        }
        while (sink.isOpen()) {
            GatewayEvent e = sub.next(ApiRoutes.KEEP_ALIVE.toMillis());
            if (e == null) {
                if (sub.overflowed()) {
                    return;
                }
                sink.comment("keep-alive");
            } else if (!sink.send(frame(e))) {
                return;
            }
        }
    }

    /** WebSocket: {@code {"type":"ready"}}, then one frame per event; a slow reader is closed with 1008. */
    private WebSocketListener live() {
        admit();
        return new WebSocketListener() {
            private volatile EventBus.Subscription sub;

            @Override
            public void onOpen(WebSocketSession socket) {
                sub = bus.subscribe(0);
                socket.sendText("{\"type\":\"ready\"}");
                EventBus.Subscription s = sub;
                Thread.ofVirtual().name("portico-events-ws").start(() -> pump(s, socket));
            }

            @Override
            public void onClose(WebSocketSession socket, int code, String reason) {
                EventBus.Subscription s = sub;
                if (s != null) {
                    s.close();
                }
                connections.release();
            }
        };
    }

    private static void pump(EventBus.Subscription sub, WebSocketSession socket) {
        try {
            while (socket.isOpen()) {
                GatewayEvent e = sub.next(ApiRoutes.KEEP_ALIVE.toMillis());
                if (e == null) {
                    if (sub.overflowed()) {
                        socket.close(WebSocketCloseCodes.POLICY_VIOLATION, "too slow: events were dropped");
                        return;
                    }
                } else if (!socket.sendText(json(e))) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static SseEvent frame(GatewayEvent e) {
        return SseEvent.of(Long.toString(e.seq()), e.type(), json(e));
    }

    private static String json(GatewayEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", e.type());
        m.put("seq", e.seq());
        m.put("time", SessionRoutes.time(e.time()));
        m.put("data", e.data());
        return JsonCodec.write(m);
    }

    private static long parseId(String value) {
        try {
            return Math.max(0, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST, "Last-Event-ID: " + value + " (expected: an event id)");
        }
    }
}
