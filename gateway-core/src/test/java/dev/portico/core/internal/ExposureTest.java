package dev.portico.core.internal;

import static dev.portico.core.internal.GatewayHandlerTest.assertError;
import static dev.portico.core.internal.GatewayHandlerTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.auth.Role;
import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.WebSocketDecision;
import dev.portico.auth.Credential;
import dev.portico.core.Gateway;
import dev.portico.core.GatewayBuilder;
import dev.portico.core.TestClock;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * How the gateway stands up to abuse, as a client sees it: the failed authentication lockout, the
 * request rate limits, trusted proxies and browser origins.
 */
class ExposureTest {
    static final String TOKEN = "exposure-token-0123456789";
    static final String OTHER = "second-token-0123456789";
    static final String WRONG = "wrong-token-0123456789ab";

    final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));

    GatewayBuilder builder() {
        return Gateway.builder().token(TOKEN).clock(clock)
                .credentials(List.of(Credential.token("second", OTHER, Role.OPERATOR)));
    }

    static HttpRequest sessions(String token, String peer, String... headerPairs) {
        HttpRequest.Builder b = HttpRequest.builder().target("/api/sessions")
                .remoteAddress(new InetSocketAddress(peer, 40000));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i < headerPairs.length; i += 2) {
            b.header(headerPairs[i], headerPairs[i + 1]);
        }
        return b.build();
    }

    static HttpRequest agent(String token) {
        return HttpRequest.builder().method("POST").target("/api/agent").header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").body("{\"message\":\"hi\"}")
                .remoteAddress(new InetSocketAddress("203.0.113.7", 40000)).build();
    }

    // ---- failed authentication lockout

    @Test
    void tenWrongCredentialsLockTheAddressOutForFiveMinutesWhateverItSendsNext() {
        GatewayHandler h = builder().build().handler();
        for (int i = 0; i < 10; i++) {
            assertError(h.handle(sessions(WRONG, "203.0.113.7")), 401, "UNAUTHORIZED");
        }
        HttpResponse locked = h.handle(sessions(TOKEN, "203.0.113.7"));
        assertError(locked, 429, "RATE_LIMITED");
        assertEquals(Optional.of("300"), locked.headers().first("Retry-After"));
        assertTrue(json(locked).getJsonObject("error").getString("message").contains("retry after 300 s"));
        assertError(h.handle(sessions(null, "203.0.113.7")), 429, "RATE_LIMITED");
        // Other addresses, and public routes, are not affected.
        assertEquals(200, h.handle(sessions(TOKEN, "198.51.100.1")).status());
        assertEquals(200, h.handle(HttpRequest.builder().target("/health")
                .remoteAddress(new InetSocketAddress("203.0.113.7", 40000)).build()).status());

        clock.advance(Duration.ofMinutes(4));
        HttpResponse later = h.handle(sessions(TOKEN, "203.0.113.7"));
        assertError(later, 429, "RATE_LIMITED");
        assertEquals(Optional.of("60"), later.headers().first("Retry-After"));
        clock.advance(Duration.ofMinutes(1));
        assertEquals(200, h.handle(sessions(TOKEN, "203.0.113.7")).status());
    }

    @Test
    void aMissingCredentialNeverCountsAndOldFailuresExpire() {
        GatewayHandler h = builder().build().handler();
        for (int i = 0; i < 50; i++) {
            assertError(h.handle(sessions(null, "203.0.113.7")), 401, "UNAUTHORIZED");
        }
        for (int i = 0; i < 9; i++) {
            assertError(h.handle(sessions(WRONG, "203.0.113.7")), 401, "UNAUTHORIZED");
        }
        clock.advance(Duration.ofSeconds(61));
        for (int i = 0; i < 9; i++) {
            assertError(h.handle(sessions(WRONG, "203.0.113.7")), 401, "UNAUTHORIZED");
        }
        assertEquals(200, h.handle(sessions(TOKEN, "203.0.113.7")).status());
    }

    @Test
    void aDirectLoopbackClientIsExemptButOneRelayedByALocalProxyIsNot() {
        GatewayHandler h = builder().build().handler();
        for (int i = 0; i < 30; i++) {
            assertError(h.handle(sessions(WRONG, "127.0.0.1")), 401, "UNAUTHORIZED");
        }
        assertEquals(200, h.handle(sessions(TOKEN, "127.0.0.1")).status());
        for (int i = 0; i < 10; i++) {
            assertError(h.handle(sessions(WRONG, "127.0.0.1", "X-Forwarded-For", "198.51.100.9")), 401,
                    "UNAUTHORIZED");
        }
        assertError(h.handle(sessions(TOKEN, "127.0.0.1", "X-Forwarded-For", "198.51.100.9")), 429, "RATE_LIMITED");
    }

    @Test
    void aSpoofedForwardedForFromAnUntrustedPeerIsIgnored() {
        GatewayHandler h = builder().build().handler();
        for (int i = 0; i < 10; i++) {
            // A new made-up client address each time: the lockout still follows the socket peer.
            assertError(h.handle(sessions(WRONG, "203.0.113.7", "X-Forwarded-For", "10.9.0." + i)), 401,
                    "UNAUTHORIZED");
        }
        assertError(h.handle(sessions(TOKEN, "203.0.113.7", "X-Forwarded-For", "10.9.0.99")), 429, "RATE_LIMITED");
    }

    @Test
    void behindATrustedProxyTheForwardedClientIsLockedOutNotTheProxy() {
        GatewayHandler h = builder().trustedProxies(List.of("10.0.0.0/8")).build().handler();
        for (int i = 0; i < 10; i++) {
            assertError(h.handle(sessions(WRONG, "10.0.0.5", "X-Forwarded-For", "198.51.100.1")), 401, "UNAUTHORIZED");
        }
        assertError(h.handle(sessions(TOKEN, "10.0.0.5", "X-Forwarded-For", "198.51.100.1")), 429, "RATE_LIMITED");
        assertEquals(200, h.handle(sessions(TOKEN, "10.0.0.5", "X-Forwarded-For", "198.51.100.2")).status());
        assertEquals(200, h.handle(sessions(TOKEN, "10.0.0.5", "X-Real-IP", "198.51.100.3")).status());
    }

    @Test
    void webSocketUpgradesCountAndAreLockedOutToo() {
        GatewayHandler h = builder().failedAuthLimit(3, Duration.ofMinutes(1), Duration.ofMinutes(2)).build().handler();
        for (int i = 0; i < 3; i++) {
            WebSocketDecision d = h.upgrade(upgrade(WRONG, "203.0.113.7", null));
            assertEquals(401, assertInstanceOf(WebSocketDecision.Reject.class, d).response().status());
        }
        WebSocketDecision locked = h.upgrade(upgrade(TOKEN, "203.0.113.7", null));
        HttpResponse r = assertInstanceOf(WebSocketDecision.Reject.class, locked).response();
        assertError(r, 429, "RATE_LIMITED");
        assertEquals(Optional.of("120"), r.headers().first("Retry-After"));
        // ... and the HTTP routes answer the same.
        assertError(h.handle(sessions(TOKEN, "203.0.113.7")), 429, "RATE_LIMITED");
    }

    @Test
    void theLockoutCanBeTurnedOffAndIsOffWithoutAuthentication() {
        GatewayHandler h = builder().noFailedAuthLimit().build().handler();
        for (int i = 0; i < 30; i++) {
            assertError(h.handle(sessions(WRONG, "203.0.113.7")), 401, "UNAUTHORIZED");
        }
        assertEquals(200, h.handle(sessions(TOKEN, "203.0.113.7")).status());
    }

    @Test
    void badLockoutSettingsAreRefusedByName() {
        assertEquals("failedAuthLimit.maxAttempts: 0 (expected: > 0)", assertThrows(IllegalArgumentException.class,
                () -> builder().failedAuthLimit(0, Duration.ofMinutes(1), Duration.ofMinutes(1)).build()).getMessage());
        assertEquals("failedAuthLimit.window: PT0S (expected: > 0)", assertThrows(IllegalArgumentException.class,
                () -> builder().failedAuthLimit(5, Duration.ZERO, Duration.ofMinutes(1)).build()).getMessage());
        assertEquals("failedAuthLimit.lockout: PT-1S (expected: > 0)", assertThrows(IllegalArgumentException.class,
                () -> builder().failedAuthLimit(5, Duration.ofMinutes(1), Duration.ofSeconds(-1)).build()).getMessage());
    }

    // ---- request rate limits

    @Test
    void chatTurnsAreLimitedPerCredentialWithRetryAfterAndRemaining() {
        GatewayHandler h = builder().rateLimit("chat", 3).build().handler();
        for (int remaining = 2; remaining >= 0; remaining--) {
            HttpResponse r = h.handle(agent(TOKEN));
            assertEquals(200, r.status());
            assertEquals(Optional.of("3"), r.headers().first("X-RateLimit-Limit"));
            assertEquals(Optional.of(Integer.toString(remaining)), r.headers().first("X-RateLimit-Remaining"));
        }
        HttpResponse limited = h.handle(agent(TOKEN));
        assertError(limited, 429, "RATE_LIMITED");
        assertEquals(Optional.of("20"), limited.headers().first("Retry-After"));
        assertEquals(Optional.of("0"), limited.headers().first("X-RateLimit-Remaining"));
        assertEquals("rate limit reached: 3 chat requests per minute; retry after 20 s",
                json(limited).getJsonObject("error").getString("message"));
        // Another credential has its own bucket; reading is another class, unlimited by default.
        assertEquals(200, h.handle(agent(OTHER)).status());
        HttpResponse read = h.handle(sessions(TOKEN, "203.0.113.7"));
        assertEquals(200, read.status());
        assertFalse(read.headers().contains("X-RateLimit-Remaining"));

        clock.advance(Duration.ofSeconds(20));
        assertEquals(200, h.handle(agent(TOKEN)).status());
        assertError(h.handle(agent(TOKEN)), 429, "RATE_LIMITED");
    }

    @Test
    void theDefaultsLimitChatAndStrictRoutesButNotReadsOrProbes() {
        GatewayHandler h = builder().build().handler();
        for (int i = 0; i < 180; i++) {
            assertEquals(200, h.handle(agent(TOKEN)).status());
        }
        assertError(h.handle(agent(TOKEN)), 429, "RATE_LIMITED");
        HttpRequest validate = HttpRequest.builder().method("POST").target("/api/token/validate")
                .header("Authorization", "Bearer " + TOKEN).build();
        for (int i = 0; i < 15; i++) {
            assertEquals(200, h.handle(validate).status());
        }
        assertError(h.handle(validate), 429, "RATE_LIMITED");
        for (int i = 0; i < 500; i++) {
            assertEquals(200, h.handle(sessions(TOKEN, "203.0.113.7")).status());
            assertEquals(200, h.handle(HttpRequest.builder().target("/health").build()).status());
        }
    }

    @Test
    void theDefaultClassLimitsEveryOtherAuthenticatedRoute() {
        GatewayHandler h = builder().rateLimit("default", 2).build().handler();
        assertEquals(200, h.handle(sessions(TOKEN, "203.0.113.7")).status());
        assertEquals(200, h.handle(sessions(TOKEN, "203.0.113.7")).status());
        assertError(h.handle(sessions(TOKEN, "203.0.113.7")), 429, "RATE_LIMITED");
        assertEquals(200, h.handle(HttpRequest.builder().target("/health").build()).status());
        WebSocketDecision ws = h.upgrade(HttpRequest.builder().target("/api/events/live")
                .header("Authorization", "Bearer " + TOKEN).build());
        assertError(assertInstanceOf(WebSocketDecision.Reject.class, ws).response(), 429, "RATE_LIMITED");
    }

    @Test
    void withoutAuthenticationEachAddressHasItsOwnBucket() {
        GatewayHandler h = Gateway.builder().noAuth().clock(clock).rateLimit("default", 1).build().handler();
        assertEquals(200, h.handle(sessions(null, "127.0.0.1")).status());
        assertError(h.handle(sessions(null, "127.0.0.1")), 429, "RATE_LIMITED");
        assertEquals(200, h.handle(sessions(null, "127.0.0.2")).status());
    }

    @Test
    void rateLimitsCanBeTurnedOffAndUnknownClassesAreRefused() {
        GatewayHandler h = builder().noRateLimits().build().handler();
        for (int i = 0; i < 300; i++) {
            assertEquals(200, h.handle(agent(TOKEN)).status());
        }
        assertEquals("rateLimits.admin: unknown class (expected: one of [chat, default, strict])",
                assertThrows(IllegalArgumentException.class, () -> builder().rateLimit("admin", 5)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> builder().rateLimit("chat", -1)).getMessage()
                .startsWith("rateLimits.chat: -1 (expected: requests per minute, 0 for no limit"));
    }

    // ---- browser origins

    @Test
    void aForeignOriginIsRefusedBeforeCredentialsAreLookedAt() {
        GatewayHandler h = builder().corsOrigins(List.of("https://console.example.com")).build().handler();
        HttpResponse evil = h.handle(sessions(TOKEN, "203.0.113.7", "Origin", "https://evil.example",
                "Host", "gateway.example:18790"));
        assertError(evil, 403, "FORBIDDEN");
        assertEquals("origin not allowed: https://evil.example", json(evil).getJsonObject("error").getString("message"));
        assertEquals(Optional.of("Origin"), evil.headers().first("Vary"));
        assertFalse(evil.headers().contains("Access-Control-Allow-Origin"));
        assertEquals(Optional.of("nosniff"), evil.headers().first("X-Content-Type-Options"));
        // A foreign origin cannot even count failures against the victim's address.
        for (int i = 0; i < 20; i++) {
            h.handle(sessions(WRONG, "203.0.113.7", "Origin", "https://evil.example", "Host", "gateway.example"));
        }
        assertEquals(200, h.handle(sessions(TOKEN, "203.0.113.7")).status());
    }

    @Test
    void anAllowedOriginGetsCorsHeadersOnAnswersAndErrors() {
        GatewayHandler h = builder().corsOrigins(List.of("https://console.example.com")).build().handler();
        HttpResponse ok = h.handle(sessions(TOKEN, "203.0.113.7", "Origin", "https://console.example.com",
                "Host", "gateway.example"));
        assertEquals(200, ok.status());
        assertEquals(Optional.of("https://console.example.com"), ok.headers().first("Access-Control-Allow-Origin"));
        assertEquals(Optional.of("Origin"), ok.headers().first("Vary"));
        assertFalse(ok.headers().contains("Access-Control-Allow-Credentials"));
        HttpResponse denied = h.handle(sessions(null, "203.0.113.7", "Origin", "https://console.example.com",
                "Host", "gateway.example"));
        assertError(denied, 401, "UNAUTHORIZED");
        assertEquals(Optional.of("https://console.example.com"), denied.headers().first("Access-Control-Allow-Origin"));
    }

    @Test
    void theGatewaysOwnOriginAndRequestsWithoutOriginPass() {
        GatewayHandler h = builder().build().handler();
        HttpResponse same = h.handle(sessions(TOKEN, "203.0.113.7", "Origin", "http://gateway.example:18790",
                "Host", "gateway.example:18790"));
        assertEquals(200, same.status());
        assertFalse(same.headers().contains("Access-Control-Allow-Origin"));
        assertEquals(200, h.handle(sessions(TOKEN, "203.0.113.7")).status());
        assertError(h.handle(sessions(TOKEN, "203.0.113.7", "Origin", "http://gateway.example:18791",
                "Host", "gateway.example:18790")), 403, "FORBIDDEN");
        assertError(h.handle(sessions(TOKEN, "203.0.113.7", "Origin", "null", "Host", "gateway.example")), 403,
                "FORBIDDEN");
    }

    @Test
    void preflightsAreAnsweredForAllowedOriginsOnly() {
        GatewayHandler h = builder().corsOrigins(List.of("https://console.example.com")).build().handler();
        HttpResponse ok = h.handle(preflight("https://console.example.com"));
        assertEquals(204, ok.status());
        assertEquals(Optional.of("https://console.example.com"), ok.headers().first("Access-Control-Allow-Origin"));
        assertTrue(ok.headers().first("Access-Control-Allow-Headers").orElseThrow().contains("Authorization"));
        assertTrue(ok.headers().first("Access-Control-Allow-Methods").orElseThrow().contains("POST"));
        assertEquals(Optional.of("DENY"), ok.headers().first("X-Frame-Options"));
        assertError(h.handle(preflight("https://evil.example")), 403, "FORBIDDEN");
        // An OPTIONS request that is not a preflight is an ordinary request: no such route.
        assertError(h.handle(HttpRequest.builder().method("OPTIONS").target("/api/agent").build()), 405,
                "METHOD_NOT_ALLOWED");
    }

    @Test
    void aForeignOriginCannotOpenAWebSocket() {
        GatewayHandler h = builder().corsOrigins(List.of("https://console.example.com")).build().handler();
        WebSocketDecision evil = h.upgrade(upgrade(TOKEN, "203.0.113.7", "https://evil.example"));
        assertError(assertInstanceOf(WebSocketDecision.Reject.class, evil).response(), 403, "FORBIDDEN");
        assertInstanceOf(WebSocketDecision.Accept.class, h.upgrade(upgrade(TOKEN, "203.0.113.7",
                "https://console.example.com")));
        assertInstanceOf(WebSocketDecision.Accept.class, h.upgrade(upgrade(TOKEN, "203.0.113.7", null)));
    }

    @Test
    void badOriginsAndProxiesAreRefusedByName() {
        assertEquals("corsOrigins[1]: console.example.com (expected: http(s)://host[:port])",
                assertThrows(IllegalArgumentException.class, () -> builder()
                        .corsOrigins(List.of("https://ok.example", "console.example.com")).build()).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> builder()
                .trustedProxies(List.of("proxy.internal")).build()).getMessage()
                .startsWith("trustedProxies[0]: proxy.internal (expected: "));
    }

    private static HttpRequest preflight(String origin) {
        return HttpRequest.builder().method("OPTIONS").target("/api/agent").header("Host", "gateway.example")
                .header("Origin", origin).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type").build();
    }

    private static HttpRequest upgrade(String token, String peer, String origin) {
        HttpRequest.Builder b = HttpRequest.builder().target("/api/chat/live").header("Host", "gateway.example")
                .header("Authorization", "Bearer " + token).remoteAddress(new InetSocketAddress(peer, 40000));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return b.build();
    }
}
