package dev.portico.cli;

import dev.portico.auth.Tokens;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * The gateway's API over HTTP, as the commands that talk to a running gateway use it
 * ({@code portico cron …}, {@code portico gateway status} and {@code restart}): where the gateway
 * is and which credential to send come from the same options, environment and config file as
 * {@code portico gateway} starts with. Every failure is a {@link Failure} with one line for the
 * operator and an exit code, never a stack trace.
 */
final class GatewayClient implements AutoCloseable {
    /** How long a request may take, connecting included, unless the command says otherwise. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Exit code for a gateway that cannot be reached or that refused the request. */
    static final int FAILED = 1;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_QUOTED_BODY = 200;

    /** The options every command that talks to the gateway takes; a picocli mixin. */
    static final class Options {
        @Option(names = "--url", paramLabel = "URL",
                description = "The gateway's address (default: http://<host>:<port> from --host, --port and the config "
                        + "file, as 'portico gateway' would listen; 0.0.0.0 and :: mean this machine).")
        String url;

        @Option(names = "--token", paramLabel = "TOKEN",
                description = "The token to send (default: PORTICO_GATEWAY_TOKEN, else gateway.auth.token, else "
                        + "<state dir>/token).")
        String token;

        @Option(names = "--host", paramLabel = "ADDRESS", description = "The gateway's address without --url (default: "
                + "gateway.host, else 127.0.0.1).")
        String host;

        @Option(names = "--port", paramLabel = "PORT", description = "The gateway's port without --url (default: "
                + "gateway.port, else 18790).")
        Integer port;

        @Option(names = "--state-dir", paramLabel = "DIR", description = "The gateway's state directory, for its token "
                + "file and config file (default: ~/.portico).")
        Path stateDir;

        @Option(names = "--config", paramLabel = "FILE",
                description = "The gateway's JSON config file (default: <state dir>/config.json when it exists).")
        Path config;
    }

