package dev.portico.core;

import static dev.portico.core.FakeUpstream.DONE;
import static dev.portico.core.FakeUpstream.await;
import static dev.portico.core.FakeUpstream.delta;
import static dev.portico.core.FakeUpstream.deltas;
import static dev.portico.core.FakeUpstream.finish;
import static dev.portico.core.FakeUpstream.hang;
import static dev.portico.core.FakeUpstream.hold;
import static dev.portico.core.FakeUpstream.holdProbing;
import static dev.portico.core.FakeUpstream.status;
import static dev.portico.core.FakeUpstream.stream;
import static dev.portico.core.FakeUpstream.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.agent.AgentEvent;
import dev.portico.api.agent.AgentEventSink;
import dev.portico.api.agent.AgentRequest;
import dev.portico.api.session.Message;
import dev.portico.api.session.SessionKey;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The OpenAI-compatible agent against scripted upstreams on real sockets. */
class OpenAiCompatibleAgentTest {
    static final String KEY_A = "sk-test-PRIMARYKEY-0123456789";
    static final String KEY_B = "sk-test-FALLBACKKEY-9876543210";
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    final TestClock clock = new TestClock(T0);
    final List<FakeUpstream> upstreams = new ArrayList<>();

    FakeUpstream upstream() throws IOException {
        FakeUpstream u = FakeUpstream.start();
        upstreams.add(u);
        return u;
    }

    @AfterEach
    void closeUpstreams() {
        upstreams.forEach(FakeUpstream::close);
    }

    /** Primary {@code a/m1} on {@code a}, fallback {@code b/m2} on {@code b}, each with a key. */
    OpenAiCompatibleAgent.Builder twoModels(FakeUpstream a, FakeUpstream b) {
        return OpenAiCompatibleAgent.builder()
                .provider("a", a.baseUrl(), KEY_A)
                .provider("b", b.baseUrl(), KEY_B)
                .primary("a/m1")
                .fallback("b/m2")
                .clock(clock);
    }

    static AgentRequest request(String message, Message... history) {
        return new AgentRequest("run-1", SessionKey.MAIN, message, List.of(history));
    }

    /** Collects a run's events; runs the agent on its own thread so a test can watch it stream. */
    static final class Turn implements AgentEventSink {
        final BlockingQueue<AgentEvent> events = new LinkedBlockingQueue<>();
        final List<AgentEvent> seen = new ArrayList<>();
        volatile boolean cancelled;
        volatile Throwable thrown;
        Thread thread;

        static Turn start(OpenAiCompatibleAgent agent, AgentRequest request) {
            Turn t = new Turn();
            t.thread = Thread.ofVirtual().start(() -> {
                try {
                    agent.run(request, t);
                } catch (Throwable e) {
                    t.thrown = e;
                }
            });
            return t;
        }

        @Override
        public void emit(AgentEvent event) {
            events.add(event);
        }

        @Override
        public boolean cancelled() {
            return cancelled;
        }

        AgentEvent next() throws InterruptedException {
            AgentEvent e = events.poll(10, TimeUnit.SECONDS);
            assertNotNull(e, "no event within 10 s");
            seen.add(e);
            return e;
        }

        /** Waits for the run to end (10 s at most) and returns its final event. */
        AgentEvent end() throws InterruptedException {
            assertTrue(thread.join(Duration.ofSeconds(10)), "the run did not end within 10 s");
            assertNull(thrown, () -> "the agent threw " + thrown);
            events.drainTo(seen);
            assertFalse(seen.isEmpty(), "the run reported nothing");
            AgentEvent last = seen.get(seen.size() - 1);
            for (AgentEvent e : seen.subList(0, seen.size() - 1)) {
                assertInstanceOf(AgentEvent.TextDelta.class, e, "only deltas come before the final event");
            }
            return last;
        }

        List<String> deltas() {
            return seen.stream().filter(e -> e instanceof AgentEvent.TextDelta)
                    .map(e -> ((AgentEvent.TextDelta) e).text()).toList();
        }
    }

    static AgentEvent.Completed completed(AgentEvent e) {
        return assertInstanceOf(AgentEvent.Completed.class, e, () -> "expected a completion, got " + e);
    }

