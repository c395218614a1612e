package dev.portico.core.internal;

import static dev.portico.core.internal.GatewayHandlerTest.TOKEN;
import static dev.portico.core.internal.GatewayHandlerTest.assertError;
import static dev.portico.core.internal.GatewayHandlerTest.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.session.HistoryPage;
import dev.portico.api.session.Message;
import dev.portico.api.session.SessionInfo;
import dev.portico.api.session.SessionKey;
import dev.portico.api.session.SessionMeta;
import dev.portico.api.session.SessionQuery;
import dev.portico.api.session.SessionStore;
import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.HttpRequest;
import dev.portico.core.Gateway;
import dev.portico.core.GatewayLog;
import dev.portico.core.InMemorySessionStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's own log lines carry their fields: a run's end, a request answered 500. */
class GatewayLogLinesTest {
    @TempDir
    Path dir;

    final List<Runnable> undo = new ArrayList<>();

    @AfterEach
    void restore() {
        undo.forEach(Runnable::run);
    }

    /** Sends a class's log to a log file in {@link #dir}, at every level, for this test only. */
    GatewayLog capture(Class<?> type) {
        return capture(type.getName());
    }

    /** Sends a logger's records to a log file in {@link #dir}, at every level, for this test only. */
    GatewayLog capture(String logger) {
        GatewayLog log = GatewayLog.open(dir);
        Logger jul = Logger.getLogger(logger);
        Level level = jul.getLevel();
        boolean parents = jul.getUseParentHandlers();
        jul.setLevel(Level.ALL);
        jul.setUseParentHandlers(false);
        jul.addHandler(log);
        undo.add(() -> {
            jul.removeHandler(log);
            jul.setLevel(level);
            jul.setUseParentHandlers(parents);
            log.close();
        });
        return log;
    }

    @Test
    void aRunsEndIsLoggedWithItsFieldsAtDebugWhenItCompletedAndInfoWhenNot() {
        GatewayLog log = capture(Conversations.class);
        GatewayHandler ok = Gateway.builder().token(TOKEN).build().handler();
        assertEquals(200, ok.handle(post("/api/agent", "{\"message\":\"hi\",\"session\":\"s1\"}").build()).status());
        GatewayHandler failing = Gateway.builder().token(TOKEN).agent((request, events) -> {
            throw new IllegalStateException("model down");
        }).build().handler();
        assertError(failing.handle(post("/api/agent", "{\"message\":\"hi\",\"session\":\"s2\"}").build()), 502,
                "AGENT_ERROR");

        List<GatewayLog.Entry> runs = log.query(GatewayLog.Query.of(null, "run ", null, 10, java.time.Instant.now()));
        GatewayLog.Entry completed = runs.stream().filter(e -> e.msg().equals("run completed")).findFirst().orElseThrow();
        assertEquals("DEBUG", completed.level());
        Map<String, Object> f = completed.fields();
        assertEquals("s1", f.get("session"));
        assertEquals("completed", f.get("outcome"));
        assertTrue(f.get("run_id") instanceof String id && !id.isEmpty(), f.toString());
        assertTrue(f.get("duration_ms") instanceof Long ms && ms >= 0, f.toString());

        GatewayLog.Entry failed = runs.stream().filter(e -> e.msg().equals("run failed")).findFirst().orElseThrow();
        assertEquals("INFO", failed.level());
        assertEquals("s2", failed.fields().get("session"));
        assertEquals("failed", failed.fields().get("outcome"));
        assertEquals("the agent failed", failed.fields().get("reason"));
        assertTrue(runs.stream().anyMatch(e -> e.level().equals("WARN")
                && e.fields().get("error") instanceof String err && err.contains("model down")), runs.toString());
    }

