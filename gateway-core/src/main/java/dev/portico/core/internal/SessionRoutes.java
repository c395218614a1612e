package dev.portico.core.internal;

import dev.portico.api.ErrorCode;
import dev.portico.api.GatewayException;
import dev.portico.api.auth.Scope;
import dev.portico.api.session.HistoryPage;
import dev.portico.api.session.Message;
import dev.portico.api.session.SessionInfo;
import dev.portico.api.session.SessionKey;
import dev.portico.api.session.SessionMeta;
import dev.portico.api.session.SessionQuery;
import dev.portico.api.session.SessionStore;
import dev.portico.api.transport.HttpResponse;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** The sessions API: create, list, read, page through and delete conversations. */
final class SessionRoutes {
    private static final int DEFAULT_PAGE = 50;
    private static final int DEFAULT_HISTORY = 100;
    private static final int RECENT = 20;
    private static final int MAX_PAGE = 1000;

    private final SessionStore store;
    private final EventBus bus;

    SessionRoutes(SessionStore store, EventBus bus) {
        this.store = store;
        this.bus = bus;
    }

    List<Route> routes() {
        return List.of(
                Route.http("POST", "/api/sessions", Scope.CHAT, this::create),
                Route.http("GET", "/api/sessions", Scope.OPERATOR_READ, this::list),
                Route.http("GET", "/api/sessions/:key", Scope.OPERATOR_READ, this::detail),
                Route.http("GET", "/api/sessions/:key/history", Scope.OPERATOR_READ, this::history),
                Route.http("DELETE", "/api/sessions/:key", Scope.OPERATOR_WRITE, this::delete));
    }

    /**
     * Creates a session. A web chat without a {@code chat_id} reuses an empty web chat session when
     * there is one, so reloading a chat page does not pile up empty sessions.
     */
    private HttpResponse create(RequestContext ctx) {
        JsonObject body = ctx.jsonBody();
        String channel = JsonCodec.optionalString(body, "channel").orElse("webchat");
        Optional<String> chatId = JsonCodec.optionalId(body, "chat_id");
        Optional<String> agentId = JsonCodec.optionalString(body, "agentId");
        if (!SessionKey.isValid(channel) || channel.contains(":")) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST,
                    "channel: " + channel + " (expected: letters, digits and _ . @ + -)");
        }
        if (channel.equals("webchat") && chatId.isEmpty()) {
            Optional<SessionInfo> empty = store.list(new SessionQuery(Optional.of("webchat"), false, 0, MAX_PAGE)).stream()
                    .filter(s -> s.messageCount() == 0 && s.agentId().equals(agentId))
                    .findFirst();
            if (empty.isPresent()) {
                return Responses.ok(new Wire.SessionCreated(true, wire(empty.get()), true));
            }
        }
        SessionKey key = SessionKey.of(channel.equals("webchat")
                ? "webchat:" + chatId.orElseGet(SessionRoutes::newChatId)
                : channel + ":default:" + chatId.orElseThrow(() -> new GatewayException(ErrorCode.INVALID_REQUEST,
                        "chat_id: required for channel " + channel)));
        boolean existed = store.exists(key);
        SessionInfo info = store.create(key, new SessionMeta(channel, Optional.of(key.value().substring(key.value().lastIndexOf(':') + 1)), agentId));
        if (!existed) {
            bus.publish("session.created", () -> Map.of("key", key.value(), "channel", channel));
        }
        return Responses.json(existed ? 200 : 201, new Wire.SessionCreated(true, wire(info), false));
    }

    private HttpResponse list(RequestContext ctx) {
        int limit = ctx.intQuery("limit", DEFAULT_PAGE, 1, MAX_PAGE);
        int offset = ctx.intQuery("offset", 0, 0, Integer.MAX_VALUE);
        boolean internal = ctx.query("include_internal").map(v -> v.equals("1") || v.equalsIgnoreCase("true")).orElse(false);
        Optional<String> channel = ctx.query("channel").filter(c -> !c.isEmpty());
        SessionQuery query = new SessionQuery(channel, internal, offset, limit);
        List<Wire.Session> sessions = store.list(query).stream().map(SessionRoutes::wire).toList();
        return Responses.ok(new Wire.SessionList(true, sessions, store.count(query)));
    }

    private HttpResponse detail(RequestContext ctx) {
        SessionKey key = key(ctx);
        SessionInfo info = store.info(key).orElseThrow(() -> notFound(key));
        List<Wire.HistoryMessage> recent = messages(store.history(key, RECENT, Long.MAX_VALUE));
        return Responses.ok(new Wire.SessionDetail(true, wire(info), recent));
    }

    private HttpResponse history(RequestContext ctx) {
        SessionKey key = key(ctx);
        int limit = ctx.intQuery("limit", DEFAULT_HISTORY, 1, MAX_PAGE);
        long before = ctx.longQuery("before", Long.MAX_VALUE);
        if (!store.exists(key)) {
            throw notFound(key);
        }
        HistoryPage page = store.history(key, limit, before);
        return Responses.ok(new Wire.SessionHistory(true, key.value(), messages(page), page.firstIndex(), page.total()));
    }

    private HttpResponse delete(RequestContext ctx) {
        SessionKey key = key(ctx);
        if (!store.delete(key)) {
            throw notFound(key);
        }
        bus.publish("session.deleted", () -> Map.of("key", key.value()));
        return Responses.ok(new Wire.Deleted(true, true));
    }

    private static SessionKey key(RequestContext ctx) {
        return SessionKey.of(ctx.params().get("key"));
    }

    private static GatewayException notFound(SessionKey key) {
        return new GatewayException(ErrorCode.SESSION_NOT_FOUND, "session: " + key + " does not exist");
    }

    static Wire.Session wire(SessionInfo s) {
        return new Wire.Session(s.key().value(), s.channel(), s.chatId().orElse(null), s.agentId().orElse(null),
                time(s.createdAt()), time(s.updatedAt()), s.messageCount());
    }

    static List<Wire.HistoryMessage> messages(HistoryPage page) {
        List<Wire.HistoryMessage> out = new ArrayList<>(page.messages().size());
        for (Message m : page.messages()) {
            out.add(new Wire.HistoryMessage(m.role().wireName(), m.content(), time(m.timestamp())));
        }
        return out;
    }

    static String time(Instant t) {
        return t.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static String newChatId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return Long.toString(r.nextLong() & Long.MAX_VALUE, 36) + Long.toString(r.nextLong() & Long.MAX_VALUE, 36);
    }
}
