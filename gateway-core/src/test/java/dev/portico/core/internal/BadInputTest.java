package dev.portico.core.internal;

import static dev.portico.core.internal.GatewayHandlerTest.TOKEN;
import static dev.portico.core.internal.GatewayHandlerTest.assertError;
import static dev.portico.core.internal.GatewayHandlerTest.json;
import static dev.portico.core.internal.GatewayHandlerTest.post;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portico.api.session.SessionKey;
import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.HttpRequest;
import dev.portico.core.Gateway;
import dev.portico.core.InMemorySessionStore;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every conversation route answers bad input with a clear error and leaves the store as it was. */
class BadInputTest {
    final InMemorySessionStore store = new InMemorySessionStore();
    final GatewayHandler handler = Gateway.builder().token(TOKEN).sessionStore(store).maxBodyBytes(4096).build().handler();

    @BeforeEach
    void oneSessionWithTwoMessages() {
        assertEquals(200, handler.handle(post("/api/agent", "{\"message\":\"keep me\",\"session\":\"kept\"}").build()).status());
    }

    static Stream<Arguments> badRequests() {
        String big = "{\"message\":\"" + "x".repeat(5000) + "\"}";
        return Stream.of(
                Arguments.of("POST", "/api/agent", "{}", 400, "INVALID_REQUEST", "message: required"),
                Arguments.of("POST", "/api/agent", "{\"message\":[1]}", 400, "INVALID_REQUEST", "message: expected a string, got array"),
                Arguments.of("POST", "/api/agent", "{\"message\":\"\"}", 400, "INVALID_REQUEST", "message: must not be empty"),
                Arguments.of("POST", "/api/agent", big, 413, "PAYLOAD_TOO_LARGE", "body: larger than 4096 bytes"),
                Arguments.of("POST", "/api/agent", "{\"message\":\"x\",\"session\":\"../../etc/passwd\"}", 400, "INVALID_REQUEST", null),
                Arguments.of("POST", "/api/agent", "{\"message\":\"x\",\"session\":7}", 400, "INVALID_REQUEST", "session: expected a string, got number"),
                Arguments.of("POST", "/api/chat", "{\"message\":true}", 400, "INVALID_REQUEST", "message: expected a string, got boolean"),
                Arguments.of("POST", "/api/chat?session=a%20b", "{\"message\":\"x\"}", 400, "INVALID_REQUEST", null),
                Arguments.of("POST", "/api/chat", big, 413, "PAYLOAD_TOO_LARGE", null),
                Arguments.of("POST", "/api/agent/wait", "{\"run_id\":\"missing\"}", 404, "RUN_NOT_FOUND", "run_id: missing is unknown or expired"),
                Arguments.of("POST", "/api/agent/abort", "{}", 400, "INVALID_REQUEST", "run_id: required"),
                Arguments.of("POST", "/api/agent/abort", "{\"run_id\":\"missing\"}", 404, "RUN_NOT_FOUND", null),
                Arguments.of("POST", "/api/sessions", "{\"chat_id\":{}}", 400, "INVALID_REQUEST", null),
                Arguments.of("POST", "/api/sessions", "not json", 400, "INVALID_REQUEST", null),
                Arguments.of("GET", "/api/sessions/nope", null, 404, "SESSION_NOT_FOUND", "session: nope does not exist"),
                Arguments.of("GET", "/api/sessions/bad%20key", null, 400, "INVALID_REQUEST", null),
                Arguments.of("GET", "/api/sessions/kept/history?limit=5000", null, 400, "INVALID_REQUEST", "limit: 5000 (expected: 1..1000)"),
                Arguments.of("DELETE", "/api/sessions/nope", null, 404, "SESSION_NOT_FOUND", null),
                Arguments.of("GET", "/api/chat/history?session=%2F%2F", null, 400, "INVALID_REQUEST", null),
                Arguments.of("GET", "/api/chat/history?limit=-1", null, 400, "INVALID_REQUEST", null));
    }

    @ParameterizedTest(name = "{0} {1} -> {3} {4}")
    @MethodSource("badRequests")
    void isAClearErrorAndLosesNothing(String method, String target, String body, int status, String code, String message) {
        HttpRequest.Builder b = body == null
                ? HttpRequest.builder().method(method).target(target).header("Authorization", "Bearer " + TOKEN)
                : post(target, body).method(method);
        var response = handler.handle(b.build());
        assertError(response, status, code);
        if (message != null) {
            assertEquals(message, json(response).getJsonObject("error").getString("message"));
        }
        assertEquals(2, store.history(SessionKey.of("kept"), 100).size(), "the stored conversation is untouched");
        assertEquals(1, store.count(dev.portico.api.session.SessionQuery.all(100)), "no session was created");
    }
}
