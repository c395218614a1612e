package dev.portico.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.portico.api.transport.HttpResponse;
import java.util.List;
import java.util.Map;
import dev.portico.api.auth.Scope;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouterTest {
    static final Route.HttpHandler OK = ctx -> HttpResponse.text(200, "text/plain", "ok");
    final Router router = new Router(List.of(
            Route.open("GET", "/api/sessions", OK),
            Route.open("GET", "/api/sessions/:key", OK),
            Route.open("DELETE", "/api/sessions/:key", OK),
            Route.ws("/api/chat/live", Scope.CHAT, ctx -> null)));

    @Test
    void parametersAreDecodedAndPlusStaysPlus() {
        Router.Found f = assertInstanceOf(Router.Found.class, router.match("GET", "/api/sessions/telegram%3A1%3A42+x"));
        assertEquals(Map.of("key", "telegram:1:42+x"), f.params());
        assertEquals("/api/sessions/:key", f.route().pattern());
    }

    @Test
    void staticPathsDoNotTakeParameters() {
        Router.Found f = assertInstanceOf(Router.Found.class, router.match("GET", "/api/sessions"));
        assertEquals(Map.of(), f.params());
    }

    @Test
    void wrongMethodListsTheAllowedOnesAndEmptySegmentsDoNotMatch() {
        assertEquals(Set.of("DELETE", "GET"), assertInstanceOf(Router.WrongMethod.class,
                router.match("POST", "/api/sessions/x")).allowed());
        assertInstanceOf(Router.Missing.class, router.match("GET", "/api/sessions/"));
        assertInstanceOf(Router.Missing.class, router.match("GET", "/api/sessions/a/b"));
    }

    @Test
    void aWebSocketRouteAnswersUpgradesAndPlainGets() {
        assertInstanceOf(Router.Found.class, router.match(Route.WS, "/api/chat/live"));
        assertInstanceOf(Router.Found.class, router.match("GET", "/api/chat/live"));
        assertEquals(Set.of("GET"), assertInstanceOf(Router.WrongMethod.class, router.match("POST", "/api/chat/live")).allowed());
    }
}
