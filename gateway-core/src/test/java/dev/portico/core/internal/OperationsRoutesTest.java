package dev.portico.core.internal;

import static dev.portico.core.internal.GatewayHandlerTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.auth.Role;
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
import dev.portico.core.Gateway;
import dev.portico.core.GatewayBuilder;
import dev.portico.core.RunningGateway;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/status} and {@code /api/version}; streams whose credential is revoked are closed at
 * once; subscriptions end when the gateway stops; cron settings change live.
 */
class OperationsRoutesTest {
    private static final String OPERATOR = "operator-token-0123456789";
    private static final String WATCHER = "watcher-token-0123456789";

    private RunningGateway running;

    @AfterEach
    void stop() {
        if (running != null) {
            running.stop(Duration.ofSeconds(1));
        }
    }

    private static GatewayBuilder builder(String... watchers) {
        GatewayBuilder b = Gateway.builder().token(OPERATOR);
        List<Credential> credentials = java.util.Arrays.stream(watchers)
                .map(t -> Credential.token("watcher", t, Role.VIEWER)).toList();
        return b.credentials(credentials);
    }

    private Gateway start(GatewayBuilder b) {
        Gateway g = b.build();
        running = g.start(new CronGatewayTest.NoTransport(), TransportOptions.ofDefaults());
        return g;
    }

    private static HttpResponse get(Gateway g, String target, String token) {
        return g.handler().handle(HttpRequest.builder().target(target).header("Authorization", "Bearer " + token).build());
    }

    @Test
    void statusNamesTheAdapterTheAddressAndTheCounts() {
        Gateway g = start(builder());
        g.handler().handle(HttpRequest.builder().method("POST").target("/api/agent")
                .header("Authorization", "Bearer " + OPERATOR).header("Content-Type", "application/json")
                .body("{\"message\":\"hi\",\"session\":\"one\"}").build());

        JsonObject status = json(get(g, "/api/status", OPERATOR));
        assertEquals("running", status.getString("status"));
        assertEquals("none", status.getString("adapter"));
        assertEquals("127.0.0.1:0", status.getString("address"));
        JsonObject counts = status.getJsonObject("counts");
        assertEquals(1, counts.getInt("sessions"));
        assertEquals(0, counts.getInt("jobs"));
        assertEquals(0, counts.getInt("active_runs"));
        assertEquals(1, counts.getInt("finished_runs"));
    }

    @Test
    void versionNamesTheChannelKindsTheGatewayCanRun() {
        Gateway g = start(builder().channelKinds("telegram", "slack").channel(new ScriptedChannel("alerts", 100, false)));
        JsonObject version = json(get(g, "/api/version", OPERATOR));
        assertTrue(version.getBoolean("ok"));
        assertEquals(g.version(), version.getString("gateway_version"));
        assertEquals(List.of("scripted", "slack", "telegram"), version.getJsonArray("compiled_channels")
                .getValuesAs(JsonString.class).stream().map(JsonString::getString).toList());
    }

    /** An event stream run on its own thread; {@code ended} counts down when its producer returns. */
    private static final class Stream {
        final CountDownLatch connected = new CountDownLatch(1);
        final CountDownLatch ended = new CountDownLatch(1);

        Stream(HttpResponse response) {
            SseSink sink = SseSink.over(new SseOutput() {
                @Override
                public void writeAndFlush(byte[] bytes) {
                    connected.countDown();
                }

                @Override
                public void close() {}
            });
            ResponseBody.Stream body = assertInstanceOf(ResponseBody.Stream.class, response.body());
            Thread.ofVirtual().start(() -> {
                try {
                    body.producer().produce(sink);
                } catch (Exception e) {
                    // Ended either way.
                } finally {
                    ended.countDown();
                }
            });
        }
    }

    /** A WebSocket as the transport would drive it, recording how it was closed. */
    private static final class Socket implements WebSocketSession {
        final AtomicInteger closedWith = new AtomicInteger();
        final WebSocketListener listener;

