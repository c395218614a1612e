package dev.portico.core.internal;

import static dev.portico.core.internal.GatewayHandlerTest.TOKEN;
import static dev.portico.core.internal.GatewayHandlerTest.json;
import static dev.portico.core.internal.GatewayHandlerTest.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.agent.Agent;
import dev.portico.api.agent.AgentEvent;
import dev.portico.api.agent.AgentEventSink;
import dev.portico.api.agent.AgentRequest;
import dev.portico.api.event.GatewayEvent;
import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.RunningTransport;
import dev.portico.api.transport.Transport;
import dev.portico.api.transport.TransportOptions;
import dev.portico.core.EchoAgent;
import dev.portico.core.FileJobStore;
import dev.portico.core.Gateway;
import dev.portico.core.RunningGateway;
import dev.portico.core.TestClock;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scheduled jobs through a started gateway, its file store and restarts. */
class CronGatewayTest {
    @TempDir
    Path state;

    private final List<AutoCloseable> open = new ArrayList<>();

    /** A transport that serves nothing: the gateway runs, the test calls its handler. */
    static final class NoTransport implements Transport {
        @Override
        public RunningTransport start(GatewayHandler handler, TransportOptions options) {
            return new RunningTransport() {
                @Override
                public InetSocketAddress address() {
                    return new InetSocketAddress("127.0.0.1", 0);
                }

                @Override
                public void stop(Duration drain) {}
            };
        }

        @Override
        public String name() {
            return "none";
        }
    }

    /** A started gateway over the job store in the state directory. */
    final class Node {
        final LinkedBlockingQueue<GatewayEvent> events = new LinkedBlockingQueue<>();
        final FileJobStore store = FileJobStore.open(state.resolve("cron"));
        final Gateway gateway;
        final RunningGateway running;

        Node(Clock clock, Agent agent) {
            gateway = Gateway.builder().token(TOKEN).clock(clock).agent(agent).jobStore(store)
                    .eventListener(events::add).build();
            running = gateway.start(new NoTransport(), TransportOptions.ofDefaults());
            open.add(this::stop);
        }

        void stop() {
            running.stop(Duration.ofSeconds(2));
            store.close();
        }

        HttpResponse get(String target) {
            return gateway.handler().handle(HttpRequest.builder().target(target)
                    .header("Authorization", "Bearer " + TOKEN).build());
        }

        JsonObject send(String target, String body) {
            return json(gateway.handler().handle(post(target, body).build()));
        }

        JsonObject job(String id) {
            return json(get("/api/cron?id=" + id)).getJsonObject("job");
        }

        JsonArray runs(String id) {
            return json(get("/api/cron/" + id + "/runs")).getJsonArray("runs");
        }

        GatewayEvent event(String type) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < end) {
                GatewayEvent e = events.poll(50, TimeUnit.MILLISECONDS);
                if (e != null && e.type().equals(type)) {
                    return e;
                }
            }
            throw new AssertionError("no " + type + " event within 10 s");
        }
    }

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    @Test
    void aJobFiresOnItsOwnAndItsStateAndHistorySurviveARestart() throws Exception {
        Node first = new Node(Clock.systemUTC(), new EchoAgent());
        Instant at = Instant.now().plusMillis(300);
        String id = first.send("/api/cron/create", "{\"id\":\"soon\",\"name\":\"soon\",\"schedule\":{\"kind\":\"at\",\"at\":\""
                + at + "\"},\"message\":\"wake up\"}").getJsonObject("job").getString("id");
        GatewayEvent done = first.event("cron.run.finished");
        assertEquals("ok", done.data().get("status"), "the timer fired the job by itself");
        first.stop();
        open.clear();

        Node second = new Node(Clock.systemUTC(), new EchoAgent());
        JsonObject job = second.job(id);
        assertEquals("ok", job.getString("last_status"));
        assertFalse(job.getBoolean("enabled"), "an at job is retired after it succeeds");
        assertEquals(1, job.getInt("total_runs"));
        JsonArray runs = second.runs(id);
        assertEquals(1, runs.size());
        assertEquals("schedule", runs.getJsonObject(0).getString("trigger"));
        assertEquals(at.toEpochMilli(), Instant.parse(runs.getJsonObject(0).getString("scheduled_for")).toEpochMilli());
    }

    @Test
    void jobsMissedWhileDownRunOnceAtStartUpOrAreSkipped() throws Exception {
        Instant t0 = Instant.parse("2026-06-01T10:00:00Z");
        TestClock clock = new TestClock(t0);
        Node first = new Node(clock, new EchoAgent());
        first.send("/api/cron/create", "{\"id\":\"hourly\",\"name\":\"h\",\"every\":\"1h\",\"message\":\"tick\"}");
        first.send("/api/cron/create", "{\"id\":\"lazy\",\"name\":\"l\",\"every\":\"1h\",\"message\":\"tick\","
                + "\"misfire\":\"skip\"}");
        first.stop();
        open.clear();

        clock.advance(Duration.ofHours(5).plusMinutes(10));
        Node second = new Node(clock, new EchoAgent());
        List<GatewayEvent> finished = List.of(second.event("cron.run.finished"), second.event("cron.run.finished"));
        JsonObject ran = second.runs("hourly").getJsonObject(0);
        assertEquals(1, second.runs("hourly").size(), "five missed runs coalesce into one");
        assertEquals("misfire", ran.getString("trigger"));
        assertEquals("ok", ran.getString("status"));
        assertEquals("2026-06-01T11:00:00Z", ran.getString("scheduled_for"));
        assertEquals("2026-06-01T16:00:00Z", second.job("hourly").getString("next_run"));
        JsonObject skipped = second.runs("lazy").getJsonObject(0);
        assertEquals("skipped", skipped.getString("status"));
        assertTrue(skipped.getString("error").contains("misfire policy skip"), skipped.getString("error"));
        assertEquals("2026-06-01T16:00:00Z", second.job("lazy").getString("next_run"));
        assertEquals(2, finished.size());
    }

    @Test
    void aRunCutShortByACrashIsClosedAsInterruptedAndNotReplayed() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Agent stuck = new Agent() {
            @Override
            public void run(AgentRequest request, AgentEventSink events) throws InterruptedException {
                release.await();
                events.emit(new AgentEvent.Completed("late"));
            }

            @Override
            public String name() {
                return "stuck";
            }
        };
        Node crashed = new Node(Clock.systemUTC(), stuck);
        crashed.send("/api/cron/create", "{\"id\":\"c\",\"name\":\"c\",\"expr\":\"0 9 * * *\",\"message\":\"work\"}");
        String runId = crashed.send("/api/cron/trigger", "{\"job_id\":\"c\"}").getString("run_id");
        crashed.event("cron.run.started");

        // The first process never stops cleanly: a second one opens the same state directory.
        AtomicInteger calls = new AtomicInteger();
        Agent counting = new Agent() {
            @Override
            public void run(AgentRequest request, AgentEventSink events) {
                calls.incrementAndGet();
                events.emit(new AgentEvent.Completed("again"));
            }

            @Override
            public String name() {
                return "counting";
            }
        };
        Node restarted = new Node(Clock.systemUTC(), counting);
        JsonObject closed = restarted.runs("c").getJsonObject(0);
        assertEquals(runId, closed.getString("run_id"));
        assertEquals("error", closed.getString("status"));
        assertEquals("interrupted: the gateway stopped during the run", closed.getString("error"));
        assertEquals("error", restarted.job("c").getString("last_status"));
        assertEquals(0, calls.get(), "the cut run is not replayed");
        release.countDown();
    }
}
