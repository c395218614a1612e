package dev.portico.core.internal;

import dev.portico.api.ErrorCode;
import dev.portico.api.GatewayException;
import dev.portico.api.auth.AuthResult;
import dev.portico.api.auth.Authenticator;
import dev.portico.api.auth.Principal;
import dev.portico.api.session.SessionQuery;
import dev.portico.api.session.SessionStore;
import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.Headers;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.ResponseBody;
import dev.portico.api.transport.RunningTransport;
import dev.portico.api.transport.Transport;
import dev.portico.api.transport.TransportOptions;
import dev.portico.api.transport.WebSocketDecision;
import dev.portico.api.transport.WebSocketListener;
import dev.portico.api.auth.Role;
import dev.portico.auth.Credential;
import dev.portico.auth.OriginPolicy;
import dev.portico.auth.SecurityAudit;
import dev.portico.auth.TokenAuthenticator;
import dev.portico.auth.Tokens;
import dev.portico.auth.TrustedProxies;
import dev.portico.core.Gateway;
import dev.portico.core.GatewayBuilder;
import dev.portico.core.GatewayLog;
import dev.portico.core.InMemoryOutboxStore;
import dev.portico.core.InMemorySessionStore;
import dev.portico.core.RunningGateway;
import dev.portico.cron.CronScheduler;
import dev.portico.cron.InMemoryJobStore;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** The {@link Gateway}: dispatch, authentication and errors around the route table. */
public final class DefaultGateway implements Gateway {
    private static final System.Logger LOG = System.getLogger(DefaultGateway.class.getName());
    /**
     * One {@code DEBUG} line per request answered: method, path and status, with the fields of
     * {@link Dispatcher#fields}. Off unless this logger's level lets {@code DEBUG} through.
     */
    private static final System.Logger REQUESTS = System.getLogger("dev.portico.requests");

    /** Who every request is when authentication is off. */
    private static final Principal ANONYMOUS = Principal.of("anonymous", Role.OPERATOR);
    private static final int SWITCHING_PROTOCOLS = 101;

    private final Guard guard;
    private final boolean authDisabled;
    private final boolean allowInsecure;
    private final Optional<String> generatedToken;
    private final Clock clock;
    private final Instant startedAt;
    private final String version;
    private final long maxBodyBytes;
    private final Conversations conversations;
    private final CronScheduler scheduler;
    private final ChannelHub channels;
    private final CronRuns cronRuns;
    private final CronRoutes cronRoutes;
    private final AtomicBoolean started = new AtomicBoolean();
    private final Router router;
    private final Metrics metrics = new Metrics();
    private final OpenStreams streams = new OpenStreams();
    private final GatewayHandler handler = new Dispatcher();
    private volatile boolean draining;
    private final EventBus bus;
    private final ModelRoutes models;
    /** The settings the gateway started with: those that are not live stay these until a restart. */
    private final GatewayBuilder initial;
    private final SessionStore store;
    /** The kinds of channel the gateway can run, for {@code GET /api/version}. */
    private final List<String> channelKinds;
    /** The transport the gateway first started on; null until then. */
    private volatile Running serving;