    static String failed(AgentEvent e) {
        return assertInstanceOf(AgentEvent.Failed.class, e, () -> "expected a failure, got " + e).message();
    }

    // Request shape and streaming.

    @Test
    void sendsTheSystemPromptTheHistoryWindowAndTheUserMessageWithTheSettings() throws Exception {
        FakeUpstream up = upstream().enqueue(deltas("Hel", "lo"));
        OpenAiCompatibleAgent agent = OpenAiCompatibleAgent.builder()
                .provider("openai", up.baseUrl(), KEY_A)
                .primary("openai/gpt-4o")
                .systemPrompt("Be brief.")
                .historyWindow(2)
                .temperature(0.25)
                .maxTokens(64)
                .build();
        Turn turn = Turn.start(agent, request("and now?",
                Message.user("first", T0), Message.assistant("one", T0), Message.user("second", T0)));

        AgentEvent.Completed done = completed(turn.end());
        assertEquals("Hello", done.reply());
        assertEquals(Optional.of("openai/gpt-4o"), done.model());
        assertEquals(List.of("Hel", "lo"), turn.deltas());

        FakeUpstream.Recorded r = up.takeRequest();
        assertEquals("POST", r.method());
        assertEquals("/v1/chat/completions", r.path());
        assertEquals("Bearer " + KEY_A, r.header("Authorization").orElseThrow());
        assertTrue(r.header("Content-Type").orElseThrow().startsWith("application/json"));
        assertEquals("text/event-stream", r.header("Accept").orElseThrow());
        JsonObject body = r.json();
        assertEquals("gpt-4o", body.getString("model"));
        assertTrue(body.getBoolean("stream"));
        assertEquals(0.25, body.getJsonNumber("temperature").doubleValue());
        assertEquals(64, body.getInt("max_tokens"));
        JsonArray messages = body.getJsonArray("messages");
        assertEquals(List.of("system:Be brief.", "assistant:one", "user:second", "user:and now?"),
                messages.getValuesAs(JsonObject.class).stream()
                        .map(m -> m.getString("role") + ":" + m.getString("content")).toList());
    }

    @Test
    void aProviderWithoutKeyGetsNoAuthorizationAndUnsetSettingsAreLeftOut() throws Exception {
        FakeUpstream up = upstream().enqueue(deltas("ok"));
        OpenAiCompatibleAgent agent = OpenAiCompatibleAgent.builder()
                .provider("local", URI.create(up.baseUrl() + "/"))
                .primary("local/org/model-7b")
                .build();
        List<Message> history = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            history.add(Message.user("m" + i, T0));
        }
        Turn turn = Turn.start(agent, new AgentRequest("r", SessionKey.MAIN, "last", history));
        assertEquals(Optional.of("local/org/model-7b"), completed(turn.end()).model());

