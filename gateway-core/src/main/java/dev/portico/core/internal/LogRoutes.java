package dev.portico.core.internal;

import dev.portico.api.ErrorCode;
import dev.portico.api.GatewayException;
import dev.portico.api.auth.Scope;
import dev.portico.api.transport.Headers;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.WebSocketCloseCodes;
import dev.portico.api.transport.WebSocketListener;
import dev.portico.api.transport.WebSocketSession;
import dev.portico.core.GatewayLog;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * The log routes: {@code GET /api/logs} (filters), {@code GET /api/logs/recent} and
 * {@code WS /api/logs/live}. Entries are sent as the log file holds them; a gateway without a log
 * file answers {@code 503}.
 */
final class LogRoutes {
    private static final System.Logger LOG = System.getLogger(LogRoutes.class.getName());
    private static final Headers JSON = HttpResponse.withSecurityHeaders(Headers.builder())
            .set("Content-Type", "application/json").build();
    /** {@code GET /api/logs/recent} without {@code limit}. */
    static final int RECENT_DEFAULT = 10;
    /** The most {@code GET /api/logs/recent} returns. */
    static final int RECENT_MAX = 200;

    private final Optional<GatewayLog> log;
    private final Clock clock;
    private final Semaphore streams;
    private final int maxStreams;

    LogRoutes(Optional<GatewayLog> log, Clock clock, int maxStreams) {
        this.log = log;
        this.clock = clock;
        this.maxStreams = maxStreams;
        this.streams = new Semaphore(maxStreams);
    }

    List<Route> routes() {
        return List.of(
                Route.http("GET", "/api/logs", Scope.OPERATOR_READ, this::query),
                Route.http("GET", "/api/logs/recent", Scope.OPERATOR_READ, this::recent),
                Route.ws("/api/logs/live", Scope.OPERATOR_READ, ctx -> live()));
    }

    private GatewayLog log() {
        return log.orElseThrow(() -> new GatewayException(ErrorCode.UNAVAILABLE,
                "no log: this gateway keeps no log file"));
    }

    /** {@code level}, {@code q}, {@code since}, {@code limit}: the newest matches, oldest first. */
    private HttpResponse query(RequestContext ctx) {
        GatewayLog log = log();
        int limit = ctx.intQuery("limit", GatewayLog.DEFAULT_QUERY_LIMIT, 1, GatewayLog.MAX_QUERY_LIMIT);
        GatewayLog.Query q;
        try {
            q = GatewayLog.Query.of(ctx.query("level").orElse(null), ctx.query("q").orElse(null),
                    ctx.query("since").orElse(null), limit, clock.instant());
        } catch (IllegalArgumentException e) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST, e.getMessage());
        }
        return answer(read(() -> log.query(q)));
    }

    private HttpResponse recent(RequestContext ctx) {
        GatewayLog log = log();
        int limit = ctx.intQuery("limit", RECENT_DEFAULT, 1, RECENT_MAX);
        return answer(read(() -> log.recent(limit)));
    }

    private static List<GatewayLog.Entry> read(java.util.function.Supplier<List<GatewayLog.Entry>> reader) {
        try {
            return reader.get();
        } catch (UncheckedIOException e) {
            LOG.log(System.Logger.Level.ERROR, "reading the log failed", e);
            throw new GatewayException(ErrorCode.INTERNAL_ERROR, "the log could not be read");
        }
    }

    /** {@code {"ok":true,"logs":[…]}}, each entry exactly as the log holds it. */
    private static HttpResponse answer(List<GatewayLog.Entry> entries) {
        StringBuilder sb = new StringBuilder(64 + entries.size() * 160).append("{\"ok\":true,\"logs\":[");
        for (int i = 0; i < entries.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(entries.get(i).json());
        }
        sb.append("]}");
        return HttpResponse.of(200, JSON, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * One frame per new entry: {@code {"ok":true,"type":"log_entry","entry":{…}}}. A reader that
     * falls behind is closed with 1008, as the transport does when its outbound queue is full.
     */
    private WebSocketListener live() {
        GatewayLog log = log();
        if (!streams.tryAcquire()) {
            throw new GatewayException(ErrorCode.UNAVAILABLE,
                    "log streams: " + maxStreams + " connected, the most allowed; try again later");
        }
        return new WebSocketListener() {
            private volatile GatewayLog.Subscription sub;

            @Override
            public void onOpen(WebSocketSession socket) {
                sub = log.subscribe(entry -> {
                    if (!socket.sendText(frame(entry))) {
                        GatewayLog.Subscription s = sub;
                        if (s != null) {
                            s.close();
                        }
                    }
                }, () -> socket.close(WebSocketCloseCodes.POLICY_VIOLATION, "too slow: log entries were dropped"));
                if (!socket.isOpen()) {
                    sub.close();
                }
            }

            @Override
            public void onClose(WebSocketSession socket, int code, String reason) {
                GatewayLog.Subscription s = sub;
                if (s != null) {
                    s.close();
                }
                streams.release();
            }
        };
    }

    private static String frame(GatewayLog.Entry entry) {
        return "{\"ok\":true,\"type\":\"log_entry\",\"entry\":" + entry.json() + "}";
    }
}