    /**
     * Builds the gateway from its builder.
     *
     * @param b the validated builder
     */
    public DefaultGateway(GatewayBuilder b) {
        this.authDisabled = b.authDisabled();
        this.allowInsecure = b.allowInsecure();
        Optional<String> generated = Optional.empty();
        Authenticator authenticator = authenticator(b).orElse(null);
        if (authenticator == null) {
            String token = Tokens.generate();
            authenticator = TokenAuthenticator.of(List.of(Credential.token("token", token, Role.OPERATOR)));
            generated = Optional.of(token);
        }
        this.generatedToken = generated;
        this.clock = b.clock();
        this.guard = new Guard(authenticator, b.allowQueryToken(), authDisabled, OriginPolicy.of(b.corsOrigins()),
                TrustedProxies.parse(b.trustedProxies()), authDisabled ? Optional.empty() : b.failedAuthLimiter(clock),
                b.failedAuthSettings(), b.rateLimits(), clock, metrics);
        this.initial = b;
        this.startedAt = clock.instant();
        this.version = b.version();
        this.maxBodyBytes = b.maxBodyBytes();
        this.bus = new EventBus(clock, b.eventListeners());
        this.store = b.sessionStore().orElseGet(InMemorySessionStore::new);
        this.conversations = new Conversations(b.agent(), store, clock, bus, b.maxConcurrentRuns(), b.runTimeout(),
                b.historyLimit(), b.runQueueTimeout(), b.runGrace(), metrics);
        List<Route> routes = new java.util.ArrayList<>(new ApiRoutes(this, conversations, store, b.runTimeout(),
                b.restartHandler()).routes());
        routes.addAll(new SessionRoutes(store, bus).routes());
        routes.addAll(new EventRoutes(bus, b.maxEventStreams()).routes());
        routes.addAll(new LogRoutes(b.log(), clock, b.maxEventStreams()).routes());
        this.models = new ModelRoutes(b.agent());
        routes.addAll(models.routes());
        this.channels = new ChannelHub(b.channels(), conversations, bus, clock, b.channelStateDirectory(),
                b.outboxStore().orElseGet(InMemoryOutboxStore::new), new Outbox.Settings(b.outboxExpiry(),
                        b.outboxConcurrency(), Outbox.BACKOFF_BASE, Outbox.BACKOFF_MAX), metrics);
        metrics.outboxPending(channels.outbox(), Outbox::pendingCount);
        b.channels().forEach(c -> metrics.outboxChannel(c.name()));
        routes.addAll(new ChannelRoutes(this, channels, conversations, b.runTimeout().plus(Duration.ofSeconds(5))).routes());
        this.cronRuns = new CronRuns(conversations, store, bus, clock, b.cronTimeout(), channels, metrics);
        this.scheduler = CronScheduler.builder().store(b.jobStore().orElseGet(InMemoryJobStore::new)).executor(cronRuns)
                .listener(cronRuns).clock(clock).poolSize(b.cronPoolSize()).defaultTimeout(b.cronTimeout()).build();
        this.cronRoutes = new CronRoutes(scheduler, clock, b.cronZone());
        routes.addAll(cronRoutes.routes());
        routes.addAll(new ConfigRoutes(b.configService()).routes());
        routes.add(metrics.route());
        java.util.TreeSet<String> kinds = new java.util.TreeSet<>(b.channelKinds());
        b.channels().forEach(c -> kinds.add(c.kind()));
        this.channelKinds = List.copyOf(kinds);
        this.router = new Router(routes);
        metrics.routes(router.routes());
    }

    /**
     * The authenticator a builder asks for; empty when it sets no credential at all, and one is to
     * be generated.
     */
    private static Optional<Authenticator> authenticator(GatewayBuilder b) {
        if (b.authenticator().isPresent()) {
            return b.authenticator();
        }
        if (b.authDisabled()) {
            return Optional.of(request -> new AuthResult.Authenticated(ANONYMOUS));
        }
        if (b.password().isPresent()) {
            return Optional.of(TokenAuthenticator.of(List.of(Credential.password(b.password().get()))));
        }
        List<Credential> credentials = new java.util.ArrayList<>(b.credentials());
        b.token().ifPresent(t -> credentials.add(0, Credential.token("token", t, Role.OPERATOR)));
        return credentials.isEmpty() ? Optional.empty() : Optional.of(TokenAuthenticator.of(credentials));
    }

