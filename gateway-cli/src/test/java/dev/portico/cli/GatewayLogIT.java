package dev.portico.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.core.GatewayLog;
import dev.portico.core.RunningGateway;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The packaged server's log file, on real sockets: {@code <state dir>/logs/gateway.log} holds JSON
 * lines, the log routes read them, and no secret of the config ever reaches the file or the API.
 */
class GatewayLogIT {
    static final String TOKEN = "log-it-token-0123456789abcdef";
    static final String CREDENTIAL = "log-it-viewer-0123456789abcdef";
    static final String PROVIDER_KEY = "provider-key-0123456789abcdef";
    static final String PASSWORD_IN_URL = "url-secret-0123456789";

    @TempDir
    Path state;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final HttpClient client = HttpClient.newHttpClient();
    /** Portico's loggers at INFO, as the packaged server's logging configuration sets them. */
    final Logger portico = Logger.getLogger("dev.portico");
    Level before;
    CompletableFuture<Integer> exit;

    @BeforeEach
    void infoFromPortico() {
        before = portico.getLevel();
        portico.setLevel(Level.INFO);
    }

    @AfterEach
    void restoreLevel() {
        portico.setLevel(before);
    }

    GatewayCommand start() throws Exception {
        return start("");
    }

    /** Starts the gateway with more keys in the config's {@code gateway} object, such as {@code , "logging": {…}}. */
    GatewayCommand start(String moreGatewayKeys) throws Exception {
        Files.writeString(state.resolve("config.json"), """
                {"gateway": {"auth": {"token": "%s",
                                      "credentials": [{"label": "viewer", "token": "%s", "role": "viewer"}]}%s},
                 "providers": {"local": {"base_url": "http://127.0.0.1:9/v1", "api_key": "%s"}},
                 "agents": {"defaults": {"model": {"primary": "local/m"}}}}
                """.formatted(TOKEN, CREDENTIAL, moreGatewayKeys, PROVIDER_KEY));
        CommandLine cl = Portico.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        GatewayCommand cmd = cl.getSubcommands().get("gateway").getCommand();
        exit = CompletableFuture.supplyAsync(() -> cl.execute("gateway", "--port", "0", "--state-dir", state.toString()));
        assertTrue(cmd.started.await(20, TimeUnit.SECONDS), () -> "not started: " + err);
        return cmd;
    }

