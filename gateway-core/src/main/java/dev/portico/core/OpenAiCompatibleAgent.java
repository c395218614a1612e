package dev.portico.core;

import dev.portico.api.agent.Agent;
import dev.portico.api.agent.AgentEvent;
import dev.portico.api.agent.AgentEventSink;
import dev.portico.api.agent.AgentRequest;
import dev.portico.api.session.Message;
import dev.portico.core.internal.SseParser;
import dev.portico.core.internal.StreamingBody;
import dev.portico.core.internal.Upstream;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An agent that answers with a model behind any OpenAI-compatible {@code POST
 * {base_url}/chat/completions} API (OpenAI, OpenRouter, Ollama, vLLM, llama.cpp, LM Studio…),
 * streaming the reply as it forms and failing over from the primary model to its fallbacks.
 *
 * <pre>{@code
 * Agent agent = OpenAiCompatibleAgent.builder()
 *         .provider("openai", URI.create("https://api.openai.com/v1"), System.getenv("OPENAI_API_KEY"))
 *         .provider("ollama", URI.create("http://127.0.0.1:11434/v1"))
 *         .primary("openai/gpt-4o")
 *         .fallback("ollama/llama3.2")
 *         .systemPrompt("You are a helpful assistant.")
 *         .build();
 * Gateway gateway = Gateway.builder().agent(agent).build();
 * }</pre>
 *
 * <p>Each turn sends the system prompt, the last {@linkplain Builder#historyWindow(int) few}
 * messages of the session and the new user message with {@code "stream": true}, and reports every
 * {@code choices[0].delta.content} of the upstream's server-sent events as an
 * {@link AgentEvent.TextDelta} the moment it arrives, then {@link AgentEvent.Completed} naming the
 * model that answered ({@code <provider>/<model>}).
 *
 * <p><b>Failover.</b> Models are tried in order. The next one is tried when a model answers 429 or
 * 5xx, times out, cannot be reached, or sends a stream that cannot be read — but only while no part
 * of the reply has been reported; after that the turn fails rather than mix two models' text. Any
 * other 4xx is a problem with the request and fails the turn at once. A model that answered 429 or
 * 503 with {@code Retry-After} is skipped until that time has passed (measured with the
 * {@linkplain Builder#clock(Clock) clock}), so later turns go straight to a healthy fallback. When
 * every model failed, the turn ends with {@link AgentEvent.Failed} whose message names each model
 * and its reason ({@code upstream failed: openai/gpt-4o: 429 rate limited; ollama/llama3.2: timeout
 * (nothing received for 60 s)}), with at most a short, sanitised {@code error.message} from the
 * provider, never its body or a key.
 *
 * <p><b>Cancellation.</b> The turn stops within about 100 ms of {@link AgentEventSink#cancelled()}
 * turning true, and at once when its thread is interrupted; the HTTP exchange is aborted either way.
 */
public final class OpenAiCompatibleAgent implements Agent {
    private static final System.Logger LOG = System.getLogger(OpenAiCompatibleAgent.class.getName());
    private static final JsonBuilderFactory JSON = JsonProvider.provider().createBuilderFactory(Map.of());
    /** A {@code Retry-After} further away than this is taken as this. */
    private static final Duration LONGEST_COOL_DOWN = Duration.ofHours(1);
    /** How often a wait looks at {@code cancelled()}. */
    private static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** How long an error body may take to arrive once its status is known. */
    private static final long ERROR_BODY_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int MAX_ERROR_BODY = 16 * 1024;
    private static final int MAX_JSON_REPLY = 8 * 1024 * 1024;
    private static final int MAX_LINE = 1024 * 1024;

    private final List<Endpoint> endpoints;
    private final List<ProviderInfo> providerInfos;
    private final List<ModelInfo> modelInfos;
    private final List<String> secrets;
    private final Optional<String> systemPrompt;
    private final int historyWindow;
    private final Optional<Double> temperature;
    private final OptionalInt maxTokens;
    private final Duration timeout;
    private final Duration idleTimeout;
    private final Clock clock;
    private final HttpClient http;
    private final String userAgent = "portico/" + Versions.portico();
    private final ConcurrentMap<String, CoolDown> coolDowns = new ConcurrentHashMap<>();

    private OpenAiCompatibleAgent(Builder b, List<Endpoint> endpoints) {
        this.endpoints = endpoints;
        this.providerInfos = b.providers.values().stream()
                .map(p -> new ProviderInfo(p.name, p.baseUrl, p.apiKey != null))
                .toList();
        List<ModelInfo> models = new ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            Endpoint e = endpoints.get(i);
            models.add(new ModelInfo(e.id(), e.provider().name, e.model(),
                    i == 0 ? ModelInfo.Role.PRIMARY : ModelInfo.Role.FALLBACK));
        }
        this.modelInfos = List.copyOf(models);
        this.secrets = b.providers.values().stream().map(p -> p.apiKey).filter(Objects::nonNull).toList();
        this.systemPrompt = Optional.ofNullable(b.systemPrompt);
        this.historyWindow = b.historyWindow;
        this.temperature = Optional.ofNullable(b.temperature);
        this.maxTokens = b.maxTokens == null ? OptionalInt.empty() : OptionalInt.of(b.maxTokens);
        this.timeout = b.timeout;
        this.idleTimeout = b.idleTimeout != null ? b.idleTimeout
                : (b.timeout.compareTo(Builder.DEFAULT_IDLE_TIMEOUT) < 0 ? b.timeout : Builder.DEFAULT_IDLE_TIMEOUT);
        this.clock = b.clock;
        this.http = b.httpClient != null ? b.httpClient : HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(idleTimeout)
                .build();
    }

    /**
     * A builder with the defaults: no system prompt, a history window of 20 messages, the
     * provider's own temperature and token limit, a 300 s timeout per attempt and 60 s without data.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The providers, in the order they were declared.
     *
     * @return the providers, without their keys
     */
    public List<ProviderInfo> providers() {
        return providerInfos;
    }

    /**
     * The models in the order they are tried: the primary, then the fallbacks.
     *
     * @return the models
     */
    public List<ModelInfo> models() {
        return modelInfos;
    }

    @Override
    public String name() {
        return "openai-compatible";
    }

    @Override
    public String toString() {
        return "OpenAiCompatibleAgent" + modelInfos.stream().map(ModelInfo::id).toList();
    }

    @Override
    public void run(AgentRequest request, AgentEventSink events) throws InterruptedException {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(events, "events");
        Optional<List<Endpoint>> order = order(request.model());
        if (order.isEmpty()) {
            events.emit(new AgentEvent.Failed("model: \"" + request.model().orElseThrow() + "\" is not configured "
                    + "(expected one of: " + String.join(", ", endpoints.stream().map(Endpoint::id).toList()) + ")"));
            return;
        }
        JsonArray messages = messages(request);
        List<String> failures = new ArrayList<>();
        for (Endpoint endpoint : order.get()) {
            if (events.cancelled()) {
                events.emit(new AgentEvent.Failed("run cancelled"));
                return;
            }
            Optional<String> cooling = coolingDown(endpoint);
            if (cooling.isPresent()) {
                failures.add(endpoint.id() + ": " + cooling.get());
                continue;
            }
            switch (attempt(endpoint, body(endpoint, messages), events)) {
                case Outcome.Done done -> {
                    return;
                }
                case Outcome.Cancelled cancelled -> {
                    events.emit(new AgentEvent.Failed("run cancelled"));
                    return;
                }
                case Outcome.Next next -> {
                    failures.add(endpoint.id() + ": " + next.reason());
                    LOG.log(System.Logger.Level.INFO, () -> "model " + endpoint.id() + " failed (" + next.reason()
                            + "), trying the next one");
                }
                case Outcome.Stop stop -> {
                    failures.add(endpoint.id() + ": " + stop.reason());
                    fail(events, failures);
                    return;
                }
            }
        }
        fail(events, failures);
    }

    /**
     * The models to try for a turn: the configured order, or the model the turn names
     * ({@code <provider>/<model>}, or the model part alone when only one provider has it) first,
     * then the others; empty when it names a model that is not configured.
     */
    private Optional<List<Endpoint>> order(Optional<String> model) {
        if (model.isEmpty()) {
            return Optional.of(endpoints);
        }
        String wanted = model.get();
        List<Endpoint> named = endpoints.stream().filter(e -> e.id().equals(wanted)).toList();
        if (named.isEmpty()) {
            named = endpoints.stream().filter(e -> e.model().equals(wanted)).toList();
        }
        if (named.size() != 1) {
            return Optional.empty();
        }
        Endpoint first = named.get(0);
        List<Endpoint> out = new ArrayList<>(endpoints.size());
        out.add(first);
        endpoints.stream().filter(e -> e != first).forEach(out::add);
        return Optional.of(out);
    }

    private static void fail(AgentEventSink events, List<String> failures) {
        String message = "upstream failed: " + String.join("; ", failures);
        LOG.log(System.Logger.Level.WARNING, () -> message);
        events.emit(new AgentEvent.Failed(message));
    }

    private Optional<String> coolingDown(Endpoint endpoint) {
        CoolDown c = coolDowns.get(endpoint.id());
        if (c == null) {
            return Optional.empty();
        }
        if (clock.instant().isBefore(c.until())) {
            return Optional.of("skipped, cooling down after " + c.status() + " until " + c.until());
        }
        coolDowns.remove(endpoint.id(), c);
        return Optional.empty();
    }

    private JsonArray messages(AgentRequest request) {
        JsonArrayBuilder out = JSON.createArrayBuilder();
        systemPrompt.ifPresent(p -> out.add(message("system", p)));
        List<Message> history = request.history();
        for (Message m : history.subList(Math.max(0, history.size() - historyWindow), history.size())) {
            out.add(message(m.role().wireName(), m.content()));
        }
        out.add(message("user", request.message()));
        return out.build();
    }

    private static JsonObject message(String role, String content) {
        return JSON.createObjectBuilder().add("role", role).add("content", content).build();
    }

    private byte[] body(Endpoint endpoint, JsonArray messages) {
        JsonObjectBuilder body = JSON.createObjectBuilder()
                .add("model", endpoint.model())
                .add("stream", true)
                .add("messages", messages);
        temperature.ifPresent(t -> body.add("temperature", t));
        maxTokens.ifPresent(n -> body.add("max_tokens", n));
        return body.build().toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One request to one model, from sending to the end of its reply or the first reason to stop. */
    private Outcome attempt(Endpoint endpoint, byte[] body, AgentEventSink events) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint.provider().chatUrl)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .header("User-Agent", userAgent)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (endpoint.provider().apiKey != null) {
            request.header("Authorization", "Bearer " + endpoint.provider().apiKey);
        }
        StreamingBody stream = new StreamingBody();
        Exchange x = new Exchange(stream, events);
        // A blocking send on a thread of its own rather than sendAsync: sendAsync hands its result
        // over through the common ForkJoinPool, so a pool kept busy elsewhere would stall every turn.
        // Interrupting the sender cancels the exchange.
        HttpRequest built = request.build();
        CompletableFuture<HttpResponse<StreamingBody>> pending = new CompletableFuture<>();
        Thread sender = Thread.ofVirtual().name("portico-upstream-" + endpoint.id()).start(() -> {
            try {
                pending.complete(http.send(built, info -> stream));
            } catch (Throwable t) {
                pending.completeExceptionally(t);
            }
        });
        boolean reusable = false;
        try {
            HttpResponse<StreamingBody> response;
            try {
                response = x.await(pending);
            } catch (ExecutionException e) {
                return new Outcome.Next(connectionFailure(e.getCause()));
            }
            int status = response.statusCode();
            if (status < 200 || status > 299) {
                return rejected(endpoint, response, x);
            }
            boolean json = response.headers().firstValue("Content-Type")
                    .map(t -> t.toLowerCase(Locale.ROOT).startsWith("application/json")).orElse(false);
            Outcome outcome = json ? whole(endpoint, x) : stream(endpoint, x);
            reusable = outcome instanceof Outcome.Done;
            return outcome;
        } catch (Abort a) {
            return a.cancelled ? new Outcome.Cancelled() : new Outcome.Next(a.getMessage());
        } finally {
            if (reusable) {
                stream.discardRest();
            } else {
                sender.interrupt();
                stream.cancel();
            }
        }
    }

    /** A non-2xx answer: its reason, a cool-down when it asks for one, and whether to fail over. */
    private Outcome rejected(Endpoint endpoint, HttpResponse<?> response, Exchange x) throws InterruptedException, Abort {
        int status = response.statusCode();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        try {
            x.readInto(head, MAX_ERROR_BODY, System.nanoTime() + ERROR_BODY_WAIT_NANOS);
        } catch (IOException e) {
            // The reason is still the status; the body was only for its detail.
        } catch (Abort a) {
            if (a.cancelled) {
                throw a;
            }
        }
        String reason = status + " " + phrase(status)
                + Upstream.errorMessage(head.toByteArray(), secrets).map(m -> " (" + m + ")").orElse("");
        if (status == 429 || status == 503) {
            Upstream.retryAfter(response.headers().firstValue("Retry-After"), clock.instant(), LONGEST_COOL_DOWN)
                    .ifPresent(until -> {
                        coolDowns.put(endpoint.id(), new CoolDown(until, status));
                        LOG.log(System.Logger.Level.INFO, () -> "model " + endpoint.id() + " answered " + status
                                + "; skipping it until " + until);
                    });
        }
        return status == 429 || status >= 500 ? new Outcome.Next(reason) : new Outcome.Stop(reason);
    }

    private static String phrase(int status) {
        return switch (status) {
            case 400 -> "bad request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not found";
            case 408 -> "request timeout";
            case 413 -> "request too large";
            case 422 -> "unprocessable request";
            case 429 -> "rate limited";
            case 500 -> "server error";
            case 502 -> "bad gateway";
            case 503 -> "unavailable";
            case 504 -> "gateway timeout";
            default -> status >= 300 && status < 400 ? "redirect (check the base URL)"
                    : status >= 500 ? "server error" : "error";
        };
    }

    /** Reads an SSE reply, reporting each delta as it arrives. */
    private Outcome stream(Endpoint endpoint, Exchange x) throws InterruptedException, Abort {
        SseParser parser = new SseParser(MAX_LINE);
        List<SseParser.Event> batch = new ArrayList<>();
        Reply reply = new Reply(x.events);
        try {
            while (true) {
                List<ByteBuffer> piece = x.next();
                if (piece == StreamingBody.END) {
                    parser.finish(batch);
                } else {
                    for (ByteBuffer b : piece) {
                        parser.feed(b, batch);
                    }
                }
                for (SseParser.Event event : batch) {
                    if (event.data().strip().equals("[DONE]")) {
                        return reply.complete(endpoint);
                    }
                    Optional<String> problem = apply(event.data(), reply);
                    if (problem.isPresent()) {
                        return reply.broken(problem.get());
                    }
                }
                batch.clear();
                if (piece == StreamingBody.END) {
                    break;
                }
            }
        } catch (SseParser.LineTooLong e) {
            return reply.broken("malformed stream (" + e.getMessage() + ")");
        } catch (IOException e) {
            return reply.broken("connection lost (" + describe(e) + ")");
        } catch (Abort a) {
            if (a.cancelled) {
                throw a;
            }
            return reply.broken(a.getMessage());
        }
        if (reply.finished) {
            return reply.complete(endpoint);
        }
        return reply.broken(reply.emitted ? "stream ended before [DONE]" : "stream ended without a reply");
    }

    /** Applies one SSE data payload; returns the problem when it cannot be used. */
    private Optional<String> apply(String data, Reply reply) {
        Optional<JsonObject> parsed = Upstream.parseObject(data);
        if (parsed.isEmpty()) {
            return Optional.of("malformed stream (an event that is not a JSON object)");
        }
        JsonObject chunk = parsed.get();
        JsonValue error = chunk.get("error");
        if (error != null && error.getValueType() != JsonValue.ValueType.NULL) {
            return Optional.of("error in stream" + Upstream.explanation(chunk).map(m -> Upstream.sanitize(m, secrets))
                    .filter(m -> !m.isEmpty()).map(m -> " (" + m + ")").orElse(""));
        }
        if (!(chunk.get("choices") instanceof JsonArray choices)) {
            return Optional.of("malformed stream (a chunk without choices)");
        }
        if (choices.isEmpty()) {
            // Usage reports and content-filter notes come without choices.
            return Optional.empty();
        }
        if (!(choices.get(0) instanceof JsonObject choice)) {
            return Optional.of("malformed stream (a choice that is not an object)");
        }
        if (choice.get("delta") instanceof JsonObject delta && delta.get("content") instanceof JsonString s) {
            reply.delta(s.getString());
        }
        if (choice.get("finish_reason") instanceof JsonString) {
            reply.finished = true;
        }
        return Optional.empty();
    }

    /** Reads a non-streamed JSON reply (an upstream that ignored {@code "stream": true}). */
    private Outcome whole(Endpoint endpoint, Exchange x) throws InterruptedException, Abort {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try {
            if (!x.readInto(all, MAX_JSON_REPLY, Long.MAX_VALUE)) {
                return new Outcome.Next("reply larger than " + MAX_JSON_REPLY + " bytes");
            }
        } catch (IOException e) {
            return new Outcome.Next("connection lost (" + describe(e) + ")");
        }
        Optional<JsonObject> parsed = Upstream.parseObject(all.toString(StandardCharsets.UTF_8));
        if (parsed.isPresent()
                && parsed.get().get("choices") instanceof JsonArray choices
                && !choices.isEmpty()
                && choices.get(0) instanceof JsonObject choice
                && choice.get("message") instanceof JsonObject message) {
            Reply reply = new Reply(x.events);
            if (message.get("content") instanceof JsonString s) {
                reply.delta(s.getString());
            }
            return reply.complete(endpoint);
        }
        Optional<String> explanation = parsed.flatMap(Upstream::explanation)
                .map(m -> Upstream.sanitize(m, secrets)).filter(m -> !m.isEmpty());
        return new Outcome.Next(explanation.map(m -> "error in reply (" + m + ")")
                .orElse("malformed reply (no choices[0].message)"));
    }

    private String connectionFailure(Throwable t) {
        if (t instanceof HttpConnectTimeoutException) {
            return "timeout (connecting took over " + describe(idleTimeout) + ")";
        }
        if (t instanceof HttpTimeoutException) {
            return "timeout (no response within " + describe(timeout) + ")";
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UnresolvedAddressException || c instanceof UnknownHostException) {
                return "connection failed (unknown host)";
            }
        }
        if (t instanceof ConnectException && describe(t).equals("ConnectException")) {
            // The JDK client reports a refused connection without a message.
            return "connection failed (connection refused)";
        }
        return "connection failed (" + describe(t) + ")";
    }

    /** The innermost message of a failure, sanitised: {@code Connection refused}. */
    private String describe(Throwable t) {
        String message = null;
        Throwable name = t;
        Throwable c = t;
        for (int depth = 0; c != null && depth < 10; depth++, c = c.getCause()) {
            if (c.getMessage() != null && !c.getMessage().isBlank()) {
                message = c.getMessage();
                name = c;
            }
        }
        return message == null ? name.getClass().getSimpleName() : Upstream.sanitize(message, secrets);
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** The reply of one attempt as it forms. */
    private static final class Reply {
        final AgentEventSink events;
        final StringBuilder text = new StringBuilder();
        boolean emitted;
        boolean finished;

        Reply(AgentEventSink events) {
            this.events = events;
        }

        void delta(String piece) {
            if (!piece.isEmpty()) {
                events.emit(new AgentEvent.TextDelta(piece));
                text.append(piece);
                emitted = true;
            }
        }

        Outcome complete(Endpoint endpoint) {
            events.emit(new AgentEvent.Completed(text.toString(), Optional.of(endpoint.id())));
            return new Outcome.Done();
        }

        /** After part of the reply went out, another model must not continue it. */
        Outcome broken(String reason) {
            return emitted ? new Outcome.Stop(reason + " after a partial reply") : new Outcome.Next(reason);
        }
    }

    /** The waits of one exchange, each bounded by the timeouts and cut short by cancellation. */
    private final class Exchange {
        final StreamingBody body;
        final AgentEventSink events;
        final long start = System.nanoTime();
        long lastData = start;

        Exchange(StreamingBody body, AgentEventSink events) {
            this.body = body;
            this.events = events;
        }

        /** Nanoseconds the exchange may still wait, or the reason it may not. */
        long left() throws Abort {
            if (events.cancelled()) {
                throw new Abort(true, "cancelled");
            }
            long now = System.nanoTime();
            long total = start + timeout.toNanos() - now;
            if (total <= 0) {
                throw new Abort(false, "timeout (no complete reply within " + describe(timeout) + ")");
            }
            long idle = lastData + idleTimeout.toNanos() - now;
            if (idle <= 0) {
                throw new Abort(false, "timeout (nothing received for " + describe(idleTimeout) + ")");
            }
            return Math.min(total, idle);
        }

        <T> T await(CompletableFuture<T> future) throws InterruptedException, ExecutionException, Abort {
            while (true) {
                try {
                    T value = future.get(Math.min(left(), CHECK_NANOS), TimeUnit.NANOSECONDS);
                    lastData = System.nanoTime();
                    return value;
                } catch (TimeoutException e) {
                    // Look at the deadlines and cancellation again.
                }
            }
        }

        List<ByteBuffer> next() throws InterruptedException, IOException, Abort {
            while (true) {
                List<ByteBuffer> piece = body.poll(Math.min(left(), CHECK_NANOS));
                if (piece != null) {
                    lastData = System.nanoTime();
                    return piece;
                }
            }
        }

        /**
         * Reads the body into {@code out} until it ends, {@code limit} bytes are read, or the
         * {@link System#nanoTime()} {@code until} passes.
         *
         * @return true when the whole body fit
         */
        boolean readInto(ByteArrayOutputStream out, int limit, long until) throws InterruptedException, IOException, Abort {
            while (true) {
                long wait = Math.min(left(), CHECK_NANOS);
                if (until != Long.MAX_VALUE) {
                    long remaining = until - System.nanoTime();
                    if (remaining <= 0) {
                        return false;
                    }
                    wait = Math.min(wait, remaining);
                }
                List<ByteBuffer> piece = body.poll(wait);
                if (piece == null) {
                    continue;
                }
                if (piece == StreamingBody.END) {
                    return true;
                }
                lastData = System.nanoTime();
                for (ByteBuffer b : piece) {
                    int n = Math.min(b.remaining(), limit - out.size());
                    byte[] bytes = new byte[n];
                    b.get(bytes);
                    out.writeBytes(bytes);
                    if (out.size() >= limit) {
                        return false;
                    }
                }
            }
        }
    }

    /** Why an exchange stopped waiting: a timeout (fail over) or a cancelled run. */
    private static final class Abort extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean cancelled;

        Abort(boolean cancelled, String reason) {
            super(reason, null, false, false);
            this.cancelled = cancelled;
        }
    }

    /** How one attempt ended. */
    private sealed interface Outcome {
        /** The reply is complete and reported. */
        record Done() implements Outcome {}

        /** The run was cancelled. */
        record Cancelled() implements Outcome {}

        /** The model failed in a way the next model may not: try it. */
        record Next(String reason) implements Outcome {}

        /** The turn fails here: a problem with the request, or part of the reply already went out. */
        record Stop(String reason) implements Outcome {}
    }

    private record CoolDown(Instant until, int status) {}

    private record Endpoint(String id, Provider provider, String model) {}

    /** A provider as the agent uses it; its {@code toString} leaves the key out. */
    private static final class Provider {
        final String name;
        final URI baseUrl;
        final URI chatUrl;
        final String apiKey;

        Provider(String name, URI baseUrl, String apiKey) {
            this.name = name;
            this.baseUrl = baseUrl;
            String base = baseUrl.toString();
            this.chatUrl = URI.create((base.endsWith("/") ? base : base + "/") + "chat/completions");
            this.apiKey = apiKey;
        }

        @Override
        public String toString() {
            return name + " (" + baseUrl + (apiKey != null ? ", with an API key" : "") + ")";
        }
    }

    /**
     * Builds an {@link OpenAiCompatibleAgent}: declare the providers, then name the primary model
     * and any fallbacks as {@code <provider>/<model>}. {@link #build()} validates.
     */
    public static final class Builder {
        static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(300);
        static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

        private final Map<String, Provider> providers = new LinkedHashMap<>();
        private final List<String> problems = new ArrayList<>();
        private String primary;
        private final List<String> fallbacks = new ArrayList<>();
        private String systemPrompt;
        private int historyWindow = 20;
        private Double temperature;
        private Integer maxTokens;
        private Duration timeout = DEFAULT_TIMEOUT;
        private Duration idleTimeout;
        private Clock clock = Clock.systemUTC();
        private HttpClient httpClient;

        private Builder() {}

        /**
         * Declares a provider that needs no key (a local server, say).
         *
         * @param name the name models refer to, such as {@code ollama}; without {@code /}
         * @param baseUrl the API base, such as {@code http://127.0.0.1:11434/v1}; requests go to
         *     {@code <baseUrl>/chat/completions}
         * @return this builder
         */
        public Builder provider(String name, URI baseUrl) {
            declare(name, baseUrl, null);
            return this;
        }

        /**
         * Declares a provider whose requests carry {@code Authorization: Bearer <apiKey>}.
         *
         * @param name the name models refer to, such as {@code openai}; without {@code /}
         * @param baseUrl the API base, such as {@code https://api.openai.com/v1}
         * @param apiKey the key; never logged, listed or shown in errors
         * @return this builder
         */
        public Builder provider(String name, URI baseUrl, String apiKey) {
            Objects.requireNonNull(apiKey, "apiKey");
            if (apiKey.isBlank() || apiKey.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
                problems.add("apiKey of provider " + name
                        + ": blank or containing spaces or control characters (expected: the key as the provider issued it)");
            }
            declare(name, baseUrl, apiKey);
            return this;
        }

        private void declare(String name, URI baseUrl, String apiKey) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(baseUrl, "baseUrl");
            if (name.isBlank() || name.contains("/")) {
                problems.add("provider name: \"" + name + "\" (expected: a non-empty name without \"/\")");
                return;
            }
            String scheme = baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(Locale.ROOT);
            if (!baseUrl.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || baseUrl.getHost() == null
                    || baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
                problems.add("baseUrl of provider " + name + ": \"" + baseUrl
                        + "\" (expected: an absolute http or https URL without query, such as https://api.openai.com/v1)");
                return;
            }
            if (providers.putIfAbsent(name, new Provider(name, baseUrl, apiKey)) != null) {
                problems.add("provider " + name + ": declared twice");
            }
        }

        /**
         * Sets the model tried first.
         *
         * @param modelId {@code <provider>/<model>}, such as {@code openai/gpt-4o}; the model part may
         *     itself contain {@code /} ({@code openrouter/meta-llama/llama-3.1-8b-instruct})
         * @return this builder
         */
        public Builder primary(String modelId) {
            this.primary = Objects.requireNonNull(modelId, "modelId");
            return this;
        }

        /**
         * Adds a model tried, in the order added, when the ones before it failed.
         *
         * @param modelId {@code <provider>/<model>}
         * @return this builder
         */
        public Builder fallback(String modelId) {
            fallbacks.add(Objects.requireNonNull(modelId, "modelId"));
            return this;
        }

        /**
         * Sets the system prompt sent first in every request.
         *
         * @param systemPrompt the prompt; none by default
         * @return this builder
         */
        public Builder systemPrompt(String systemPrompt) {
            this.systemPrompt = Objects.requireNonNull(systemPrompt, "systemPrompt");
            return this;
        }

        /**
         * Sets how many of the session's latest messages go with each request. The gateway hands the
         * agent at most {@link GatewayBuilder#historyLimit(int)} of them.
         *
         * @param historyWindow &gt;= 0; 20 by default
         * @return this builder
         */
        public Builder historyWindow(int historyWindow) {
            this.historyWindow = historyWindow;
            return this;
        }

        /**
         * Sets the sampling temperature sent with each request.
         *
         * @param temperature 0..2; the provider's default when not set
         * @return this builder
         */
        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        /**
         * Sets {@code max_tokens}, the longest reply.
         *
         * @param maxTokens &gt; 0; the provider's default when not set
         * @return this builder
         */
        public Builder maxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        /**
         * Sets how long one attempt may take, from connecting to the end of the reply; a model that
         * takes longer is abandoned (for the next one, if no text went out yet).
         *
         * @param timeout &gt; 0; 300 s by default
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Sets how long an attempt may go without receiving anything: while connecting, waiting for
         * the response, and between streamed chunks.
         *
         * @param idleTimeout &gt; 0; 60 s by default, or the {@link #timeout(Duration)} when shorter
         * @return this builder
         */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
            return this;
        }

        /**
         * Sets the clock that times {@code Retry-After} cool-downs.
         *
         * @param clock the clock; the UTC system clock by default
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Sets the HTTP client (for a proxy, custom TLS, or tests).
         *
         * @param httpClient the client; by default an HTTP/1.1 client that follows no redirects and
         *     connects within the idle timeout
         * @return this builder
         */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
            return this;
        }

        /**
         * Validates the settings and builds the agent.
         *
         * @return the agent
         * @throws IllegalArgumentException naming every invalid setting, one per line
         */
        public OpenAiCompatibleAgent build() {
            List<String> errors = new ArrayList<>(problems);
            List<Endpoint> endpoints = new ArrayList<>();
            if (primary == null) {
                errors.add("primary: required (expected: \"<provider>/<model>\")");
            } else {
                endpoint("primary", primary, errors).ifPresent(endpoints::add);
            }
            for (String f : fallbacks) {
                endpoint("fallback", f, errors).ifPresent(e -> {
                    if (endpoints.stream().anyMatch(o -> o.id().equals(e.id()))) {
                        errors.add("fallback: \"" + e.id() + "\" listed twice");
                    } else {
                        endpoints.add(e);
                    }
                });
            }
            if (historyWindow < 0) {
                errors.add("historyWindow: " + historyWindow + " (expected: >= 0)");
            }
            if (temperature != null && !(temperature >= 0 && temperature <= 2)) {
                errors.add("temperature: " + temperature + " (expected: 0..2)");
            }
            if (maxTokens != null && maxTokens <= 0) {
                errors.add("maxTokens: " + maxTokens + " (expected: > 0)");
            }
            if (timeout.isNegative() || timeout.isZero()) {
                errors.add("timeout: " + timeout + " (expected: > 0)");
            }
            if (idleTimeout != null && (idleTimeout.isNegative() || idleTimeout.isZero())) {
                errors.add("idleTimeout: " + idleTimeout + " (expected: > 0)");
            }
            if (!errors.isEmpty()) {
                throw new IllegalArgumentException(String.join("\n", errors));
            }
            return new OpenAiCompatibleAgent(this, List.copyOf(endpoints));
        }

        private Optional<Endpoint> endpoint(String setting, String id, List<String> errors) {
            int slash = id.indexOf('/');
            if (slash <= 0 || slash == id.length() - 1) {
                errors.add(setting + ": \"" + id + "\" (expected: \"<provider>/<model>\", such as \"openai/gpt-4o\")");
                return Optional.empty();
            }
            String name = id.substring(0, slash);
            Provider provider = providers.get(name);
            if (provider == null) {
                errors.add(setting + ": unknown provider \"" + name + "\" in \"" + id + "\" (expected one of: "
                        + (providers.isEmpty() ? "no provider is declared" : String.join(", ", providers.keySet())) + ")");
                return Optional.empty();
            }
            return Optional.of(new Endpoint(id, provider, id.substring(slash + 1)));
        }
    }
}