    @Override
    public synchronized List<String> reconfigure(GatewayBuilder next) {
        next.validate();
        GatewayBuilder now = initial;
        List<String> restart = new java.util.ArrayList<>();
        String mode = authMode(now);
        if (!mode.equals(authMode(next))) {
            restart.add("auth mode (" + mode + " to " + authMode(next) + ")");
        }
        differs(restart, "maxBodyBytes", now.maxBodyBytes(), next.maxBodyBytes());
        differs(restart, "maxConcurrentRuns", now.maxConcurrentRuns(), next.maxConcurrentRuns());
        differs(restart, "runTimeout", now.runTimeout(), next.runTimeout());
        differs(restart, "runQueueTimeout", now.runQueueTimeout(), next.runQueueTimeout());
        differs(restart, "runGrace", now.runGrace(), next.runGrace());
        differs(restart, "historyLimit", now.historyLimit(), next.historyLimit());
        differs(restart, "maxEventStreams", now.maxEventStreams(), next.maxEventStreams());
        differs(restart, "outboxExpiry", now.outboxExpiry(), next.outboxExpiry());
        differs(restart, "outboxConcurrency", now.outboxConcurrency(), next.outboxConcurrency());
        // Credentials change within the mode; a gateway that generated its token keeps it.
        Authenticator authenticator = mode.equals(authMode(next))
                ? authenticator(next).orElseGet(guard::authenticator) : guard.authenticator();
        guard.update(authenticator, next.allowQueryToken(), OriginPolicy.of(next.corsOrigins()),
                TrustedProxies.parse(next.trustedProxies()),
                authDisabled ? Optional.empty() : next.failedAuthLimiter(clock), next.failedAuthSettings(),
                next.rateLimits());
        int revoked = streams.closeUnless(guard::stillAuthorized);
        if (revoked > 0) {
            LOG.log(System.Logger.Level.INFO, "closed " + revoked + " stream(s) whose credential no longer holds");
        }
        conversations.agent(next.agent());
        models.agent(next.agent());
        scheduler.reconfigure(next.cronPoolSize(), next.cronTimeout());
        cronRuns.defaultTimeout(next.cronTimeout());
        cronRoutes.zone(next.cronZone());
        channels.replace(next.channels());
        List<String> waiting = List.copyOf(restart);
        bus.publish("config.changed", () -> {
            Map<String, Object> data = new java.util.LinkedHashMap<>();
            data.put("restart_required", waiting);
            return data;
        });
        LOG.log(System.Logger.Level.INFO, "configuration applied" + (waiting.isEmpty() ? ""
                : "; waiting for a restart: " + String.join(", ", waiting)));
        return waiting;
    }

    private static String authMode(GatewayBuilder b) {
        return b.authenticator().isPresent() ? "authenticator" : b.authDisabled() ? "none"
                : b.password().isPresent() ? "password" : "token";
    }

    private static void differs(List<String> out, String name, Object now, Object next) {
        if (!now.equals(next)) {
            out.add(name);
        }
    }

    @Override
    public GatewayHandler handler() {
        return handler;
    }

    @Override
    public RunningGateway start(Transport transport, TransportOptions options) {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(options, "options");
        if (authDisabled && !SecurityAudit.isLoopback(options.host())) {
            if (!allowInsecure) {
                throw new IllegalStateException("auth mode none on " + options.host() + ": refused (expected: a "
                        + "loopback host such as 127.0.0.1, or a token; without auth anyone who can reach the port is "
                        + "an operator)");
            }
            LOG.log(System.Logger.Level.WARNING, "auth mode none on " + options.host()
                    + ", allowed as insecure: anyone who can reach the port is an operator");
        }
        // Channels first: one that cannot start (a missing webhook secret) stops the start before
        // anything listens. Then the transport, then the jobs, which may send through the channels.
        // A gateway may serve on several transports; its channels and jobs start with the first.
        boolean first = started.compareAndSet(false, true);
        if (first) {
            channels.start();
        }
        RunningTransport running;
        try {
            running = transport.start(handler, options);
        } catch (RuntimeException e) {
            if (first) {
                channels.stop(Duration.ZERO);
            }
            throw e;
        }
        try {
            if (first) {
                scheduler.start();
            }
        } catch (RuntimeException e) {
            running.stop(Duration.ZERO);
            channels.stop(Duration.ZERO);
            throw e;
        }
        LOG.log(System.Logger.Level.INFO, "Portico " + version + " serving on " + transport.name() + " at "
                + running.address().getHostString() + ":" + running.port());
        Running on = new Running(running, transport.name(), options.drainTimeout());
        if (first) {
            serving = on;
        }
        return on;
    }

    @Override
    public Optional<String> generatedToken() {
        return generatedToken;
    }

    @Override
    public String version() {
        return version;
    }

    /** @return the route table, as {@code docs/api.md} documents it */
    public List<Route> routes() {
        return router.routes();
    }

    /** @return the answer of {@code GET /api/status} */
    Wire.Status status() {
        Running on = serving;
        String address = on == null ? null : on.address().getHostString() + ":" + on.address().getPort();
        return new Wire.Status(true, draining ? "draining" : "running", version, uptimeSeconds(),
                on == null ? null : on.transportName(), address, ChannelRoutes.views(channels),
                channels.outbox().pendingCount(), new Wire.Counts(store.count(SessionQuery.all(1)), scheduler.size(),
                        conversations.permitsInUse(), conversations.finishedRuns()));
    }