    @Test
    void aRequestAnswered500IsLoggedWithItsRouteStatusDurationAndError() {
        GatewayLog log = capture(DefaultGateway.class);
        GatewayHandler h = Gateway.builder().token(TOKEN).sessionStore(new BrokenStore()).build().handler();
        assertError(h.handle(HttpRequest.builder().target("/api/sessions?token=not-logged-0123456789")
                .header("Authorization", "Bearer " + TOKEN).build()), 500, "INTERNAL_ERROR");

        GatewayLog.Entry e = log.query(GatewayLog.Query.of("error", null, null, 10, java.time.Instant.now())).get(0);
        assertEquals("GET /api/sessions failed", e.msg());
        assertEquals("/api/sessions", e.fields().get("route"));
        assertEquals(500L, e.fields().get("status"));
        assertTrue(e.fields().get("duration_ms") instanceof Long ms && ms >= 0, e.fields().toString());
        assertEquals("java.lang.IllegalStateException: the store broke", e.fields().get("error"));
        assertEquals(List.of("time", "level", "logger", "msg", "route", "status", "duration_ms", "error"),
                List.copyOf(e.fields().keySet()));
    }

    @Test
    void requestLinesAreWrittenOnlyWhenTheirLoggerTakesDebugAndNeverCarryTheQuery() {
        GatewayLog log = capture("dev.portico.requests");
        Logger requests = Logger.getLogger("dev.portico.requests");
        GatewayHandler h = Gateway.builder().token(TOKEN).build().handler();
        requests.setLevel(Level.INFO);
        assertEquals(200, h.handle(HttpRequest.builder().target("/api/status").header("Authorization", "Bearer " + TOKEN)
                .build()).status());
        assertEquals(List.of(), log.recent(10), "off: nothing written");

        requests.setLevel(Level.FINE);
        assertEquals(200, h.handle(HttpRequest.builder().target("/api/status?token=not-logged-0123456789")
                .header("Authorization", "Bearer " + TOKEN).build()).status());
        assertError(h.handle(HttpRequest.builder().target("/api/sessions").build()), 401, "UNAUTHORIZED");
        assertError(h.handle(HttpRequest.builder().target("/no/such/route").build()), 404, "NOT_FOUND");

        List<GatewayLog.Entry> lines = log.recent(10);
        assertEquals(List.of("GET /api/status 200", "GET /api/sessions 401", "GET /no/such/route 404"),
                lines.stream().map(GatewayLog.Entry::msg).toList());
        assertEquals(List.of("DEBUG", "DEBUG", "DEBUG"), lines.stream().map(GatewayLog.Entry::level).toList());
        assertEquals("/api/status", lines.get(0).fields().get("route"));
        assertEquals(200L, lines.get(0).fields().get("status"));
        assertTrue(lines.get(0).fields().get("duration_ms") instanceof Long ms && ms >= 0, lines.get(0).fields().toString());
        assertEquals("/no/such/route", lines.get(2).fields().get("route"), "no route: the path");
        assertTrue(lines.stream().noneMatch(e -> e.json().contains("not-logged")), lines.toString());
    }

    /** A session store whose listing fails unexpectedly. */
    static final class BrokenStore implements SessionStore {
        private final SessionStore delegate = new InMemorySessionStore();

        @Override
        public SessionInfo create(SessionKey key, SessionMeta meta) {
            return delegate.create(key, meta);
        }

        @Override
        public void append(SessionKey key, Message message) {
            delegate.append(key, message);
        }

        @Override
        public HistoryPage history(SessionKey key, int limit, long before) {
            return delegate.history(key, limit, before);
        }

        @Override
        public Optional<SessionInfo> info(SessionKey key) {
            return delegate.info(key);
        }

        @Override
        public List<SessionInfo> list(SessionQuery query) {
            throw new IllegalStateException("the store broke");
        }

        @Override
        public long count(SessionQuery query) {
            throw new IllegalStateException("the store broke");
        }

        @Override
        public boolean delete(SessionKey key) {
            return delegate.delete(key);
        }
    }
}