    /** A request that did not get the answer it wanted; the message is one line for the operator. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        private final int exitCode;

        Failure(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }

        /** @return the exit code for the command: {@link GatewayCommand#USAGE} or {@link GatewayClient#FAILED} */
        int exitCode() {
            return exitCode;
        }
    }

    /**
     * The credential to send, and where it came from for the hint after a 401.
     *
     * @param secret the token or password; empty with auth mode {@code none} or when none was found
     * @param source where it came from, or why there is none
     */
    record Bearer(Optional<String> secret, String source) {}

    private final URI base;
    private final Bearer credential;
    private final Duration timeout;
    private final HttpClient http;

    GatewayClient(URI base, Bearer credential, Duration timeout) {
        this.base = base;
        this.credential = credential;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout.compareTo(CONNECT_TIMEOUT) < 0 ? timeout : CONNECT_TIMEOUT).build();
    }

    /**
     * Resolves the gateway's address and credential from the options, the environment and the
     * config file.
     *
     * @param options the command-line options
     * @param env looks up environment variables (null when unset)
     * @param timeout how long each request may take
     * @return a client; close it when done
     * @throws Failure with {@link GatewayCommand#USAGE} for a bad option or config file, or an
     *     unreadable token file
     */
    static GatewayClient connect(Options options, Function<String, String> env, Duration timeout) throws Failure {
        GatewaySetup.Options setupOptions = new GatewaySetup.Options();
        setupOptions.host = options.host;
        setupOptions.port = options.port;
        setupOptions.token = options.token;
        setupOptions.stateDir = options.stateDir;
        setupOptions.config = options.config;
        GatewaySetup setup;
        try {
            setup = GatewaySetup.resolveForClient(setupOptions, env);
        } catch (IllegalArgumentException e) {
            throw new Failure(GatewayCommand.USAGE, e.getMessage());
        }
        URI base = options.url != null ? url(options.url) : defaultUrl(setup);
        Bearer credential;
        try {
            credential = credential(setup.auth());
        } catch (UncheckedIOException e) {
            throw new Failure(GatewayCommand.USAGE, e.getMessage());
        }
        return new GatewayClient(base, credential, timeout);
    }

    private static URI url(String text) throws Failure {
        try {
            URI uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getRawQuery() == null
                    && uri.getRawFragment() == null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // Reported below with the expectation.
        }
        throw new Failure(GatewayCommand.USAGE, "--url: \"" + text + "\" (expected: the gateway's http or https URL, "
                + "such as http://127.0.0.1:18790)");
    }

    /** {@code http://<host>:<port>} where the gateway listens; an address of every interface means this machine. */
    private static URI defaultUrl(GatewaySetup setup) throws Failure {
        if (setup.port() == 0) {
            throw new Failure(GatewayCommand.USAGE, "the gateway's port is 0 (any free port) in its settings: give the "
                    + "port it printed at startup with --port or --url");
        }
        String host = switch (setup.host()) {
            case "0.0.0.0", "" -> "127.0.0.1";
            case "::", "[::]", "::0", "0:0:0:0:0:0:0:0" -> "::1";
            default -> setup.host();
        };
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        String text = "http://" + host + ":" + setup.port();
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new Failure(GatewayCommand.USAGE, "the gateway's address " + text + " is not a URL (" + e.getReason()
                    + "); give it with --url");
        }
    }

    private static Bearer credential(GatewaySetup.Auth auth) {
        return switch (auth.mode()) {
            case "none" -> new Bearer(Optional.empty(), "auth mode none: no credential is sent");
            case "password" -> new Bearer(auth.password(), "the password of auth mode password");
            default -> {
                if (auth.token().isPresent()) {
                    String token = auth.token().get();
                    if (token.regionMatches(true, 0, "sha256:", 0, 7)) {
                        yield new Bearer(Optional.empty(), "the configured token is only its sha256: hash, which "
                                + "cannot be sent");
                    }
                    yield new Bearer(auth.token(), "the token " + auth.source());
                }
                Path file = auth.tokenFile().orElseThrow();
                Optional<String> stored = Tokens.load(file);
                yield new Bearer(stored, stored.isPresent() ? "the token " + auth.source()
                        : "no token was found: none given, and " + file + " does not exist");
            }
        };
    }

    /**
     * The gateway's address.
     *
     * @return the base URL, without a trailing slash
     */
    URI base() {
        return base;
    }

    /**
     * The credential sent with every request.
     *
     * @return the credential and where it came from
     */
    Bearer bearer() {
        return credential;
    }

    /**
     * {@code GET}.
     *
     * @param path the path and query, such as {@code /api/cron}
     * @return the answer's JSON object
     * @throws Failure when the gateway cannot be reached or answers with an error
     */
    JsonObject get(String path) throws Failure {
        return send(request(path).GET(), false);
    }

    /**
     * {@code POST} with a JSON body.
     *
     * @param path the path
     * @param body the body
     * @return the answer's JSON object
     * @throws Failure when the gateway cannot be reached or answers with an error
     */
    JsonObject post(String path, JsonObject body) throws Failure {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())), false);
    }

    /**
     * {@code POST} with a JSON body and a fresh {@code Idempotency-Key}, sent again with the same
     * key once when the first answer does not arrive in time or the connection breaks: the gateway
     * answers the repeat with what the first made, so nothing is made twice.
     *
     * @param path the path
     * @param body the body
     * @return the answer's JSON object
     * @throws Failure when the gateway cannot be reached or answers with an error
     */
    JsonObject postOnce(String path, JsonObject body) throws Failure {
        return send(request(path).header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())), true);
    }

    /**
     * {@code DELETE}.
     *
     * @param path the path
     * @return the answer's JSON object
     * @throws Failure when the gateway cannot be reached or answers with an error
     */
    JsonObject delete(String path) throws Failure {
        return send(request(path).DELETE(), false);
    }

    @Override
    public void close() {
        http.close();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .header("Accept", "application/json");
        credential.secret().ifPresent(s -> b.header("Authorization", "Bearer " + s));
        return b;
    }

    private JsonObject send(HttpRequest.Builder builder, boolean retry) throws Failure {
        HttpRequest request = builder.build();
        HttpResponse<String> response;
        try {
            response = exchange(request);
        } catch (IOException e) {
            if (!retry || unreachable(e)) {
                throw failure(e);
            }
            try {
                response = exchange(request);
            } catch (IOException again) {
                throw failure(again);
            }
        }
        return answer(response);
    }

    private HttpResponse<String> exchange(HttpRequest request) throws IOException, Failure {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(FAILED, "interrupted while waiting for the gateway at " + base);
        }
    }

    private Failure failure(IOException e) {
        if (unreachable(e)) {
            return new Failure(FAILED, "cannot reach the gateway at " + base + " (is it running? start it with: "
                    + "portico gateway)");
        }
        if (e instanceof HttpTimeoutException) {
            return new Failure(FAILED, "the gateway at " + base + " did not answer within " + seconds(timeout));
        }
        return new Failure(FAILED, "the connection to the gateway at " + base + " failed: "
                + Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName()));
    }

    /** Whether the request never got to a gateway: refused, no route, unknown host, no connection in time. */
    private static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException
                    || t instanceof NoRouteToHostException || t instanceof UnknownHostException
                    || t instanceof UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }

    private JsonObject answer(HttpResponse<String> response) throws Failure {
        int status = response.statusCode();
        Optional<JsonObject> body = parse(response.body());
        if (status >= 200 && status < 300) {
            return body.orElseThrow(() -> new Failure(FAILED, "the gateway at " + base + " answered " + status
                    + " with something other than a JSON object: " + quote(response.body())));
        }
        Optional<JsonObject> error = body.map(b -> b.get("error")).filter(e -> e instanceof JsonObject)
                .map(JsonValue::asJsonObject);
        String text = error.map(e -> string(e, "code").orElse("HTTP " + status) + ": "
                        + string(e, "message").orElse("(no message)"))
                .orElseGet(() -> "HTTP " + status + (response.body().isBlank() ? "" : ": " + quote(response.body())));
        if (status == 401) {
            text += " (" + credential.source() + "; pass the gateway's token with --token or PORTICO_GATEWAY_TOKEN, "
                    + "or point --state-dir at the gateway's state directory, whose token file holds it)";
        }
        throw new Failure(FAILED, text);
    }

    private static Optional<JsonObject> parse(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            JsonValue value = reader.readValue();
            return value instanceof JsonObject o ? Optional.of(o) : Optional.empty();
        } catch (JsonException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> string(JsonObject o, String name) {
        return o.get(name) instanceof JsonString s ? Optional.of(s.getString()) : Optional.empty();
    }

    private static String quote(String body) {
        String line = body.strip().replaceAll("\\s+", " ");
        return line.length() <= MAX_QUOTED_BODY ? line : line.substring(0, MAX_QUOTED_BODY - 1) + "…";
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
