package dev.portico.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.RunningTransport;
import dev.portico.api.transport.Transport;
import dev.portico.api.transport.TransportOptions;
import dev.portico.core.Gateway;
import dev.portico.core.GatewayBuilder;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;

/**
 * What every conformance class shares: a subclass names the {@link Transport} under test, and the
 * kit starts it on {@code 127.0.0.1}, port 0, in front of a gateway with the fixed token
 * {@link #TOKEN}, talks to it over real sockets, and stops everything after each test.
 *
 * <p>A transport module runs a conformance class by subclassing it:
 *
 * <pre>{@code
 * class HelidonHttpIT extends HttpConformance {
 *     @Override
 *     protected Transport transport() {
 *         return new HelidonTransport();
 *     }
 * }
 * }</pre>
 *
 * <p>Every test has a deadline and waits on conditions, never on fixed sleeps; a test that hangs
 * fails after {@value #TEST_TIMEOUT_SECONDS} seconds.
 */
@Timeout(value = TransportConformanceBase.TEST_TIMEOUT_SECONDS, unit = TimeUnit.SECONDS)
public abstract class TransportConformanceBase {
    /** The token of every gateway the kit starts, accepted as a Bearer token or an API key. */
    public static final String TOKEN = "tck-token-7d41c2e9a05b4f63";
    /** How long any single test may take before it fails as hung. */
    public static final long TEST_TIMEOUT_SECONDS = 20;

    /** The default wait for something that should happen promptly. */
    static final Duration WAIT = Duration.ofSeconds(5);
    /** Text with two-, three- and four-byte UTF-8 sequences. */
    static final String MULTIBYTE = "Grüße, café naïve Ångström — 你好世界 🌍🚀 ✓";

    private static final System.Logger LOG = System.getLogger(TransportConformanceBase.class.getName());

    private final List<AutoCloseable> cleanups = new CopyOnWriteArrayList<>();
    private HttpClient client;

    /** For subclasses. */
    protected TransportConformanceBase() {}

    /**
     * The transport under test. Called once per server the kit starts, so returning a new instance
     * each time is the safe choice.
     *
     * @return the transport
     */
    protected abstract Transport transport();

    /**
     * The options every server starts from: {@code 127.0.0.1}, port 0, otherwise the defaults.
     * Tests change single limits on top of these. Override only if the transport cannot run with
     * them.
     *
     * @return a fresh options builder
     */
    protected TransportOptions.Builder options() {
        return TransportOptions.builder().host("127.0.0.1").port(0);
    }

    /**
     * The gateway every server starts from: the default echo agent and the token {@link #TOKEN},
     * without request rate limits (the kit drives hundreds of turns with one credential; the tests of
     * the limits build their own gateway).
     *
     * @return a fresh gateway builder
     */
    protected GatewayBuilder gatewayBuilder() {
        return Gateway.builder().token(TOKEN).noRateLimits();
    }

    // ---- servers

    /** @return the kit's routes in front of a default gateway */
    final KitHandler kit() {
        return new KitHandler(gatewayBuilder().build().handler());
    }

    /** @return a default gateway behind the kit's routes, started with the default options */
    final TckServer startGateway() {
        return start(kit());
    }

    /**
     * Starts the transport with the default options.
     *
     * @param handler the handler to serve
     * @return the started server, stopped after the test
     */
    final TckServer start(GatewayHandler handler) {
        return start(handler, options().build());
    }

    /**
     * Starts the transport.
     *
     * @param handler the handler to serve
     * @param options the options
     * @return the started server, stopped after the test
     */
    final TckServer start(GatewayHandler handler, TransportOptions options) {
        RunningTransport running = transport().start(handler, options);
        assertTrue(running.port() > 0, "start(...) returned a RunningTransport whose port() is " + running.port());
        cleanups.add(() -> running.stop(Duration.ZERO));
        return new TckServer(running);
    }

    /**
     * Registers something to close after the test.
     *
     * @param resource closed after the test, in reverse order of registration
     */
    final void closeAfterTest(AutoCloseable resource) {
        cleanups.add(resource);
    }

    // ---- HTTP client

