package dev.portico.core.internal;

import static dev.portico.core.internal.GatewayHandlerTest.TOKEN;
import static dev.portico.core.internal.GatewayHandlerTest.assertError;
import static dev.portico.core.internal.GatewayHandlerTest.json;
import static dev.portico.core.internal.GatewayHandlerTest.post;
import static dev.portico.core.internal.GatewayHandlerTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.agent.Agent;
import dev.portico.api.agent.AgentEvent;
import dev.portico.api.auth.Role;
import dev.portico.api.channel.DeliveryResult;
import dev.portico.api.event.GatewayEvent;
import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.ResponseBody;
import dev.portico.api.transport.SseOutput;
import dev.portico.api.transport.SseSink;
import dev.portico.api.transport.TransportOptions;
import dev.portico.api.transport.WebSocketDecision;
import dev.portico.api.transport.WebSocketListener;
import dev.portico.api.transport.WebSocketSession;
import dev.portico.auth.Credential;
import dev.portico.core.EchoAgent;
import dev.portico.core.Gateway;
import dev.portico.core.GatewayBuilder;
import dev.portico.core.RunningGateway;
import dev.portico.core.TestClock;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics}: what the gateway counts, read back as a Prometheus server would scrape it. */
class MetricsTest {
    private static final String VIEWER = "viewer-token-0123456789";
    private static final String CHATTER = "chat-token-0123456789";

    private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final LinkedBlockingQueue<GatewayEvent> events = new LinkedBlockingQueue<>();
    private final List<RunningGateway> running = new ArrayList<>();

    @AfterEach
    void stopAll() {
        running.reversed().forEach(r -> r.stop(Duration.ofSeconds(1)));
    }

    private GatewayHandler handler(UnaryOperator<GatewayBuilder> more) {
        return more.apply(Gateway.builder().token(TOKEN).clock(clock).eventListener(events::add)).build().handler();
    }

    private GatewayHandler started(UnaryOperator<GatewayBuilder> more) {
        Gateway g = more.apply(Gateway.builder().token(TOKEN).clock(clock).eventListener(events::add)).build();
        running.add(g.start(new CronGatewayTest.NoTransport(), TransportOptions.ofDefaults()));
        return g.handler();
    }

    private static HttpRequest.Builder get(String target) {
        return HttpRequest.builder().target(target).header("Authorization", "Bearer " + TOKEN);
    }

    private static Scrape scrape(GatewayHandler handler) {
        HttpResponse r = handler.handle(get("/metrics").build());
        assertEquals(200, r.status(), () -> text(r));
        return Scrape.parse(text(r));
    }

