package dev.portico.core.internal;

import dev.portico.api.ErrorCode;
import dev.portico.api.GatewayException;
import dev.portico.api.agent.AgentEvent;
import dev.portico.api.auth.Principal;
import dev.portico.api.auth.Scope;
import dev.portico.api.session.SessionKey;
import dev.portico.api.session.SessionStore;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.SseEvent;
import dev.portico.api.transport.SseSink;
import dev.portico.api.transport.WebSocketListener;
import dev.portico.api.transport.WebSocketSession;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The routes of the API and their handlers. */
final class ApiRoutes {
    /** How often an idle SSE stream gets a keep-alive comment. */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    /** How long a waiting request waits beyond the run timeout (the run always ends by then). */
    private static final System.Logger LOG = System.getLogger(ApiRoutes.class.getName());
    private static final Duration WAIT_MARGIN = Duration.ofSeconds(5);
    private static final int DEFAULT_HISTORY = 100;
    private static final int MAX_HISTORY = 1000;
    private static final long MAX_WAIT_SECONDS = 600;

    private final DefaultGateway gateway;
    private final Conversations conversations;
    private final SessionStore store;
    private final Duration longestRun;
    private final Optional<Runnable> restartHandler;
    private volatile CachedHealth lastHealth;

    ApiRoutes(DefaultGateway gateway, Conversations conversations, SessionStore store, Duration runTimeout,
            Optional<Runnable> restartHandler) {
        this.gateway = gateway;
        this.restartHandler = restartHandler;
        this.conversations = conversations;
        this.store = store;
        this.longestRun = runTimeout.plus(WAIT_MARGIN);
    }

    List<Route> routes() {
        return List.of(
                Route.open("GET", "/health", this::health),
                Route.open("GET", "/healthz", ctx -> Responses.ok(new Wire.Probe(true, "alive"))),
                Route.open("GET", "/ready", this::ready),
                Route.anyCredential("POST", "/api/token/validate", ApiRoutes::validateToken).limitedAs(RateClass.STRICT),
                Route.http("POST", "/api/agent", Scope.CHAT, this::agent).limitedAs(RateClass.CHAT),
                Route.http("POST", "/api/agent/wait", Scope.CHAT, this::agentWait),
                Route.http("POST", "/api/agent/abort", Scope.CHAT, this::agentAbort),
                Route.http("POST", "/api/chat", Scope.CHAT, this::chat).limitedAs(RateClass.CHAT),
                Route.http("GET", "/api/chat/history", Scope.OPERATOR_READ, this::history),
                Route.ws("/api/chat/live", Scope.CHAT, ChatLive::new),
                Route.http("POST", "/api/restart", Scope.OPERATOR_ADMIN, this::restart),
                Route.http("GET", "/api/version", Scope.OPERATOR_READ,
                        ctx -> Responses.ok(new Wire.Version(true, gateway.version(), gateway.channelKinds()))));
    }

    private static HttpResponse validateToken(RequestContext ctx) {
        Principal p = ctx.principal().orElseThrow();
        return Responses.ok(new Wire.TokenValidation(true, true, p.id(), p.role().wireName(),
                p.scopes().stream().sorted().map(Scope::wireName).toList()));
    }

    private HttpResponse health(RequestContext ctx) {
        // Probes come often and the answer changes once a second: keep the last one.
        long uptime = gateway.uptimeSeconds();
        CachedHealth cached = lastHealth;
        if (cached == null || cached.uptime() != uptime) {
            cached = new CachedHealth(uptime, Responses.ok(new Wire.Health(true, "healthy", uptime, gateway.version())));
            lastHealth = cached;
        }
        return cached.response();
    }

    /** The {@code /health} answer for one second of uptime (responses are immutable, so shareable). */
    private record CachedHealth(long uptime, HttpResponse response) {}

    private HttpResponse ready(RequestContext ctx) {
        if (gateway.draining()) {
            throw new GatewayException(ErrorCode.UNAVAILABLE, "draining: the gateway is stopping");
        }
        return Responses.ok(new Wire.Probe(true, "ready"));
    }

    private HttpResponse agent(RequestContext ctx) {
        JsonObject body = ctx.jsonBody();
        String message = JsonCodec.requiredString(body, "message");
        SessionKey session = agentSession(body);
        if (ctx.request().headers().first("Accept").map(a -> a.contains("text/event-stream")).orElse(false)) {
            Run run = conversations.start(session, message);
            return HttpResponse.sse(Responses.STREAM, sink -> streamRun(run, sink));
        }
        Run run = conversations.run(session, message);
        AgentEvent.Completed done = awaitReply(run);
        return Responses.ok(new Wire.AgentReply("ok", true, done.reply(), session.value(), run.id(),
                done.model().orElse(null)));
    }