    /** @return the kinds of channel this gateway can run, sorted */
    List<String> channelKinds() {
        return channelKinds;
    }

    long uptimeSeconds() {
        return Math.max(0, Duration.between(startedAt, clock.instant()).toSeconds());
    }

    boolean draining() {
        return draining;
    }

    /**
     * Takes one request of a class from the rate limit of whoever made it, as the dispatcher does
     * for every request; for requests within a WebSocket.
     *
     * @throws GatewayException {@code RATE_LIMITED} when the limit is reached
     */
    void admit(RateClass rateClass, RequestContext ctx) {
        guard.admit(rateClass, ctx.request(), ctx.principal());
    }

    /**
     * Refuses a locked-out client address, as the authentication of every route does; for public
     * routes that check a credential of their own (webhook signatures).
     *
     * @return the address failures count against, when they count
     * @throws GatewayException {@code RATE_LIMITED} while it is locked out
     */
    Optional<String> checkLockout(HttpRequest request) {
        return guard.checkLockout(request);
    }

    /**
     * Counts a credential that did not verify (a webhook signature) toward the lockout.
     *
     * @param counted what {@link #checkLockout} returned
     */
    void recordFailure(Optional<String> counted) {
        guard.recordFailure(counted);
    }

    /** The response with more headers; the same response when there are none. */
    private static HttpResponse withHeaders(HttpResponse response, Headers first, Headers second) {
        if (first.isEmpty() && second.isEmpty()) {
            return response;
        }
        return new HttpResponse(response.status(), response.headers().with(first).with(second), response.body());
    }

    /** Answers every request: routing, then authentication, then the route's handler. */
    private final class Dispatcher implements GatewayHandler {
        @Override
        public HttpResponse handle(HttpRequest request) {
            long start = System.nanoTime();
            Route route = null;
            HttpResponse response;
            Headers cors = Headers.empty();
            try {
                cors = guard.origin(request);
                Optional<HttpResponse> preflight = guard.preflight(request);
                if (preflight.isPresent()) {
                    response = preflight.get();
                } else {
                    Router.Found found = route(request.method(), request);
                    route = found.route();
                    response = serve(found, request, cors);
                }
            } catch (GatewayException e) {
                response = withHeaders(Responses.error(e), cors, Headers.empty());
            } catch (UncheckedIOException e) {
                LOG.log(System.Logger.Level.DEBUG, "request body of " + request.path() + " could not be read", e);
                response = Responses.error(new GatewayException(ErrorCode.INVALID_REQUEST, "body: could not be read")
                        .header("Connection", "close"));
            } catch (RuntimeException e) {
                response = Responses.error(ErrorCode.INTERNAL_ERROR, "internal error");
                GatewayLog.log(LOG, System.Logger.Level.ERROR, request.method() + " " + request.path() + " failed", e,
                        fields(route, request.path(), response.status(), start));
            }
            logRequest(route, request, response.status(), start);
            return metrics.request(route, request.method(), response, start);
        }

        /** Authentication, then the rate limit, then the route's handler. */
        private HttpResponse serve(Router.Found found, HttpRequest request, Headers cors) {
            Route route = found.route();
            Optional<Principal> principal;
            try {
                principal = guard.authorize(route, request);
            } catch (GatewayException e) {
                // A route open to any credential checks credentials: its refusal says so ("valid": false).
                if (route.scope().isEmpty() && e.code() == ErrorCode.UNAUTHORIZED) {
                    return withHeaders(Responses.error(e, new Wire.InvalidCredential(false, false,
                            new Wire.ErrorBody(e.code().name(), e.getMessage()))), cors, Headers.empty());
                }
                throw e;
            }
            if (route.http() == null) {
                throw new GatewayException(ErrorCode.INVALID_REQUEST,
                        request.path() + ": expected a WebSocket upgrade (Upgrade: websocket)");
            }
            Headers limits = route.open() ? Headers.empty() : guard.admit(route.rate(), request, principal);
            HttpResponse response = route.http().handle(
                    new RequestContext(request, found.params(), principal, maxBodyBytes));
            if (!route.open() && response.body() instanceof ResponseBody.Stream stream) {
                response = new HttpResponse(response.status(), response.headers(),
                        new ResponseBody.Stream(streams.tracked(route, request, stream.producer())));
            }
            return withHeaders(response, cors, limits);
        }