    private GatewayEvent event(String type) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            GatewayEvent e = events.poll(50, TimeUnit.MILLISECONDS);
            if (e != null && e.type().equals(type)) {
                return e;
            }
        }
        throw new AssertionError("no " + type + " event within 10 s");
    }

    @Test
    void requestsAreCountedByRoutePatternMethodAndStatus() {
        GatewayHandler handler = handler(b -> b);
        assertEquals(200, handler.handle(HttpRequest.builder().target("/health").build()).status());
        assertEquals(200, handler.handle(HttpRequest.builder().target("/health").build()).status());
        assertError(handler.handle(HttpRequest.builder().target("/nowhere/at-all").build()), 404, "NOT_FOUND");
        assertError(handler.handle(HttpRequest.builder().method("BREW").target("/coffee").build()), 404, "NOT_FOUND");
        assertError(handler.handle(HttpRequest.builder().method("POST").target("/api/agent")
                .header("Content-Type", "application/json").body("{\"message\":\"hi\"}").build()), 401, "UNAUTHORIZED");
        assertEquals(200, handler.handle(post("/api/agent", "{\"message\":\"hi\",\"session\":\"s-1\"}").build())
                .status());
        assertError(handler.handle(get("/api/sessions/secret-session-name").build()), 404, "SESSION_NOT_FOUND");
        assertEquals(200, handler.handle(get("/api/sessions/s-1").build()).status());

        HttpResponse r = handler.handle(get("/metrics").build());
        assertEquals(200, r.status());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().first("Content-Type").orElseThrow());
        assertEquals("nosniff", r.headers().first("X-Content-Type-Options").orElseThrow());
        String body = text(r);
        assertTrue(body.contains("# TYPE portico_http_requests_total counter\n"), body);
        assertTrue(body.contains("# TYPE portico_http_request_duration_seconds histogram\n"), body);
        Scrape s = Scrape.parse(body);

        String requests = "portico_http_requests_total";
        assertEquals(2, s.value(requests, "route", "/health", "method", "GET", "status", "200"));
        assertEquals(1, s.value(requests, "route", "other", "method", "GET", "status", "404"));
        assertEquals(1, s.value(requests, "route", "other", "method", "other", "status", "404"), "unknown methods");
        assertEquals(1, s.value(requests, "route", "/api/agent", "method", "POST", "status", "401"));
        assertEquals(1, s.value(requests, "route", "/api/agent", "method", "POST", "status", "200"));
        assertEquals(1, s.value(requests, "route", "/api/sessions/:key", "method", "GET", "status", "404"));
        assertEquals(1, s.value(requests, "route", "/api/sessions/:key", "method", "GET", "status", "200"));
        assertEquals(8, s.sum(requests), "every request once; the scrape itself is counted once it is answered");
        assertFalse(body.contains("secret-session-name"), "the path asked for is never a label");
        assertFalse(body.contains("/nowhere"), "nor is an unknown path");

        String latency = "portico_http_request_duration_seconds";
        assertEquals(2, s.value(latency + "_count", "route", "/health", "method", "GET", "status", "200"));
        assertEquals(2, s.value(latency + "_bucket", "route", "/health", "method", "GET", "status", "200",
                "le", "+Inf"));
        assertEquals(13, s.series(latency + "_bucket").stream()
                .filter(l -> l.get("route").equals("/health")).count(), "12 bounded buckets and +Inf");
        assertTrue(s.value(latency + "_sum", "route", "/health", "method", "GET", "status", "200") >= 0);

        assertEquals(1, s.value("portico_agent_runs_started_total"));
        assertEquals(1, s.value("portico_agent_runs_finished_total", "outcome", "completed"));
        assertEquals(0, s.value("portico_agent_runs_finished_total", "outcome", "failed"));
        assertEquals(1, s.value("portico_agent_run_duration_seconds_count", "outcome", "completed"));
        assertEquals(0, s.value("portico_sse_streams_active"));
        assertEquals(0, s.value("portico_websocket_connections_active"));
        assertEquals(0, s.value("portico_outbox_pending"));
        assertEquals(0, s.value("portico_auth_lockouts_total"));
        assertTrue(s.value("jvm_threads_live_threads") > 0, "the JVM's basics are there too");

        Scrape again = scrape(handler);
        assertEquals(1, again.value(requests, "route", "/metrics", "method", "GET", "status", "200"));
    }

    @Test
    void metricsNeedACredentialWithOperatorRead() {
        GatewayHandler handler = handler(b -> b.credentials(List.of(Credential.token("viewer", VIEWER, Role.VIEWER),
                Credential.token("chat", CHATTER, Role.CHAT))));
        HttpResponse anonymous = handler.handle(HttpRequest.builder().target("/metrics").build());
        assertError(anonymous, 401, "UNAUTHORIZED");
        HttpResponse chat = handler.handle(HttpRequest.builder().target("/metrics")
                .header("Authorization", "Bearer " + CHATTER).build());
        assertError(chat, 403, "FORBIDDEN");
        assertEquals("missing scope: operator.read", json(chat).getJsonObject("error").getString("message"));
        HttpResponse viewer = handler.handle(HttpRequest.builder().target("/metrics")
                .header("Authorization", "Bearer " + VIEWER).build());
        assertEquals(200, viewer.status());
        Scrape s = Scrape.parse(text(viewer));
        assertEquals(1, s.value("portico_http_requests_total", "route", "/metrics", "method", "GET", "status", "401"));
        assertEquals(1, s.value("portico_http_requests_total", "route", "/metrics", "method", "GET", "status", "403"));
    }

    @Test
    void runsAreCountedByHowTheyEnded() throws Exception {
        LinkedBlockingQueue<String> hanging = new LinkedBlockingQueue<>();
        Agent agent = (request, sink) -> {
            switch (request.message()) {
                case "fail" -> sink.emit(new AgentEvent.Failed("the model is down"));
                case "hang" -> {
                    hanging.add(request.runId());
                    new CountDownLatch(1).await();
                }
                default -> new EchoAgent().run(request, sink);
            }
        };
        GatewayHandler handler = handler(b -> b.agent(agent));
        assertError(handler.handle(post("/api/agent", "{\"message\":\"fail\"}").build()), 502, "AGENT_ERROR");

        HttpResponse stream = handler.handle(post("/api/agent", "{\"message\":\"hang\",\"session\":\"a\"}")
                .header("Accept", "text/event-stream").build());
        assertEquals(200, stream.status());
        String runId = hanging.poll(10, TimeUnit.SECONDS);
        assertEquals(200, handler.handle(post("/api/agent/abort", "{\"run_id\":\"" + runId + "\"}").build()).status());
        event("agent.run.failed");
        event("agent.run.failed");

        GatewayHandler quick = handler(b -> b.agent(agent).runTimeout(Duration.ofMillis(200)));
        assertError(quick.handle(post("/api/agent", "{\"message\":\"hang\"}").build()), 502, "AGENT_ERROR");
        event("agent.run.failed");

        Scrape s = scrape(handler);
        assertEquals(2, s.value("portico_agent_runs_started_total"));
        assertEquals(1, s.value("portico_agent_runs_finished_total", "outcome", "failed"));
        assertEquals(1, s.value("portico_agent_runs_finished_total", "outcome", "cancelled"));
        assertEquals(0, s.value("portico_agent_runs_finished_total", "outcome", "completed"));
        assertEquals(0, s.value("portico_agent_runs_finished_total", "outcome", "timed_out"));
        assertEquals(1, s.value("portico_agent_run_duration_seconds_count", "outcome", "cancelled"));

        Scrape other = scrape(quick);
        assertEquals(1, other.value("portico_agent_runs_started_total"));
        assertEquals(1, other.value("portico_agent_runs_finished_total", "outcome", "timed_out"));
        assertEquals(0, other.value("portico_agent_runs_finished_total", "outcome", "cancelled"));
        assertTrue(other.value("portico_agent_run_duration_seconds_sum", "outcome", "timed_out") >= 0.2,
                "the run lasted until its timeout");
    }

    @Test
    void openStreamsAndWebSocketsAreGauged() throws Exception {
        GatewayHandler handler = handler(b -> b);
        HttpResponse events = handler.handle(get("/api/events").build());
        assertEquals(200, events.status());
        CountDownLatch connected = new CountDownLatch(1);
        SseSink sink = SseSink.over(new SseOutput() {
            @Override
            public void writeAndFlush(byte[] bytes) {
                connected.countDown();
            }

            @Override
            public void close() {}
        });
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                assertInstanceOf(ResponseBody.Stream.class, events.body()).producer().produce(sink);
            } catch (Exception e) {
                // Interrupted: the client went away.
            }
        });
        assertTrue(connected.await(10, TimeUnit.SECONDS));

        WebSocketDecision d = handler.upgrade(get("/api/chat/live").header("Upgrade", "websocket").build());
        WebSocketListener socket = assertInstanceOf(WebSocketDecision.Accept.class, d).listener();
        WebSocketSession session = new WebSocketSession() {
            @Override
            public boolean sendText(String text) {
                return true;
            }

            @Override
            public void close(int code, String reason) {}

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public HttpRequest request() {
                return HttpRequest.builder().target("/api/chat/live").build();
            }
        };
        socket.onOpen(session);
        Scrape open = scrape(handler);
        assertEquals(1, open.value("portico_sse_streams_active"));
        assertEquals(1, open.value("portico_websocket_connections_active"));
        assertEquals(1, open.value("portico_http_requests_total", "route", "/api/chat/live", "method", "GET",
                "status", "101"));
        assertEquals(1, open.value("portico_http_requests_total", "route", "/api/events", "method", "GET",
                "status", "200"));

        socket.onClose(session, 1000, "");
        reader.interrupt();
        reader.join(10_000);
        Scrape closed = scrape(handler);
        assertEquals(0, closed.value("portico_sse_streams_active"));
        assertEquals(0, closed.value("portico_websocket_connections_active"));
    }

    @Test
    void lockoutsAreCountedAndTheirRefusalsAre429() {
        GatewayHandler handler = handler(b -> b.failedAuthLimit(3, Duration.ofMinutes(1), Duration.ofMinutes(5)));
        InetSocketAddress far = new InetSocketAddress("203.0.113.9", 40000);
        for (int i = 0; i < 3; i++) {
            assertError(handler.handle(HttpRequest.builder().target("/api/sessions").remoteAddress(far)
                    .header("Authorization", "Bearer wrong-token-0123456789").build()), 401, "UNAUTHORIZED");
        }
        assertError(handler.handle(get("/api/sessions").remoteAddress(far).build()), 429, "RATE_LIMITED");
        Scrape s = scrape(handler);
        assertEquals(1, s.value("portico_auth_lockouts_total"));
        String requests = "portico_http_requests_total";
        assertEquals(3, s.value(requests, "route", "/api/sessions", "method", "GET", "status", "401"));
        assertEquals(1, s.value(requests, "route", "/api/sessions", "method", "GET", "status", "429"));
    }

    @Test
    void outboxTriesAreCountedByChannelAndResult() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ScriptedChannel channel = new ScriptedChannel("chat", 100, false)
                .then(DeliveryResult.retryAfter(Duration.ofSeconds(2), "503 from the platform")).holdSends(release);
        GatewayHandler handler = started(b -> b.channel(channel));
        assertEquals(200, handler.handle(post("/api/message",
                "{\"channel\":\"chat\",\"chat_id\":\"42\",\"content\":\"hello\"}").build()).status());
        channel.awaitSending();
        Scrape sending = scrape(handler);
        assertEquals(1, sending.value("portico_outbox_pending"));
        assertEquals(0, sending.value("portico_outbox_sends_total", "channel", "chat", "result", "delivered"),
                "a configured channel's series are there before its first try ends");
        release.countDown();
        assertEquals("retry", event("message.delivery").data().get("status"));
        clock.advance(Duration.ofSeconds(3));
        assertEquals("delivered", event("message.delivery").data().get("status"));

        Scrape s = scrape(handler);
        assertEquals(0, s.value("portico_outbox_pending"));
        assertEquals(1, s.value("portico_outbox_sends_total", "channel", "chat", "result", "retry"));
        assertEquals(1, s.value("portico_outbox_sends_total", "channel", "chat", "result", "delivered"));
        assertEquals(0, s.value("portico_outbox_sends_total", "channel", "chat", "result", "failed"));
        assertEquals(1, s.value("portico_outbox_retries_total", "channel", "chat"));
    }

    @Test
    void cronRunsAreCountedByStatus() throws Exception {
        GatewayHandler handler = started(b -> b);
        assertEquals(201, handler.handle(post("/api/cron/create", "{\"id\":\"note\",\"name\":\"note\",\"every\":\"1h\","
                + "\"payload\":{\"kind\":\"systemEvent\",\"text\":\"Check the backups\"}}").build()).status());
        assertEquals(200, handler.handle(post("/api/cron/trigger", "{\"job_id\":\"note\"}").build()).status());
        assertEquals("ok", event("cron.run.finished").data().get("status"));
        Scrape s = scrape(handler);
        assertEquals(1, s.value("portico_cron_runs_total", "status", "ok"));
        assertEquals(0, s.value("portico_cron_runs_total", "status", "error"));
        assertEquals(0, s.value("portico_cron_runs_total", "status", "skipped"));
    }

    /** The samples of a scrape in the Prometheus text format, by name and labels. */
    record Scrape(Map<String, List<Sample>> byName) {
        private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
        private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

        record Sample(Map<String, String> labels, double value) {}

        static Scrape parse(String text) {
            Map<String, List<Sample>> byName = new HashMap<>();
            for (String line : text.split("\n")) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                Matcher m = LINE.matcher(line);
                assertTrue(m.matches(), "not a sample line: " + line);
                Map<String, String> labels = new TreeMap<>();
                if (m.group(2) != null) {
                    Matcher l = LABEL.matcher(m.group(2));
                    int end = 0;
                    while (l.find() && l.start() == end) {
                        labels.put(l.group(1), l.group(2));
                        end = l.end();
                    }
                    assertEquals(m.group(2).length(), end, "labels of " + line);
                }
                byName.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(new Sample(labels, number(m.group(3))));
            }
            return new Scrape(byName);
        }

        private static double number(String value) {
            return switch (value) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(value);
            };
        }

        /** The value of the one sample with exactly these labels (name, value, name, value…). */
        double value(String name, String... labels) {
            Map<String, String> want = new TreeMap<>();
            for (int i = 0; i < labels.length; i += 2) {
                want.put(labels[i], labels[i + 1]);
            }
            List<Sample> found = byName.getOrDefault(name, List.of()).stream().filter(s -> s.labels().equals(want))
                    .toList();
            assertEquals(1, found.size(), () -> name + want + " in " + byName.getOrDefault(name, List.of()));
            return found.getFirst().value();
        }

        /** The label sets of every sample of a name. */
        List<Map<String, String>> series(String name) {
            return byName.getOrDefault(name, List.of()).stream().map(Sample::labels).toList();
        }

        /** The sum of every sample of a name. */
        double sum(String name) {
            return byName.getOrDefault(name, List.of()).stream().mapToDouble(Sample::value).sum();
        }
    }
}