        FakeUpstream.Recorded r = up.takeRequest();
        assertEquals("/v1/chat/completions", r.path(), "a trailing slash on the base URL is not doubled");
        assertTrue(r.header("Authorization").isEmpty());
        JsonObject body = r.json();
        assertEquals("org/model-7b", body.getString("model"), "the model part may contain a slash");
        assertFalse(body.containsKey("temperature"));
        assertFalse(body.containsKey("max_tokens"));
        List<JsonObject> messages = body.getJsonArray("messages").getValuesAs(JsonObject.class);
        assertEquals(21, messages.size(), "the default window of 20 plus the new message");
        assertEquals("m5", messages.get(0).getString("content"));
        assertEquals("last", messages.get(20).getString("content"));
    }

    @Test
    void eachDeltaIsReportedWhileTheUpstreamIsStillStreaming() throws Exception {
        CountDownLatch sawFirst = new CountDownLatch(1);
        FakeUpstream up = upstream().enqueue(stream(
                write(": OPENROUTER PROCESSING\n\n"),
                write("event: message\n" + delta("first").replace("\n\n", "\r\n\r\n")),
                await(sawFirst),
                write(delta(" second")),
                write(finish()),
                write(DONE)));
        OpenAiCompatibleAgent agent = OpenAiCompatibleAgent.builder().provider("a", up.baseUrl()).primary("a/m").build();
        Turn turn = Turn.start(agent, request("hi"));

        assertEquals(new AgentEvent.TextDelta("first"), turn.next());
        assertTrue(turn.thread.isAlive(), "the run goes on while the upstream holds its stream");
        assertTrue(turn.events.isEmpty(), "nothing else arrived yet");
        sawFirst.countDown();
        assertEquals(new AgentEvent.TextDelta(" second"), turn.next());
        assertEquals("first second", completed(turn.end()).reply());
    }

    @Test
    void aReplyThatIsNotStreamedIsTakenWhole() throws Exception {
        FakeUpstream up = upstream().enqueue(status(200,
                "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"all at once\"},"
                        + "\"finish_reason\":\"stop\"}]}"));
        OpenAiCompatibleAgent agent = OpenAiCompatibleAgent.builder().provider("a", up.baseUrl()).primary("a/m").build();
        Turn turn = Turn.start(agent, request("hi"));
        assertEquals("all at once", completed(turn.end()).reply());
        assertEquals(List.of("all at once"), turn.deltas());
    }

    @Test
    void aBusyCommonPoolDoesNotStallTheTurn() throws Exception {
        // The JDK client's sendAsync completes through the common pool; the agent must not need it.
        FakeUpstream up = upstream().enqueue(deltas("still", " here"));
        OpenAiCompatibleAgent agent = OpenAiCompatibleAgent.builder().provider("a", up.baseUrl()).primary("a/m")
                .timeout(Duration.ofSeconds(5)).build();
        CountDownLatch release = new CountDownLatch(1);
        int workers = ForkJoinPool.getCommonPoolParallelism();
        CountDownLatch busy = new CountDownLatch(workers);
        for (int i = 0; i < workers; i++) {
            CompletableFuture.runAsync(() -> {
                busy.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        try {
            assertTrue(busy.await(5, TimeUnit.SECONDS), "the common pool did not fill up");
            assertEquals("still here", completed(Turn.start(agent, request("x")).end()).reply());
        } finally {
            release.countDown();
        }
    }

    @Test
    void anErrorAnsweredWithStatus200FailsOverWithItsReason() throws Exception {
        FakeUpstream a = upstream().enqueue(status(200, "{\"error\":{\"message\":\"no capacity\"}}"));
        FakeUpstream b = upstream().enqueue(status(200, "{\"object\":\"chat.completion\"}"));
        String message = failed(Turn.start(twoModels(a, b).build(), request("x")).end());
        assertEquals("upstream failed: a/m1: error in reply (no capacity); b/m2: malformed reply (no choices[0].message)",
                message);
    }

    // Failover.

    @ParameterizedTest
    @CsvSource({"429, seconds", "429, date", "503, seconds", "503, date"})
    void aModelAskingToRetryLaterIsSkippedUntilThen(int status, String form) throws Exception {
        FakeUpstream a = upstream();
        FakeUpstream b = upstream();
        String retryAfter = form.equals("seconds") ? "30"
                : DateTimeFormatter.RFC_1123_DATE_TIME.format(T0.plusSeconds(30).atOffset(ZoneOffset.UTC));
        a.enqueue(status(status, "{\"error\":{\"message\":\"slow down\"}}", "Retry-After", retryAfter));
        b.enqueue(deltas("from b"));
        OpenAiCompatibleAgent agent = twoModels(a, b).build();

        Turn first = Turn.start(agent, request("one"));
        AgentEvent.Completed done = completed(first.end());
        assertEquals("from b", done.reply());
        assertEquals(Optional.of("b/m2"), done.model());
        assertEquals(1, a.requestCount());

        clock.advance(Duration.ofSeconds(29));
        b.enqueue(deltas("b again"));
        assertEquals(Optional.of("b/m2"), completed(Turn.start(agent, request("two")).end()).model());
        assertEquals(1, a.requestCount(), "the cooling primary is not asked");

        clock.advance(Duration.ofSeconds(1));
        a.enqueue(deltas("a is back"));
        AgentEvent.Completed back = completed(Turn.start(agent, request("three")).end());
        assertEquals(Optional.of("a/m1"), back.model());
        assertEquals(2, a.requestCount());
        assertEquals(2, b.requestCount());
    }

    @Test
    void aSingleModelCoolingDownFailsAtOnceSayingUntilWhen() throws Exception {
        FakeUpstream a = upstream().enqueue(status(429, "", "Retry-After", "60"));
        OpenAiCompatibleAgent agent = OpenAiCompatibleAgent.builder().provider("a", a.baseUrl()).primary("a/m")
                .clock(clock).build();
        assertEquals("upstream failed: a/m: 429 rate limited", failed(Turn.start(agent, request("x")).end()));
        assertEquals("upstream failed: a/m: skipped, cooling down after 429 until 2026-01-01T00:01:00Z",
                failed(Turn.start(agent, request("y")).end()));
        assertEquals(1, a.requestCount());
    }

    @Test
    void whenEveryModelFailsEachIsNamedWithItsReasonAndNoKeyOrBody() throws Exception {
        FakeUpstream a = upstream();
        FakeUpstream b = upstream();
        FakeUpstream c = upstream();
        a.enqueue(status(500, "{\"error\":{\"message\":\"upstream broke using key " + KEY_A
                + "\\nsee logs\",\"type\":\"server_error\"},\"trace\":\"at com.example.Internal.secret(Internal.java:42)\"}"));
        b.enqueue(status(503, "<html>Service Unavailable, internal host 10.1.2.3</html>"));
        c.enqueue(status(502, "{\"error\":{\"message\":\"" + "word ".repeat(300) + "\"}}"));
        OpenAiCompatibleAgent agent = twoModels(a, b).provider("c", c.baseUrl()).fallback("c/m3").build();

        String message = failed(Turn.start(agent, request("x")).end());
        assertTrue(message.startsWith("upstream failed: a/m1: 500 server error (upstream broke using key [redacted] see logs); "
                + "b/m2: 503 unavailable; c/m3: 502 bad gateway (word word"), message);
        assertFalse(message.contains(KEY_A) || message.contains(KEY_B), message);
        assertFalse(message.contains("Internal.java") || message.contains("10.1.2.3") || message.contains("server_error"), message);
        String third = message.substring(message.indexOf("c/m3: "));
        assertTrue(third.length() < 240, () -> "the provider's message is capped: " + third.length());
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 404, 422})
    void aClientErrorFailsAtOnceWithoutTryingTheFallback(int status) throws Exception {
        FakeUpstream a = upstream().enqueue(status(status, "{\"error\":{\"message\":\"Invalid 'max_tokens'\"}}"));
        FakeUpstream b = upstream();
        OpenAiCompatibleAgent agent = twoModels(a, b).build();
        String message = failed(Turn.start(agent, request("x")).end());
        assertTrue(message.startsWith("upstream failed: a/m1: " + status + " "), message);
        assertTrue(message.endsWith("(Invalid 'max_tokens')"), message);
        assertEquals(0, b.requestCount());
    }

    @Test
    void anUpstreamThatNeverAnswersTimesOutAndTheFallbackAnswers() throws Exception {
        FakeUpstream a = upstream().enqueue(hang());
        FakeUpstream b = upstream().enqueue(deltas("patient"));
        OpenAiCompatibleAgent agent = twoModels(a, b).timeout(Duration.ofMillis(300)).build();
        long start = System.nanoTime();
        Turn turn = Turn.start(agent, request("x"));
        AgentEvent.Completed done = completed(turn.end());
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(Optional.of("b/m2"), done.model());
        assertTrue(tookMillis >= 250 && tookMillis < 3000, "failed over after the 300 ms timeout, took " + tookMillis + " ms");
    }

    @Test
    void anUpstreamThatStallsBeforeAnyTextFailsCleanlyWithinTheTimeout() throws Exception {
        FakeUpstream a = upstream().enqueue(stream(write(": keep-alive\n\n"), hold()));
        OpenAiCompatibleAgent agent = OpenAiCompatibleAgent.builder().provider("a", a.baseUrl()).primary("a/m")
                .timeout(Duration.ofSeconds(5)).idleTimeout(Duration.ofMillis(300)).build();
        long start = System.nanoTime();
        String message = failed(Turn.start(agent, request("x")).end());
        assertEquals("upstream failed: a/m: timeout (nothing received for 300 ms)", message);
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3));
    }

    @Test
    void aStallAfterPartialTextFailsTheTurnInsteadOfMixingModels() throws Exception {
        FakeUpstream a = upstream().enqueue(stream(write(delta("half a ")), hold()));
        FakeUpstream b = upstream().enqueue(deltas("whole other answer"));
        OpenAiCompatibleAgent agent = twoModels(a, b).idleTimeout(Duration.ofMillis(300)).build();
        Turn turn = Turn.start(agent, request("x"));
        String message = failed(turn.end());
        assertEquals("upstream failed: a/m1: timeout (nothing received for 300 ms) after a partial reply", message);
        assertEquals(List.of("half a "), turn.deltas());
        assertEquals(0, b.requestCount());
    }

    @Test
    void aClosedPortFailsOverToTheNextModel() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        FakeUpstream b = upstream().enqueue(deltas("reachable"));
        OpenAiCompatibleAgent agent = OpenAiCompatibleAgent.builder()
                .provider("gone", URI.create("http://127.0.0.1:" + closed + "/v1"), KEY_A)
                .provider("b", b.baseUrl())
                .primary("gone/m1").fallback("b/m2")
                .build();
        assertEquals(Optional.of("b/m2"), completed(Turn.start(agent, request("x")).end()).model());

        OpenAiCompatibleAgent alone = OpenAiCompatibleAgent.builder()
                .provider("gone", URI.create("http://127.0.0.1:" + closed + "/v1"), KEY_A).primary("gone/m1").build();
        String message = failed(Turn.start(alone, request("x")).end());
        assertEquals("upstream failed: gone/m1: connection failed (connection refused)", message);
    }

    @Test
    void aTurnNamingAModelTriesItFirstAndAnUnknownModelFailsSayingWhichExist() throws Exception {
        FakeUpstream a = upstream();
        FakeUpstream b = upstream().enqueue(deltas("from the fallback"));
        OpenAiCompatibleAgent agent = twoModels(a, b).build();
        AgentRequest forB = new AgentRequest("r", SessionKey.MAIN, "x", List.of(), Optional.of("b/m2"));
        assertEquals(Optional.of("b/m2"), completed(Turn.start(agent, forB).end()).model());
        b.enqueue(deltas("by model name"));
        AgentRequest byName = new AgentRequest("r", SessionKey.MAIN, "x", List.of(), Optional.of("m2"));
        assertEquals(Optional.of("b/m2"), completed(Turn.start(agent, byName).end()).model());
        AgentRequest unknown = new AgentRequest("r", SessionKey.MAIN, "x", List.of(), Optional.of("c/m9"));
        assertEquals("model: \"c/m9\" is not configured (expected one of: a/m1, b/m2)",
                failed(Turn.start(agent, unknown).end()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "data: {not json\\n\\n | malformed stream (an event that is not a JSON object)",
        "data: {\"id\":\"x\",\"object\":\"chat.completion.chunk\"}\\n\\n | malformed stream (a chunk without choices)",
        "data: {\"choices\":[7]}\\n\\n | malformed stream (a choice that is not an object)",
        "'' | stream ended without a reply",
        ": only a comment\\n\\nevent: ping\\n\\n | stream ended without a reply",
        "data: {\"error\":{\"message\":\"overloaded\"}}\\n\\n | error in stream (overloaded)",
        "data: {\"choices\":[{\"delta\":{\"content\":\"cut\"}}]}\\n\\n | stream ended before [DONE] after a partial reply",
    })
    void aMalformedStreamFailsCleanly(String body, String reason) throws Exception {
        FakeUpstream a = upstream().enqueue(stream(write(body.replace("\\n", "\n"))));
        OpenAiCompatibleAgent agent = OpenAiCompatibleAgent.builder().provider("a", a.baseUrl()).primary("a/m")
                .timeout(Duration.ofSeconds(5)).build();
        assertEquals("upstream failed: a/m: " + reason, failed(Turn.start(agent, request("x")).end()));
    }

    @Test
    void aMalformedStreamBeforeAnyTextFailsOver() throws Exception {
        FakeUpstream a = upstream().enqueue(stream(write("data: <html>oops</html>\n\n")));
        FakeUpstream b = upstream().enqueue(deltas("fine"));
        AgentEvent.Completed done = completed(Turn.start(twoModels(a, b).build(), request("x")).end());
        assertEquals(Optional.of("b/m2"), done.model());
        assertEquals("fine", done.reply());
    }

    // Cancellation.

    @ParameterizedTest
    @ValueSource(strings = {"cancelled", "interrupted"})
    void aCancelledTurnStopsPromptlyAndAbortsTheUpstream(String how) throws Exception {
        FakeUpstream a = upstream().enqueue(stream(write(delta("one")), holdProbing()));
        OpenAiCompatibleAgent agent = OpenAiCompatibleAgent.builder().provider("a", a.baseUrl()).primary("a/m").build();
        Turn turn = Turn.start(agent, request("x"));
        assertEquals(new AgentEvent.TextDelta("one"), turn.next());

        long start = System.nanoTime();
        if (how.equals("cancelled")) {
            turn.cancelled = true;
        } else {
            turn.thread.interrupt();
        }
        assertTrue(turn.thread.join(Duration.ofSeconds(2)), "the turn did not stop within 2 s");
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(tookMillis < 1000, "stopped after " + tookMillis + " ms");
        assertTrue(a.clientGone.await(5, TimeUnit.SECONDS), "the upstream exchange was aborted");
        if (how.equals("cancelled")) {
            assertNull(turn.thrown);
            turn.events.drainTo(turn.seen);
            assertEquals(new AgentEvent.Failed("run cancelled"), turn.seen.get(turn.seen.size() - 1));
        } else {
            assertInstanceOf(InterruptedException.class, turn.thrown);
        }
    }

    // Building and listing.

    @Test
    void listsProvidersAndModelsWithoutKeys() throws Exception {
        FakeUpstream a = upstream();
        FakeUpstream b = upstream();
        OpenAiCompatibleAgent agent = OpenAiCompatibleAgent.builder()
                .provider("a", a.baseUrl(), KEY_A)
                .provider("b", b.baseUrl())
                .primary("a/m1").fallback("b/m2").fallback("a/m3")
                .build();
        assertEquals(List.of(new ProviderInfo("a", a.baseUrl(), true), new ProviderInfo("b", b.baseUrl(), false)),
                agent.providers());
        assertEquals(List.of(
                new ModelInfo("a/m1", "a", "m1", ModelInfo.Role.PRIMARY),
                new ModelInfo("b/m2", "b", "m2", ModelInfo.Role.FALLBACK),
                new ModelInfo("a/m3", "a", "m3", ModelInfo.Role.FALLBACK)), agent.models());
        assertEquals("fallback", agent.models().get(1).role().wireName());
        String everything = agent + " " + agent.providers() + " " + agent.models();
        assertFalse(everything.contains(KEY_A), everything);
        assertEquals("openai-compatible", agent.name());
    }

    @Test
    void buildNamesEveryBadSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OpenAiCompatibleAgent.builder()
                .provider("ok", URI.create("http://127.0.0.1:1/v1"))
                .provider("ftp", URI.create("ftp://example.com/v1"))
                .provider("bad/name", URI.create("http://127.0.0.1:1/v1"))
                .provider("spaced", URI.create("http://127.0.0.1:1/v1"), "sk-with space")
                .primary("gpt-4o")
                .fallback("nope/m")
                .fallback("ok/m").fallback("ok/m")
                .temperature(3.5).maxTokens(0).historyWindow(-1).timeout(Duration.ZERO)
                .build());
        String m = e.getMessage();
        for (String expected : List.of(
                "baseUrl of provider ftp: \"ftp://example.com/v1\" (expected: an absolute http or https URL",
                "provider name: \"bad/name\" (expected: a non-empty name without \"/\")",
                "apiKey of provider spaced: blank or containing spaces or control characters",
                "primary: \"gpt-4o\" (expected: \"<provider>/<model>\"",
                "fallback: unknown provider \"nope\" in \"nope/m\" (expected one of: ok, spaced)",
                "fallback: \"ok/m\" listed twice",
                "temperature: 3.5 (expected: 0..2)",
                "maxTokens: 0 (expected: > 0)",
                "historyWindow: -1 (expected: >= 0)",
                "timeout: PT0S (expected: > 0)")) {
            assertTrue(m.contains(expected), () -> "missing <" + expected + "> in:\n" + m);
        }
        assertFalse(m.contains("sk-with space"), "the key itself is never in a message");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OpenAiCompatibleAgent.builder().build())
                .getMessage().contains("primary: required"));
    }
}
