package dev.portico.core.internal;

import static dev.portico.core.internal.GatewayHandlerTest.assertError;
import static dev.portico.core.internal.GatewayHandlerTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.auth.AuthResult;
import dev.portico.api.auth.Principal;
import dev.portico.api.auth.Role;
import dev.portico.api.auth.Scope;
import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.WebSocketDecision;
import dev.portico.core.Gateway;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Walks the route table itself: every route either needs a scope, and then refuses a request
 * without a credential (401) and one whose credential lacks that scope (403 naming it) and lets the
 * right one through, or is one of the few public probes. A route added without a scope is public,
 * and fails here until it is added to {@link #PUBLIC} on purpose. Every answer, refusals included,
 * carries the security headers.
 */
class RouteScopesTest {
    /** The routes anyone may call. */
    private static final Set<String> PUBLIC = Set.of("GET /health", "GET /healthz", "GET /ready",
            // Platforms call these; each channel checks the platform's signature instead.
            "POST /api/webhook/:channel", "POST /api/webhook/:channel/:account", "POST /webhooks/:channel",
            "POST /webhooks/:channel/:account");

    /** Tokens {@code only:<scope>} hold just that scope; {@code all-but:<scope>} hold every other. */
    private final DefaultGateway gateway = (DefaultGateway) Gateway.builder().authenticator(request -> {
        String token = request.headers().first("Authorization").map(v -> v.substring("Bearer ".length())).orElse(null);
        if (token == null) {
            return new AuthResult.Missing();
        }
        String[] parts = token.split(":", 2);
        Scope scope = Scope.fromWire(parts[1]).orElseThrow();
        Set<Scope> scopes = parts[0].equals("only") ? EnumSet.of(scope) : EnumSet.complementOf(EnumSet.of(scope));
        return new AuthResult.Authenticated(new Principal(token, Role.OPERATOR, scopes));
    }).build();
    private final GatewayHandler handler = gateway.handler();

    @Test
    void everyRouteDeclaresItsScopeAndEnforcesIt() {
        Set<String> open = new TreeSet<>();
        Set<String> anyCredential = new TreeSet<>();
        int checked = 0;
        for (Route route : gateway.routes()) {
            String name = route.method() + " " + route.pattern();
            if (route.open()) {
                open.add(name);
                continue;
            }
            if (route.scope().isEmpty()) {
                String path = route.pattern().replaceAll(":[a-z_]+", "main");
                assertError(call(route, path, null), 401, "UNAUTHORIZED");
                for (Scope any : Scope.values()) {
                    HttpResponse r = call(route, path, "only:" + any.wireName());
                    assertFalse(r.status() == 401 || r.status() == 403, name + " with " + any.wireName() + ": " + r.status());
                }
                anyCredential.add(name);
                continue;
            }
            Scope scope = route.scope().get();
            String path = route.pattern().replaceAll(":[a-z_]+", "main");

            HttpResponse anonymous = call(route, path, null);
            assertError(anonymous, 401, "UNAUTHORIZED");
            assertEquals("Bearer", anonymous.headers().first("WWW-Authenticate").orElse(null), name);

            HttpResponse lacking = call(route, path, "all-but:" + scope.wireName());
            assertError(lacking, 403, "FORBIDDEN");
            String message = json(lacking).getJsonObject("error").getString("message");
            assertTrue(message.contains(scope.wireName()), name + ": " + message);

            HttpResponse allowed = call(route, path, "only:" + scope.wireName());
            assertFalse(allowed != null && (allowed.status() == 401 || allowed.status() == 403),
                    name + " with " + scope.wireName() + ": " + (allowed == null ? "" : allowed.status()));
            for (HttpResponse r : new HttpResponse[] {anonymous, lacking, allowed}) {
                if (r != null) {
                    assertSecurityHeaders(name, r);
                }
            }
            checked++;
        }
        for (String name : PUBLIC) {
            String[] parts = name.split(" ");
            assertSecurityHeaders(name, handler.handle(HttpRequest.builder().method(parts[0]).target(parts[1]).build()));
        }
        assertSecurityHeaders("unknown path", handler.handle(HttpRequest.builder().target("/nowhere").build()));
        assertEquals(PUBLIC, open, "public routes (add a scope, or list the route here on purpose)");
        assertEquals(Set.of("POST /api/token/validate"), anyCredential, "routes open to any valid credential");
        assertTrue(checked >= 15, "routes checked: " + checked);
    }

    @Test
    void theDocumentedScopesAreTheOnesEnforced() {
        // Spot checks against API.md, so a scope cannot drift to a weaker one unnoticed.
        var scopes = gateway.routes().stream().filter(r -> r.scope().isPresent())
                .collect(Collectors.toMap(r -> r.method() + " " + r.pattern(), r -> r.scope().get()));
        assertEquals(Scope.CHAT, scopes.get("POST /api/agent"));
        assertEquals(Scope.CHAT, scopes.get("WS /api/chat/live"));
        assertEquals(Scope.OPERATOR_READ, scopes.get("GET /api/sessions"));
        assertEquals(Scope.OPERATOR_WRITE, scopes.get("DELETE /api/sessions/:key"));
        assertEquals(Scope.OPERATOR_READ, scopes.get("WS /api/events/live"));
        assertEquals(Scope.OPERATOR_READ, scopes.get("GET /metrics"));
    }

    private static void assertSecurityHeaders(String name, HttpResponse r) {
        assertEquals("nosniff", r.headers().first("X-Content-Type-Options").orElse(null), name);
        assertEquals("DENY", r.headers().first("X-Frame-Options").orElse(null), name);
        assertEquals("no-referrer", r.headers().first("Referrer-Policy").orElse(null), name);
        assertEquals("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
                r.headers().first("Content-Security-Policy").orElse(null), name);
    }

    /** Calls a route; a WebSocket route is asked to upgrade, and an accepted upgrade answers null. */
    private HttpResponse call(Route route, String path, String token) {
        HttpRequest.Builder b = HttpRequest.builder().target(path);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (route.method().equals(Route.WS)) {
            WebSocketDecision d = handler.upgrade(b.method("GET").header("Upgrade", "websocket").build());
            return d instanceof WebSocketDecision.Reject r ? r.response() : null;
        }
        b.method(route.method());
        if (!route.method().equals("GET") && !route.method().equals("DELETE")) {
            b.header("Content-Type", "application/json").body("{}");
        }
        HttpResponse r = handler.handle(b.build());
        assertInstanceOf(HttpResponse.class, r);
        return r;
    }
}
