package dev.portico.cli;

import dev.portico.api.auth.Role;
import dev.portico.api.auth.Scope;
import dev.portico.api.channel.AllowList;
import dev.portico.api.channel.Channel;
import dev.portico.auth.Credential;
import dev.portico.auth.FailedAuthLimiter;
import dev.portico.auth.OriginPolicy;
import dev.portico.auth.RateLimiter;
import dev.portico.auth.TrustedProxies;
import dev.portico.channels.telegram.TelegramChannel;
import dev.portico.core.FsyncPolicy;
import dev.portico.core.GatewayLog;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JSON config file: the {@code gateway} section, the model {@code providers} and
 * {@code agents.defaults}. Every key maps onto a setting of the embedding API
 * ({@code GatewayBuilder}, {@code TransportOptions} or {@code OpenAiCompatibleAgent.Builder}); see
 * docs/configuration.md.
 *
 * @param host {@code gateway.host}
 * @param port {@code gateway.port}
 * @param server {@code gateway.server}
 * @param auth {@code gateway.auth}
 * @param sessionsFsync {@code gateway.sessions.fsync}: {@code always}, {@code batched} or {@code never}
 * @param sessionsFsyncIntervalMs {@code gateway.sessions.fsyncIntervalMs}: the longest a written
 *     message waits for its fsync under {@code batched}
 * @param limits {@code gateway.limits}
 * @param cron {@code gateway.cron}: the scheduler of scheduled jobs
 * @param logging {@code gateway.logging}: what the console and the log file get
 * @param channels {@code gateway.channels}: the chat platform accounts, in file order
 * @param outbox {@code gateway.outbox}: where replies for the channels wait until delivered
 * @param corsOrigins {@code gateway.corsOrigins}: browser origins allowed besides the gateway's own
 * @param trustedProxies {@code gateway.trustedProxies}: addresses or CIDR blocks whose forwarding
 *     headers are believed
 * @param rateLimits {@code gateway.rateLimits}: requests per minute per credential by class
 *     ({@code chat}, {@code strict}, {@code default}), only the classes the file sets, 0 meaning none
 * @param providers {@code providers.<name>}, in file order
 * @param agentDefaults {@code agents.defaults}
 * @param warnings what was read but is not used, one line each, such as an unknown key with the
 *     known key it most resembles ({@code gateway.prot: unknown key (did you mean "port"?)})
 */
