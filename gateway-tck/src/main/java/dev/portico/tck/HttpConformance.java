package dev.portico.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.portico.api.transport.Headers;
import dev.portico.api.transport.HttpResponse;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Plain HTTP through the transport: the gateway's answers arrive unchanged (status, headers, JSON
 * envelope), bodies stream in both directions, limits hold, text survives as UTF-8, and many
 * requests run at once.
 *
 * <p>Besides the gateway's routes, the kit serves its own routes under {@code /tck/} to see the
 * request exactly as the transport built it.
 */
public abstract class HttpConformance extends TransportConformanceBase {

    /** For subclasses. */
    protected HttpConformance() {}

    // ---- the gateway's answers arrive unchanged

    /**
     * {@code GET /health} is public and answers the health document as JSON.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void healthAnswersHealthyJson() throws Exception {
        TckServer server = startGateway();
        Reply reply = get(server, "/health");
        assertEquals(200, reply.status(), () -> "GET /health: " + reply);
        assertJson(reply);
        JsonObject body = reply.json();
        assertEquals(JsonValue.TRUE, body.get("ok"), () -> "\"ok\" of " + reply);
        assertEquals("healthy", body.getString("status"), () -> "\"status\" of " + reply);
        assertTrue(body.get("uptime") instanceof JsonNumber n && n.longValue() >= 0,
                () -> "\"uptime\" must be a number of seconds >= 0: " + reply);
        assertTrue(body.get("version") instanceof JsonString v && !v.getString().isBlank(),
                () -> "\"version\" must be a non-blank string: " + reply);
    }

    /**
     * The security headers the gateway sets reach the client, on answers and on refusals.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void securityHeadersArrive() throws Exception {
        TckServer server = startGateway();
        for (Reply reply : List.of(get(server, "/health"), get(server, "/api/sessions"))) {
            assertEquals("nosniff", reply.header("X-Content-Type-Options").orElse(""), () -> reply.toString());
            assertEquals("DENY", reply.header("X-Frame-Options").orElse(""), () -> reply.toString());
            assertEquals("no-referrer", reply.header("Referrer-Policy").orElse(""), () -> reply.toString());
            assertEquals(HttpResponse.CONTENT_SECURITY_POLICY, reply.header("Content-Security-Policy").orElse(""),
                    () -> reply.toString());
        }
    }

    /**
     * A browser request from a foreign origin is refused 403; one from an allowed origin gets the
     * CORS headers, and its preflight is answered 204.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void browserOriginsAreCheckedAndPreflightsAnswered() throws Exception {
        TckServer server = start(gatewayBuilder().corsOrigins(List.of("https://console.example.com")).build().handler());
        Reply foreign = get(server, "/api/sessions", bearer("Origin", "https://evil.example"));
        assertEnvelope(foreign, 403, "FORBIDDEN");
        assertFalse(foreign.header("Access-Control-Allow-Origin").isPresent(), () -> foreign.toString());
        Reply allowed = get(server, "/api/sessions", bearer("Origin", "https://console.example.com"));
        assertEquals(200, allowed.status(), () -> allowed.toString());
        assertEquals("https://console.example.com", allowed.header("Access-Control-Allow-Origin").orElse(""),
                () -> allowed.toString());
        Reply preflight = send(request(server.http("/api/agent"), "Origin", "https://console.example.com",
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(204, preflight.status(), () -> preflight.toString());
        assertEquals("https://console.example.com", preflight.header("Access-Control-Allow-Origin").orElse(""),
                () -> preflight.toString());
        assertTrue(preflight.header("Access-Control-Allow-Headers").orElse("").contains("Authorization"),
                () -> preflight.toString());
    }

    /**
     * Past a request rate limit the answer is 429 with {@code Retry-After} and
     * {@code X-RateLimit-Remaining: 0}.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void rateLimitedRequestsGet429WithRetryAfter() throws Exception {
        TckServer server = start(gatewayBuilder().rateLimit("default", 2).build().handler());
        assertEquals("1", get(server, "/api/sessions", bearer()).header("X-RateLimit-Remaining").orElse(""));
        assertEquals(200, get(server, "/api/sessions", bearer()).status());
        Reply limited = get(server, "/api/sessions", bearer());
        assertEnvelope(limited, 429, "RATE_LIMITED");
        assertEquals("30", limited.header("Retry-After").orElse(""), () -> limited.toString());
        assertEquals("0", limited.header("X-RateLimit-Remaining").orElse(""), () -> limited.toString());
    }

    /**
     * Wrong credentials relayed by a proxy on the same host (so not local, though the socket peer is
     * loopback) lock the client out: 429 with {@code Retry-After}, even for the right credential.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void repeatedWrongCredentialsLockTheClientOut() throws Exception {
        TckServer server = start(gatewayBuilder().failedAuthLimit(3, Duration.ofMinutes(1), Duration.ofMinutes(5))
                .build().handler());
        for (int i = 0; i < 3; i++) {
            assertEnvelope(get(server, "/api/sessions", "Authorization", "Bearer wrong-token-0123456789",
                    "X-Forwarded-For", "198.51.100.7"), 401, "UNAUTHORIZED");
        }
        Reply locked = get(server, "/api/sessions", bearer("X-Forwarded-For", "198.51.100.7"));
        assertEnvelope(locked, 429, "RATE_LIMITED");
        assertEquals("300", locked.header("Retry-After").orElse(""), () -> locked.toString());
        assertEquals(200, get(server, "/api/sessions", bearer()).status(), "a direct loopback client is exempt");
    }

    /**
     * An unknown path is 404 in the JSON error envelope, not a server-specific error page.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void unknownPathIsNotFoundEnvelope() throws Exception {
        TckServer server = startGateway();
        assertEnvelope(get(server, "/no-such-path-tck", bearer()), 404, "NOT_FOUND");
    }

    /**
     * A known path with the wrong method is 405 with {@code Allow: POST}, before authentication.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void wrongMethodIs405WithAllowHeader() throws Exception {
        TckServer server = startGateway();
        Reply reply = get(server, "/api/agent");
        assertEnvelope(reply, 405, "METHOD_NOT_ALLOWED");
        assertTrue(reply.headerValues("Allow").contains("POST"), () -> "Allow header of " + reply);
    }

    /**
     * No credential, or a wrong one, is 401 in the envelope.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void missingOrWrongCredentialIs401() throws Exception {
        TckServer server = startGateway();
        assertEnvelope(postJson(server, "/api/agent", json("message", "hi")), 401, "UNAUTHORIZED");
        assertEnvelope(postJson(server, "/api/agent", json("message", "hi"), "Authorization", "Bearer wrong-token"),
                401, "UNAUTHORIZED");
        assertEnvelope(postJson(server, "/api/agent", json("message", "hi"), "X-Api-Key", "wrong-token"),
                401, "UNAUTHORIZED");
    }

    /**
     * The token is accepted as {@code Authorization: Bearer} and as {@code X-Api-Key}.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void bearerTokenAndApiKeyAreAccepted() throws Exception {
        TckServer server = startGateway();
        Reply bearer = postJson(server, "/api/agent", json("message", "via bearer"), bearer());
        assertEquals(200, bearer.status(), () -> "with Authorization: Bearer: " + bearer);
        assertEquals("via bearer", bearer.json().getString("reply"));
        Reply apiKey = postJson(server, "/api/agent", json("message", "via api key"), "X-Api-Key", TOKEN);
        assertEquals(200, apiKey.status(), () -> "with X-Api-Key: " + apiKey);
        assertEquals("via api key", apiKey.json().getString("reply"));
    }

    /**
     * {@code POST /api/agent} answers the agent's reply (the echo agent repeats the message).
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void agentReplyEqualsMessage() throws Exception {
        TckServer server = startGateway();
        Reply reply = postJson(server, "/api/agent", json("message", "hello, gateway", "session", "tck-http"), bearer());
        assertEquals(200, reply.status(), () -> "POST /api/agent: " + reply);
        assertJson(reply);
        JsonObject body = reply.json();
        assertEquals(JsonValue.TRUE, body.get("ok"), () -> "\"ok\" of " + reply);
        assertEquals("ok", body.getString("status"), () -> "\"status\" of " + reply);
        assertEquals("hello, gateway", body.getString("reply"), () -> "\"reply\" of " + reply);
        assertEquals("tck-http", body.getString("session"), () -> "\"session\" of " + reply);
        assertFalse(body.getString("run_id").isBlank(), () -> "\"run_id\" of " + reply);
    }

    /**
     * A body that is not JSON is 400 {@code malformed JSON...}.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void malformedJsonIs400() throws Exception {
        TckServer server = startGateway();
        JsonObject error = assertEnvelope(postJson(server, "/api/agent", "{\"message\": ", bearer()),
                400, "INVALID_REQUEST");
        assertTrue(error.getString("message").startsWith("malformed JSON"),
                () -> "error message (expected: starts with \"malformed JSON\"): " + error);
    }

    /**
     * {@code {}} is 400 naming the missing field {@code message}.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void missingMessageIs400NamingTheField() throws Exception {
        TckServer server = startGateway();
        JsonObject error = assertEnvelope(postJson(server, "/api/agent", "{}", bearer()), 400, "INVALID_REQUEST");
        assertTrue(error.getString("message").contains("message"),
                () -> "error message (expected: names the field \"message\"): " + error);
    }

    /**
     * A JSON route refuses {@code text/plain} with 415.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void textPlainIs415() throws Exception {
        TckServer server = startGateway();
        assertEnvelope(post(server, "/api/agent", "text/plain", "hello", bearer()), 415, "UNSUPPORTED_MEDIA_TYPE");
    }

    // ---- body limits

    /**
     * A request that announces a 10 MiB body gets its 413 without sending the body: the transport
     * hands the request over before the body arrives, sends the answer at once, and then closes the
     * connection (the gateway asked for {@code Connection: close} and did not read the body).
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void announcedOversizedBodyIs413WithoutSendingIt() throws Exception {
        TckServer server = startGateway();
        RawConnection c = raw(server);
        c.writeHead("POST /api/agent HTTP/1.1\r\n"
                + "Host: " + server.authority() + "\r\n"
                + "Authorization: Bearer " + TOKEN + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: 10485760\r\n"
                + "\r\n");
        c.deadline(Duration.ofSeconds(2));
        RawConnection.Head head;
        try {
            head = c.readHead();
        } catch (SocketTimeoutException e) {
            fail("no status line within 2 s for a request announcing Content-Length: 10485760 whose body was"
                    + " never sent (the transport must not wait for or buffer the body; the gateway answers 413)");
            return;
        }
        assertEquals(413, head.status(), () -> "status line: " + head.statusLine());
        String body = new String(c.body(head).readAllBytes(), StandardCharsets.UTF_8);
        JsonObject error = Reply.parseObject(body, "413 body").getJsonObject("error");
        assertEquals("PAYLOAD_TOO_LARGE", error.getString("code"), () -> "413 body: " + body);
        c.deadline(Duration.ofSeconds(2));
        assertTrue(c.awaitClosedByPeer(), "after a 413 for a body it did not read (Connection: close) the transport"
                + " must close the connection, not keep reading the body; it was still open 2 s later");
    }

    /**
     * A real 2 MiB body is refused: 413, or the connection closes while it is sent; never 200.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void oversizedBodyIsRefused() throws Exception {
        TckServer server = startGateway();
        String big = json("message", "x".repeat(2 * 1024 * 1024));
        Reply reply;
        try {
            reply = postJson(server, "/api/agent", big, bearer());
        } catch (HttpTimeoutException e) {
            fail("a 2 MiB body got neither an answer nor a closed connection within 10 s", e);
            return;
        } catch (IOException closedWhileSending) {
            return;
        }
        assertNotEquals(200, reply.status(), "a 2 MiB body over the 1 MiB limit was accepted");
        assertEnvelope(reply, 413, "PAYLOAD_TOO_LARGE");
    }

    // ---- text and concurrency

    /**
     * Two-, three- and four-byte UTF-8 characters travel through the request body and back
     * through the response body unchanged.
     *
     * @param message the text to send
     * @throws Exception when the exchange with the server fails
     */
    @ParameterizedTest
    @ValueSource(strings = {"🌍🚀", "你好世界", "café crème brûlée, naïve Ångström", MULTIBYTE})
    public void multiByteTextRoundTrips(String message) throws Exception {
        TckServer server = startGateway();
        Reply reply = postJson(server, "/api/agent", json("message", message), bearer());
        assertEquals(200, reply.status(), () -> "POST /api/agent: " + reply);
        assertEquals(message, reply.json().getString("reply"));
    }