    /** @return an HTTP/1.1 client for this test, shut down after it */
    final HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(2))
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
        }
        return client;
    }

    /**
     * A request builder with the kit's timeout and the given header pairs.
     *
     * @param uri the target
     * @param headerPairs name, value, name, value, ...
     * @return the builder
     */
    static HttpRequest.Builder request(URI uri, String... headerPairs) {
        if (headerPairs.length % 2 != 0) {
            throw new IllegalArgumentException("headerPairs: " + headerPairs.length + " strings (expected: pairs)");
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headerPairs.length; i += 2) {
            b.header(headerPairs[i], headerPairs[i + 1]);
        }
        return b;
    }

    /**
     * Sends a request and reads the whole body.
     *
     * @param request the request
     * @return the response
     * @throws IOException when the exchange fails
     * @throws InterruptedException when interrupted
     */
    final Reply send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = client().send(request, HttpResponse.BodyHandlers.ofByteArray());
        return new Reply(r.statusCode(), r.headers(), r.body());
    }

    /**
     * {@code GET target}.
     *
     * @param server the server
     * @param target the raw path and query
     * @param headerPairs extra headers
     * @return the response
     * @throws IOException when the exchange fails
     * @throws InterruptedException when interrupted
     */
    final Reply get(TckServer server, String target, String... headerPairs) throws IOException, InterruptedException {
        return send(request(server.http(target), headerPairs).GET().build());
    }

    /**
     * {@code POST target} with a UTF-8 body of the given content type.
     *
     * @param server the server
     * @param target the raw path and query
     * @param contentType the {@code Content-Type}
     * @param body the body text
     * @param headerPairs extra headers
     * @return the response
     * @throws IOException when the exchange fails
     * @throws InterruptedException when interrupted
     */
    final Reply post(TckServer server, String target, String contentType, String body, String... headerPairs)
            throws IOException, InterruptedException {
        return send(request(server.http(target), headerPairs)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build());
    }

    /**
     * {@code POST target} with a JSON body.
     *
     * @param server the server
     * @param target the raw path and query
     * @param json the JSON text
     * @param headerPairs extra headers
     * @return the response
     * @throws IOException when the exchange fails
     * @throws InterruptedException when interrupted
     */
    final Reply postJson(TckServer server, String target, String json, String... headerPairs)
            throws IOException, InterruptedException {
        return post(server, target, "application/json", json, headerPairs);
    }

    /**
     * Opens a raw socket to the server, closed after the test.
     *
     * @param server the server
     * @return the connection
     * @throws IOException when the connect fails
     */
    final RawConnection raw(TckServer server) throws IOException {
        RawConnection c = RawConnection.open(server.address(), Duration.ofSeconds(2));
        closeAfterTest(c);
        return c;
    }

    /**
     * Opens a WebSocket, dropped after the test if still open.
     *
     * @param uri the {@code ws://} URI
     * @param headers handshake headers
     * @return the open client
     */
    final WsClient websocket(URI uri, Map<String, String> headers) {
        WsClient ws = WsClient.connect(uri, headers, WAIT);
        closeAfterTest(ws::abort);
        return ws;
    }

    // ---- request and response helpers

    /**
     * @param morePairs more headers: name, value, name, value, ...
     * @return the header pair {@code Authorization: Bearer <TOKEN>}, then the others
     */
    static String[] bearer(String... morePairs) {
        String[] pairs = new String[2 + morePairs.length];
        pairs[0] = "Authorization";
        pairs[1] = "Bearer " + TOKEN;
        System.arraycopy(morePairs, 0, pairs, 2, morePairs.length);
        return pairs;
    }

    /**
     * A JSON object from name/value pairs, encoded by a JSON library (so every character is
     * escaped correctly and non-ASCII text travels as UTF-8).
     *
     * @param pairs name, value, name, value, ...
     * @return the JSON text
     */
    static String json(String... pairs) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            b.add(pairs[i], pairs[i + 1]);
        }
        return b.build().toString();
    }

    /**
     * Asserts the gateway's error envelope: the status, {@code Content-Type: application/json},
     * and {@code {"ok":false,"error":{"code":code,"message":"..."}}} with a non-blank message.
     *
     * @param reply the response
     * @param status the expected status
     * @param code the expected error code
     * @return the {@code error} object
     */
    static JsonObject assertEnvelope(Reply reply, int status, String code) {
        assertEquals(status, reply.status(), () -> "status of " + reply);
        assertJson(reply);
        JsonObject body = reply.json();
        assertEquals(JsonValue.FALSE, body.get("ok"), () -> "\"ok\" of " + reply);
        JsonObject error = body.getJsonObject("error");
        assertEquals(code, error.getString("code"), () -> "error code of " + reply);
        assertFalse(error.getString("message").isBlank(), () -> "error message of " + reply);
        return error;
    }

    /**
     * Asserts {@code Content-Type: application/json} (parameters allowed).
     *
     * @param reply the response
     */
    static void assertJson(Reply reply) {
        assertTrue(reply.contentType().toLowerCase(Locale.ROOT).startsWith("application/json"),
                () -> "Content-Type of " + reply + " (expected: application/json)");
    }

    /** Stops the servers and closes the clients of the test, last started first. */
    @AfterEach
    public final void stopEverything() {
        if (client != null) {
            client.shutdownNow();
            client = null;
        }
        List<AutoCloseable> reversed = new ArrayList<>(cleanups);
        cleanups.clear();
        for (int i = reversed.size() - 1; i >= 0; i--) {
            try {
                reversed.get(i).close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "clean-up after a conformance test failed", e);
            }
        }
    }
}