    /**
     * Waits for a run by id, up to {@code timeout_secs} (default 60, at most 600). Without a
     * {@code run_id} but with a {@code message}, it starts a turn and waits for it, as some clients
     * expect of this route.
     */
    private HttpResponse agentWait(RequestContext ctx) {
        JsonObject body = ctx.jsonBody();
        Optional<String> runId = JsonCodec.optionalString(body, "run_id");
        if (runId.isEmpty() && body.containsKey("message")) {
            String message = JsonCodec.requiredString(body, "message");
            return waitResult(conversations.run(agentSession(body), message));
        }
        String id = runId.orElseThrow(() -> new GatewayException(ErrorCode.INVALID_REQUEST, "run_id: required"));
        long timeout = JsonCodec.optionalLong(body, "timeout_secs").orElse(60L);
        if (timeout < 0 || timeout > MAX_WAIT_SECONDS) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST,
                    "timeout_secs: " + timeout + " (expected: 0.." + MAX_WAIT_SECONDS + ")");
        }
        Run run = conversations.find(id).orElseThrow(() -> Conversations.runNotFound(id));
        try {
            run.await(Duration.ofSeconds(timeout));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException(ErrorCode.UNAVAILABLE, "the gateway is stopping");
        }
        return waitResult(run);
    }

    private HttpResponse waitResult(Run run) {
        String session = run.session().value();
        Optional<AgentEvent> end;
        try {
            end = run.await(Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException(ErrorCode.UNAVAILABLE, "the gateway is stopping");
        }
        return Responses.ok(switch (end.orElse(null)) {
            case null -> new Wire.WaitResult(true, false, run.id(), null, null, session, null, null);
            case AgentEvent.Completed c -> new Wire.WaitResult(true, true, run.id(), "completed", c.reply(), session,
                    c.model().orElse(null), null);
            case AgentEvent.Failed f -> new Wire.WaitResult(true, true, run.id(), "failed", null, session, null,
                    new Wire.ErrorBody(run.failureCode().name(), f.message()));
            default -> throw new IllegalStateException("a run ended with " + end.get());
        });
    }

    private HttpResponse agentAbort(RequestContext ctx) {
        String id = JsonCodec.requiredString(ctx.jsonBody(), "run_id");
        return Responses.ok(new Wire.AbortResult(true, conversations.abort(id), id));
    }

    /** Answers at once; the restart handler runs after, so the drain lets this answer go out. */
    private HttpResponse restart(RequestContext ctx) {
        Runnable handler = restartHandler.orElseThrow(() -> new GatewayException(ErrorCode.UNAVAILABLE,
                "restart: this gateway is embedded and restarted by the application that runs it"));
        LOG.log(System.Logger.Level.INFO, "restart requested by " + ctx.principal().map(Principal::id).orElse("?"));
        Thread.ofVirtual().name("portico-restart").start(handler);
        return Responses.json(202, new Wire.Restarting(true, "restarting"));
    }

    /** {@code session}, else a channel session from {@code channel} and {@code chat_id}, else {@code main}. */
    private static SessionKey agentSession(JsonObject body) {
        Optional<String> session = JsonCodec.optionalString(body, "session");
        if (session.isPresent()) {
            return SessionKey.of(session.get());
        }
        Optional<String> channel = JsonCodec.optionalString(body, "channel");
        Optional<String> chatId = JsonCodec.optionalId(body, "chat_id");
        if (channel.isPresent() && chatId.isPresent()) {
            return SessionKey.of(channel.get() + ":default:" + chatId.get());
        }
        return SessionKey.MAIN;
    }

    private HttpResponse chat(RequestContext ctx) {
        JsonObject body = ctx.jsonBody();
        String message = JsonCodec.requiredString(body, "message");
        SessionKey session = JsonCodec.optionalString(body, "session").or(() -> ctx.query("session"))
                .map(SessionKey::of).orElse(SessionKey.MAIN);
        String reply = awaitReply(conversations.run(session, message)).reply();
        return Responses.ok(new Wire.ChatReply(true, reply, session.value()));
    }

    private HttpResponse history(RequestContext ctx) {
        SessionKey session = ctx.query("session").filter(s -> !s.isEmpty()).map(SessionKey::of).orElse(SessionKey.MAIN);
        int limit = ctx.intQuery("limit", DEFAULT_HISTORY, 1, MAX_HISTORY);
        List<Wire.HistoryMessage> messages = SessionRoutes.messages(store.history(session, limit, Long.MAX_VALUE));
        return Responses.ok(new Wire.History(true, session.value(), messages));
    }

    private AgentEvent.Completed awaitReply(Run run) {
        AgentEvent end;
        try {
            end = run.await(longestRun).orElseThrow(() -> new GatewayException(ErrorCode.AGENT_ERROR,
                    "the agent did not finish in time"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException(ErrorCode.UNAVAILABLE, "the gateway is stopping");
        }
        return switch (end) {
            case AgentEvent.Completed c -> c;
            case AgentEvent.Failed f -> throw new GatewayException(run.failureCode(), f.message());
            default -> throw new IllegalStateException("a run ended with " + end);
        };
    }

    /** Streams a run as SSE: {@code status}, then {@code token}/{@code tool}/{@code status}, then {@code result} or {@code error}. */
    private void streamRun(Run run, SseSink sink) throws InterruptedException {
        String session = run.session().value();
        long id = 0;
        sink.send(event(id++, "status", new Wire.RunStatus("started", run.id(), session)));
        Run.Cursor cursor = run.cursor();
        while (sink.isOpen()) {
            Optional<AgentEvent> next = cursor.next(KEEP_ALIVE);
            if (next.isEmpty()) {
                if (cursor.done()) {
                    return;
                }
                sink.comment("keep-alive");
                continue;
            }
            switch (next.get()) {
                case AgentEvent.TextDelta d -> sink.send(event(id++, "token", new Wire.RunToken(run.id(), d.text())));
                case AgentEvent.ToolActivity t -> sink.send(event(id++, "tool", new Wire.RunTool(run.id(), t.name(), t.phase())));
                case AgentEvent.Status s -> sink.send(event(id++, "status", new Wire.RunStatus(s.status(), run.id(), session)));
                case AgentEvent.Completed c -> {
                    sink.send(event(id, "result", new Wire.RunResult(run.id(), c.reply(), session, c.model().orElse(null))));
                    return;
                }
                case AgentEvent.Failed f -> {
                    sink.send(event(id, "error", new Wire.RunError(run.id(),
                            new Wire.ErrorBody(run.failureCode().name(), f.message()))));
                    return;
                }
            }
        }
    }

    private static SseEvent event(long id, String name, Object data) {
        return SseEvent.of(Long.toString(id), name, JsonCodec.write(data));
    }

    /**
     * {@code WS /api/chat/live}: each client message is a turn, streamed as chunks and counted
     * against the chat rate limit like an HTTP turn.
     */
    private final class ChatLive implements WebSocketListener {
        private final RequestContext upgrade;

        ChatLive(RequestContext upgrade) {
            this.upgrade = upgrade;
        }

        @Override
        public void onText(WebSocketSession socket, String text) {
            String session = null;
            try {
                JsonObject body = JsonCodec.parseObject(text);
                session = JsonCodec.optionalString(body, "session").orElse(SessionKey.MAIN.value());
                SessionKey key = SessionKey.of(session);
                String message = JsonCodec.requiredString(body, "message");
                gateway.admit(RateClass.CHAT, upgrade);
                stream(socket, conversations.start(key, message));
            } catch (GatewayException e) {
                socket.sendText(JsonCodec.write(new Wire.ChatError(false, "chat_error", e.getMessage(), session)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void stream(WebSocketSession socket, Run run) throws InterruptedException {
            String session = run.session().value();
            Run.Cursor cursor = run.cursor();
            while (socket.isOpen()) {
                Optional<AgentEvent> next = cursor.next(KEEP_ALIVE);
                if (next.isEmpty()) {
                    if (cursor.done()) {
                        return;
                    }
                    continue;
                }
                switch (next.get()) {
                    case AgentEvent.TextDelta d ->
                            socket.sendText(JsonCodec.write(new Wire.ChatChunk(true, "chat_chunk", session, d.text())));
                    case AgentEvent.Completed c -> {
                        socket.sendText(JsonCodec.write(new Wire.ChatDone(true, "chat_done", session)));
                        return;
                    }
                    case AgentEvent.Failed f -> {
                        socket.sendText(JsonCodec.write(new Wire.ChatError(false, "chat_error", f.message(), session)));
                        return;
                    }
                    default -> {
                        // Tool activity and status notes have no frame in this protocol.
                    }
                }
            }
        }
    }
}
