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
import dev.portico.api.transport.Transport;
import dev.portico.api.transport.TransportOptions;
import dev.portico.api.transport.WebSocketDecision;
import dev.portico.auth.Credential;
import dev.portico.core.Gateway;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Credentials, modes and where a credential may come from, as a client sees them. */
class AuthModesTest {
    static final String OPS = "operator-token-0123456789";
    static final String VIEW = "viewer-token-0123456789";

    private static HttpResponse validate(GatewayHandler h, String token) {
        HttpRequest.Builder b = HttpRequest.builder().method("POST").target("/api/token/validate");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return h.handle(b.build());
    }

    @Test
    void validateSaysWhoTheCredentialIsAndWhatItMayDo() {
        GatewayHandler h = Gateway.builder().token(OPS)
                .credentials(List.of(Credential.token("dashboard", VIEW, Role.VIEWER))).build().handler();
        JsonObject ops = json(validate(h, OPS));
        assertTrue(ops.getBoolean("valid"));
        assertEquals("token", ops.getString("label"));
        assertEquals(List.of("operator.read", "operator.write", "operator.admin", "chat"),
                ops.getJsonArray("scopes").getValuesAs(JsonString.class).stream().map(JsonString::getString).toList());
        JsonObject viewer = json(validate(h, VIEW));
        assertEquals("dashboard", viewer.getString("label"));
        assertEquals("viewer", viewer.getString("role"));
        assertEquals(1, viewer.getJsonArray("scopes").size());

        HttpResponse wrong = validate(h, "wrong-token-0123456789");
        assertError(wrong, 401, "UNAUTHORIZED");
        assertFalse(json(wrong).getBoolean("valid"));
        assertFalse(json(validate(h, null)).getBoolean("valid"));

        // The viewer may read but not delete.
        HttpResponse delete = h.handle(HttpRequest.builder().method("DELETE").target("/api/sessions/main")
                .header("Authorization", "Bearer " + VIEW).build());
        assertError(delete, 403, "FORBIDDEN");
        assertTrue(json(delete).getJsonObject("error").getString("message").contains("operator.write"));
    }

    @Test
    void weakTokensAndConflictingModesAreRefusedAtBuild() {
        assertEquals("token: 6 characters (expected: at least 16; leave it unset to have one generated)",
                assertThrows(IllegalArgumentException.class, () -> Gateway.builder().token("s3cret").build()).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Gateway.builder().token("changeme").build())
                .getMessage().startsWith("token: a placeholder value"));
        assertEquals("token and password: set one, not both (auth.mode picks one)", assertThrows(
                IllegalArgumentException.class, () -> Gateway.builder().token(OPS).password("pw").build()).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Gateway.builder().password("").build())
                .getMessage().startsWith("password: empty"));
    }

    @Test
    void passwordModeTakesThePasswordLikeAToken() {
        GatewayHandler h = Gateway.builder().password("correct horse battery").build().handler();
        assertEquals("password", json(validate(h, "correct horse battery")).getString("label"));
        assertError(validate(h, "wrong horse"), 401, "UNAUTHORIZED");
    }

    @Test
    void withoutAuthEveryoneIsAnOperatorButOnlyOnLoopback() {
        Gateway open = Gateway.builder().noAuth().build();
        assertEquals(200, open.handler().handle(HttpRequest.builder().target("/api/sessions").build()).status());
        Transport never = new Transport() {
            @Override
            public String name() {
                return "never";
            }

            @Override
            public dev.portico.api.transport.RunningTransport start(GatewayHandler handler, TransportOptions options) {
                throw new AssertionError("must not bind");
            }
        };
        for (String host : List.of("0.0.0.0", "::", "192.168.1.10", "gateway.example")) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> open.start(never, TransportOptions.builder().host(host).port(0).build()));
            assertTrue(e.getMessage().startsWith("auth mode none on " + host + ": refused"), e.getMessage());
        }
    }

    @Test
    void noTokenReachesTheLog() {
        java.util.logging.Logger portico = java.util.logging.Logger.getLogger("dev.portico");
        java.util.logging.Level before = portico.getLevel();
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                lines.add(r.getMessage() + " " + java.util.Arrays.toString(r.getParameters()) + " " + r.getThrown());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        portico.setLevel(java.util.logging.Level.ALL);
        portico.addHandler(capture);
        try {
            String wrong = "wrong-token-ABCDEFGH12345";
            for (boolean allow : new boolean[] {false, true}) {
                GatewayHandler h = Gateway.builder().token(OPS).allowQueryToken(allow).build().handler();
                h.handle(HttpRequest.builder().target("/api/sessions").header("Authorization", "Bearer " + OPS).build());
                h.handle(HttpRequest.builder().target("/api/sessions").header("X-Api-Key", wrong).build());
                h.handle(HttpRequest.builder().target("/api/events?token=" + OPS).build());
                h.handle(HttpRequest.builder().target("/api/sessions?token=" + wrong).build());
                h.handle(HttpRequest.builder().method("POST").target("/api/agent?token=" + OPS)
                        .header("Authorization", "Bearer " + OPS).header("Content-Type", "application/json")
                        .body("{\"message\":").build());
            }
        } finally {
            portico.removeHandler(capture);
            portico.setLevel(before);
        }
        for (String line : lines) {
            assertFalse(line.contains(OPS) || line.contains("wrong-token-ABCDEFGH12345"), line);
        }
    }

    @Test
    void queryTokensAreOffByDefaultAndThenOnlyForStreams() {
        GatewayHandler closed = Gateway.builder().token(OPS).build().handler();
        HttpResponse refused = closed.handle(HttpRequest.builder().target("/api/events?token=" + OPS).build());
        assertError(refused, 401, "UNAUTHORIZED");
        String message = json(refused).getJsonObject("error").getString("message");
        assertTrue(message.contains("gateway.auth.allowQueryToken is off"), message);
        assertFalse(message.contains(OPS), "the token is never echoed");

        GatewayHandler open = Gateway.builder().token(OPS).allowQueryToken(true).build().handler();
        assertEquals(200, open.handle(HttpRequest.builder().target("/api/events?token=" + OPS).build()).status());
        assertInstanceOf(WebSocketDecision.Accept.class, open.upgrade(HttpRequest.builder()
                .target("/api/chat/live?token=" + OPS).header("Upgrade", "websocket").build()));
        HttpResponse notAStream = open.handle(HttpRequest.builder().target("/api/sessions?token=" + OPS).build());
        assertError(notAStream, 401, "UNAUTHORIZED");
        assertTrue(json(notAStream).getJsonObject("error").getString("message").contains("streaming routes only"));
        assertError(open.handle(HttpRequest.builder().target("/api/events?token=wrong-token-0123456789").build()),
                401, "UNAUTHORIZED");
    }
}