    HttpResponse<String> get(GatewayCommand cmd, String target, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cmd.running.port() + target));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static List<GatewayLog> installed() {
        return Arrays.stream(Logger.getLogger("").getHandlers()).filter(GatewayLog.class::isInstance)
                .map(GatewayLog.class::cast).toList();
    }

    @Test
    void requestLinesAndTheLevelFollowTheConfigAndChangeThroughTheApi() throws Exception {
        GatewayCommand cmd = start(", \"logging\": {\"requests\": true}");
        try {
            String auth = "Bearer " + TOKEN;
            assertEquals(200, get(cmd, "/api/status?token=" + TOKEN, "Authorization", auth).statusCode());
            List<GatewayLog.Entry> lines = cmd.log.query(GatewayLog.Query.of("debug", "GET /api/status", null, 10,
                    java.time.Instant.now()));
            assertEquals(1, lines.size(), lines.toString());
            assertEquals("dev.portico.requests", lines.get(0).logger());
            assertEquals(200L, lines.get(0).fields().get("status"));
            assertFalse(lines.get(0).json().contains(TOKEN), lines.get(0).json());

            JsonObject logging = Json.createReader(new StringReader(get(cmd, "/api/config", "Authorization", auth).body()))
                    .readObject().getJsonObject("config").getJsonObject("gateway").getJsonObject("logging");
            assertEquals(Json.createObjectBuilder().add("requests", true).add("level", "info").build(), logging);

            HttpResponse<String> patched = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + cmd.running.port() + "/api/config")).header("Authorization", auth)
                    .header("Content-Type", "application/json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString(
                            "{\"gateway\":{\"logging\":{\"requests\":false,\"level\":\"warn\"}}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, patched.statusCode(), patched.body());
            assertEquals(200, get(cmd, "/api/sessions", "Authorization", auth).statusCode());
            assertEquals(List.of(), cmd.log.query(GatewayLog.Query.of(null, "GET /api/sessions", null, 10,
                    java.time.Instant.now())), "request lines are off at once");
            assertFalse(Logger.getLogger("dev.portico").isLoggable(Level.INFO), "Portico's INFO lines are off");
            assertTrue(Logger.getLogger("dev.portico").isLoggable(Level.WARNING));
        } finally {
            cmd.requestStop();
            assertEquals(0, exit.get(20, TimeUnit.SECONDS));
        }
        assertFalse(Logger.getLogger("dev.portico.requests").isLoggable(Level.FINE), "the levels are put back at stop");
        assertTrue(Logger.getLogger("dev.portico").isLoggable(Level.INFO));
    }

    @Test
    void theGatewayWritesJsonLinesTheRoutesReadThemAndNoSecretIsEverWritten() throws Exception {
        GatewayCommand cmd = start();
        try {
            Path file = state.resolve("logs/gateway.log");
            assertTrue(Files.isRegularFile(file));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals(1, installed().size(), "one log on the root logger");

            // Credentials in all the wrong places.
            assertEquals(401, get(cmd, "/api/sessions", "Authorization", "Bearer wrong-" + TOKEN).statusCode());
            assertEquals(401, get(cmd, "/api/sessions?token=" + TOKEN).statusCode());
            assertEquals(401, get(cmd, "/api/events?token=" + TOKEN).statusCode());
            assertEquals(401, get(cmd, "/api/sessions", "X-Api-Key", TOKEN + "x").statusCode());
            assertEquals(200, get(cmd, "/api/sessions", "X-Api-Key", CREDENTIAL).statusCode());
            // Code that logs a secret by mistake, in a message, a field and an exception.
            System.Logger careless = System.getLogger("dev.portico.test.Careless");
            careless.log(System.Logger.Level.WARNING, "presented " + TOKEN + " and " + CREDENTIAL,
                    GatewayLog.fields("provider_key", PROVIDER_KEY, "url", "https://u:" + PASSWORD_IN_URL + "@h/"));
            careless.log(System.Logger.Level.ERROR, "upstream refused",
                    new IOException("401 for Bearer " + PROVIDER_KEY));

            HttpResponse<String> recent = get(cmd, "/api/logs/recent?limit=200", "Authorization", "Bearer " + TOKEN);
            assertEquals(200, recent.statusCode(), recent.body());
            JsonObject body = Json.createReader(new StringReader(recent.body())).readObject();
            assertTrue(body.getBoolean("ok"));
            List<JsonObject> logs = body.getJsonArray("logs").getValuesAs(JsonObject.class);
            assertTrue(logs.stream().anyMatch(l -> l.getString("msg").startsWith("Portico ")
                    && l.getString("msg").contains("serving on")), recent.body());
            assertTrue(logs.stream().anyMatch(l -> l.getString("msg").contains("presented [redacted] and [redacted]")),
                    recent.body());
            HttpResponse<String> errors = get(cmd, "/api/logs?level=error&q=upstream", "Authorization", "Bearer " + TOKEN);
            assertEquals(200, errors.statusCode(), errors.body());
            assertTrue(errors.body().contains("\"error\":\"java.io.IOException: 401 for Bearer [redacted]\""),
                    errors.body());
            assertEquals(401, get(cmd, "/api/logs/recent", "Authorization", "Bearer wrong").statusCode());

            List<String> lines = Files.readAllLines(file);
            assertFalse(lines.isEmpty());
            for (String line : lines) {
                JsonObject o = Json.createReader(new StringReader(line)).readObject();
                assertTrue(o.containsKey("time") && o.containsKey("level") && o.containsKey("msg"), line);
            }
            String written = Files.readString(file);
            for (String secret : List.of(TOKEN, CREDENTIAL, PROVIDER_KEY, PASSWORD_IN_URL)) {
                assertFalse(written.contains(secret), "the log file holds " + secret);
                assertFalse(recent.body().contains(secret), "GET /api/logs/recent answers " + secret);
                assertFalse(errors.body().contains(secret), "GET /api/logs answers " + secret);
            }
        } finally {
            cmd.requestStop();
        }
        assertEquals(0, exit.get(20, TimeUnit.SECONDS));
        assertEquals(List.of(), installed(), "the log is taken off the root logger when the gateway exits");
    }

    @Test
    void liveEntriesArriveOverARealWebSocketAndARestartKeepsOneLog() throws Exception {
        GatewayCommand cmd = start();
        try {
            BlockingQueue<String> frames = new LinkedBlockingQueue<>();
            WebSocket ws = client.newWebSocketBuilder().header("Authorization", "Bearer " + TOKEN)
                    .buildAsync(URI.create("ws://127.0.0.1:" + cmd.running.port() + "/api/logs/live"),
                            new WebSocket.Listener() {
                                @Override
                                public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                                    frames.add(data.toString());
                                    socket.request(1);
                                    return null;
                                }
                            }).get(10, TimeUnit.SECONDS);
            // The subscription starts once the server has opened its side: log until a frame comes.
            System.Logger logger = System.getLogger("dev.portico.test.Live");
            String frame = null;
            for (int i = 0; i < 100 && frame == null; i++) {
                logger.log(System.Logger.Level.INFO, "live marker " + i);
                frame = frames.poll(100, TimeUnit.MILLISECONDS);
            }
            assertNotNull(frame, "a log_entry frame");
            JsonObject f = Json.createReader(new StringReader(frame)).readObject();
            assertTrue(f.getBoolean("ok"));
            assertEquals("log_entry", f.getString("type"));
            assertTrue(f.getJsonObject("entry").getString("msg").startsWith("live marker "), frame);
            assertEquals("dev.portico.test.Live", f.getJsonObject("entry").getString("logger"));
            ws.abort();

            RunningGateway first = cmd.running;
            cmd.requestRestart();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while ((cmd.running == first || cmd.running == null) && System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            assertTrue(cmd.running != first, "restarted: " + out + err);
            List<Handler> logs = Arrays.stream(Logger.getLogger("").getHandlers())
                    .filter(GatewayLog.class::isInstance).toList();
            assertEquals(1, logs.size(), "a restart in process keeps the one log");
            HttpResponse<String> recent = get(cmd, "/api/logs?q=serving", "Authorization", "Bearer " + TOKEN);
            assertEquals(200, recent.statusCode(), recent.body());
            assertEquals(2, Json.createReader(new StringReader(recent.body())).readObject().getJsonArray("logs").size(),
                    "both starts, read back from the file: " + recent.body());
        } finally {
            cmd.requestStop();
        }
        assertEquals(0, exit.get(20, TimeUnit.SECONDS));
    }
}
