package dev.portico.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.transport.Headers;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.ResponseBody;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OriginPolicyTest {

    private static final OriginPolicy LISTED = OriginPolicy.of(List.of("https://console.example.com", "http://localhost:5173"));
    private static final OriginPolicy ANY = OriginPolicy.of(List.of("*"));

    private static HttpRequest request(String host, String origin) {
        HttpRequest.Builder b = HttpRequest.builder().target("/api/status").header("Host", host);
        if (origin != null) {
            b.header("Origin", origin);
        }
        return b.build();
    }

    private static HttpRequest preflightRequest(String origin) {
        return HttpRequest.builder().method("OPTIONS").target("/api/chat")
                .header("Host", "gateway.example:18790")
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type")
                .build();
    }

    private static String body(HttpResponse response) {
        return new String(((ResponseBody.Bytes) response.body()).bytes(), StandardCharsets.UTF_8);
    }

    private static void assertSecurityHeaders(Headers headers) {
        assertEquals(Optional.of("nosniff"), headers.first("X-Content-Type-Options"));
        assertEquals(Optional.of("DENY"), headers.first("X-Frame-Options"));
        assertEquals(Optional.of("no-referrer"), headers.first("Referrer-Policy"));
        assertEquals(Optional.of(HttpResponse.CONTENT_SECURITY_POLICY), headers.first("Content-Security-Policy"));
    }

    // ---- check: requests without Origin and from the gateway's own origin

    @Test
    void aRequestWithoutOriginIsAllowedWithoutHeaders() {
        OriginPolicy.Decision d = OriginPolicy.NONE.check(request("gateway.example", null));
        assertTrue(d.allowed());
        assertFalse(d.refused());
        assertTrue(d.headers().isEmpty());
    }

    @Test
    void theOwnOriginOverPlainHttpIsAllowedWithoutHeaders() {
        OriginPolicy.Decision d = OriginPolicy.NONE.check(request("127.0.0.1:18790", "http://127.0.0.1:18790"));
        assertTrue(d.allowed(), d.message());
        assertTrue(d.headers().isEmpty());
    }

    @Test
    void theOwnOriginOverTlsUsesTheHttpsScheme() {
        HttpRequest secure = HttpRequest.builder().secure(true)
                .header("Host", "gateway.example").header("Origin", "https://gateway.example").build();
        assertTrue(OriginPolicy.NONE.check(secure).allowed());

        HttpRequest plain = HttpRequest.builder()
                .header("Host", "gateway.example").header("Origin", "https://gateway.example").build();
        assertTrue(OriginPolicy.NONE.check(plain).refused(), "the scheme is part of the origin");
    }

    @Test
    void defaultPortsMatchOnEitherSide() {
        assertTrue(OriginPolicy.NONE.check(request("gateway.example:80", "http://gateway.example")).allowed());
        assertTrue(OriginPolicy.NONE.check(request("gateway.example", "http://gateway.example:80")).allowed());
        HttpRequest secure = HttpRequest.builder().secure(true)
                .header("Host", "Gateway.Example:443").header("Origin", "https://gateway.example").build();
        assertTrue(OriginPolicy.NONE.check(secure).allowed());
    }

    @Test
    void anotherPortOnTheSameHostIsAnotherOrigin() {
        OriginPolicy.Decision d = OriginPolicy.NONE.check(request("localhost:18790", "http://localhost:3000"));
        assertTrue(d.refused());
        assertEquals("origin not allowed: http://localhost:3000", d.message());
    }

    @Test
    void anIpv6HostIsComparedWithItsBrackets() {
        assertTrue(OriginPolicy.NONE.check(request("[::1]:18790", "http://[::1]:18790")).allowed());
        assertTrue(OriginPolicy.NONE.check(request("[::1]:18790", "http://[::1]:18791")).refused());
    }

    @Test
    void withoutHostNoOriginIsTheOwnOne() {
        HttpRequest r = HttpRequest.builder().header("Origin", "http://127.0.0.1:18790").build();
        assertTrue(OriginPolicy.NONE.check(r).refused());
    }

    // ---- check: configured, foreign and special origins

    @Test
    void aListedOriginIsAllowedAndEchoed() {
        OriginPolicy.Decision d = LISTED.check(request("gateway.example", "https://console.example.com"));
        assertTrue(d.allowed());
        assertEquals(Optional.of("https://console.example.com"), d.headers().first("Access-Control-Allow-Origin"));
        assertEquals(Optional.of("Origin"), d.headers().first("Vary"));
        assertEquals(Optional.of("Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining"),
                d.headers().first("Access-Control-Expose-Headers"));
        assertFalse(d.headers().contains("Access-Control-Allow-Credentials"));
    }

    @Test
    void aListedOriginIsMatchedNormalised() {
        OriginPolicy.Decision d = LISTED.check(request("gateway.example", "HTTPS://Console.Example.COM:443"));
        assertTrue(d.allowed());
        assertEquals(Optional.of("https://console.example.com"), d.headers().first("Access-Control-Allow-Origin"));
    }

    @Test
    void aForeignOriginIsRefusedWithItsName() {
        OriginPolicy.Decision d = LISTED.check(request("gateway.example", "https://evil.example"));
        assertTrue(d.refused());
        assertFalse(d.allowed());
        assertTrue(d.headers().isEmpty());
        assertEquals("origin not allowed: https://evil.example", d.message());
    }

    @Test
    void aForeignOriginCannotOpenAWebSocket() {
        HttpRequest upgrade = HttpRequest.builder().target("/ws")
                .header("Host", "127.0.0.1:18790")
                .header("Connection", "Upgrade")
                .header("Upgrade", "websocket")
                .header("Sec-WebSocket-Version", "13")
                .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
                .header("Origin", "https://evil.example")
                .build();
        OriginPolicy.Decision d = OriginPolicy.NONE.check(upgrade);
        assertTrue(d.refused());
        assertEquals("origin not allowed: https://evil.example", d.message());
    }

    @Test
    void aWebSocketFromTheOwnOriginOrAListedOneIsAllowed() {
        HttpRequest.Builder b = HttpRequest.builder().target("/ws")
                .header("Host", "127.0.0.1:18790")
                .header("Upgrade", "websocket");
        assertTrue(LISTED.check(b.header("Origin", "http://localhost:5173").build()).allowed());
        HttpRequest own = HttpRequest.builder().target("/ws").header("Host", "127.0.0.1:18790")
                .header("Upgrade", "websocket").header("Origin", "http://127.0.0.1:18790").build();
        assertTrue(OriginPolicy.NONE.check(own).allowed());
    }

    @Test
    void aSuffixOrPrefixOfAListedOriginIsNotThatOrigin() {
        for (String origin : List.of("https://console.example.com.evil.example", "https://evilconsole.example.com",
                "http://console.example.com", "https://console.example.com:8443")) {
            assertTrue(LISTED.check(request("gateway.example", origin)).refused(), origin);
        }
    }

    @Test
    void theNullOriginIsRefusedUnlessListed() {
        OriginPolicy.Decision d = LISTED.check(request("gateway.example", "null"));
        assertTrue(d.refused());
        assertEquals("origin not allowed: null", d.message());
        assertTrue(ANY.check(request("gateway.example", "null")).refused(), "the wildcard does not cover null");

        OriginPolicy withNull = OriginPolicy.of(List.of("null"));
        OriginPolicy.Decision allowed = withNull.check(request("gateway.example", "null"));
        assertTrue(allowed.allowed());
        assertEquals(Optional.of("null"), allowed.headers().first("Access-Control-Allow-Origin"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "evil.example", "https://evil.example/path", "https://user@evil.example",
            "https://evil.example:", "https://evil.example:99999", "https://evil.example?x=1", "javascript:alert(1)"})
    void aMalformedOriginIsRefused(String origin) {
        OriginPolicy.Decision d = ANY.check(request("gateway.example", origin));
        assertTrue(d.refused(), origin);
        assertEquals("origin not allowed: " + origin, d.message());
    }

    @Test
    void differingOriginHeadersAreRefused() {
        HttpRequest r = HttpRequest.builder().header("Host", "gateway.example")
                .header("Origin", "https://console.example.com").header("Origin", "https://evil.example").build();
        OriginPolicy.Decision d = LISTED.check(r);
        assertTrue(d.refused());
        assertEquals("origin not allowed: https://console.example.com, https://evil.example", d.message());
    }

    @Test
    void aVeryLongOriginIsShortenedInTheMessage() {
        String origin = "https://" + "a".repeat(500) + ".example";
        OriginPolicy.Decision d = LISTED.check(request("gateway.example", origin));
        assertTrue(d.refused());
        assertTrue(d.message().length() < 250, d.message());
        assertTrue(d.message().endsWith("…"));
    }

    // ---- the wildcard

    @Test
    void theWildcardAllowsAnyOriginWithAStarButNeverWithCredentials() {
        assertTrue(ANY.wildcard());
        assertFalse(LISTED.wildcard());
        for (String origin : List.of("https://evil.example", "http://localhost:9999", "chrome-extension://abcdef")) {
            OriginPolicy.Decision d = ANY.check(request("gateway.example", origin));
            assertTrue(d.allowed(), origin);
            assertEquals(Optional.of("*"), d.headers().first("Access-Control-Allow-Origin"));
            assertFalse(d.headers().contains("Access-Control-Allow-Credentials"));
        }
    }

    @Test
    void withTheWildcardAListedOriginIsStillEchoed() {
        OriginPolicy policy = OriginPolicy.of(List.of("*", "https://console.example.com"));
        OriginPolicy.Decision d = policy.check(request("gateway.example", "https://console.example.com"));
        assertEquals(Optional.of("https://console.example.com"), d.headers().first("Access-Control-Allow-Origin"));
        assertFalse(d.headers().contains("Access-Control-Allow-Credentials"));
        OriginPolicy.Decision other = policy.check(request("gateway.example", "https://other.example"));
        assertEquals(Optional.of("*"), other.headers().first("Access-Control-Allow-Origin"));
    }

    @Test
    void noPreflightEverAllowsCredentials() {
        for (OriginPolicy policy : List.of(ANY, LISTED, OriginPolicy.of(List.of("*", "https://console.example.com")))) {
            for (String origin : List.of("https://console.example.com", "https://evil.example")) {
                Optional<HttpResponse> answer = policy.preflight(preflightRequest(origin));
                assertEquals(policy.check(preflightRequest(origin)).allowed(), answer.isPresent(), policy + " " + origin);
                answer.ifPresent(a -> assertFalse(a.headers().contains("Access-Control-Allow-Credentials"),
                        policy + " " + origin));
            }
        }
    }

    // ---- preflight

    @Test
    void aPreflightFromAnAllowedOriginGets204() {
        HttpResponse r = LISTED.preflight(preflightRequest("https://console.example.com")).orElseThrow();
        assertEquals(204, r.status());
        Headers h = r.headers();
        assertEquals(Optional.of("https://console.example.com"), h.first("Access-Control-Allow-Origin"));
        assertEquals(Optional.of("GET, POST, PUT, PATCH, DELETE, OPTIONS"), h.first("Access-Control-Allow-Methods"));
        assertEquals(Optional.of("Authorization, Content-Type, X-Api-Key, Last-Event-ID"),
                h.first("Access-Control-Allow-Headers"));
        assertEquals(Optional.of("600"), h.first("Access-Control-Max-Age"));
        assertEquals(Optional.of("Origin"), h.first("Vary"));
        assertSecurityHeaders(h);
        assertEquals("", body(r));
    }

    @Test
    void aPreflightThroughTheWildcardGetsAStar() {
        HttpResponse r = ANY.preflight(preflightRequest("https://anything.example")).orElseThrow();
        assertEquals(204, r.status());
        assertEquals(Optional.of("*"), r.headers().first("Access-Control-Allow-Origin"));
    }

    @Test
    void aPreflightFromTheOwnOriginNamesThatOrigin() {
        HttpResponse r = OriginPolicy.NONE.preflight(preflightRequest("http://gateway.example:18790")).orElseThrow();
        assertEquals(204, r.status());
        assertEquals(Optional.of("http://gateway.example:18790"), r.headers().first("Access-Control-Allow-Origin"));
    }

    @Test
    void aPreflightFromARefusedOriginIsLeftToTheCheck() {
        HttpRequest evil = preflightRequest("https://evil.example/\"}\\");
        assertEquals(Optional.empty(), LISTED.preflight(evil));
        OriginPolicy.Decision d = LISTED.check(evil);
        assertTrue(d.refused());
        assertEquals("origin not allowed: https://evil.example/\"}\\", d.message());
    }

    @Test
    void whatIsNotAPreflightGetsNoAnswer() {
        HttpRequest noRequestMethod = HttpRequest.builder().method("OPTIONS")
                .header("Host", "gateway.example").header("Origin", "https://evil.example").build();
        HttpRequest noOrigin = HttpRequest.builder().method("OPTIONS")
                .header("Host", "gateway.example").header("Access-Control-Request-Method", "POST").build();
        HttpRequest notOptions = HttpRequest.builder().method("POST").header("Host", "gateway.example")
                .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "POST").build();
        for (HttpRequest r : List.of(noRequestMethod, noOrigin, notOptions)) {
            assertEquals(Optional.empty(), LISTED.preflight(r), r.toString());
        }
    }

    // ---- configuration

    @Test
    void originsAreNormalised() {
        OriginPolicy p = OriginPolicy.of(List.of("HTTPS://Example.COM:443", " http://Example.com:80/ ",
                "https://example.com", "http://example.com:8080", "https://[::1]:443", "http://127.0.0.1:18790"));
        assertEquals(List.of("https://example.com", "http://example.com", "http://example.com:8080",
                "https://[::1]", "http://127.0.0.1:18790"), p.origins());
        assertTrue(p.check(request("gateway.example", "https://example.com")).allowed());
        assertEquals(OriginPolicy.of(List.of("https://example.com")).origins(),
                OriginPolicy.of(List.of("HTTPS://Example.COM:443")).origins());
    }

    @Test
    void anEmptyListIsNone() {
        assertSame(OriginPolicy.NONE, OriginPolicy.of(List.of()));
        assertEquals(List.of(), OriginPolicy.NONE.origins());
        assertFalse(OriginPolicy.NONE.wildcard());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://x", "", "example.com", "https://", "https://example.com/app",
            "https://example.com?x=1", "https://example.com#x", "https://user:pw@example.com", "https://example.com:0",
            "https://example.com:65536", "https://example.com:", "https://*.example.com", "*.example.com",
            "ws://example.com", "https://exa mple.com", "https://-example.com", "https://example.com//"})
    void aBadEntryNamesItsIndexAndValue(String entry) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OriginPolicy.of(List.of("https://ok.example", "*", entry)));
        assertEquals("corsOrigins[2]: " + entry + " (expected: http(s)://host[:port])", e.getMessage());
    }

    @Test
    void aNullEntryIsABadEntry() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OriginPolicy.of(Arrays.asList("https://ok.example", null)));
        assertEquals("corsOrigins[1]: null (expected: http(s)://host[:port])", e.getMessage());
        assertThrows(NullPointerException.class, () -> OriginPolicy.of(null));
    }

    @Test
    void aRefusalCarriesNoHeaders() {
        Headers h = Headers.builder().set("Access-Control-Allow-Origin", "*").build();
        assertThrows(IllegalArgumentException.class, () -> new OriginPolicy.Decision(false, h, "no"));
        assertThrows(NullPointerException.class, () -> OriginPolicy.Decision.refuse(null));
    }
}
