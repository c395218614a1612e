package dev.portico.core.internal;

import static dev.portico.core.internal.GatewayHandlerTest.TOKEN;
import static dev.portico.core.internal.GatewayHandlerTest.assertError;
import static dev.portico.core.internal.GatewayHandlerTest.json;
import static dev.portico.core.internal.GatewayHandlerTest.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.event.GatewayEvent;
import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.core.Gateway;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class SessionRoutesTest {
    final List<GatewayEvent> events = new CopyOnWriteArrayList<>();
    final GatewayHandler handler = Gateway.builder().token(TOKEN).eventListener(events::add).build().handler();

    HttpResponse get(String target) {
        return handler.handle(HttpRequest.builder().target(target).header("Authorization", "Bearer " + TOKEN).build());
    }

    HttpResponse delete(String target) {
        return handler.handle(HttpRequest.builder().method("DELETE").target(target).header("Authorization", "Bearer " + TOKEN).build());
    }

    void chat(String session, String message) {
        assertEquals(200, handler.handle(post("/api/agent", "{\"message\":\"" + message + "\",\"session\":\"" + session + "\"}").build()).status());
    }

    @Test
    void anEmptyWebChatIsReusedAndOthersAreCreated() {
        HttpResponse first = handler.handle(post("/api/sessions", "{}").build());
        assertEquals(201, first.status());
        JsonObject created = json(first).getJsonObject("session");
        assertEquals("webchat", created.getString("channel"));
        assertTrue(created.getString("key").startsWith("webchat:"));
        assertEquals(0, created.getInt("message_count"));
        JsonObject again = json(handler.handle(post("/api/sessions", "{}").build()));
        assertTrue(again.getBoolean("reused"));
        assertEquals(created.getString("key"), again.getJsonObject("session").getString("key"));

        chat(created.getString("key"), "hello");
        JsonObject fresh = json(handler.handle(post("/api/sessions", "{}").build()));
        assertFalse(fresh.getBoolean("reused"), "a web chat with messages is not reused");

        JsonObject tg = json(handler.handle(post("/api/sessions", "{\"channel\":\"telegram\",\"chat_id\":42}").build()));
        assertEquals("telegram:default:42", tg.getJsonObject("session").getString("key"));
        assertEquals("42", tg.getJsonObject("session").getString("chat_id"));
        assertError(handler.handle(post("/api/sessions", "{\"channel\":\"telegram\"}").build()), 400, "INVALID_REQUEST");
        assertError(handler.handle(post("/api/sessions", "{\"channel\":\"a/b\"}").build()), 400, "INVALID_REQUEST");
        assertTrue(events.stream().anyMatch(e -> e.type().equals("session.created")));
    }

    @Test
    void listFiltersAndHidesInternalSessions() {
        chat("main", "a");
        chat("cron:job-1", "b");
        chat("telegram:default:7", "c");
        JsonObject all = json(get("/api/sessions"));
        assertEquals(2, all.getInt("total"));
        assertEquals("telegram:default:7", all.getJsonArray("sessions").getJsonObject(0).getString("key"),
                "most recently updated first");
        assertEquals(3, json(get("/api/sessions?include_internal=1")).getInt("total"));
        JsonObject tg = json(get("/api/sessions?channel=telegram"));
        assertEquals(1, tg.getJsonArray("sessions").size());
        assertEquals(1, json(get("/api/sessions?limit=1&offset=1")).getJsonArray("sessions").size());
        assertError(get("/api/sessions?limit=0"), 400, "INVALID_REQUEST");
        assertError(get("/api/sessions?offset=x"), 400, "INVALID_REQUEST");
    }

    @Test
    void detailHistoryPagesAndDelete() {
        for (int i = 0; i < 3; i++) {
            chat("pages", "m" + i);
        }
        JsonObject detail = json(get("/api/sessions/pages"));
        assertEquals(6, detail.getJsonObject("session").getInt("message_count"));
        assertEquals(6, detail.getJsonArray("messages").size());

        JsonObject last = json(get("/api/sessions/pages/history?limit=2"));
        assertEquals(4, last.getInt("first_index"));
        assertEquals(6, last.getInt("total"));
        assertEquals("m2", last.getJsonArray("messages").getJsonObject(0).getString("content"));
        JsonObject before = json(get("/api/sessions/pages/history?limit=2&before=4"));
        assertEquals(2, before.getInt("first_index"));
        assertEquals("m1", before.getJsonArray("messages").getJsonObject(0).getString("content"));

        assertEquals(200, delete("/api/sessions/pages").status());
        assertError(get("/api/sessions/pages"), 404, "SESSION_NOT_FOUND");
        assertError(delete("/api/sessions/pages"), 404, "SESSION_NOT_FOUND");
        assertError(get("/api/sessions/pages/history"), 404, "SESSION_NOT_FOUND");
        assertError(get("/api/sessions/..%2Fetc"), 400, "INVALID_REQUEST");
        assertError(get("/api/sessions/a/history?before=soon"), 400, "INVALID_REQUEST");
        assertTrue(events.stream().anyMatch(e -> e.type().equals("session.deleted")));
    }

    @Test
    void deletingNeedsTheWriteScopeRouteAndACredential() {
        assertError(handler.handle(HttpRequest.builder().method("DELETE").target("/api/sessions/x").build()), 401, "UNAUTHORIZED");
        HttpResponse wrong = handler.handle(HttpRequest.builder().method("PUT").target("/api/sessions/x").build());
        assertError(wrong, 405, "METHOD_NOT_ALLOWED");
        assertEquals("DELETE, GET", wrong.headers().first("Allow").orElseThrow());
    }
}
