package dev.portico.core;

import dev.portico.api.agent.Agent;
import dev.portico.api.channel.Channel;
import dev.portico.api.channel.OutboxStore;
import dev.portico.api.cron.JobStore;
import dev.portico.cron.InMemoryJobStore;
import dev.portico.api.auth.Authenticator;
import dev.portico.api.event.GatewayEventListener;
import dev.portico.api.session.SessionStore;
import dev.portico.auth.Credential;
import dev.portico.auth.FailedAuthLimiter;
import dev.portico.auth.RateLimiter;
import dev.portico.core.internal.DefaultGateway;
import java.time.Clock;
import java.time.Duration;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Builds a {@link Gateway}. Every setting has a default; {@link #build()} validates.
 *
 * <pre>{@code
 * Gateway gateway = Gateway.builder()
 *         .agent(myAgent)
 *         .token(System.getenv("PORTICO_TOKEN"))
 *         .maxBodyBytes(2 * 1024 * 1024)
 *         .build();
 * }</pre>
 */
public final class GatewayBuilder {
    /**
     * The request rate limits by default, in requests per minute per credential: {@code chat}
     * (requests that start an agent turn) 180, {@code strict} (administrative and credential-checking
     * requests) 15, {@code default} (every other authenticated request) 0, which means unlimited.
     */
    public static final Map<String, Integer> DEFAULT_RATE_LIMITS = Map.of("chat", 180, "strict", 15, "default", 0);
    private static final Pattern CHANNEL_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    private static final Pattern ACCOUNT = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** Channel names whose sessions would collide with the gateway's own ({@code main}, {@code cron:…}). */
    private static final Set<String> RESERVED_NAMES = Set.of("main", "cron", "webchat");

    private Agent agent = new EchoAgent();
    private SessionStore sessionStore;
    private Authenticator authenticator;
    private String token;
    private String password;
    private List<Credential> credentials = List.of();
    private boolean noAuth;
    private boolean allowQueryToken;
    private boolean allowInsecure;
    private List<String> corsOrigins = List.of();
    private List<String> trustedProxies = List.of();
    private boolean failedAuthLimit = true;
    private int failedAuthMaxAttempts = FailedAuthLimiter.DEFAULT_MAX_FAILURES;
    private Duration failedAuthWindow = FailedAuthLimiter.DEFAULT_WINDOW;
    private Duration failedAuthLockout = FailedAuthLimiter.DEFAULT_LOCKOUT;
    private final Map<String, Integer> rateLimits = new LinkedHashMap<>(DEFAULT_RATE_LIMITS);
    private Clock clock = Clock.systemUTC();
    private long maxBodyBytes = 1024 * 1024;
    private Duration runTimeout = Duration.ofMinutes(10);
    private int maxConcurrentRuns = 16;
    private Duration runQueueTimeout = Duration.ofSeconds(30);
    private Duration runGrace = Duration.ofMinutes(5);
    private int historyLimit = 50;
    private int maxEventStreams = 100;
    private String version = Versions.portico();
    private final List<GatewayEventListener> listeners = new ArrayList<>();
    private JobStore jobStore;
    private int cronPoolSize = 4;
    private Duration cronTimeout = Duration.ofMinutes(10);
    private ZoneId cronZone = ZoneId.systemDefault();
    private final List<Channel> channels = new ArrayList<>();
    private OutboxStore outboxStore;
    private Duration outboxExpiry = Duration.ofHours(1);
    private int outboxConcurrency = 16;
    private Path channelStateDirectory;
    private Runnable restartHandler;
    private ConfigService configService;
    private final Set<String> channelKinds = new TreeSet<>();
    private GatewayLog log;

    GatewayBuilder() {}

    /**
     * Sets the agent that answers every turn.
     *
     * @param agent the agent; {@link EchoAgent} by default
     * @return this builder
     */
    public GatewayBuilder agent(Agent agent) {
        this.agent = Objects.requireNonNull(agent, "agent");
        return this;
    }

    /**
     * Sets where conversations are kept.
     *
     * @param sessionStore the store; an {@link InMemorySessionStore} by default
     * @return this builder
     */
    public GatewayBuilder sessionStore(SessionStore sessionStore) {
        this.sessionStore = Objects.requireNonNull(sessionStore, "sessionStore");
        return this;
    }

    /**
     * Sets how requests are authenticated; replaces {@link #token(String)}.
     *
     * @param authenticator the authenticator
     * @return this builder
     */
    public GatewayBuilder authenticator(Authenticator authenticator) {
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        return this;
    }

    /**
     * Authenticates with one operator token, accepted as {@code Authorization: Bearer} or
     * {@code X-Api-Key}. Without any credential set, a random token is generated
     * ({@link Gateway#generatedToken()}).
     *
     * @param token the token: at least 16 characters and not a placeholder such as
     *     {@code changeme} (checked by {@link #build()}), or {@code sha256:<hex>} of it
     * @return this builder
     */
    public GatewayBuilder token(String token) {
        this.token = Objects.requireNonNull(token, "token");
        return this;
    }

    /**
     * Adds named credentials, each with its role or scopes; they may be combined with
     * {@link #token(String)}.
     *
     * @param credentials the credentials
     * @return this builder
     */
    public GatewayBuilder credentials(List<Credential> credentials) {
        this.credentials = List.copyOf(credentials);
        return this;
    }

    /**
     * Authenticates with a password ({@code auth.mode: password}), presented like a token; the
     * caller is an operator. Not together with a token.
     *
     * @param password the password, not empty (checked by {@link #build()})
     * @return this builder
     */
    public GatewayBuilder password(String password) {
        this.password = Objects.requireNonNull(password, "password");
        return this;
    }

    /**
     * Turns authentication off ({@code auth.mode: none}): every caller is an operator. For local
     * development only: {@link Gateway#start} refuses to bind anything but a loopback address.
     *
     * @return this builder
     */
    public GatewayBuilder noAuth() {
        this.noAuth = true;
        return this;
    }

    /**
     * Accepts {@code ?token=} as a credential on streaming routes (SSE and WebSocket), for browser
     * clients that cannot set headers there. Off by default: a URL ends up in logs and histories.
     *
     * @param allow whether to accept it
     * @return this builder
     */
    public GatewayBuilder allowQueryToken(boolean allow) {
        this.allowQueryToken = allow;
        return this;
    }

    /**
     * Lets {@link Gateway#start} bind a non-loopback address with authentication off
     * ({@link #noAuth()}), for a gateway on a network that is itself trusted, such as a container
     * network behind an authenticating proxy. Off by default; every request is then an operator's.
     *
     * @param allow whether to allow it
     * @return this builder
     */
    public GatewayBuilder allowInsecure(boolean allow) {
        this.allowInsecure = allow;
        return this;
    }

    /**
     * Sets the web origins whose pages may call the gateway from a browser, besides the gateway's
     * own: {@code https://console.example.com}, {@code http://localhost:5173}; {@code *} allows any
     * page (never with cookies: clients send their credential themselves). A request that carries
     * an {@code Origin} header from any other origin, WebSocket upgrades included, is refused
     * {@code 403 FORBIDDEN}; requests without {@code Origin} (command-line clients, servers) rely on
     * their credential alone.
     *
     * @param origins the origins; none by default (checked by {@link #build()})
     * @return this builder
     */
    public GatewayBuilder corsOrigins(List<String> origins) {
        this.corsOrigins = List.copyOf(origins);
        return this;
    }

    /**
     * Sets the proxies whose {@code X-Forwarded-For} and {@code X-Real-IP} headers are believed:
     * addresses ({@code 10.0.0.5}) or CIDR blocks ({@code 10.0.0.0/8}, {@code fd00::/8}). From any
     * other peer those headers are ignored and the socket address is the client's, for the failed
     * authentication lockout and for rate limits.
     *
     * @param proxies the trusted proxies; none by default (checked by {@link #build()})
     * @return this builder
     */
    public GatewayBuilder trustedProxies(List<String> proxies) {
        this.trustedProxies = List.copyOf(proxies);
        return this;
    }

    /**
     * Sets the failed authentication lockout: a client address that presents {@code maxAttempts}
     * wrong credentials within {@code window} is answered {@code 429 RATE_LIMITED} for
     * {@code lockout}, whatever credential it then sends. A missing credential does not count, and
     * direct requests over loopback are exempt. On by default: 10 attempts in 60 s lock out for
     * 5 minutes.
     *
     * @param maxAttempts wrong credentials that start a lockout, &gt; 0
     * @param window how long a wrong credential counts, &gt; 0
     * @param lockout how long a lockout lasts, &gt; 0
     * @return this builder
     */
    public GatewayBuilder failedAuthLimit(int maxAttempts, Duration window, Duration lockout) {
        this.failedAuthLimit = true;
        this.failedAuthMaxAttempts = maxAttempts;
        this.failedAuthWindow = Objects.requireNonNull(window, "window");
        this.failedAuthLockout = Objects.requireNonNull(lockout, "lockout");
        return this;
    }

    /**
     * Turns the failed authentication lockout off, so that credentials can be guessed at the speed
     * the gateway answers. For tests and for gateways behind a proxy that limits on its own.
     *
     * @return this builder
     */
    public GatewayBuilder noFailedAuthLimit() {
        this.failedAuthLimit = false;
        return this;
    }

    /**
     * Sets a request rate limit: how many requests of a class each credential may make per minute
     * (with auth mode none, each client address), with bursts up to that many; beyond it requests
     * are answered {@code 429 RATE_LIMITED} with {@code Retry-After}. Public routes are never
     * limited. The defaults are {@link #DEFAULT_RATE_LIMITS}.
     *
     * @param rateClass {@code chat}, {@code strict} or {@code default}
     * @param perMinute requests per minute, &gt;= 0; 0 turns the limit off
     * @return this builder
     * @throws IllegalArgumentException for an unknown class or a negative rate
     */
    public GatewayBuilder rateLimit(String rateClass, int perMinute) {
        Objects.requireNonNull(rateClass, "rateClass");
        if (!DEFAULT_RATE_LIMITS.containsKey(rateClass)) {
            throw new IllegalArgumentException("rateLimits." + rateClass + ": unknown class (expected: one of "
                    + new TreeSet<>(DEFAULT_RATE_LIMITS.keySet()) + ")");
        }
        if (perMinute < 0 || perMinute > RateLimiter.MAX_BURST) {
            throw new IllegalArgumentException("rateLimits." + rateClass + ": " + perMinute
                    + " (expected: requests per minute, 0 for no limit, at most " + RateLimiter.MAX_BURST + ")");
        }
        rateLimits.put(rateClass, perMinute);
        return this;
    }

    /**
     * Turns every request rate limit off, as {@code rateLimit(class, 0)} for each class does.
     *
     * @return this builder
     */
    public GatewayBuilder noRateLimits() {
        rateLimits.replaceAll((name, rate) -> 0);
        return this;
    }

    /**
     * Sets the clock for timestamps, uptime and timeouts.
     *
     * @param clock the clock; the UTC system clock by default
     * @return this builder
     */
    public GatewayBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /**
     * Sets the body limit of the JSON API; larger bodies are answered 413.
     *
     * @param maxBodyBytes bytes, &gt; 0; 1 MiB by default
     * @return this builder
     */
    public GatewayBuilder maxBodyBytes(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
        return this;
    }

    /**
     * Sets how long one agent run may take before it is cancelled and fails.
     *
     * @param runTimeout a positive duration; 10 minutes by default
     * @return this builder
     */
    public GatewayBuilder runTimeout(Duration runTimeout) {
        this.runTimeout = Objects.requireNonNull(runTimeout, "runTimeout");
        return this;
    }

    /**
     * Sets how many agent runs may execute at once across all sessions; more wait their turn.
     *
     * @param maxConcurrentRuns &gt; 0; 16 by default
     * @return this builder
     */
    public GatewayBuilder maxConcurrentRuns(int maxConcurrentRuns) {
        this.maxConcurrentRuns = maxConcurrentRuns;
        return this;
    }

    /**
     * Sets how long a turn waits for a place under {@link #maxConcurrentRuns(int)} before it is
     * answered {@code 503 UNAVAILABLE}.
     *
     * @param runQueueTimeout a non-negative duration; 30 s by default
     * @return this builder
     */
    public GatewayBuilder runQueueTimeout(Duration runQueueTimeout) {
        this.runQueueTimeout = Objects.requireNonNull(runQueueTimeout, "runQueueTimeout");
        return this;
    }

    /**
     * Sets how long a finished run stays collectable by its id ({@code POST /api/agent/wait}),
     * for example after its HTTP client disconnected.
     *
     * @param runGrace a non-negative duration; 5 minutes by default
     * @return this builder
     */
    public GatewayBuilder runGrace(Duration runGrace) {
        this.runGrace = Objects.requireNonNull(runGrace, "runGrace");
        return this;
    }

    /**
     * Sets how many earlier messages an agent receives with each turn.
     *
     * @param historyLimit &gt;= 0; 50 by default
     * @return this builder
     */
    public GatewayBuilder historyLimit(int historyLimit) {
        this.historyLimit = historyLimit;
        return this;
    }

    /**
     * Sets how many event streams ({@code GET /api/events}, {@code WS /api/events/live}) may be
     * open at once, and how many log streams ({@code WS /api/logs/live}) besides; more are answered
     * {@code 503 UNAVAILABLE}.
     *
     * @param maxEventStreams &gt; 0; 100 by default
     * @return this builder
     */
    public GatewayBuilder maxEventStreams(int maxEventStreams) {
        this.maxEventStreams = maxEventStreams;
        return this;
    }

    /**
     * Sets the version reported by {@code /health}.
     *
     * @param version the version; Portico's own by default
     * @return this builder
     */
    public GatewayBuilder version(String version) {
        this.version = Objects.requireNonNull(version, "version");
        return this;
    }

    /**
     * Adds a listener for gateway events.
     *
     * @param listener called for every event
     * @return this builder
     */
    public GatewayBuilder eventListener(GatewayEventListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Sets where scheduled jobs and their run history are kept.
     *
     * @param jobStore the store; an {@link InMemoryJobStore} by default (jobs last until the gateway stops)
     * @return this builder
     */
    public GatewayBuilder jobStore(JobStore jobStore) {
        this.jobStore = Objects.requireNonNull(jobStore, "jobStore");
        return this;
    }

    /**
     * Sets how many scheduled runs may go at once.
     *
     * @param size 1 to 256; 4 by default
     * @return this builder
     */
    public GatewayBuilder cronPoolSize(int size) {
        this.cronPoolSize = size;
        return this;
    }

    /**
     * Sets how long a scheduled run may take when its job does not say.
     *
     * @param timeout positive; 10 minutes by default
     * @return this builder
     */
    public GatewayBuilder cronTimeout(Duration timeout) {
        this.cronTimeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /**
     * Sets the time zone of cron jobs created without one.
     *
     * @param zone the zone; the system's by default
     * @return this builder
     */
    public GatewayBuilder cronZone(ZoneId zone) {
        this.cronZone = Objects.requireNonNull(zone, "zone");
        return this;
    }

    /**
     * Adds a channel: a chat platform account the agent talks through. Each name and account may
     * be added once.
     *
     * @param channel the channel; started with the gateway, which does not start if it cannot
     * @return this builder
     */
    public GatewayBuilder channel(Channel channel) {
        channels.add(Objects.requireNonNull(channel, "channel"));
        return this;
    }

    /**
     * Sets where messages accepted for the channels are kept until delivered.
     *
     * @param store the store; an {@link InMemoryOutboxStore} by default (pending messages are lost
     *     when the gateway stops)
     * @return this builder
     */
    public GatewayBuilder outboxStore(OutboxStore store) {
        this.outboxStore = Objects.requireNonNull(store, "store");
        return this;
    }

    /**
     * Sets how long the outbox tries to deliver a message; older ones are dropped as
     * {@code expired} rather than sent stale after a long outage.
     *
     * @param expiry positive; 1 hour by default
     * @return this builder
     */
    public GatewayBuilder outboxExpiry(Duration expiry) {
        this.outboxExpiry = Objects.requireNonNull(expiry, "expiry");
        return this;
    }

    /**
     * Sets how many chats the outbox sends to at once (each chat's messages go one at a time).
     *
     * @param concurrency 1 to 1024; 16 by default
     * @return this builder
     */
    public GatewayBuilder outboxConcurrency(int concurrency) {
        this.outboxConcurrency = concurrency;
        return this;
    }

    /**
     * Sets where channels keep the little they must remember across restarts (a polling offset).
     *
     * @param directory the directory, created when needed; in memory by default
     * @return this builder
     */
    public GatewayBuilder channelStateDirectory(Path directory) {
        this.channelStateDirectory = Objects.requireNonNull(directory, "directory");
        return this;
    }

    /**
     * Sets what {@code POST /api/restart} does: the handler is called once the request has been
     * answered, on a thread of its own; it typically stops the gateway and starts it again (the
     * packaged server does). Without one the route answers {@code 503}: an embedded gateway is
     * restarted by its owner.
     *
     * @param handler what to run
     * @return this builder
     */
    public GatewayBuilder restartHandler(Runnable handler) {
        this.restartHandler = Objects.requireNonNull(handler, "handler");
        return this;
    }

    /**
     * Sets what the {@code /api/config} routes read and change. Without one they answer
     * {@code 503}: the application that embeds the gateway owns its settings.
     *
     * @param service the configuration as a document
     * @return this builder
     */
    public GatewayBuilder configService(ConfigService service) {
        this.configService = Objects.requireNonNull(service, "service");
        return this;
    }

    /**
     * Names kinds of channel the application can run besides those configured, for
     * {@code GET /api/version}'s {@code compiled_channels} ({@code telegram}, {@code slack}, …).
     *
     * @param kinds the kinds
     * @return this builder
     */
    public GatewayBuilder channelKinds(String... kinds) {
        for (String kind : kinds) {
            if (kind == null || kind.isBlank()) {
                throw new IllegalArgumentException("channelKinds: expected non-empty names");
            }
            channelKinds.add(kind);
        }
        return this;
    }

    /**
     * Sets the gateway's log file, which {@code GET /api/logs}, {@code GET /api/logs/recent} and
     * {@code WS /api/logs/live} read. The gateway only reads it: whoever installs it as a
     * {@code java.util.logging} handler (the packaged server puts it on the root logger) decides
     * what is written, and closes it. Without one those routes answer {@code 503 UNAVAILABLE}.
     *
     * @param log the log
     * @return this builder
     */
    public GatewayBuilder log(GatewayLog log) {
        this.log = Objects.requireNonNull(log, "log");
        return this;
    }

    /**
     * Validates the settings and builds the gateway.
     *
     * @return the gateway
     * @throws IllegalArgumentException naming the first invalid setting
     */
    public Gateway build() {
        validate();
        return new DefaultGateway(this);
    }

    /**
     * Checks the settings without building a gateway, as {@link #build()} and
     * {@link Gateway#reconfigure} do.
     *
     * @throws IllegalArgumentException naming the first invalid setting
     */
    public void validate() {
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: > 0)");
        }
        if (maxConcurrentRuns <= 0) {
            throw new IllegalArgumentException("maxConcurrentRuns: " + maxConcurrentRuns + " (expected: > 0)");
        }
        if (maxEventStreams <= 0) {
            throw new IllegalArgumentException("maxEventStreams: " + maxEventStreams + " (expected: > 0)");
        }
        if (historyLimit < 0) {
            throw new IllegalArgumentException("historyLimit: " + historyLimit + " (expected: >= 0)");
        }
        if (runTimeout.isNegative() || runTimeout.isZero()) {
            throw new IllegalArgumentException("runTimeout: " + runTimeout + " (expected: > 0)");
        }
        if (runQueueTimeout.isNegative()) {
            throw new IllegalArgumentException("runQueueTimeout: " + runQueueTimeout + " (expected: >= 0)");
        }
        if (runGrace.isNegative()) {
            throw new IllegalArgumentException("runGrace: " + runGrace + " (expected: >= 0)");
        }
        if (cronPoolSize < 1 || cronPoolSize > 256) {
            throw new IllegalArgumentException("cronPoolSize: " + cronPoolSize + " (expected: 1 to 256)");
        }
        if (cronTimeout.isNegative() || cronTimeout.isZero()) {
            throw new IllegalArgumentException("cronTimeout: " + cronTimeout + " (expected: > 0)");
        }
        if (outboxExpiry.isNegative() || outboxExpiry.isZero()) {
            throw new IllegalArgumentException("outboxExpiry: " + outboxExpiry + " (expected: > 0)");
        }
        if (outboxConcurrency < 1 || outboxConcurrency > 1024) {
            throw new IllegalArgumentException("outboxConcurrency: " + outboxConcurrency + " (expected: 1 to 1024)");
        }
        Set<String> seen = new HashSet<>();
        for (Channel c : channels) {
            if (c.name() == null || !CHANNEL_NAME.matcher(c.name()).matches()) {
                throw new IllegalArgumentException("channel name: \"" + c.name() + "\" (expected: 1-32 characters of "
                        + "a-z 0-9 _ -, starting with a letter)");
            }
            if (c.accountId() == null || !ACCOUNT.matcher(c.accountId()).matches()) {
                throw new IllegalArgumentException("channel " + c.name() + ": account \"" + c.accountId()
                        + "\" (expected: 1-64 characters of A-Z a-z 0-9 _ -)");
            }
            if (RESERVED_NAMES.contains(c.name())) {
                throw new IllegalArgumentException("channel name: \"" + c.name() + "\" is reserved (its sessions "
                        + "would collide with the gateway's own: " + RESERVED_NAMES + ")");
            }
            if (!seen.add(c.name() + ":" + c.accountId())) {
                throw new IllegalArgumentException("channel " + c.name() + " (account " + c.accountId()
                        + "): added twice");
            }
        }
        int modes = (token != null || !credentials.isEmpty() ? 1 : 0) + (password != null ? 1 : 0) + (noAuth ? 1 : 0)
                + (authenticator != null ? 1 : 0);
        if (token != null && password != null) {
            throw new IllegalArgumentException("token and password: set one, not both (auth.mode picks one)");
        }
        if (modes > 1) {
            throw new IllegalArgumentException("authentication: set one of token/credentials, password, noAuth or "
                    + "authenticator, not several");
        }
        if (failedAuthLimit) {
            if (failedAuthMaxAttempts <= 0) {
                throw new IllegalArgumentException("failedAuthLimit.maxAttempts: " + failedAuthMaxAttempts
                        + " (expected: > 0)");
            }
            if (failedAuthWindow.isNegative() || failedAuthWindow.isZero()) {
                throw new IllegalArgumentException("failedAuthLimit.window: " + failedAuthWindow + " (expected: > 0)");
            }
            if (failedAuthLockout.isNegative() || failedAuthLockout.isZero()) {
                throw new IllegalArgumentException("failedAuthLimit.lockout: " + failedAuthLockout + " (expected: > 0)");
            }
        }
    }

    /**
     * The failed authentication lockout's settings, to tell whether two builders set the same.
     *
     * @return {@code [maxAttempts, window, lockout]}, or an empty list when the lockout is off
     */
    public List<Object> failedAuthSettings() {
        return failedAuthLimit ? List.of(failedAuthMaxAttempts, failedAuthWindow, failedAuthLockout) : List.of();
    }

    // Read by the implementation.

    /** @return the agent */
    public Agent agent() { return agent; }

    /** @return the session store, when set */
    public Optional<SessionStore> sessionStore() { return Optional.ofNullable(sessionStore); }

    /** @return the authenticator, when set */
    public Optional<Authenticator> authenticator() { return Optional.ofNullable(authenticator); }

    /** @return the token, when set */
    public Optional<String> token() { return Optional.ofNullable(token); }

    /** @return the password, when set */
    public Optional<String> password() { return Optional.ofNullable(password); }

    /** @return the named credentials */
    public List<Credential> credentials() { return credentials; }

    /** @return whether authentication is off */
    public boolean authDisabled() { return noAuth; }

    /** @return whether {@code ?token=} is accepted on streaming routes */
    public boolean allowQueryToken() { return allowQueryToken; }

    /** @return whether auth mode none may bind beyond loopback */
    public boolean allowInsecure() { return allowInsecure; }

    /** @return the allowed web origins, as given */
    public List<String> corsOrigins() { return corsOrigins; }

    /** @return the trusted proxies, as given */
    public List<String> trustedProxies() { return trustedProxies; }

    /**
     * A new failed authentication limiter with these settings.
     *
     * @param clock the clock it reads
     * @return the limiter, or empty when the lockout is off
     */
    public Optional<FailedAuthLimiter> failedAuthLimiter(Clock clock) {
        if (!failedAuthLimit) {
            return Optional.empty();
        }
        return Optional.of(FailedAuthLimiter.builder().clock(clock).maxFailures(failedAuthMaxAttempts)
                .window(failedAuthWindow).lockout(failedAuthLockout).build());
    }

    /** @return the request rate limits by class, 0 meaning none */
    public Map<String, Integer> rateLimits() { return Map.copyOf(rateLimits); }

    /** @return the clock */
    public Clock clock() { return clock; }

    /** @return the body limit */
    public long maxBodyBytes() { return maxBodyBytes; }

    /** @return the run timeout */
    public Duration runTimeout() { return runTimeout; }

    /** @return the concurrent run cap */
    public int maxConcurrentRuns() { return maxConcurrentRuns; }

    /** @return how long a run waits for a place under the cap */
    public Duration runQueueTimeout() { return runQueueTimeout; }

    /** @return how long finished runs stay collectable */
    public Duration runGrace() { return runGrace; }

    /** @return the event stream cap */
    public int maxEventStreams() { return maxEventStreams; }

    /** @return the history limit */
    public int historyLimit() { return historyLimit; }

    /** @return the version */
    public String version() { return version; }

    /** @return the job store, when set */
    public Optional<JobStore> jobStore() { return Optional.ofNullable(jobStore); }

    /** @return how many scheduled runs go at once */
    public int cronPoolSize() { return cronPoolSize; }

    /** @return the default timeout of a scheduled run */
    public Duration cronTimeout() { return cronTimeout; }

    /** @return the zone of cron jobs created without one */
    public ZoneId cronZone() { return cronZone; }

    /** @return the channels, in the order added */
    public List<Channel> channels() { return List.copyOf(channels); }

    /** @return the outbox store, when set */
    public Optional<OutboxStore> outboxStore() { return Optional.ofNullable(outboxStore); }

    /** @return how long the outbox tries to deliver a message */
    public Duration outboxExpiry() { return outboxExpiry; }

    /** @return how many chats the outbox sends to at once */
    public int outboxConcurrency() { return outboxConcurrency; }

    /** @return where channels keep their state, when set */
    public Optional<Path> channelStateDirectory() { return Optional.ofNullable(channelStateDirectory); }

    /** @return what {@code POST /api/restart} does, when set */
    public Optional<Runnable> restartHandler() { return Optional.ofNullable(restartHandler); }

    /** @return what the {@code /api/config} routes read and change, when set */
    public Optional<ConfigService> configService() { return Optional.ofNullable(configService); }

    /** @return the kinds of channel named with {@link #channelKinds(String...)}, sorted */
    public Set<String> channelKinds() { return java.util.Collections.unmodifiableSet(new TreeSet<>(channelKinds)); }

    /** @return the log file the log routes read, when set */
    public Optional<GatewayLog> log() { return Optional.ofNullable(log); }

    /** @return the event listeners */
    public List<GatewayEventListener> eventListeners() { return List.copyOf(listeners); }
}