        Socket(Gateway g, String token) {
            WebSocketDecision d = g.handler().upgrade(HttpRequest.builder().target("/api/events/live")
                    .header("Upgrade", "websocket").header("Authorization", "Bearer " + token).build());
            listener = assertInstanceOf(WebSocketDecision.Accept.class, d).listener();
            listener.onOpen(this);
        }

        @Override
        public boolean sendText(String text) {
            return closedWith.get() == 0;
        }

        @Override
        public void close(int code, String reason) {
            if (closedWith.compareAndSet(0, code)) {
                listener.onClose(this, code, reason);
            }
        }

        @Override
        public boolean isOpen() {
            return closedWith.get() == 0;
        }

        @Override
        public HttpRequest request() {
            return HttpRequest.builder().target("/api/events/live").build();
        }
    }

    @Test
    void streamsOfARevokedCredentialCloseAtOnceAndOthersStayOpen() throws Exception {
        Gateway g = start(builder(WATCHER));
        Stream revoked = new Stream(get(g, "/api/events", WATCHER));
        Stream kept = new Stream(get(g, "/api/events", OPERATOR));
        assertTrue(revoked.connected.await(10, TimeUnit.SECONDS));
        assertTrue(kept.connected.await(10, TimeUnit.SECONDS));
        Socket revokedSocket = new Socket(g, WATCHER);
        Socket keptSocket = new Socket(g, OPERATOR);

        g.reconfigure(builder());

        assertTrue(revoked.ended.await(10, TimeUnit.SECONDS), "the watcher's event stream ended");
        assertEquals(OpenStreams.REVOKED, revokedSocket.closedWith.get());
        assertEquals(1, kept.ended.getCount(), "the operator's stream is still open");
        assertEquals(0, keptSocket.closedWith.get());

        running.stop(Duration.ofSeconds(5));
        assertTrue(kept.ended.await(10, TimeUnit.SECONDS), "a stop ends the subscriptions at once");
        assertEquals(OpenStreams.GOING_AWAY, keptSocket.closedWith.get());
        running = null;
    }

    @Test
    void cronSettingsChangeLive() {
        Gateway g = start(builder().cronPoolSize(2).cronZone(java.time.ZoneId.of("UTC")));
        assertEquals(List.of(), g.reconfigure(builder().cronPoolSize(6).cronTimeout(Duration.ofMinutes(2))
                .cronZone(java.time.ZoneId.of("Europe/Berlin"))));

        HttpResponse created = g.handler().handle(HttpRequest.builder().method("POST").target("/api/cron/create")
                .header("Authorization", "Bearer " + OPERATOR).header("Content-Type", "application/json")
                .body("{\"name\":\"daily\",\"schedule\":{\"kind\":\"cron\",\"expr\":\"0 9 * * *\"},"
                        + "\"payload\":{\"kind\":\"agentTurn\",\"message\":\"hi\"}}").build());
        assertEquals(201, created.status(), () -> GatewayHandlerTest.text(created));
        assertEquals("Europe/Berlin", json(created).getJsonObject("job").getJsonObject("schedule").getString("tz"),
                "a job created without a zone takes the new default");
        assertEquals(1, json(get(g, "/api/status", OPERATOR)).getJsonObject("counts").getInt("jobs"));
    }

    @Test
    void theSchedulerPoolFollowsItsNewSize() {
        dev.portico.cron.CronScheduler scheduler = dev.portico.cron.CronScheduler.builder()
                .store(new dev.portico.cron.InMemoryJobStore()).executor((job, run) -> java.util.Optional.empty()).poolSize(2).build();
        scheduler.reconfigure(8, Duration.ofMinutes(1));
        assertEquals(8, scheduler.poolSize());
        scheduler.reconfigure(3, Duration.ofMinutes(1));
        assertEquals(3, scheduler.poolSize());
        scheduler.close();
    }
}