    /**
     * 200 requests at once all succeed, each with its own reply.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void concurrentRequestsAllSucceed() throws Exception {
        TckServer server = startGateway();
        int n = 200;
        List<CompletableFuture<java.net.http.HttpResponse<byte[]>>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            HttpRequest request = request(server.http("/api/agent"), bearer())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            json("message", "request " + i + " 🚀", "session", "tck-concurrent-" + i),
                            StandardCharsets.UTF_8))
                    .build();
            calls.add(client().sendAsync(request, java.net.http.HttpResponse.BodyHandlers.ofByteArray()));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(15, TimeUnit.SECONDS);
        for (int i = 0; i < n; i++) {
            java.net.http.HttpResponse<byte[]> r = calls.get(i).get();
            Reply reply = new Reply(r.statusCode(), r.headers(), r.body());
            int index = i;
            assertEquals(200, reply.status(), () -> "concurrent request " + index + ": " + reply);
            assertEquals("request " + i + " 🚀", reply.json().getString("reply"), () -> "reply " + index);
            assertEquals("tck-concurrent-" + i, reply.json().getString("session"), () -> "session " + index);
        }
    }

    /**
     * Query parameters reach the gateway percent-decoded.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void queryParametersAreDecoded() throws Exception {
        TckServer server = startGateway();
        String session = "tck:query+1@x.y";
        Reply chat = postJson(server, "/api/chat", json("session", session, "message", MULTIBYTE), bearer());
        assertEquals(200, chat.status(), () -> "POST /api/chat: " + chat);
        assertEquals(MULTIBYTE, chat.json().getString("reply"));

        Reply history = get(server, "/api/chat/history?session=" + URLEncoder.encode(session, StandardCharsets.UTF_8)
                + "&limit=10", bearer());
        assertEquals(200, history.status(), () -> "GET /api/chat/history: " + history);
        JsonObject body = history.json();
        assertEquals(session, body.getString("session"), () -> "the session query parameter was not decoded: " + history);
        boolean userMessageFound = body.getJsonArray("messages").getValuesAs(JsonObject.class).stream()
                .anyMatch(m -> "user".equals(m.getString("role", "")) && MULTIBYTE.equals(m.getString("content", "")));
        assertTrue(userMessageFound, () -> "history does not hold the user's message: " + history);
    }

    // ---- the request and response exactly as the transport translates them

    /**
     * The request the handler sees: method, raw path, raw query and decoded parameters, every value
     * of a repeated header under any spelling, the declared length, the body, a loopback remote
     * address, not secure, and a virtual thread.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void requestIsTranslatedAsSent() throws Exception {
        KitHandler kit = kit().route("/tck/echo/a%20b", request -> {
            JsonObjectBuilder query = Json.createObjectBuilder();
            request.queryParams().forEach((name, values) -> query.add(name, Json.createArrayBuilder(values)));
            JsonArrayBuilder tck = Json.createArrayBuilder(request.headers().all("X-Tck"));
            String body;
            try {
                body = new String(request.body().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            JsonObject described = Json.createObjectBuilder()
                    .add("method", request.method())
                    .add("path", request.path())
                    .add("rawQuery", request.rawQuery())
                    .add("query", query)
                    .add("xTck", tck)
                    .add("contentType", request.headers().first("content-type").orElse(""))
                    .add("contentLength", request.contentLength().orElse(-1))
                    .add("body", body)
                    .add("loopback", request.remoteAddress().getAddress() != null
                            && request.remoteAddress().getAddress().isLoopbackAddress())
                    .add("secure", request.secure())
                    .add("virtual", Thread.currentThread().isVirtual())
                    .build();
            return HttpResponse.of(200, Headers.builder().set("Content-Type", "application/json").build(),
                    described.toString().getBytes(StandardCharsets.UTF_8));
        });
        TckServer server = start(kit);
        byte[] body = MULTIBYTE.getBytes(StandardCharsets.UTF_8);
        RawConnection c = raw(server);
        c.writeHead("POST /tck/echo/a%20b?x=1&y=%C3%A9t%C3%A9&x=2&z=a+b HTTP/1.1\r\n"
                + "Host: " + server.authority() + "\r\n"
                + "x-tck: one\r\n"
                + "X-TCK: two\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n"
                + "\r\n");
        c.write(body);
        RawConnection.Response response = c.readResponse();
        assertEquals(200, response.head().status(), () -> "status: " + response.head() + " " + response.text());
        JsonObject seen = Reply.parseObject(response.text(), "the kit's echo of the request");
        assertEquals("POST", seen.getString("method"), () -> "method: " + seen);
        assertEquals("/tck/echo/a%20b", seen.getString("path"), () -> "path (expected: raw, still encoded): " + seen);
        assertEquals("x=1&y=%C3%A9t%C3%A9&x=2&z=a+b", seen.getString("rawQuery"), () -> "raw query: " + seen);
        JsonObject query = seen.getJsonObject("query");
        assertEquals(List.of("1", "2"), strings(query, "x"), () -> "query parameter x: " + seen);
        assertEquals(List.of("été"), strings(query, "y"), () -> "query parameter y: " + seen);
        assertEquals(List.of("a b"), strings(query, "z"), () -> "query parameter z: " + seen);
        assertEquals(List.of("one", "two"), strings(seen, "xTck"),
                () -> "all values of a header sent as x-tck and X-TCK: " + seen);
        assertEquals("text/plain; charset=utf-8", seen.getString("contentType"), () -> "Content-Type: " + seen);
        assertEquals(body.length, seen.getJsonNumber("contentLength").longValue(), () -> "contentLength(): " + seen);
        assertEquals(MULTIBYTE, seen.getString("body"), () -> "body: " + seen);
        assertEquals(JsonValue.TRUE, seen.get("loopback"), () -> "remoteAddress() must be the loopback client: " + seen);
        assertEquals(JsonValue.FALSE, seen.get("secure"), () -> "secure() over plain HTTP: " + seen);
        assertEquals(JsonValue.TRUE, seen.get("virtual"), () -> "the handler must run on a virtual thread: " + seen);
    }

    /**
     * The response goes out exactly as the handler made it: status, every header value, the bytes.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void responseIsSentAsGiven() throws Exception {
        byte[] payload = ("réponse ✓ " + MULTIBYTE).getBytes(StandardCharsets.UTF_8);
        KitHandler kit = kit().route("/tck/reply", request -> HttpResponse.of(202, Headers.builder()
                .add("X-Tck-Multi", "a")
                .add("X-Tck-Multi", "b")
                .set("Content-Type", "application/x-tck; charset=utf-8")
                .build(), payload));
        TckServer server = start(kit);
        Reply reply = get(server, "/tck/reply");
        assertEquals(202, reply.status(), () -> "status: " + reply);
        assertEquals(List.of("a", "b"), reply.headerValues("X-Tck-Multi"), () -> "X-Tck-Multi values: " + reply);
        assertEquals("application/x-tck;charset=utf-8",
                reply.contentType().replace(" ", "").toLowerCase(Locale.ROOT), () -> "Content-Type: " + reply);
        assertArrayEquals(payload, reply.body(), () -> "body bytes: " + reply);
        assertEquals(String.valueOf(payload.length), reply.header("Content-Length").orElse(""),
                () -> "a byte body is sent with Content-Length: " + reply);
    }

    /**
     * A handler that throws is answered with the fixed 500 envelope, without internal detail.
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void handlerFailureIsInternalErrorEnvelope() throws Exception {
        KitHandler kit = kit().route("/tck/boom", request -> {
            throw new IllegalStateException("tck-secret-detail");
        });
        TckServer server = start(kit);
        Reply reply = get(server, "/tck/boom");
        assertEnvelope(reply, 500, "INTERNAL_ERROR");
        assertFalse(reply.text().contains("tck-secret-detail"), () -> "the 500 body leaks the exception: " + reply);
    }

    /**
     * The body is a stream: the handler runs and reads the first bytes while the rest has not been
     * sent yet (a transport that buffers the whole body first fails this).
     *
     * @throws Exception when the exchange with the server fails
     */
    @Test
    public void requestBodyIsStreamedToTheHandler() throws Exception {
        CountDownLatch firstPartRead = new CountDownLatch(1);
        KitHandler kit = kit().route("/tck/body", request -> {
            try {
                byte[] first = request.body().readNBytes(5);
                firstPartRead.countDown();
                byte[] rest = request.body().readAllBytes();
                return HttpResponse.text(200, "text/plain; charset=utf-8",
                        new String(first, StandardCharsets.UTF_8) + new String(rest, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        TckServer server = start(kit);
        RawConnection c = raw(server);
        c.writeHead("POST /tck/body HTTP/1.1\r\n"
                + "Host: " + server.authority() + "\r\n"
                + "Content-Type: text/plain\r\n"
                + "Content-Length: 10\r\n"
                + "\r\n"
                + "hello");
        boolean streamed = firstPartRead.await(2, TimeUnit.SECONDS);
        c.writeHead("world");
        assertTrue(streamed, "the handler did not get the first 5 body bytes while the other 5 were held back:"
                + " the transport must hand the body over as a stream, not buffer it whole");
        RawConnection.Response response = c.readResponse();
        assertEquals(200, response.head().status(), () -> "status: " + response.head());
        assertEquals("helloworld", response.text());
    }

    private static List<String> strings(JsonObject object, String name) {
        if (!object.containsKey(name)) {
            return List.of();
        }
        return object.getJsonArray(name).getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }
}
