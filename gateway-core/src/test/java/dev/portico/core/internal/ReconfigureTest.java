package dev.portico.core.internal;

import static dev.portico.core.internal.GatewayHandlerTest.assertError;
import static dev.portico.core.internal.GatewayHandlerTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.agent.Agent;
import dev.portico.api.agent.AgentEvent;
import dev.portico.api.event.GatewayEvent;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.TransportOptions;
import dev.portico.core.Gateway;
import dev.portico.core.GatewayBuilder;
import dev.portico.core.RunningGateway;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Settings changed while the gateway runs: what changes at once, and what waits for a restart. */
class ReconfigureTest {
    private static final String FIRST = "first-token-0123456789";
    private static final String SECOND = "second-token-0123456789";

    private final LinkedBlockingQueue<GatewayEvent> events = new LinkedBlockingQueue<>();
    private RunningGateway running;

    private GatewayBuilder builder(String token, UnaryOperator<GatewayBuilder> more) {
        return more.apply(Gateway.builder().token(token).eventListener(events::add));
    }

    private Gateway start(GatewayBuilder b) {
        Gateway g = b.build();
        running = g.start(new CronGatewayTest.NoTransport(), TransportOptions.ofDefaults());
        return g;
    }

    @AfterEach
    void stop() {
        if (running != null) {
            running.stop(Duration.ofSeconds(1));
        }
    }

    private static HttpResponse get(Gateway g, String path, String token) {
        return g.handler().handle(HttpRequest.builder().target(path).header("Authorization", "Bearer " + token).build());
    }

    private static HttpResponse agent(Gateway g, String token) {
        return g.handler().handle(HttpRequest.builder().method("POST").target("/api/agent")
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .body("{\"message\":\"hello\"}").build());
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
    void aRotatedTokenStopsWorkingAtOnceAndTheNewOneWorks() throws Exception {
        Gateway g = start(builder(FIRST, b -> b));
        assertEquals(200, get(g, "/api/status", FIRST).status());

        assertEquals(List.of(), g.reconfigure(builder(SECOND, b -> b)));
        assertError(get(g, "/api/status", FIRST), 401, "UNAUTHORIZED");
        assertEquals(200, get(g, "/api/status", SECOND).status());
        assertEquals(List.of(), event("config.changed").data().get("restart_required"));
    }

    @Test
    void rateLimitsAndBrowserOriginsChangeLive() {
        Gateway g = start(builder(FIRST, b -> b.rateLimit("default", 0)));
        HttpResponse foreign = g.handler().handle(HttpRequest.builder().target("/api/status")
                .header("Authorization", "Bearer " + FIRST).header("Origin", "https://console.example").build());
        assertError(foreign, 403, "FORBIDDEN");

        g.reconfigure(builder(FIRST, b -> b.rateLimit("default", 1).corsOrigins(List.of("https://console.example"))));
        HttpResponse allowed = g.handler().handle(HttpRequest.builder().target("/api/status")
                .header("Authorization", "Bearer " + FIRST).header("Origin", "https://console.example").build());
        assertEquals(200, allowed.status());
        assertEquals("1", allowed.headers().first("X-RateLimit-Limit").orElse(null));
        assertError(get(g, "/api/status", FIRST), 429, "RATE_LIMITED");
    }

    @Test
    void theAgentIsReplacedForTheNextTurnAndTheModelsSayso() {
        Gateway g = start(builder(FIRST, b -> b));
        assertEquals("hello", json(agent(g, FIRST)).getString("reply"));
        Agent shouting = new Agent() {
            @Override
            public void run(dev.portico.api.agent.AgentRequest request, dev.portico.api.agent.AgentEventSink sink) {
                sink.emit(new AgentEvent.Completed(request.message().toUpperCase(java.util.Locale.ROOT)));
            }

            @Override
            public String name() {
                return "shouting";
            }
        };
        g.reconfigure(builder(FIRST, b -> b.agent(shouting)));
        assertEquals("HELLO", json(agent(g, FIRST)).getString("reply"));
        assertEquals("shouting", json(get(g, "/api/models", FIRST)).getJsonArray("models").getJsonObject(0)
                .getString("id"));
    }

    @Test
    void channelsGivenAgainKeepRunningOthersStopAndNewOnesStart() throws Exception {
        ScriptedChannel kept = new ScriptedChannel("kept", 100, false);
        ScriptedChannel dropped = new ScriptedChannel("dropped", 100, false);
        Gateway g = start(builder(FIRST, b -> b.channel(kept).channel(dropped)));
        ScriptedChannel added = new ScriptedChannel("added", 100, false);

        g.reconfigure(builder(FIRST, b -> b.channel(kept).channel(added)));
        assertEquals(List.of(), kept.log, "not restarted");
        assertEquals(List.of("stopped"), dropped.log);
        assertTrue(added.context != null, "started");
        JsonObject list = json(get(g, "/api/channels", FIRST));
        assertEquals(List.of("kept", "added"), list.getJsonArray("channels").getValuesAs(JsonObject.class).stream()
                .map(c -> c.getString("name")).toList());
        assertEquals(200, g.handler().handle(HttpRequest.builder().method("POST").target("/api/message")
                .header("Authorization", "Bearer " + FIRST).header("Content-Type", "application/json")
                .body("{\"channel\":\"added\",\"chat_id\":\"1\",\"content\":\"hi\"}").build()).status());
        assertEquals("hi", added.take().text());
        HttpResponse gone = g.handler().handle(HttpRequest.builder().method("POST").target("/api/message")
                .header("Authorization", "Bearer " + FIRST).header("Content-Type", "application/json")
                .body("{\"channel\":\"dropped\",\"chat_id\":\"1\",\"content\":\"hi\"}").build());
        assertError(gone, 404, "CHANNEL_NOT_FOUND");
    }

    @Test
    void settingsThatNeedARestartAreNamedAndAnInvalidOneChangesNothing() throws Exception {
        Gateway g = start(builder(FIRST, b -> b));
        List<String> waiting = g.reconfigure(builder(SECOND, b -> b.maxBodyBytes(4096).runTimeout(Duration.ofMinutes(9))));
        assertEquals(List.of("maxBodyBytes", "runTimeout"), waiting);
        assertEquals(waiting, event("config.changed").data().get("restart_required"));
        assertEquals(200, get(g, "/api/status", SECOND).status(), "the live part applied");

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> g.reconfigure(builder(FIRST, b -> b.maxBodyBytes(0))));
        assertTrue(bad.getMessage().startsWith("maxBodyBytes"), bad.getMessage());
        assertEquals(200, get(g, "/api/status", SECOND).status(), "still the token before the invalid change");

        List<String> mode = g.reconfigure(Gateway.builder().password("a-password-long-enough"));
        assertEquals(List.of("auth mode (token to password)"), mode);
        assertEquals(200, get(g, "/api/status", SECOND).status(), "credentials change within a mode only");
    }
}
