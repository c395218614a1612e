package dev.portico.core.internal;

import dev.portico.api.auth.Scope;
import dev.portico.api.cron.RunStatus;
import dev.portico.api.transport.Headers;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.ResponseBody;
import dev.portico.api.transport.SseProducer;
import dev.portico.api.transport.WebSocketListener;
import dev.portico.api.transport.WebSocketSession;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

/**
 * The gateway's meters, in a Prometheus registry of its own, and {@code GET /metrics}, which
 * answers them in the Prometheus text format. Each gateway has one; nothing of Micrometer leaves
 * this package.
 *
 * <p>Every label has a bounded set of values: HTTP requests are labelled with their route's
 * pattern ({@code /api/sessions/:key}, never the path asked for) or {@code other}, and the meters
 * of a route are resolved once per status it answers, so recording a request allocates nothing.
 */
final class Metrics {
    /** The content type of the Prometheus text format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** The route label of requests that matched no route, or were answered before routing. */
    static final String OTHER = "other";

    /** The histogram buckets of request latency. */
    private static final Duration[] REQUEST_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30)};
    /** The histogram buckets of agent run duration. */
    private static final Duration[] RUN_BUCKETS = {Duration.ofMillis(100), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5),
        Duration.ofMinutes(10)};
    /** The method labels of requests that matched no route; any other method is {@code other}. */
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final Headers HEADERS = HttpResponse.withSecurityHeaders(Headers.builder())
            .set("Content-Type", CONTENT_TYPE).build();

    /** How an agent run ended, as the {@code outcome} label says it. */
    enum RunOutcome {
        /** The agent answered and the reply was stored. */
        COMPLETED,
        /** The agent failed, or its reply could not be stored. */
        FAILED,
        /** Aborted, or stopped with the gateway or its scheduled run. */
        CANCELLED,
        /** Stopped at its timeout. */
        TIMED_OUT,
        /** Found no place under the cap of concurrent runs in time. */
        BUSY;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How one try of an outbox message ended, as the {@code result} label says it. */
    enum SendResult {
        /** Every part went through. */
        DELIVERED,
        /** A part did not go through and will be tried again. */
        RETRY,
        /** The channel refused it, or is not configured. */
        FAILED,
        /** A send went out without an answer and is not repeated. */
        UNKNOWN,
        /** It was not delivered within the outbox's expiry. */
        EXPIRED;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger sseStreams = new AtomicInteger();
    private final AtomicInteger webSockets = new AtomicInteger();
    private final Counter runsStarted;
    private final Map<RunOutcome, Counter> runsFinished = new EnumMap<>(RunOutcome.class);
    private final Map<RunOutcome, Timer> runDurations = new EnumMap<>(RunOutcome.class);
    private final Map<RunStatus, Counter> cronRuns = new EnumMap<>(RunStatus.class);
    private final Counter lockouts;
    private final Map<String, ChannelMeters> outboxByChannel = new ConcurrentHashMap<>();
    private final Map<String, Series> unrouted = new ConcurrentHashMap<>();
    private volatile Map<Route, Series> routed = Map.of();

    /** Creates the registry and the meters that exist from the start. */
    Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("portico.sse.streams.active", sseStreams, AtomicInteger::get).strongReference(true)
                .description("Server-sent event streams open now").register(registry);
        Gauge.builder("portico.websocket.connections.active", webSockets, AtomicInteger::get).strongReference(true)
                .description("WebSocket connections open now").register(registry);
        runsStarted = Counter.builder("portico.agent.runs.started").description("Agent runs accepted")
                .register(registry);
        for (RunOutcome o : RunOutcome.values()) {
            runsFinished.put(o, Counter.builder("portico.agent.runs.finished").tag("outcome", o.label())
                    .description("Agent runs ended, by outcome").register(registry));
            runDurations.put(o, Timer.builder("portico.agent.run.duration").tag("outcome", o.label())
                    .description("Agent run duration from start to end, waiting for a turn included")
                    .serviceLevelObjectives(RUN_BUCKETS).register(registry));
        }
        for (RunStatus s : RunStatus.values()) {
            if (s != RunStatus.RUNNING) {
                cronRuns.put(s, Counter.builder("portico.cron.runs").tag("status", s.wireName())
                        .description("Scheduled job runs ended, by status").register(registry));
            }
        }
        lockouts = Counter.builder("portico.auth.lockouts")
                .description("Client addresses locked out after repeated invalid credentials").register(registry);
    }

    /**
     * The route that answers the meters.
     *
     * @return {@code GET /metrics}, for {@code operator.read}
     */
    Route route() {
        return Route.http("GET", "/metrics", Scope.OPERATOR_READ, ctx -> scrape());
    }

    /** @return every meter in the Prometheus text format */
    HttpResponse scrape() {
        return HttpResponse.of(200, HEADERS, registry.scrape().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Resolves the request meters of each route, so that a request finds them without building a
     * label set.
     *
     * @param routes the route table
     */
    void routes(List<Route> routes) {
        Map<Route, Series> byRoute = new IdentityHashMap<>();
        for (Route r : routes) {
            byRoute.put(r, new Series(r.pattern(), r.method().equals(Route.WS) ? "GET" : r.method()));
        }
        this.routed = byRoute;
    }

    /**
     * Counts an answered request and how long it took to answer; a stream's time ends when it
     * starts. A server-sent event stream is counted as open while it runs.
     *
     * @param route the route that answered, or null when none matched
     * @param method the request's method
     * @param response the answer
     * @param startNanos {@link System#nanoTime()} when the request came
     * @return the answer to send
     */
    HttpResponse request(Route route, String method, HttpResponse response, long startNanos) {
        record(route, method, response.status(), startNanos);
        if (response.body() instanceof ResponseBody.Stream stream) {
            return new HttpResponse(response.status(), response.headers(),
                    new ResponseBody.Stream(counted(stream.producer())));
        }
        return response;
    }

    /**
     * Counts an answered WebSocket upgrade: {@code 101} when accepted, else the refusal's status.
     *
     * @param route the route, or null when none matched
     * @param status the status
     * @param startNanos {@link System#nanoTime()} when the request came
     */
    void upgrade(Route route, int status, long startNanos) {
        record(route, "GET", status, startNanos);
    }

    private void record(Route route, String method, int status, long startNanos) {
        long elapsed = System.nanoTime() - startNanos;
        Series series = route == null ? null : routed.get(route);
        if (series == null) {
            String label = METHODS.contains(method) ? method : OTHER;
            series = unrouted.computeIfAbsent(label, m -> new Series(OTHER, m));
        }
        Entry e = series.entry(status);
        e.count().increment();
        e.latency().record(elapsed, TimeUnit.NANOSECONDS);
    }

    private SseProducer counted(SseProducer producer) {
        return sink -> {
            sseStreams.incrementAndGet();
            try {
                producer.produce(sink);
            } finally {
                sseStreams.decrementAndGet();
            }
        };
    }

    /**
     * A WebSocket listener that counts its socket as open from {@code onOpen} to {@code onClose}.
     *
     * @param listener the route's listener
     * @return the listener to hand the transport
     */
    WebSocketListener counted(WebSocketListener listener) {
        return new WebSocketListener() {
            private boolean open;

            @Override
            public void onOpen(WebSocketSession session) {
                webSockets.incrementAndGet();
                open = true;
                listener.onOpen(session);
            }

            @Override
            public void onText(WebSocketSession session, String text) {
                listener.onText(session, text);
            }

            @Override
            public void onClose(WebSocketSession session, int code, String reason) {
                if (open) {
                    open = false;
                    webSockets.decrementAndGet();
                }
                listener.onClose(session, code, reason);
            }

            @Override
            public void onError(WebSocketSession session, Throwable error) {
                listener.onError(session, error);
            }
        };
    }

    /** Counts a run accepted. */
    void runStarted() {
        runsStarted.increment();
    }

    /**
     * Counts a run ended, and its duration.
     *
     * @param outcome how it ended
     * @param startNanos {@link System#nanoTime()} when it started
     */
    void runFinished(RunOutcome outcome, long startNanos) {
        runsFinished.get(outcome).increment();
        runDurations.get(outcome).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Counts a scheduled run ended.
     *
     * @param status how it ended
     */
    void cronRun(RunStatus status) {
        Counter c = cronRuns.get(status);
        if (c != null) {
            c.increment();
        }
    }

    /** Counts a client address locked out. */
    void lockout() {
        lockouts.increment();
    }

    /**
     * Reports how many messages wait in an outbox.
     *
     * @param outbox the outbox
     * @param pending reads its number of pending messages
     * @param <T> the outbox's type
     */
    <T> void outboxPending(T outbox, ToDoubleFunction<T> pending) {
        Gauge.builder("portico.outbox.pending", outbox, pending).strongReference(true)
                .description("Outbox messages waiting for delivery").register(registry);
    }

    /**
     * Registers the outbox meters of a configured channel, so that they read 0 before its first try.
     *
     * @param channel the channel's name
     */
    void outboxChannel(String channel) {
        outbox(channel);
    }

    /**
     * Counts one try of an outbox message.
     *
     * @param channel the channel's name
     * @param result how the try ended
     */
    void outboxSend(String channel, SendResult result) {
        outbox(channel).results.get(result).increment();
    }

    /**
     * Counts a try of an outbox message that follows a failed one.
     *
     * @param channel the channel's name
     */
    void outboxRetry(String channel) {
        outbox(channel).retries.increment();
    }

    private ChannelMeters outbox(String channel) {
        ChannelMeters m = outboxByChannel.get(channel);
        return m != null ? m : outboxByChannel.computeIfAbsent(channel, ChannelMeters::new);
    }

    /** The outbox meters of one channel. */
    private final class ChannelMeters {
        final Map<SendResult, Counter> results = new EnumMap<>(SendResult.class);
        final Counter retries;

        ChannelMeters(String channel) {
            for (SendResult r : SendResult.values()) {
                results.put(r, Counter.builder("portico.outbox.sends").tags("channel", channel, "result", r.label())
                        .description("Outbox message tries, by channel and how they ended").register(registry));
            }
            retries = Counter.builder("portico.outbox.retries").tag("channel", channel)
                    .description("Outbox message tries that follow a failed one").register(registry);
        }
    }

    /** The request meters of one route and method, one entry per status answered. */
    private final class Series {
        private final String route;
        private final String method;
        private volatile Entry[] entries = new Entry[0];

        Series(String route, String method) {
            this.route = route;
            this.method = method;
        }

        Entry entry(int status) {
            for (Entry e : entries) {
                if (e.status() == status) {
                    return e;
                }
            }
            return add(status);
        }

        private synchronized Entry add(int status) {
            Entry[] now = entries;
            for (Entry e : now) {
                if (e.status() == status) {
                    return e;
                }
            }
            String code = Integer.toString(status);
            Entry e = new Entry(status,
                    Counter.builder("portico.http.requests")
                            .tags("route", route, "method", method, "status", code)
                            .description("HTTP requests answered, by route pattern, method and status")
                            .register(registry),
                    Timer.builder("portico.http.request.duration")
                            .tags("route", route, "method", method, "status", code)
                            .description("Time to answer an HTTP request; for a stream, until it starts")
                            .serviceLevelObjectives(REQUEST_BUCKETS).register(registry));
            Entry[] more = Arrays.copyOf(now, now.length + 1);
            more[now.length] = e;
            entries = more;
            return e;
        }
    }

    /** The meters of one route, method and status. */
    private record Entry(int status, Counter count, Timer latency) {}
}