record ConfigFile(
        Optional<String> host,
        OptionalInt port,
        Optional<String> server,
        Auth auth,
        Optional<FsyncPolicy> sessionsFsync,
        OptionalLong sessionsFsyncIntervalMs,
        Limits limits,
        Cron cron,
        Logging logging,
        List<ChannelConfig> channels,
        Outbox outbox,
        List<String> corsOrigins,
        List<String> trustedProxies,
        Map<String, Integer> rateLimits,
        Map<String, Provider> providers,
        AgentDefaults agentDefaults,
        List<String> warnings) {

    /** The request rate limit classes, in the order error messages list them. */
    static final List<String> RATE_CLASSES = List.of("chat", "strict", "default");

    /**
     * {@code gateway.limits}.
     *
     * @param maxBodyBytes {@code maxBodyBytes}
     * @param maxHeaderBytes {@code maxHeaderBytes}
     * @param idleTimeoutSeconds {@code idleTimeoutSeconds}
     * @param maxWebSocketFrameBytes {@code maxWebSocketFrameBytes}
     * @param maxQueuedOutboundBytes {@code maxQueuedOutboundBytes}
     * @param drainTimeoutSeconds {@code drainTimeoutSeconds}
     * @param runTimeoutSeconds {@code runTimeoutSeconds}
     * @param maxConcurrentRuns {@code maxConcurrentRuns}
     * @param runQueueTimeoutSeconds {@code runQueueTimeoutSeconds}
     * @param runGraceSeconds {@code runGraceSeconds}
     * @param maxEventStreams {@code maxEventStreams}
     */
    record Limits(
            OptionalLong maxBodyBytes,
            OptionalInt maxHeaderBytes,
            OptionalLong idleTimeoutSeconds,
            OptionalInt maxWebSocketFrameBytes,
            OptionalLong maxQueuedOutboundBytes,
            OptionalLong drainTimeoutSeconds,
            OptionalLong runTimeoutSeconds,
            OptionalInt maxConcurrentRuns,
            OptionalLong runQueueTimeoutSeconds,
            OptionalLong runGraceSeconds,
            OptionalInt maxEventStreams) {

        /** No limit set. */
        static final Limits NONE = new Limits(OptionalLong.empty(), OptionalInt.empty(), OptionalLong.empty(),
                OptionalInt.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
                OptionalInt.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalInt.empty());
    }

    /**
     * {@code gateway.cron}.
     *
     * @param poolSize {@code poolSize}: scheduled jobs that may run at once, 1..256
     * @param timeoutSeconds {@code timeoutSeconds}: how long a run may take unless its job says
     *     otherwise, &gt; 0
     * @param timezone {@code timezone}: the zone of cron expressions created without one
     */
    record Cron(OptionalInt poolSize, OptionalLong timeoutSeconds, Optional<ZoneId> timezone) {
        /** Nothing set. */
        static final Cron NONE = new Cron(OptionalInt.empty(), OptionalLong.empty(), Optional.empty());
    }

    /**
     * {@code gateway.logging}.
     *
     * @param level {@code level}: the lowest level of Portico's own lines, {@code trace} to
     *     {@code error}
     * @param requests {@code requests}: one line per request answered (method, path, status,
     *     route, duration)
     */
    record Logging(Optional<Level> level, Optional<Boolean> requests) {
        /** Nothing set. */
        static final Logging NONE = new Logging(Optional.empty(), Optional.empty());
    }

    /**
     * {@code gateway.outbox}: the store of replies accepted for the channels.
     *
     * @param fsync {@code fsync}: {@code always}, {@code batched} or {@code never}
     * @param fsyncIntervalMs {@code fsyncIntervalMs}: the longest a written message waits for its
     *     fsync under {@code batched}, 1..10000
     * @param expirySeconds {@code expirySeconds}: how long a message is tried before it is dropped
     *     as expired, &gt; 0
     * @param concurrency {@code concurrency}: chats sent to at once, 1..1024
     */
    record Outbox(Optional<FsyncPolicy> fsync, OptionalLong fsyncIntervalMs, OptionalLong expirySeconds,
            OptionalInt concurrency) {
        /** Nothing set. */
        static final Outbox NONE = new Outbox(Optional.empty(), OptionalLong.empty(), OptionalLong.empty(),
                OptionalInt.empty());
    }

    /**
     * {@code gateway.auth}.
     *
     * @param mode {@code mode}: {@code token}, {@code password} or {@code none}
     * @param token {@code token}: the operator token (or {@code ${ENV}}, or {@code sha256:<hex>})
     * @param password {@code password} (or {@code ${ENV}})
     * @param allowQueryToken {@code allowQueryToken}: accept {@code ?token=} on streaming routes
     * @param credentials {@code credentials}: named tokens, each with a {@code role} or {@code scopes}
     * @param rateLimit {@code rateLimit}: the lockout after repeated failed authentication
     */
    record Auth(Optional<String> mode, Optional<String> token, Optional<String> password, boolean allowQueryToken,
            List<Credential> credentials, FailedAuthLimit rateLimit) {
        static final Auth NONE = new Auth(Optional.empty(), Optional.empty(), Optional.empty(), false, List.of(),
                FailedAuthLimit.DEFAULT);
    }

    /**
     * {@code gateway.auth.rateLimit}: a client address that presents {@code maxAttempts} wrong
     * credentials within {@code windowMs} is refused for {@code blockDurationMs}.
     *
     * @param enabled {@code enabled}: whether the lockout is on
     * @param maxAttempts {@code maxAttempts}: wrong credentials that start a lockout, &gt; 0
     * @param windowMs {@code windowMs}: how long a wrong credential counts, in milliseconds, &gt; 0
     * @param blockDurationMs {@code blockDurationMs}: how long a lockout lasts, in milliseconds, &gt; 0
     */
    record FailedAuthLimit(boolean enabled, int maxAttempts, long windowMs, long blockDurationMs) {
        /** The lockout of a file that does not configure one: on, 10 attempts in 60 s lock out for 5 minutes. */
        static final FailedAuthLimit DEFAULT = new FailedAuthLimit(true, FailedAuthLimiter.DEFAULT_MAX_FAILURES,
                FailedAuthLimiter.DEFAULT_WINDOW.toMillis(), FailedAuthLimiter.DEFAULT_LOCKOUT.toMillis());
    }

    /** A config with nothing set. */
    static final ConfigFile EMPTY = new ConfigFile(Optional.empty(), OptionalInt.empty(), Optional.empty(),
            Auth.NONE, Optional.empty(), OptionalLong.empty(), Limits.NONE, Cron.NONE, Logging.NONE, List.of(),
            Outbox.NONE, List.of(), List.of(), Map.of(), Map.of(), AgentDefaults.NONE, List.of());

    /** The longest {@code gateway.outbox.expirySeconds}: 30 days. */
    static final long MAX_OUTBOX_EXPIRY_SECONDS = 30L * 24 * 60 * 60;

    /** The longest {@code timeoutSeconds} and {@code pollTimeoutSeconds} of a channel: one hour. */
    static final long MAX_CHANNEL_TIMEOUT_SECONDS = 3600;

    /** The keys every channel entry takes. */
    private static final List<String> CHANNEL_KEYS = List.of("type", "account", "allowedChats", "allowedUsers",
            "timeoutSeconds");

    /** The keys each type of channel takes besides {@link #CHANNEL_KEYS}. */
    private static final Map<String, List<String>> CHANNEL_TYPE_KEYS = Map.of(
            "telegram", List.of("botToken", "mode", "webhookSecret", "pollTimeoutSeconds", "apiBase"),
            "slack", List.of("botToken", "signingSecret", "apiBase"),
            "discord", List.of("botToken", "applicationId", "publicKey", "apiBase"),
            "webhook", List.of("name", "secret", "standardWebhooks", "callbackUrl", "maxMessageLength"));

    /** The settings of the channel builders whose config keys are spelled otherwise. */
    private static final Map<String, String> CHANNEL_SETTING_KEYS = Map.of("accountId", "account",
            "pollTimeout", "pollTimeoutSeconds", "timeout", "timeoutSeconds");

    /**
     * What a {@code ${...}} reference holds: {@code NAME}, or {@code NAME:-default} whose default
     * holds no other reference.
     */
    private static final Pattern REFERENCE = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)(?::-((?:(?!\\$\\{).)*))?",
            Pattern.DOTALL);

    /** The keys of the top level. */
    private static final List<String> ROOT_KEYS = List.of("gateway", "providers", "agents");

    /** The keys of {@code gateway}. */
    private static final List<String> GATEWAY_KEYS = List.of("host", "port", "server", "auth", "limits", "sessions", "cron",
            "logging", "outbox", "channels", "corsOrigins", "trustedProxies", "rateLimits");

    /** The keys of {@code gateway.auth}. */
    private static final List<String> AUTH_KEYS = List.of("mode", "token", "password", "allowQueryToken",
            "credentials", "rateLimit");

    /** The keys of {@code gateway.auth.rateLimit}. */
    private static final List<String> FAILED_AUTH_KEYS = List.of("enabled", "maxAttempts", "windowMs",
            "blockDurationMs");

    /** The keys of an entry of {@code gateway.auth.credentials}. */
    private static final List<String> CREDENTIAL_KEYS = List.of("label", "token", "role", "scopes");

    /** The keys of {@code gateway.limits}. */
    private static final List<String> LIMIT_KEYS = List.of("maxBodyBytes", "maxHeaderBytes", "idleTimeoutSeconds",
            "maxWebSocketFrameBytes", "maxQueuedOutboundBytes", "drainTimeoutSeconds", "runTimeoutSeconds",
            "maxConcurrentRuns", "runQueueTimeoutSeconds", "runGraceSeconds", "maxEventStreams");

    /** The keys of {@code gateway.sessions}. */
    private static final List<String> SESSIONS_KEYS = List.of("fsync", "fsyncIntervalMs", "fsync_interval_ms");

    /** The keys of {@code gateway.cron}. */
    private static final List<String> CRON_KEYS = List.of("poolSize", "timeoutSeconds", "timezone");

    /** The keys of {@code gateway.logging}. */
    private static final List<String> LOGGING_KEYS = List.of("level", "requests");

    /** The keys of {@code gateway.outbox}. */
    private static final List<String> OUTBOX_KEYS = List.of("fsync", "fsyncIntervalMs", "fsync_interval_ms",
            "expirySeconds", "concurrency");

    /** The keys of {@code providers.<name>}. */
    private static final List<String> PROVIDER_KEYS = List.of("base_url", "baseUrl", "api_key", "apiKey");

    /** The keys of {@code agents}. */
    private static final List<String> AGENTS_KEYS = List.of("defaults");

    /** The keys of {@code agents.defaults}. */
    private static final List<String> AGENT_DEFAULTS_KEYS = List.of("model", "system_prompt", "systemPrompt",
            "history_window", "historyWindow", "temperature", "max_tokens", "maxTokens", "timeout_seconds",
            "timeoutSeconds", "idle_timeout_seconds", "idleTimeoutSeconds");

    /** The keys of {@code agents.defaults.model} as an object. */
    private static final List<String> MODEL_KEYS = List.of("primary", "fallbacks");

    /**
     * The keys of a channel entry whose misspelling is refused rather than warned about: a
     * misspelled allow-list is left out, which would let everyone in.
     */
    private static final List<String> ALLOW_LIST_KEYS = List.of("allowedChats", "allowedUsers");

    /** Builds the document with its comments removed and its references replaced. */
    private static final jakarta.json.spi.JsonProvider JSON = jakarta.json.spi.JsonProvider.provider();

    /** Copies the lists and maps, keeping their order. */
    ConfigFile {
        channels = List.copyOf(channels);
        corsOrigins = List.copyOf(corsOrigins);
        trustedProxies = List.copyOf(trustedProxies);
        rateLimits = Collections.unmodifiableMap(new LinkedHashMap<>(rateLimits));
        providers = Collections.unmodifiableMap(new LinkedHashMap<>(providers));
        warnings = List.copyOf(warnings);
    }

    /**
     * A model provider: {@code providers.<name>}.
     *
     * @param name the name models refer to ({@code <name>/<model>})
     * @param baseUrl {@code base_url} (or {@code baseUrl})
     * @param apiKey {@code api_key} (or {@code apiKey}), resolved when it was {@code ${ENV_NAME}}
     */
    record Provider(String name, URI baseUrl, Optional<String> apiKey) {
        /** @return the provider without its key */
        @Override
        public String toString() {
            return "Provider[name=" + name + ", baseUrl=" + baseUrl + ", apiKey=" + (apiKey.isPresent() ? "(set)" : "(none)") + "]";
        }
    }

    /**
     * The settings of the model agent: {@code agents.defaults}.
     *
     * @param primary {@code model.primary} (or {@code model} as a string), {@code <provider>/<model>}
     * @param fallbacks {@code model.fallbacks}, in order
     * @param systemPrompt {@code system_prompt}
     * @param historyWindow {@code history_window}
     * @param temperature {@code temperature}
     * @param maxTokens {@code max_tokens}
     * @param timeoutSeconds {@code timeout_seconds}
     * @param idleTimeoutSeconds {@code idle_timeout_seconds}
     */
    record AgentDefaults(Optional<String> primary, List<String> fallbacks, Optional<String> systemPrompt,
            OptionalInt historyWindow, OptionalDouble temperature, OptionalInt maxTokens, OptionalLong timeoutSeconds,
            OptionalLong idleTimeoutSeconds) {

        /** Nothing set. */
        static final AgentDefaults NONE = new AgentDefaults(Optional.empty(), List.of(), Optional.empty(),
                OptionalInt.empty(), OptionalDouble.empty(), OptionalInt.empty(), OptionalLong.empty(), OptionalLong.empty());

        /** Copies the fallbacks. */
        AgentDefaults {
            fallbacks = List.copyOf(fallbacks);
        }
    }

    /**
     * A config file that cannot be used; the message lists every problem, one per line, then the
     * warnings, each starting {@code warning: }.
     */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        private final List<String> problems;

        Invalid(String message) {
            this(message, List.of(message));
        }

        Invalid(String message, List<String> problems) {
            super(message);
            this.problems = List.copyOf(problems);
        }

        /** @return each problem on its own ({@code gateway.port: 70000 (expected: 0..65535)}) */
        List<String> problems() {
            return problems;
        }
    }

    /**
     * Reads a config file, taking {@code ${NAME}} values from the process environment.
     *
     * @param file the JSON file
     * @return the config
     * @throws Invalid naming the file and every problem ({@code gateway.port: expected an integer})
     */
    static ConfigFile read(Path file) throws Invalid {
        return read(file, System::getenv);
    }

    /**
     * Reads a config file.
     *
     * @param file the JSON file
     * @param env looks up environment variables (null when unset)
     * @return the config
     * @throws Invalid naming the file and every problem; a missing variable is named, never a value
     */
    static ConfigFile read(Path file, Function<String, String> env) throws Invalid {
        return read(file, env, problem -> true);
    }

    /**
     * Reads a config file for a reader that needs only some of it, such as the address and the
     * token of a client: problems with the other keys are not reported, and what they concern is
     * left unset. A file that is not a JSON object is always a problem.
     *
     * @param file the JSON file
     * @param env looks up environment variables (null when unset)
     * @param matters whether a problem counts, given its line ({@code gateway.port: …})
     * @return the config
     * @throws Invalid naming the file and every problem that counts
     */
    static ConfigFile read(Path file, Function<String, String> env, Predicate<String> matters) throws Invalid {
        return parse(json(file), file.toString(), env, matters);
    }

    /**
     * Reads a config file as JSON, without checking its keys.
     *
     * @param file the JSON file
     * @return its top-level object
     * @throws Invalid naming the file and, for malformed JSON, the line and column
     */
    static JsonObject json(Path file) throws Invalid {
        JsonObject root;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8); JsonReader reader = Json.createReader(r)) {
            JsonValue value = reader.readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                throw new Invalid(file + ": expected a JSON object");
            }
            root = value.asJsonObject();
        } catch (JsonParsingException e) {
            throw new Invalid(file + ": malformed JSON at line " + e.getLocation().getLineNumber() + ", column "
                    + e.getLocation().getColumnNumber());
        } catch (IOException e) {
            throw new Invalid(file + ": cannot be read (" + e.getMessage() + ")");
        } catch (jakarta.json.JsonException e) {
            throw new Invalid(file + ": malformed JSON (" + e.getMessage() + ")");
        }
        return root;
    }

    /**
     * The document as the gateway reads it: comment keys dropped and {@code ${NAME}} references
     * replaced; a reference that cannot be replaced stays as written.
     *
     * @param root the document
     * @param env looks up environment variables (null when unset)
     * @return the document read
     */
    static JsonObject prepared(JsonObject root, Function<String, String> env) {
        return new Fields().prepare(root, "", env).asJsonObject();
    }

    /**
     * Checks a config document and maps it onto settings. First every key that starts with
     * {@code //} is dropped, with its value (a comment), and every {@code ${NAME}} and
     * {@code ${NAME:-default}} in a string value is replaced from the environment ({@code $${}
     * writes a literal {@code ${}); then the keys are checked. A key the format does not know is a
     * {@linkplain #warnings() warning}, not a problem, except where noted.
     *
     * @param root the document
     * @param source what the document is, for the first line of a problem (the file's path)
     * @param env looks up environment variables (null when unset)
     * @param matters whether a problem counts, given its line ({@code gateway.port: …})
     * @return the config
     * @throws Invalid naming {@code source} and every problem that counts, one per line
     */
    static ConfigFile parse(JsonObject root, String source, Function<String, String> env, Predicate<String> matters)
            throws Invalid {
        Fields f = new Fields();
        JsonObject doc = f.prepare(root, "", env).asJsonObject();
        f.known(doc, "", ROOT_KEYS);
        JsonObject gateway = f.object(doc, "gateway", "gateway");
        f.known(gateway, "gateway", GATEWAY_KEYS);
        JsonObject auth = f.object(gateway, "auth", "gateway.auth");
        f.known(auth, "gateway.auth", AUTH_KEYS);
        JsonObject limits = f.object(gateway, "limits", "gateway.limits");
        f.known(limits, "gateway.limits", LIMIT_KEYS);
        Limits limitValues = new Limits(
                f.longValue(limits, "maxBodyBytes", "gateway.limits.maxBodyBytes"),
                f.integer(limits, "maxHeaderBytes", "gateway.limits.maxHeaderBytes", 1, Integer.MAX_VALUE),
                f.longValue(limits, "idleTimeoutSeconds", "gateway.limits.idleTimeoutSeconds"),
                f.integer(limits, "maxWebSocketFrameBytes", "gateway.limits.maxWebSocketFrameBytes", 1, Integer.MAX_VALUE),
                f.longValue(limits, "maxQueuedOutboundBytes", "gateway.limits.maxQueuedOutboundBytes"),
                f.longValue(limits, "drainTimeoutSeconds", "gateway.limits.drainTimeoutSeconds"),
                f.longValue(limits, "runTimeoutSeconds", "gateway.limits.runTimeoutSeconds"),
                f.integer(limits, "maxConcurrentRuns", "gateway.limits.maxConcurrentRuns", 1, Integer.MAX_VALUE),
                f.longValue(limits, "runQueueTimeoutSeconds", "gateway.limits.runQueueTimeoutSeconds"),
                f.longValue(limits, "runGraceSeconds", "gateway.limits.runGraceSeconds"),
                f.integer(limits, "maxEventStreams", "gateway.limits.maxEventStreams", 1, Integer.MAX_VALUE));
        Map<String, Provider> providers = providers(f, f.object(doc, "providers", "providers"));
        JsonObject sessions = f.object(gateway, "sessions", "gateway.sessions");
        f.known(sessions, "gateway.sessions", SESSIONS_KEYS);
        ConfigFile config = new ConfigFile(
                f.string(gateway, "host", "gateway.host"),
                f.integer(gateway, "port", "gateway.port", 0, 65535),
                f.string(gateway, "server", "gateway.server"),
                auth(f, auth),
                fsync(f, sessions, "gateway.sessions.fsync"),
                f.longValue(sessions, "gateway.sessions", 1, 10_000, "fsyncIntervalMs", "fsync_interval_ms"),
                limitValues,
                cron(f, f.object(gateway, "cron", "gateway.cron")),
                logging(f, f.object(gateway, "logging", "gateway.logging")),
                channels(f, gateway),
                outbox(f, f.object(gateway, "outbox", "gateway.outbox")),
                f.strings(gateway, "gateway", "corsOrigins", OriginPolicy::of),
                f.strings(gateway, "gateway", "trustedProxies", TrustedProxies::parse),
                rateLimits(f, f.object(gateway, "rateLimits", "gateway.rateLimits")),
                providers, agentDefaults(f, doc, providers), f.warnings);
        List<String> problems = f.errors.stream().filter(matters).toList();
        if (!problems.isEmpty()) {
            // The warnings go with the problems: a hint often explains one ("bot_token … did you mean").
            List<String> lines = new ArrayList<>(problems);
            f.warnings.stream().filter(matters).map(w -> "warning: " + w).forEach(lines::add);
            throw new Invalid(source + ":\n  " + String.join("\n  ", lines), problems);
        }
        return config;
    }

    private static Map<String, Integer> rateLimits(Fields f, JsonObject section) {
        Map<String, Integer> rates = new LinkedHashMap<>();
        for (String name : section.keySet()) {
            String path = "gateway.rateLimits." + name;
            if (!RATE_CLASSES.contains(name)) {
                f.errors.add(path + ": unknown class (expected: one of " + String.join(", ", RATE_CLASSES) + ")");
                continue;
            }
            f.integer(section, name, path, 0, RateLimiter.MAX_BURST).ifPresent(rate -> rates.put(name, rate));
        }
        return rates;
    }

    private static FailedAuthLimit failedAuthLimit(Fields f, JsonObject auth) {
        String path = "gateway.auth.rateLimit";
        JsonObject limit = f.object(auth, "rateLimit", path);
        f.known(limit, path, FAILED_AUTH_KEYS);
        FailedAuthLimit d = FailedAuthLimit.DEFAULT;
        return new FailedAuthLimit(
                f.bool(limit, "enabled", path + ".enabled").orElse(d.enabled()),
                (int) f.positive(limit, "maxAttempts", path + ".maxAttempts", Integer.MAX_VALUE).orElse(d.maxAttempts()),
                f.positive(limit, "windowMs", path + ".windowMs", Long.MAX_VALUE).orElse(d.windowMs()),
                f.positive(limit, "blockDurationMs", path + ".blockDurationMs", Long.MAX_VALUE)
                        .orElse(d.blockDurationMs()));
    }

    private static Auth auth(Fields f, JsonObject auth) {
        Optional<String> mode = f.string(auth, "mode", "gateway.auth.mode");
        mode.filter(m -> !List.of("token", "password", "none").contains(m))
                .ifPresent(m -> f.errors.add("gateway.auth.mode: " + m + " (expected: token, password or none)"));
        Optional<String> token = f.string(auth, "token", "gateway.auth.token");
        Optional<String> password = f.string(auth, "password", "gateway.auth.password");
        boolean query = f.bool(auth, "allowQueryToken", "gateway.auth.allowQueryToken").orElse(false);
        List<Credential> credentials = new ArrayList<>();
        JsonValue list = auth.get("credentials");
        if (list != null && list.getValueType() != JsonValue.ValueType.NULL) {
            if (list.getValueType() != JsonValue.ValueType.ARRAY) {
                f.errors.add("gateway.auth.credentials: expected a list of {label, token, role or scopes}");
            } else {
                for (int i = 0; i < list.asJsonArray().size(); i++) {
                    credential(f, list.asJsonArray().get(i), "gateway.auth.credentials[" + i + "]")
                            .ifPresent(credentials::add);
                }
            }
        }
        return new Auth(mode, token, password, query, credentials, failedAuthLimit(f, auth));
    }

    private static Optional<Credential> credential(Fields f, JsonValue v, String path) {
        if (v.getValueType() != JsonValue.ValueType.OBJECT) {
            f.errors.add(path + ": expected an object {label, token, role or scopes}");
            return Optional.empty();
        }
        JsonObject o = v.asJsonObject();
        f.known(o, path, CREDENTIAL_KEYS);
        Optional<String> label = f.string(o, "label", path + ".label");
        Optional<String> token = f.string(o, "token", path + ".token");
        Optional<String> role = f.string(o, "role", path + ".role");
        List<String> scopes = f.strings(o, "scopes", path + ".scopes");
        if (label.isEmpty()) {
            f.errors.add(path + ".label: required");
        }
        if (token.isEmpty() && !o.containsKey("token")) {
            f.errors.add(path + ".token: required");
        }
        if (role.isPresent() == !scopes.isEmpty()) {
            f.errors.add(path + ": set role (operator, viewer or chat) or scopes, one of them");
            return Optional.empty();
        }
        if (label.isEmpty() || token.isEmpty()) {
            return Optional.empty();
        }
        try {
            if (!token.get().regionMatches(true, 0, "sha256:", 0, 7)) {
                Credential.checkToken(path + ".token", token.get());
            }
            if (role.isPresent()) {
                Optional<Role> r = java.util.Arrays.stream(Role.values()).filter(x -> x.wireName().equals(role.get())).findFirst();
                if (r.isEmpty()) {
                    f.errors.add(path + ".role: " + role.get() + " (expected: operator, viewer or chat)");
                    return Optional.empty();
                }
                return Optional.of(Credential.token(label.get(), token.get(), r.get()));
            }
            java.util.EnumSet<Scope> set = java.util.EnumSet.noneOf(Scope.class);
            for (String s : scopes) {
                Optional<Scope> scope = Scope.fromWire(s);
                if (scope.isEmpty()) {
                    f.errors.add(path + ".scopes: " + s + " (expected: operator.read, operator.write, operator.admin or chat)");
                    return Optional.empty();
                }
                set.add(scope.get());
            }
            return Optional.of(Credential.token(label.get(), token.get(), Role.CHAT, set));
        } catch (IllegalArgumentException e) {
            f.errors.add(e.getMessage().startsWith(path) ? e.getMessage() : path + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private static Map<String, Provider> providers(Fields f, JsonObject section) {
        Map<String, Provider> providers = new LinkedHashMap<>();
        for (String name : section.keySet()) {
            String path = "providers." + name;
            if (name.isBlank() || name.contains("/")) {
                f.errors.add(path + ": \"" + name + "\" is not a usable provider name (expected: a name without \"/\")");
                continue;
            }
            if (!(section.get(name) instanceof JsonObject p)) {
                f.errors.add(path + ": expected an object with base_url and, when the provider needs one, api_key");
                continue;
            }
            f.known(p, path, PROVIDER_KEYS);
            Optional<String> url = f.string(p, path, "base_url", "baseUrl");
            Optional<String> key = f.string(p, path, "api_key", "apiKey");
            if (url.isEmpty()) {
                if (!p.containsKey("base_url") && !p.containsKey("baseUrl")) {
                    f.errors.add(path + ".base_url: required (expected: the API base, such as https://api.openai.com/v1)");
                }
                continue;
            }
            f.httpUrl(url.get(), path + ".base_url").ifPresent(uri -> providers.put(name, new Provider(name, uri, key)));
        }
        return providers;
    }

    private static AgentDefaults agentDefaults(Fields f, JsonObject root, Map<String, Provider> providers) {
        JsonObject agents = f.object(root, "agents", "agents");
        f.known(agents, "agents", AGENTS_KEYS);
        JsonObject defaults = f.object(agents, "defaults", "agents.defaults");
        f.known(defaults, "agents.defaults", AGENT_DEFAULTS_KEYS);
        Optional<String> primary = Optional.empty();
        List<String> fallbacks = List.of();
        JsonValue model = defaults.get("model");
        if (model instanceof JsonString) {
            primary = f.string(defaults, "model", "agents.defaults.model");
        } else if (model != null && model.getValueType() != JsonValue.ValueType.NULL) {
            JsonObject m = f.object(defaults, "model", "agents.defaults.model");
            f.known(m, "agents.defaults.model", MODEL_KEYS);
            primary = f.string(m, "primary", "agents.defaults.model.primary");
            fallbacks = f.strings(m, "fallbacks", "agents.defaults.model.fallbacks");
        }
        primary.ifPresent(id -> f.modelReference(id, "agents.defaults.model.primary", providers));
        for (int i = 0; i < fallbacks.size(); i++) {
            f.modelReference(fallbacks.get(i), "agents.defaults.model.fallbacks[" + i + "]", providers);
        }
        if (primary.isEmpty() && !fallbacks.isEmpty()) {
            f.errors.add("agents.defaults.model.fallbacks: set without agents.defaults.model.primary");
        }
        return new AgentDefaults(primary, fallbacks,
                f.string(defaults, "agents.defaults", "system_prompt", "systemPrompt"),
                f.integer(defaults, "agents.defaults", 0, 10_000, "history_window", "historyWindow"),
                f.number(defaults, "temperature", "agents.defaults.temperature", 0, 2),
                f.integer(defaults, "agents.defaults", 1, Integer.MAX_VALUE, "max_tokens", "maxTokens"),
                f.longValue(defaults, "agents.defaults", 1, 86_400, "timeout_seconds", "timeoutSeconds"),
                f.longValue(defaults, "agents.defaults", 1, 86_400, "idle_timeout_seconds", "idleTimeoutSeconds"));
    }

    private static Cron cron(Fields f, JsonObject cron) {
        f.known(cron, "gateway.cron", CRON_KEYS);
        OptionalInt poolSize = f.integer(cron, "poolSize", "gateway.cron.poolSize", 1, 256);
        OptionalLong timeout = f.positive(cron, "timeoutSeconds", "gateway.cron.timeoutSeconds", Integer.MAX_VALUE);
        Optional<ZoneId> zone = f.string(cron, "timezone", "gateway.cron.timezone").flatMap(id -> {
            try {
                return Optional.of(ZoneId.of(id.strip()));
            } catch (DateTimeException e) {
                f.errors.add("gateway.cron.timezone: \"" + id + "\" is not a time zone (expected: an IANA zone such as "
                        + "Europe/Berlin or UTC)");
                return Optional.empty();
            }
        });
        return new Cron(poolSize, timeout, zone);
    }

    private static Logging logging(Fields f, JsonObject logging) {
        f.known(logging, "gateway.logging", LOGGING_KEYS);
        Optional<Level> level = f.string(logging, "level", "gateway.logging.level").flatMap(name -> {
            try {
                return Optional.of(GatewayLog.julLevel(name));
            } catch (IllegalArgumentException e) {
                f.errors.add("gateway.logging." + e.getMessage());
                return Optional.empty();
            }
        });
        return new Logging(level, f.bool(logging, "requests", "gateway.logging.requests"));
    }

    private static Optional<FsyncPolicy> fsync(Fields f, JsonObject section, String path) {
        return f.string(section, "fsync", path).flatMap(v -> {
            try {
                return Optional.of(FsyncPolicy.valueOf(v.toUpperCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                f.errors.add(path + ": " + v + " (expected: always, batched or never)");
                return Optional.empty();
            }
        });
    }

    /**
     * {@code gateway.channels}: each entry read, its secrets resolved, and built once, so that what
     * its channel's builder refuses is a problem of the file, named by the entry's path.
     */
    private static List<ChannelConfig> channels(Fields f, JsonObject gateway) {
        JsonValue list = gateway.get("channels");
        if (list == null || list.getValueType() == JsonValue.ValueType.NULL) {
            return List.of();
        }
        if (list.getValueType() != JsonValue.ValueType.ARRAY) {
            f.errors.add("gateway.channels: expected a list of channels, each an object with a type ("
                    + String.join(", ", ChannelConfig.TYPES) + ")");
            return List.of();
        }
        List<ChannelConfig> channels = new ArrayList<>();
        Map<String, String> seen = new LinkedHashMap<>();
        for (int i = 0; i < list.asJsonArray().size(); i++) {
            String path = "gateway.channels[" + i + "]";
            Optional<ChannelConfig> channel = channel(f, list.asJsonArray().get(i), path);
            if (channel.isEmpty()) {
                continue;
            }
            ChannelConfig c = channel.get();
            String id = c.name() + " (account " + c.common().accountId() + ")";
            String first = seen.putIfAbsent(id, path);
            if (first != null) {
                f.errors.add(path + ": " + id + " is configured twice (also " + first + "; expected: another "
                        + (c instanceof ChannelConfig.Webhook ? "name or " : "") + "account)");
                continue;
            }
            channels.add(c);
        }
        return channels;
    }

    private static Optional<ChannelConfig> channel(Fields f, JsonValue v, String path) {
        String types = String.join(", ", ChannelConfig.TYPES);
        if (v.getValueType() != JsonValue.ValueType.OBJECT) {
            f.errors.add(path + ": expected an object with a type (" + types + ")");
            return Optional.empty();
        }
        JsonObject o = v.asJsonObject();
        Optional<String> type = f.string(o, "type", path + ".type");
        if (type.isEmpty()) {
            if (Fields.absent(o, "type")) {
                f.errors.add(path + ".type: required (expected one of: " + types + ")");
            }
            return Optional.empty();
        }
        if (!ChannelConfig.TYPES.contains(type.get())) {
            f.errors.add(path + ".type: \"" + type.get() + "\" (expected one of: " + types + ")");
            return Optional.empty();
        }
        int before = f.errors.size();
        List<String> keys = new ArrayList<>(CHANNEL_KEYS);
        keys.addAll(CHANNEL_TYPE_KEYS.get(type.get()));
        for (String key : o.keySet()) {
            if (!keys.contains(key)) {
                unknownChannelKey(f, path, type.get(), key, keys);
            }
        }
        ChannelConfig.Common common = new ChannelConfig.Common(
                f.string(o, "account", path + ".account").orElse(Channel.DEFAULT_ACCOUNT),
                new AllowList(new java.util.LinkedHashSet<>(f.ids(o, "allowedChats", path + ".allowedChats")),
                        new java.util.LinkedHashSet<>(f.ids(o, "allowedUsers", path + ".allowedUsers"))),
                seconds(f.positive(o, "timeoutSeconds", path + ".timeoutSeconds", MAX_CHANNEL_TIMEOUT_SECONDS)));
        Optional<ChannelConfig> config = switch (type.get()) {
            case "telegram" -> telegram(f, o, path, common);
            case "slack" -> slack(f, o, path, common);
            case "discord" -> discord(f, o, path, common);
            default -> webhook(f, o, path, common);
        };
        if (config.isEmpty() || f.errors.size() > before) {
            return Optional.empty();
        }
        try {
            config.get().build();
        } catch (IllegalArgumentException e) {
            f.errors.add(builderProblem(path, e.getMessage()));
            return Optional.empty();
        }
        return config;
    }

    /**
     * A key the entry's type does not take: a warning, with the key it most resembles or the types
     * that take it. A misspelled allow-list is a problem instead, since leaving it out lets everyone
     * in; a misspelled secret needs no such care, as its channel then lacks a required secret.
     */
    private static void unknownChannelKey(Fields f, String path, String type, String key, List<String> keys) {
        String line = path + "." + key + ": unknown key for a " + type + " channel";
        Optional<String> hint = hint(key, keys);
        if (hint.isPresent() && ALLOW_LIST_KEYS.contains(hint.get())) {
            f.errors.add(line + " (did you mean \"" + hint.get() + "\"? a misspelled allow-list would let everyone in)");
            return;
        }
        if (hint.isPresent()) {
            f.warnings.add(line + " (did you mean \"" + hint.get() + "\"?)");
        } else if (key.equals("name")) {
            f.warnings.add(line + " (only a webhook channel takes a name; a " + type + " channel is named " + type + ")");
        } else {
            List<String> takers = CHANNEL_TYPE_KEYS.entrySet().stream().filter(e -> e.getValue().contains(key))
                    .map(Map.Entry::getKey).sorted().toList();
            f.warnings.add(line + (takers.isEmpty() ? " (expected: " + String.join(", ", keys) + ")"
                    : " (only a " + (takers.size() == 1 ? takers.get(0) : String.join(", ", takers.subList(0,
                            takers.size() - 1)) + " or " + takers.get(takers.size() - 1)) + " channel takes it)"));
        }
    }

    /**
     * The known key an unknown one most resembles: the same but for case, {@code _} or {@code -}
     * ({@code max_body_bytes} for {@code maxBodyBytes}), else the nearest within two edits
     * (a letter added, dropped, changed, or two swapped), the first in {@code keys} on a tie.
     *
     * @param key the unknown key
     * @param keys the keys of its object
     * @return the hint, or empty when no key is near enough
     */
    static Optional<String> hint(String key, List<String> keys) {
        String squashed = squash(key);
        for (String known : keys) {
            if (squash(known).equals(squashed)) {
                return Optional.of(known);
            }
        }
        String best = null;
        int bestDistance = 3;
        for (String known : keys) {
            int d = distance(squashed, squash(known));
            if (d < bestDistance && d < squashed.length()) {
                best = known;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** A key lower-cased, without {@code _} and {@code -}. */
    private static String squash(String key) {
        return key.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
    }

    /** The edits that turn {@code a} into {@code b}: insertions, deletions, substitutions, swaps of neighbours. */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static Optional<ChannelConfig> telegram(Fields f, JsonObject o, String path,
            ChannelConfig.Common common) {
        Optional<String> token = f.secret(o, "botToken", path, "the token BotFather gave the bot");
        Optional<TelegramChannel.Mode> mode = f.string(o, "mode", path + ".mode").flatMap(m -> switch (m) {
            case "polling" -> Optional.of(TelegramChannel.Mode.POLLING);
            case "webhook" -> Optional.of(TelegramChannel.Mode.WEBHOOK);
            default -> {
                f.errors.add(path + ".mode: \"" + m + "\" (expected: polling or webhook)");
                yield Optional.empty();
            }
        });
        boolean webhookMode = mode.orElse(TelegramChannel.Mode.POLLING) == TelegramChannel.Mode.WEBHOOK;
        Optional<String> webhookSecret = f.secret(o, "webhookSecret", path, webhookMode
                ? "in webhook mode: the secret_token given to setWebhook, which Telegram sends with each update"
                : null);
        OptionalInt pollSeconds = f.integer(o, "pollTimeoutSeconds", path + ".pollTimeoutSeconds", 0,
                (int) MAX_CHANNEL_TIMEOUT_SECONDS);
        Optional<Duration> pollTimeout = pollSeconds.isPresent()
                ? Optional.of(Duration.ofSeconds(pollSeconds.getAsInt())) : Optional.empty();
        Optional<URI> apiBase = f.string(o, "apiBase", path + ".apiBase")
                .flatMap(u -> f.httpUrl(u, path + ".apiBase", "https://api.telegram.org"));
        if (token.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ChannelConfig.Telegram(common, token.get(), mode.orElse(TelegramChannel.Mode.POLLING),
                webhookSecret, pollTimeout, apiBase));
    }

    private static Optional<ChannelConfig> slack(Fields f, JsonObject o, String path,
            ChannelConfig.Common common) {
        Optional<String> token = f.secret(o, "botToken", path, "the app's bot token, xoxb-…");
        Optional<String> signing = f.secret(o, "signingSecret", path,
                "the app's signing secret, which every request from Slack is signed with");
        Optional<URI> apiBase = f.string(o, "apiBase", path + ".apiBase")
                .flatMap(u -> f.httpUrl(u, path + ".apiBase", "https://slack.com/api"));
        if (token.isEmpty() || signing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ChannelConfig.Slack(common, token.get(), signing.get(), apiBase));
    }

    private static Optional<ChannelConfig> discord(Fields f, JsonObject o, String path,
            ChannelConfig.Common common) {
        Optional<String> token = f.secret(o, "botToken", path, "the bot's token, from the developer portal");
        Optional<String> applicationId = f.id(o, "applicationId", path + ".applicationId");
        if (applicationId.isEmpty() && Fields.absent(o, "applicationId")) {
            f.errors.add(path + ".applicationId: required (the application's id, from the developer portal)");
        }
        Optional<String> publicKey = f.secret(o, "publicKey", path,
                "the application's public key, which signs its interactions");
        Optional<URI> apiBase = f.string(o, "apiBase", path + ".apiBase")
                .flatMap(u -> f.httpUrl(u, path + ".apiBase", "https://discord.com/api/v10"));
        if (token.isEmpty() || applicationId.isEmpty() || publicKey.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ChannelConfig.Discord(common, token.get(), applicationId.get(), publicKey.get(),
                apiBase));
    }

    private static Optional<ChannelConfig> webhook(Fields f, JsonObject o, String path,
            ChannelConfig.Common common) {
        Optional<String> name = f.string(o, "name", path + ".name");
        if (name.isEmpty() && Fields.absent(o, "name")) {
            f.errors.add(path + ".name: required (the channel's name, which is its webhook route /api/webhook/<name>)");
        }
        int before = f.errors.size();
        Optional<String> which = f.present(o, path, "secret", "standardWebhooks");
        if (which.isEmpty() && f.errors.size() == before) {
            f.errors.add(path + ": secret or standardWebhooks required (expected: one of them; unsigned requests are "
                    + "never accepted)");
        }
        Optional<String> secret = which.filter("secret"::equals).flatMap(k -> f.secret(o, k, path, null));
        Optional<String> standard = which.filter("standardWebhooks"::equals).flatMap(k -> f.secret(o, k, path, null));
        Optional<URI> callbackUrl = f.string(o, "callbackUrl", path + ".callbackUrl").flatMap(u -> {
            try {
                return Optional.of(new URI(u));
            } catch (URISyntaxException e) {
                // The URL itself is not shown: its query may carry a token.
                f.errors.add(path + ".callbackUrl: not a URL (expected: an absolute http or https URL)");
                return Optional.empty();
            }
        });
        OptionalInt maxLength = f.integer(o, "maxMessageLength", path + ".maxMessageLength", 1, 1_000_000);
        if (name.isEmpty() || (secret.isEmpty() && standard.isEmpty())) {
            return Optional.empty();
        }
        return Optional.of(new ChannelConfig.Webhook(common, name.get(), secret, standard, callbackUrl, maxLength));
    }

    /**
     * A channel builder's refusal as a problem of the entry: {@code botToken: expected …} becomes
     * {@code gateway.channels[0].botToken: expected …}, with the builder's setting names spelled
     * as the file spells them.
     *
     * @param path the entry's path, {@code gateway.channels[<index>]}
     * @param message the builder's message, which names the setting and never its secret
     * @return the problem
     */
    static String builderProblem(String path, String message) {
        int colon = message.indexOf(": ");
        if (colon > 0) {
            String setting = message.substring(0, colon);
            String key = CHANNEL_SETTING_KEYS.getOrDefault(setting, setting);
            boolean known = CHANNEL_KEYS.contains(key)
                    || CHANNEL_TYPE_KEYS.values().stream().anyMatch(keys -> keys.contains(key));
            if (known) {
                return path + "." + key + message.substring(colon);
            }
        }
        return path + ": " + message;
    }

    /** Keys whose string value is a secret: their names end so, wherever they are in the document. */
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(token|password|secret|apikey|api_key|standardwebhooks)");

    /**
     * Whether a key's string value is a secret ({@code token}, {@code botToken}, {@code api_key},
     * {@code signingSecret}, {@code standardWebhooks}, …): what the log redacts and
     * {@code GET /api/config} shows as {@code [redacted]}.
     *
     * @param key a key of any object of the document
     * @return whether its string value is a secret
     */
    static boolean isSecretKey(String key) {
        return SECRET_KEY.matcher(key).matches();
    }

    /**
     * Whether a key is a comment: it starts with {@code //}, and it is dropped with its value.
     *
     * @param key a key of any object of the document
     * @return whether it is a comment
     */
    static boolean isComment(String key) {
        return key.startsWith("//");
    }

    private static String keyPath(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static Optional<Duration> seconds(OptionalLong seconds) {
        return seconds.isPresent() ? Optional.of(Duration.ofSeconds(seconds.getAsLong())) : Optional.empty();
    }

    private static Outbox outbox(Fields f, JsonObject outbox) {
        f.known(outbox, "gateway.outbox", OUTBOX_KEYS);
        return new Outbox(fsync(f, outbox, "gateway.outbox.fsync"),
                f.longValue(outbox, "gateway.outbox", 1, 10_000, "fsyncIntervalMs", "fsync_interval_ms"),
                f.positive(outbox, "expirySeconds", "gateway.outbox.expirySeconds", MAX_OUTBOX_EXPIRY_SECONDS),
                f.integer(outbox, "concurrency", "gateway.outbox.concurrency", 1, 1024));
    }

    /** Reads typed fields, collecting every problem instead of stopping at the first. */
    private static final class Fields {
        final List<String> errors = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        /** The paths of strings whose references could not be replaced; their problem is already listed. */
        final Set<String> unresolved = new HashSet<>();

        /**
         * {@code value} without its comment keys, with the references in its strings replaced.
         *
         * @param path the value's path, {@code ""} for the document
         */
        JsonValue prepare(JsonValue value, String path, Function<String, String> env) {
            return switch (value.getValueType()) {
                case OBJECT -> {
                    JsonObjectBuilder b = JSON.createObjectBuilder();
                    value.asJsonObject().forEach((key, v) -> {
                        if (!isComment(key)) {
                            b.add(key, prepare(v, keyPath(path, key), env));
                        }
                    });
                    yield b.build();
                }
                case ARRAY -> {
                    JsonArrayBuilder b = JSON.createArrayBuilder();
                    List<JsonValue> items = value.asJsonArray();
                    for (int i = 0; i < items.size(); i++) {
                        b.add(prepare(items.get(i), path + "[" + i + "]", env));
                    }
                    yield b.build();
                }
                case STRING -> {
                    String s = ((JsonString) value).getString();
                    String replaced = substitute(s, path, env);
                    yield replaced.equals(s) ? value : JSON.createValue(replaced);
                }
                default -> value;
            };
        }

        /**
         * A string with each {@code ${NAME}} replaced by the variable, each {@code ${NAME:-default}}
         * by the variable or, when it is unset or empty, the default, and each {@code $${} by
         * {@code ${}. A missing variable or a malformed reference is a problem naming the path
         * and the variable, never a value; the string is then returned as it was and its path
         * marked {@linkplain #unresolved unresolved}.
         */
        String substitute(String s, String path, Function<String, String> env) {
            if (!s.contains("${")) {
                return s;
            }
            StringBuilder out = new StringBuilder(s.length());
            boolean failed = false;
            int i = 0;
            while (i < s.length()) {
                if (s.startsWith("$${", i)) {
                    out.append("${");
                    i += 3;
                    continue;
                }
                if (!s.startsWith("${", i)) {
                    out.append(s.charAt(i++));
                    continue;
                }
                int close = s.indexOf('}', i + 2);
                Matcher m = close < 0 ? null : REFERENCE.matcher(s.substring(i + 2, close));
                if (m == null || !m.matches()) {
                    errors.add(path + ": a malformed ${...} reference (expected: ${NAME} or ${NAME:-default}, NAME of "
                            + "letters, digits and _; $${ for a literal ${)");
                    unresolved.add(path);
                    return s;
                }
                String name = m.group(1);
                String value = env.apply(name);
                if (value == null || value.isBlank()) {
                    if (m.group(2) != null) {
                        value = m.group(2);
                    } else {
                        errors.add(path + ": environment variable " + name + (value == null ? " is not set"
                                : " is set but empty"));
                        failed = true;
                        value = "";
                    }
                }
                out.append(value);
                i = close + 1;
            }
            if (failed) {
                unresolved.add(path);
                return s;
            }
            return out.toString();
        }

        /** Warns of each key of {@code object} that is not one of {@code keys}, with a hint when one is near. */
        void known(JsonObject object, String path, List<String> keys) {
            for (String key : object.keySet()) {
                if (!keys.contains(key)) {
                    warnings.add(keyPath(path, key) + ": unknown key" + hint(key, keys)
                            .map(h -> " (did you mean \"" + h + "\"?)")
                            .orElse(" (expected one of: " + String.join(", ", keys) + ")"));
                }
            }
        }

        JsonObject object(JsonObject parent, String name, String path) {
            JsonValue v = parent.get(name);
            if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
                return JsonValue.EMPTY_JSON_OBJECT;
            }
            if (v.getValueType() != JsonValue.ValueType.OBJECT) {
                errors.add(path + ": expected an object");
                return JsonValue.EMPTY_JSON_OBJECT;
            }
            return v.asJsonObject();
        }

        Optional<String> string(JsonObject parent, String name, String path) {
            JsonValue v = parent.get(name);
            if (v == null || v.getValueType() == JsonValue.ValueType.NULL || unresolved.contains(path)) {
                return Optional.empty();
            }
            if (v instanceof JsonString s && !s.getString().isBlank()) {
                return Optional.of(s.getString());
            }
            errors.add(path + ": expected a non-empty string");
            return Optional.empty();
        }

        OptionalInt integer(JsonObject parent, String name, String path, int min, int max) {
            OptionalLong n = longValue(parent, name, path);
            if (n.isEmpty()) {
                return OptionalInt.empty();
            }
            if (n.getAsLong() < min || n.getAsLong() > max) {
                errors.add(path + ": " + n.getAsLong() + " (expected: " + min + ".." + max + ")");
                return OptionalInt.empty();
            }
            return OptionalInt.of((int) n.getAsLong());
        }

        /** An integer &gt; 0 and at most {@code max}, or empty when unset or not one. */
        OptionalLong positive(JsonObject parent, String name, String path, long max) {
            OptionalLong n = longValue(parent, name, path);
            if (n.isPresent() && (n.getAsLong() <= 0 || n.getAsLong() > max)) {
                errors.add(path + ": " + n.getAsLong() + " (expected: > 0" + (n.getAsLong() > 0 ? ", at most " + max : "")
                        + ")");
                return OptionalLong.empty();
            }
            return n;
        }

        /** The one of {@code names} that is set, or empty; both set is a problem. */
        Optional<String> present(JsonObject parent, String path, String... names) {
            String found = null;
            for (String name : names) {
                JsonValue v = parent.get(name);
                if (v != null && v.getValueType() != JsonValue.ValueType.NULL) {
                    if (found != null) {
                        errors.add(path + ": " + found + " and " + name + " both set (expected: one of them)");
                        return Optional.empty();
                    }
                    found = name;
                }
            }
            return Optional.ofNullable(found);
        }

        Optional<String> string(JsonObject parent, String path, String name, String alias) {
            return present(parent, path, name, alias).flatMap(n -> string(parent, n, path + "." + n));
        }

        OptionalInt integer(JsonObject parent, String path, int min, int max, String name, String alias) {
            Optional<String> n = present(parent, path, name, alias);
            return n.isEmpty() ? OptionalInt.empty() : integer(parent, n.get(), path + "." + n.get(), min, max);
        }

        OptionalLong longValue(JsonObject parent, String path, long min, long max, String name, String alias) {
            Optional<String> n = present(parent, path, name, alias);
            if (n.isEmpty()) {
                return OptionalLong.empty();
            }
            OptionalLong v = longValue(parent, n.get(), path + "." + n.get());
            if (v.isPresent() && (v.getAsLong() < min || v.getAsLong() > max)) {
                errors.add(path + "." + n.get() + ": " + v.getAsLong() + " (expected: " + min + ".." + max + ")");
                return OptionalLong.empty();
            }
            return v;
        }

        OptionalDouble number(JsonObject parent, String name, String path, double min, double max) {
            JsonValue v = parent.get(name);
            if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
                return OptionalDouble.empty();
            }
            if (!(v instanceof JsonNumber n)) {
                errors.add(path + ": expected a number");
                return OptionalDouble.empty();
            }
            double d = n.doubleValue();
            if (!(d >= min && d <= max)) {
                errors.add(path + ": " + n + " (expected: " + plain(min) + ".." + plain(max) + ")");
                return OptionalDouble.empty();
            }
            return OptionalDouble.of(d);
        }

        private static String plain(double d) {
            return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
        }

        Optional<Boolean> bool(JsonObject parent, String name, String path) {
            JsonValue v = parent.get(name);
            if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
                return Optional.empty();
            }
            if (v.getValueType() == JsonValue.ValueType.TRUE || v.getValueType() == JsonValue.ValueType.FALSE) {
                return Optional.of(v.getValueType() == JsonValue.ValueType.TRUE);
            }
            errors.add(path + ": expected true or false");
            return Optional.empty();
        }

        /**
         * A list of strings under {@code <section>.<name>}, checked by the parser the gateway itself
         * uses, whose message names the bad entry as {@code <name>[<index>]}. The parser only runs
         * when every entry is a string, so that its indexes are the file's.
         */
        List<String> strings(JsonObject parent, String section, String name, Function<List<String>, ?> parser) {
            int before = errors.size();
            List<String> entries = strings(parent, name, section + "." + name);
            if (errors.size() == before) {
                try {
                    parser.apply(entries);
                } catch (IllegalArgumentException e) {
                    errors.add(section + "." + e.getMessage());
                }
            }
            return entries;
        }

        List<String> strings(JsonObject parent, String name, String path) {
            JsonValue v = parent.get(name);
            if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
                return List.of();
            }
            if (v.getValueType() != JsonValue.ValueType.ARRAY) {
                errors.add(path + ": expected a list of strings");
                return List.of();
            }
            List<String> out = new ArrayList<>();
            List<JsonValue> items = v.asJsonArray();
            for (int i = 0; i < items.size(); i++) {
                if (unresolved.contains(path + "[" + i + "]")) {
                    continue;
                }
                if (items.get(i) instanceof JsonString s && !s.getString().isBlank()) {
                    out.add(s.getString());
                } else {
                    errors.add(path + "[" + i + "]: expected a non-empty string");
                }
            }
            return out;
        }

        /** Whether {@code name} is missing from {@code parent}, or null. */
        static boolean absent(JsonObject parent, String name) {
            JsonValue v = parent.get(name);
            return v == null || v.getValueType() == JsonValue.ValueType.NULL;
        }

        /**
         * A secret at {@code <path>.<name>}, its references already replaced. Its value is never
         * part of a problem.
         *
         * @param required what the secret is, for the problem when it is missing; null when it is
         *     optional
         */
        Optional<String> secret(JsonObject parent, String name, String path, String required) {
            String key = path + "." + name;
            if (absent(parent, name)) {
                if (required != null) {
                    errors.add(key + ": required (" + required + ")");
                }
                return Optional.empty();
            }
            return string(parent, name, key);
        }

        /** An id given as a non-empty string or as an integer, as a string. */
        Optional<String> id(JsonObject parent, String name, String path) {
            JsonValue v = parent.get(name);
            if (v == null || v.getValueType() == JsonValue.ValueType.NULL || unresolved.contains(path)) {
                return Optional.empty();
            }
            Optional<String> id = id(v);
            if (id.isEmpty()) {
                errors.add(path + ": expected an id (a non-empty string or an integer)");
            }
            return id;
        }

        /** A list of ids, each a non-empty string or an integer, as strings. */
        List<String> ids(JsonObject parent, String name, String path) {
            JsonValue v = parent.get(name);
            if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
                return List.of();
            }
            if (v.getValueType() != JsonValue.ValueType.ARRAY) {
                errors.add(path + ": expected a list of ids (strings or integers)");
                return List.of();
            }
            List<String> out = new ArrayList<>();
            List<JsonValue> items = v.asJsonArray();
            for (int i = 0; i < items.size(); i++) {
                if (unresolved.contains(path + "[" + i + "]")) {
                    continue;
                }
                Optional<String> id = id(items.get(i));
                if (id.isPresent()) {
                    out.add(id.get());
                } else {
                    errors.add(path + "[" + i + "]: expected an id (a non-empty string or an integer)");
                }
            }
            return out;
        }

        private static Optional<String> id(JsonValue v) {
            if (v instanceof JsonString s && !s.getString().isBlank()) {
                return Optional.of(s.getString().strip());
            }
            if (v instanceof JsonNumber n && n.isIntegral()) {
                return Optional.of(n.bigIntegerValue().toString());
            }
            return Optional.empty();
        }

        Optional<URI> httpUrl(String value, String path) {
            return httpUrl(value, path, "https://api.openai.com/v1");
        }

        Optional<URI> httpUrl(String value, String path, String example) {
            try {
                URI uri = new URI(value);
                String scheme = Objects.requireNonNullElse(uri.getScheme(), "").toLowerCase(Locale.ROOT);
                if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getRawQuery() == null
                        && uri.getRawFragment() == null) {
                    return Optional.of(uri);
                }
            } catch (URISyntaxException e) {
                // Reported below with the expectation.
            }
            errors.add(path + ": \"" + value + "\" (expected: an http or https URL, such as " + example + ")");
            return Optional.empty();
        }

        void modelReference(String id, String path, Map<String, Provider> providers) {
            int slash = id.indexOf('/');
            if (slash <= 0 || slash == id.length() - 1) {
                errors.add(path + ": \"" + id + "\" (expected: \"<provider>/<model>\", such as \"openai/gpt-4o\")");
            } else if (!providers.containsKey(id.substring(0, slash))) {
                errors.add(path + ": unknown provider \"" + id.substring(0, slash) + "\" in \"" + id + "\" (expected one of: "
                        + (providers.isEmpty() ? "none configured under providers" : String.join(", ", providers.keySet())) + ")");
            }
        }

        OptionalLong longValue(JsonObject parent, String name, String path) {
            JsonValue v = parent.get(name);
            if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
                return OptionalLong.empty();
            }
            if (v instanceof JsonNumber n && n.isIntegral()) {
                return OptionalLong.of(n.longValue());
            }
            errors.add(path + ": expected an integer");
            return OptionalLong.empty();
        }
    }
}