        @Override
        public WebSocketDecision upgrade(HttpRequest request) {
            long start = System.nanoTime();
            Route route = null;
            HttpResponse refusal;
            try {
                guard.origin(request);
                Router.Found found = route(Route.WS, request);
                route = found.route();
                if (route.ws() == null) {
                    throw new GatewayException(ErrorCode.INVALID_REQUEST,
                            request.path() + ": no WebSocket here (expected: a plain HTTP request)");
                }
                Optional<Principal> principal = guard.authorize(route, request);
                guard.admit(route.rate(), request, principal);
                WebSocketListener listener = route.ws().open(
                        new RequestContext(request, found.params(), principal, maxBodyBytes));
                metrics.upgrade(route, SWITCHING_PROTOCOLS, start);
                logRequest(route, request, SWITCHING_PROTOCOLS, start);
                return WebSocketDecision.accept(metrics.counted(streams.tracked(route, request, listener)));
            } catch (GatewayException e) {
                refusal = Responses.error(e);
            } catch (RuntimeException e) {
                refusal = Responses.error(ErrorCode.INTERNAL_ERROR, "internal error");
                GatewayLog.log(LOG, System.Logger.Level.ERROR, "WebSocket upgrade of " + request.path() + " failed", e,
                        fields(route, request.path(), refusal.status(), start));
            }
            metrics.upgrade(route, refusal.status(), start);
            logRequest(route, request, refusal.status(), start);
            return WebSocketDecision.reject(refusal);
        }

        /** The fields of a request's log line: the route (its pattern, else the path), the status, how long it took. */
        private static Map<String, Object> fields(Route route, String path, int status, long start) {
            return GatewayLog.fields("route", route != null ? route.pattern() : path, "status", status,
                    "duration_ms", (System.nanoTime() - start) / 1_000_000);
        }

        /** The request's line on {@link #REQUESTS}, when that logger takes {@code DEBUG}; never the query string. */
        private static void logRequest(Route route, HttpRequest request, int status, long start) {
            if (REQUESTS.isLoggable(System.Logger.Level.DEBUG)) {
                REQUESTS.log(System.Logger.Level.DEBUG, request.method() + " " + request.path() + " " + status,
                        fields(route, request.path(), status, start));
            }
        }

        private Router.Found route(String method, HttpRequest request) {
            return switch (router.match(method, request.path())) {
                case Router.Found f -> f;
                case Router.WrongMethod w -> throw new GatewayException(ErrorCode.METHOD_NOT_ALLOWED,
                        request.method() + " " + request.path() + ": method not allowed (allowed: "
                                + String.join(", ", w.allowed()) + ")")
                        .header("Allow", String.join(", ", w.allowed()));
                case Router.Missing m -> throw new GatewayException(ErrorCode.NOT_FOUND,
                        "no route for " + request.method() + " " + request.path());
            };
        }
    }

    /** A gateway serving on one transport. */
    private final class Running implements RunningGateway {
        private final RunningTransport transport;
        private final String name;
        private final Duration defaultDrain;
        private final AtomicBoolean stopped = new AtomicBoolean();

        Running(RunningTransport transport, String name, Duration defaultDrain) {
            this.transport = transport;
            this.name = name;
            this.defaultDrain = defaultDrain;
        }

        @Override
        public InetSocketAddress address() {
            return transport.address();
        }

        @Override
        public String transportName() {
            return name;
        }

        @Override
        public void stop(Duration drain) {
            if (!stopped.compareAndSet(false, true)) {
                return;
            }
            draining = true;
            // Subscriptions never end by themselves: end them now rather than at the drain's end.
            streams.closeSubscriptions();
            transport.stop(drain);
            // Scheduled runs in progress get the drain time to finish, then are interrupted.
            scheduler.stop(drain);
            conversations.shutdown();
            // Sends in progress get the drain time too; what is not delivered stays in the outbox.
            channels.stop(drain);
            LOG.log(System.Logger.Level.INFO, "Portico stopped");
        }

        @Override
        public void close() {
            stop(defaultDrain);
        }
    }
}
