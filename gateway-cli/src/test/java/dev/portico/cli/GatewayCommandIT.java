package dev.portico.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpServer;
import dev.portico.auth.WebhookSignatures;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import dev.portico.core.RunningGateway;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code portico gateway} as an operator runs it, in process, on real sockets. */
class GatewayCommandIT {
    @TempDir
    Path state;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    CommandLine cli() {
        CommandLine cl = Portico.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl;
    }

    @ParameterizedTest
    @ValueSource(strings = {"helidon", "undertow"})
    void servesWithAGeneratedTokenStoredOwnerOnly(String server) throws Exception {
        CommandLine cl = cli();
        GatewayCommand cmd = cl.getSubcommands().get("gateway").getCommand();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute("gateway", "--port", "0",
                "--server", server, "--state-dir", state.toString()));
        assertTrue(cmd.started.await(20, TimeUnit.SECONDS), () -> "not started: " + err);
        try {
            Path tokenFile = state.resolve("token");
            String token = Files.readString(tokenFile).trim();
            assertEquals(43, token.length());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
            String printed = out.toString();
            assertTrue(printed.contains("http://127.0.0.1:" + cmd.running.port()), printed);
            assertTrue(printed.contains(token.substring(0, 4) + "…" + token.substring(token.length() - 4)), printed);
            assertFalse(printed.contains(token), "the whole token must never be printed");
            assertTrue(printed.contains(tokenFile.toString()), printed);
            assertTrue(printed.contains("agent: echo"), printed);

            HttpClient client = HttpClient.newHttpClient();
            URI base = URI.create("http://127.0.0.1:" + cmd.running.port());
            assertEquals(200, client.send(HttpRequest.newBuilder(base.resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            HttpResponse<String> agent = client.send(HttpRequest.newBuilder(base.resolve("/api/agent"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"hi\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, agent.statusCode(), agent.body());
        } finally {
            cmd.requestStop();
        }
        assertEquals(0, exit.get(20, TimeUnit.SECONDS));
        assertTrue(out.toString().contains("Stopped."));
    }

    /** Starts {@code portico gateway} on a free port, runs {@code body} against it, then stops it. */
    private void withGateway(ThrowingConsumer<GatewayCommand> body, String... extraArgs) throws Exception {
        CommandLine cl = cli();
        GatewayCommand cmd = cl.getSubcommands().get("gateway").getCommand();
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("gateway", "--port", "0", "--state-dir", state.toString()));
        args.addAll(java.util.List.of(extraArgs));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute(args.toArray(String[]::new)));
        assertTrue(cmd.started.await(20, TimeUnit.SECONDS), () -> "not started: " + err);
        try {
            body.accept(cmd);
        } finally {
            cmd.requestStop();
        }
        assertEquals(0, exit.get(20, TimeUnit.SECONDS));
    }

    @FunctionalInterface
    interface ThrowingConsumer<T> {
        void accept(T t) throws Exception;
    }

    @Test
    void sessionsSurviveARestart() throws Exception {
        Files.writeString(state.resolve("config.json"), """
                {"gateway": {"auth": {"token": "restart-token-0123456789"}, "sessions": {"fsync": "always"}}}
                """);
        HttpClient client = HttpClient.newHttpClient();
        withGateway(cmd -> {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cmd.running.port() + "/api/chat"))
                    .header("X-Api-Key", "restart-token-0123456789").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"session\":\"kept\",\"message\":\"remember me\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
        });
        assertTrue(Files.isDirectory(state.resolve("sessions")));
        withGateway(cmd -> {
            HttpResponse<String> h = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cmd.running.port()
                    + "/api/sessions/kept/history")).header("X-Api-Key", "restart-token-0123456789").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, h.statusCode(), h.body());
            assertTrue(h.body().contains("\"content\":\"remember me\""), h.body());
            assertTrue(h.body().contains("\"total\":2"), h.body());
        });
        assertTrue(out.toString().contains("sessions: " + state.resolve("sessions") + " (1 stored)"), out.toString());
    }

    @Test
    void aBadFsyncPolicyIsAConfigError() throws Exception {
        Files.writeString(state.resolve("config.json"), "{\"gateway\": {\"sessions\": {\"fsync\": \"sometimes\"}}}");
        assertEquals(GatewayCommand.USAGE, cli().execute("gateway", "--state-dir", state.toString()));
        assertTrue(err.toString().contains("gateway.sessions.fsync: sometimes (expected: always, batched or never)"), err.toString());
    }

    @Test
    void theSameTokenIsReusedAfterARestartAndFlagsOverrideTheFile() throws Exception {
        Files.writeString(state.resolve("config.json"), """
                {"gateway": {"port": 1, "auth": {"token": "from-the-config-file-123"}}}
                """);
        CommandLine cl = cli();
        GatewayCommand cmd = cl.getSubcommands().get("gateway").getCommand();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute("gateway", "--port", "0",
                "--state-dir", state.toString()));
        assertTrue(cmd.started.await(20, TimeUnit.SECONDS), () -> "not started: " + err);
        try {
            assertTrue(cmd.running.port() > 1, "--port 0 overrides gateway.port");
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + cmd.running.port() + "/api/chat/history"))
                    .header("X-Api-Key", "from-the-config-file-123").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertFalse(Files.exists(state.resolve("token")), "a configured token needs no token file");
        } finally {
            cmd.requestStop();
        }
        assertEquals(0, exit.get(20, TimeUnit.SECONDS));
    }

    @Test
    void aPortInUseIsOneClearLineAndAFailureExit() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int exit = cli().execute("gateway", "--port", Integer.toString(taken.getLocalPort()), "--state-dir",
                    state.toString());
            assertEquals(GatewayCommand.FAILED, exit);
            String message = err.toString().strip();
            assertEquals(1, message.lines().count(), message);
            assertTrue(message.contains("127.0.0.1:" + taken.getLocalPort()), message);
            assertTrue(message.contains("in use"), message);
        }
    }

    @Test
    void restartReadsTheConfigAgainAndServesOnTheSamePort() throws Exception {
        Path config = state.resolve("config.json");
        String token = "restart-token-0123456789";
        Files.writeString(config, "{\"gateway\": {\"auth\": {\"token\": \"" + token + "\"}}}");
        GatewayCommand cmd = startWith(Map.of(), "gateway", "--port", "0", "--state-dir", state.toString());
        RunningGateway first = cmd.running;
        // A body limit is not live: it waits for the restart.
        Files.writeString(config, "{\"gateway\": {\"auth\": {\"token\": \"" + token + "\"}, "
                + "\"limits\": {\"maxBodyBytes\": 64}}}");
        assertEquals(List.of("maxBodyBytes"), cmd.reload("test"));
        assertEquals(200, agentStatus(first, token, 100), "still the old limit");

        StringWriter restartOut = new StringWriter();
        CommandLine restart = Portico.commandLine();
        restart.setOut(new PrintWriter(restartOut, true));
        restart.setErr(new PrintWriter(restartOut, true));
        assertEquals(0, restart.execute("gateway", "restart", "--state-dir", state.toString(), "--token", token),
                restartOut.toString());
        assertTrue(restartOut.toString().contains("restarting pid " + ProcessHandle.current().pid()),
                restartOut.toString());

        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while ((cmd.running == first || cmd.running == null) && System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        assertTrue(cmd.running != first, "restarted: " + out + err);
        assertEquals(first.port(), cmd.running.port(), "the same port");
        assertEquals(413, agentStatus(cmd.running, token, 100), "the new limit after the restart");
        assertTrue(out.toString().contains("Restarting…"), out.toString());
        stop(cmd);
    }

    /** The status of an agent turn whose body is about {@code size} bytes. */
    private static int agentStatus(RunningGateway running, String token, int size) throws Exception {
        String body = "{\"message\":\"" + "x".repeat(Math.max(1, size - 14)) + "\"}";
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + running.port() + "/api/agent"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    @Test
    void aChangedConfigFileIsAppliedLiveAndABrokenOneIsRefusedWithTheOldOneKept() throws Exception {
        Path config = state.resolve("config.json");
        Files.writeString(config, "{\"gateway\": {\"auth\": {\"token\": \"first-token-0123456789\"}}}");
        GatewayCommand cmd = startWith(Map.of(), "gateway", "--port", "0", "--state-dir", state.toString());
        RunningGateway running = cmd.running;

        Files.writeString(config, "{\"gateway\": {\"auth\": {\"token\": ");
        Files.writeString(config, "{\"gateway\": {\"auth\": {\"token\": \"second-token-0123456789\"}, "
                + "\"server\": \"undertow\"}}");
        assertTrue(statusBecomes(running, "second-token-0123456789", 200), "the new token works");
        assertEquals(401, status(running, "first-token-0123456789"), "the rotated token stops working");
        assertEquals(List.of("gateway.server"), cmd.reload("test"), "the server adapter waits for a restart");

        Files.writeString(config, "{\"gateway\": {\"port\": 70000, \"auth\": {\"token\": \"third-token-0123456789\"}}}");
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> cmd.reload("test"));
        assertTrue(refused.getMessage().contains("gateway.port: 70000"), refused.getMessage());
        assertEquals(200, status(running, "second-token-0123456789"), "the running config stays");
        assertTrue(cmd.running == running, "no restart");
        stop(cmd);
    }

    private static int status(RunningGateway running, String token) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + running.port() + "/api/status"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** Whether the status with this token becomes the one expected within 10 s (the file watch is asynchronous). */
    private static boolean statusBecomes(RunningGateway running, String token, int expected) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            if (status(running, token) == expected) {
                return true;
            }
        }
        return false;
    }

    @Test
    void underAServiceManagerARestartExitsForTheManagerToStartItAgain() throws Exception {
        GatewayCommand cmd = startWith(Map.of("PORTICO_SERVICE_MARKER", "systemd"), "gateway", "--port", "0",
                "--state-dir", state.toString(), "--token", "service-token-0123456789");
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + cmd.running.port() + "/api/restart"))
                .header("Authorization", "Bearer service-token-0123456789")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
        assertEquals(GatewayCommand.RESTART, exit.get(20, TimeUnit.SECONDS));
        assertFalse(Files.exists(ProcessLock.path(state, state.resolve("config.json"))), "the lock is released");
    }

    @Test
    void aBadConfigNamesEveryProblem() throws Exception {
        Path config = state.resolve("bad.json");
        Files.writeString(config, "{\"gateway\": {\"port\": 70000, \"limits\": {\"maxBodyBytes\": \"big\"}}}");
        int exit = cli().execute("gateway", "--config", config.toString(), "--state-dir", state.toString());
        assertEquals(GatewayCommand.USAGE, exit);
        assertTrue(err.toString().contains("gateway.port: 70000 (expected: 0..65535)"), err.toString());
        assertTrue(err.toString().contains("gateway.limits.maxBodyBytes: expected an integer"), err.toString());
    }

    @Test
    void unsafeAuthSettingsRefuseToStartNamingTheProblem() throws Exception {
        String[][] cases = {
            {"{\"gateway\": {\"auth\": {\"token\": \"changeme\"}}}", "token: a placeholder value"},
            {"{\"gateway\": {\"auth\": {\"token\": \"too-short\"}}}", "token: 9 characters (expected: at least 16"},
            {"{\"gateway\": {\"host\": \"0.0.0.0\", \"auth\": {\"mode\": \"none\"}}}", "gateway.bind_no_auth"},
            {"{\"gateway\": {\"auth\": {\"token\": \"a-real-token-0123456789\", \"password\": \"pw\"}}}",
                "a token and a password are both set"},
            {"{\"gateway\": {\"auth\": {\"mode\": \"password\"}}}", "gateway.auth.mode password: no password"},
            {"{\"gateway\": {\"auth\": {\"mode\": \"password\", \"password\": \"\"}}}",
                "gateway.auth.password: expected a non-empty string"},
            {"{\"gateway\": {\"auth\": {\"mode\": \"open\"}}}", "gateway.auth.mode: open (expected: token, password or none)"},
            {"{\"gateway\": {\"auth\": {\"credentials\": [{\"label\": \"x\", \"token\": \"secret\", \"role\": \"viewer\"}]}}}",
                "gateway.auth.credentials[0].token: a placeholder value"},
        };
        for (String[] c : cases) {
            Path config = state.resolve("auth.json");
            Files.writeString(config, c[0]);
            err.getBuffer().setLength(0);
            int exit = cli().execute("gateway", "--port", "0", "--config", config.toString(), "--state-dir", state.toString());
            assertEquals(GatewayCommand.USAGE, exit, c[0] + ": " + err);
            assertTrue(err.toString().contains(c[1]), c[0] + ": " + err);
            assertFalse(err.toString().contains("changeme") || err.toString().contains("too-short"), "no secret in: " + err);
        }
        assertEquals(GatewayCommand.USAGE, cli().execute("gateway", "--token", "short", "--state-dir", state.toString()));
    }

    @Test
    void theEnvironmentPicksPasswordModeAndNamedCredentialsGetTheirRoles() throws Exception {
        Files.writeString(state.resolve("config.json"), """
                {"gateway": {"auth": {"credentials": [
                  {"label": "dashboard", "token": "viewer-token-0123456789", "role": "viewer"}]}}}
                """);
        HttpClient client = HttpClient.newHttpClient();
        GatewayCommand cmd = startWith(Map.of("PORTICO_GATEWAY_AUTH_MODE", "password",
                "PORTICO_GATEWAY_PASSWORD", "correct horse battery"), "gateway", "--port", "0", "--state-dir", state.toString());
        try {
            URI validate = URI.create("http://127.0.0.1:" + cmd.running.port() + "/api/token/validate");
            HttpResponse<String> ok = client.send(HttpRequest.newBuilder(validate).header("Authorization", "Bearer correct horse battery")
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode(), ok.body());
            assertTrue(ok.body().contains("\"label\":\"password\""), ok.body());
            assertTrue(out.toString().contains("auth: auth mode password"), out.toString());
            assertFalse(out.toString().contains("correct horse"), "the password is never printed");
        } finally {
            stop(cmd);
        }
        out.getBuffer().setLength(0);
        cmd = startWith(Map.of(), "gateway", "--port", "0", "--state-dir", state.toString(), "--token", "operator-token-0123456789");
        try {
            URI sessions = URI.create("http://127.0.0.1:" + cmd.running.port() + "/api/sessions/main");
            assertEquals(404, client.send(HttpRequest.newBuilder(sessions).header("Authorization", "Bearer viewer-token-0123456789")
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode(), "the viewer may read");
            HttpResponse<String> delete = client.send(HttpRequest.newBuilder(sessions).header("Authorization",
                    "Bearer viewer-token-0123456789").DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, delete.statusCode(), delete.body());
            assertTrue(delete.body().contains("operator.write"), delete.body());
            assertTrue(out.toString().contains("plus 1 named credentials"), out.toString());
        } finally {
            stop(cmd);
        }
    }

    @Test
    void anUnknownServerIsAUsageError() {
        int exit = cli().execute("gateway", "--server", "tomcat", "--state-dir", state.toString());
        assertEquals(GatewayCommand.USAGE, exit);
        assertTrue(err.toString().contains("server: tomcat (expected: helidon or undertow)"), err.toString());
    }

    /** A minimal OpenAI-compatible upstream: records each request, streams "Hi" + " there". */
    record Upstream(HttpServer server, BlockingQueue<String[]> requests) implements AutoCloseable {
        static Upstream start() throws Exception {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            BlockingQueue<String[]> requests = new LinkedBlockingQueue<>();
            server.createContext("/", exchange -> {
                try (exchange) {
                    String body = new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                    String auth = exchange.getRequestHeaders().getFirst("Authorization");
                    requests.add(new String[] {exchange.getRequestURI().getPath(), auth == null ? "" : auth, body});
                    exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
                    exchange.sendResponseHeaders(200, 0);
                    OutputStream out = exchange.getResponseBody();
                    for (String piece : new String[] {"Hi", " there"}) {
                        out.write(("data: {\"choices\":[{\"delta\":{\"content\":\"" + piece + "\"}}]}\n\n").getBytes());
                        out.flush();
                    }
                    out.write("data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n".getBytes());
                }
            });
            server.start();
            return new Upstream(server, requests);
        }

        String baseUrl() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
        }

        String[] take() throws InterruptedException {
            String[] r = requests.poll(5, TimeUnit.SECONDS);
            assertTrue(r != null, "the upstream received no request");
            return r;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    CompletableFuture<Integer> exit;

    /** Stops a command {@link #startWith} started and checks it exits normally. */
    void stop(GatewayCommand cmd) throws Exception {
        cmd.requestStop();
        assertEquals(0, exit.get(20, TimeUnit.SECONDS));
    }

    /** Starts the command with the given arguments and environment, and returns the running command. */
    GatewayCommand startWith(Map<String, String> env, String... args) throws Exception {
        CommandLine cl = cli();
        GatewayCommand cmd = cl.getSubcommands().get("gateway").getCommand();
        cmd.env = env::get;
        exit = CompletableFuture.supplyAsync(() -> cl.execute(args));
        assertTrue(cmd.started.await(20, TimeUnit.SECONDS), () -> "not started: " + err);
        return cmd;
    }

    static JsonObject ask(GatewayCommand cmd, String token) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + cmd.running.port() + "/api/agent"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"hello\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return Json.createReader(new StringReader(r.body())).readObject();
    }

    @Test
    void aModelFromTheFlagsAnswersWithTheKeyFromTheEnvironment() throws Exception {
        String key = "sk-cli-test-SECRET-0123456789";
        try (Upstream upstream = Upstream.start()) {
            GatewayCommand cmd = startWith(Map.of("PORTICO_TEST_KEY", key), "gateway", "--port", "0",
                    "--state-dir", state.toString(), "--token", "a-token-for-this-test-123",
                    "--provider-url", upstream.baseUrl(), "--model", "llama3.2", "--api-key-env", "PORTICO_TEST_KEY");
            try {
                String printed = out.toString();
                assertTrue(printed.contains("agent: default/llama3.2 via " + upstream.baseUrl() + " (API key set)"), printed);
                assertFalse(printed.contains(key), "the API key must never be printed");

                JsonObject reply = ask(cmd, "a-token-for-this-test-123");
                assertEquals("Hi there", reply.getString("reply"));
                assertEquals("default/llama3.2", reply.getString("model"));
                String[] request = upstream.take();
                assertEquals("/v1/chat/completions", request[0]);
                assertEquals("Bearer " + key, request[1]);
                assertEquals("llama3.2", Json.createReader(new StringReader(request[2])).readObject().getString("model"));
            } finally {
                stop(cmd);
            }
        }
    }

    @Test
    void aConfiguredPrimaryThatIsDownFailsOverToTheFallback() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (Upstream upstream = Upstream.start()) {
            Files.writeString(state.resolve("config.json"), """
                    {
                      "gateway": {"auth": {"token": "a-token-for-this-test-123"}},
                      "providers": {
                        "down": {"base_url": "http://127.0.0.1:%d/v1", "api_key": "${DOWN_KEY}"},
                        "local": {"baseUrl": "%s"}
                      },
                      "agents": {"defaults": {
                        "model": {"primary": "down/big", "fallbacks": ["local/small"]},
                        "system_prompt": "Be brief.",
                        "timeout_seconds": 5
                      }}
                    }
                    """.formatted(closed, upstream.baseUrl()));
            GatewayCommand cmd = startWith(Map.of("DOWN_KEY", "sk-down-SECRET-987654321"), "gateway", "--port", "0",
                    "--state-dir", state.toString());
            try {
                String printed = out.toString();
                assertTrue(printed.contains("agent: down/big via http://127.0.0.1:" + closed + "/v1 (API key set); "
                        + "fallbacks: local/small via " + upstream.baseUrl() + " (no API key)"), printed);
                assertFalse(printed.contains("sk-down-SECRET"), printed);
                JsonObject reply = ask(cmd, "a-token-for-this-test-123");
                assertEquals("local/small", reply.getString("model"));
                String[] request = upstream.take();
                assertEquals("", request[1], "the fallback has no key, so none is sent");
                assertTrue(request[2].contains("\"Be brief.\""), request[2]);
            } finally {
                stop(cmd);
            }
        }
    }

    @Test
    void modelFlagAndConfigProblemsAreUsageErrorsNamingTheCulprit() throws Exception {
        assertEquals(GatewayCommand.USAGE, cli().execute("gateway", "--state-dir", state.toString(),
                "--provider-url", "http://127.0.0.1:1/v1", "--model", "m", "--api-key-env", "PORTICO_SURELY_UNSET_VAR"));
        assertTrue(err.toString().contains("--api-key-env: environment variable PORTICO_SURELY_UNSET_VAR is not set"), err.toString());

        assertEquals(GatewayCommand.USAGE, cli().execute("gateway", "--state-dir", state.toString(),
                "--provider-url", "http://127.0.0.1:1/v1"));
        assertTrue(err.toString().contains("--provider-url: needs --model NAME"), err.toString());

        assertEquals(GatewayCommand.USAGE, cli().execute("gateway", "--state-dir", state.toString(), "--model", "gpt-4o"));
        assertTrue(err.toString().contains("--model: \"gpt-4o\" (expected: <provider>/<model>"), err.toString());

        Path config = state.resolve("models.json");
        Files.writeString(config, """
                {"providers": {"openai": {"base_url": "https://api.openai.com/v1", "api_key": "${PORTICO_SURELY_UNSET_VAR}"}},
                 "agents": {"defaults": {"model": {"primary": "opnai/gpt-4o"}}}}
                """);
        assertEquals(GatewayCommand.USAGE, cli().execute("gateway", "--state-dir", state.toString(), "--config", config.toString()));
        assertTrue(err.toString().contains("providers.openai.api_key: environment variable PORTICO_SURELY_UNSET_VAR is not set"),
                err.toString());
        assertTrue(err.toString().contains("agents.defaults.model.primary: unknown provider \"opnai\" in \"opnai/gpt-4o\""),
                err.toString());

        Files.writeString(config, """
                {"providers": {"openai": {"base_url": "https://api.openai.com/v1"}}}
                """);
        assertEquals(GatewayCommand.USAGE, cli().execute("gateway", "--state-dir", state.toString(), "--config", config.toString()));
        assertTrue(err.toString().contains("agents.defaults.model.primary: required when providers are configured"), err.toString());
    }

    @Test
    void versionAndHelp() {
        assertEquals(0, cli().execute("--version"));
        assertTrue(out.toString().startsWith("portico "), out.toString());
        assertEquals(0, cli().execute("gateway", "--help"));
        assertTrue(out.toString().contains("--state-dir"));
    }

    /**
     * Runs a command that must exit without serving, with an empty environment. Should the gateway
     * start anyway, it is stopped and the test fails instead of waiting for a stop that never comes.
     */
    int exitWithoutStarting(String... args) throws Exception {
        CommandLine cl = cli();
        GatewayCommand cmd = cl.getSubcommands().get("gateway").getCommand();
        cmd.env = Map.<String, String>of()::get;
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute(args));
        // Whichever comes first, the exit or the start, releases the wait.
        exit.whenComplete((code, failure) -> cmd.started.countDown());
        assertTrue(cmd.started.await(20, TimeUnit.SECONDS), "neither exited nor started");
        if (cmd.running != null) {
            cmd.requestStop();
            exit.get(20, TimeUnit.SECONDS);
            fail("the gateway started: " + out);
        }
        return exit.get(20, TimeUnit.SECONDS);
    }

    /** A GET with the given header name/value pairs. */
    static HttpResponse<String> get(GatewayCommand cmd, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cmd.running.port() + path));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void authNoneBeyondLoopbackIsRefusedByTheAuditWithoutBinding() throws Exception {
        Files.writeString(state.resolve("config.json"), "{\"gateway\": {\"host\": \"0.0.0.0\", \"auth\": {\"mode\": \"none\"}}}");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        assertEquals(GatewayCommand.USAGE, exitWithoutStarting("gateway", "--port", Integer.toString(port),
                "--state-dir", state.toString()));
        String error = err.toString();
        assertTrue(error.startsWith("error: security audit: critical: gateway.bind_no_auth"), error);
        assertTrue(error.contains("--allow-insecure"), error);
        assertTrue(error.contains("security: CRITICAL gateway.bind_no_auth: authentication is off (auth mode none) and the "
                + "gateway listens on every interface (0.0.0.0)"), error);
        assertTrue(error.contains("(fix: bind to 127.0.0.1, or set the auth mode to token)"), error);
        assertEquals("", out.toString());
        assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
    }

    @Test
    void allowInsecureStartsAuthNoneBeyondLoopbackAndPrintsTheFinding() throws Exception {
        Files.writeString(state.resolve("config.json"), "{\"gateway\": {\"host\": \"0.0.0.0\", \"auth\": {\"mode\": \"none\"}}}");
        GatewayCommand cmd = startWith(Map.of(), "gateway", "--port", "0", "--state-dir", state.toString(), "--allow-insecure");
        try {
            String printed = out.toString();
            assertTrue(printed.contains("  security: CRITICAL gateway.bind_no_auth: authentication is off"), printed);
            assertTrue(printed.contains("is serving on http://0.0.0.0:" + cmd.running.port()), printed);
            HttpResponse<String> r = get(cmd, "/api/chat/history");
            assertEquals(200, r.statusCode(), "no credential needed: " + r.body());
            assertFalse(err.toString().contains("error:"), err.toString());
        } finally {
            stop(cmd);
        }
    }

    @Test
    void aStateDirectoryOthersCanReadIsRefused() throws Exception {
        Path shared = state.resolve("shared");
        Files.createDirectory(shared, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        assertEquals(GatewayCommand.USAGE, exitWithoutStarting("gateway", "--port", "0", "--state-dir", shared.toString()));
        String error = err.toString();
        assertTrue(error.startsWith("error: security audit: critical: state.permissions"), error);
        assertTrue(error.contains("security: CRITICAL state.permissions: the state directory " + shared
                + " is readable by group and others (rwxr-xr-x)"), error);
        assertTrue(error.contains("(fix: chmod 700 " + shared + ")"), error);
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(shared)),
                "the gateway reports the mode, it does not change it");
    }

    @Test
    void rateLimitsAndBrowserOriginsFromTheConfigAreApplied() throws Exception {
        Files.writeString(state.resolve("config.json"), """
                {"gateway": {
                  "auth": {"token": "config-token-0123456789", "allowQueryToken": true},
                  "rateLimits": {"default": 1},
                  "corsOrigins": ["https://console.example.com"]
                }}
                """);
        GatewayCommand cmd = startWith(Map.of(), "gateway", "--port", "0", "--state-dir", state.toString());
        try {
            assertTrue(out.toString().contains("  security: WARN gateway.query_token_enabled: "), out.toString());

            HttpResponse<String> first = get(cmd, "/api/chat/history", "X-Api-Key", "config-token-0123456789",
                    "Origin", "https://console.example.com");
            assertEquals(200, first.statusCode(), first.body());
            assertEquals(Optional.of("https://console.example.com"), first.headers().firstValue("Access-Control-Allow-Origin"));
            assertEquals(Optional.of("1"), first.headers().firstValue("X-RateLimit-Limit"));

            HttpResponse<String> second = get(cmd, "/api/chat/history", "X-Api-Key", "config-token-0123456789");
            assertEquals(429, second.statusCode(), second.body());
            assertTrue(second.headers().firstValue("Retry-After").isPresent(), second.headers().toString());

            HttpResponse<String> foreign = get(cmd, "/api/chat/history", "X-Api-Key", "config-token-0123456789",
                    "Origin", "https://elsewhere.example");
            assertEquals(403, foreign.statusCode(), foreign.body());
            assertTrue(foreign.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), foreign.headers().toString());
        } finally {
            stop(cmd);
        }
    }

    @Test
    void trustedProxiesAndTheFailedAuthLockoutFromTheConfigAreApplied() throws Exception {
        Files.writeString(state.resolve("config.json"), """
                {"gateway": {
                  "auth": {"token": "config-token-0123456789",
                           "rateLimit": {"maxAttempts": 1, "windowMs": 60000, "blockDurationMs": 60000}},
                  "trustedProxies": ["127.0.0.1"]
                }}
                """);
        GatewayCommand cmd = startWith(Map.of(), "gateway", "--port", "0", "--state-dir", state.toString());
        try {
            assertEquals(401, get(cmd, "/api/chat/history", "X-Api-Key", "wrong-token-0123456789",
                    "X-Forwarded-For", "203.0.113.7").statusCode());
            HttpResponse<String> locked = get(cmd, "/api/chat/history", "X-Api-Key", "config-token-0123456789",
                    "X-Forwarded-For", "203.0.113.7");
            assertEquals(429, locked.statusCode(), "one wrong credential locks the forwarded client out: " + locked.body());
            HttpResponse<String> other = get(cmd, "/api/chat/history", "X-Api-Key", "config-token-0123456789",
                    "X-Forwarded-For", "203.0.113.8");
            assertEquals(200, other.statusCode(), "another client behind the same proxy is not: " + other.body());
        } finally {
            stop(cmd);
        }
    }

    /** A receiver of a webhook channel's replies: records each request, answers {@code 200 {"id":"r-<n>"}}. */
    record Callback(HttpServer server, BlockingQueue<com.sun.net.httpserver.Headers> headers, BlockingQueue<String> bodies)
            implements AutoCloseable {
        static Callback start() throws Exception {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            Callback callback = new Callback(server, new LinkedBlockingQueue<>(), new LinkedBlockingQueue<>());
            server.createContext("/replies", exchange -> {
                try (exchange) {
                    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                    callback.headers.add(exchange.getRequestHeaders());
                    callback.bodies.add(body);
                    byte[] answer = ("{\"id\":\"r-" + callback.bodies.size() + "\"}").getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, answer.length);
                    exchange.getResponseBody().write(answer);
                }
            });
            server.start();
            return callback;
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/replies";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    static HttpResponse<String> postWebhook(GatewayCommand cmd, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cmd.running.port() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aWebhookChannelFromTheConfigTakesSignedRequestsOnlyAndPostsTheReplyBackSigned() throws Exception {
        String secret = "ci-webhook-SECRET-0123456789";
        try (Callback callback = Callback.start()) {
            Files.writeString(state.resolve("config.json"), """
                    {"gateway": {
                      "auth": {"token": "config-token-0123456789"},
                      "channels": [{"type": "webhook", "name": "ci", "secret": "${CI_WEBHOOK_SECRET}",
                                    "callbackUrl": "%s", "allowedChats": [7]}],
                      "outbox": {"fsync": "always", "expirySeconds": 600, "concurrency": 2}
                    }}
                    """.formatted(callback.url()));
            GatewayCommand cmd = startWith(Map.of("CI_WEBHOOK_SECRET", secret), "gateway", "--port", "0",
                    "--state-dir", state.toString());
            try {
                String printed = out.toString();
                assertTrue(printed.contains("\n  channel ci (default): webhook at /api/webhook/ci\n"), printed);
                assertTrue(printed.contains("\n  outbox: " + state.resolve("outbox") + " (0 pending)\n"), printed);
                assertFalse(printed.contains(secret), "the secret is never printed");

                String body = "{\"chat_id\":\"7\",\"user_id\":\"u1\",\"text\":\"hello from ci\",\"id\":\"build-1\"}";
                HttpResponse<String> unsigned = postWebhook(cmd, "/api/webhook/ci", body);
                assertEquals(401, unsigned.statusCode(), unsigned.body());
                assertEquals("missing_signature", Json.createReader(new StringReader(unsigned.body())).readObject()
                        .getJsonObject("error").getString("code"));
                HttpResponse<String> forged = postWebhook(cmd, "/api/webhook/ci", body, "X-Hub-Signature-256",
                        WebhookSignatures.hubSha256Header("another-secret".getBytes(StandardCharsets.UTF_8),
                                body.getBytes(StandardCharsets.UTF_8)));
                assertEquals(401, forged.statusCode(), forged.body());
                assertTrue(forged.body().contains("\"invalid_signature\""), forged.body());
                assertTrue(callback.bodies().isEmpty(), "nothing unsigned reaches the agent");

                HttpResponse<String> signed = postWebhook(cmd, "/api/webhook/ci", body, "X-Hub-Signature-256",
                        WebhookSignatures.hubSha256Header(secret.getBytes(StandardCharsets.UTF_8),
                                body.getBytes(StandardCharsets.UTF_8)));
                assertEquals(200, signed.statusCode(), signed.body());

                String reply = callback.bodies().poll(20, TimeUnit.SECONDS);
                assertTrue(reply != null, "the echo agent's reply never reached the callback URL");
                JsonObject json = Json.createReader(new StringReader(reply)).readObject();
                assertEquals("ci", json.getString("channel"));
                assertEquals("7", json.getString("chat_id"));
                assertEquals("hello from ci", json.getString("text"));
                com.sun.net.httpserver.Headers sent = callback.headers().take();
                assertEquals(WebhookSignatures.hubSha256Header(secret.getBytes(StandardCharsets.UTF_8),
                        reply.getBytes(StandardCharsets.UTF_8)), sent.getFirst("X-Hub-Signature-256"));
                assertTrue(Files.size(state.resolve("outbox").resolve("outbox.jsonl")) > 0,
                        "the reply went through the outbox journal");
            } finally {
                stop(cmd);
            }
        }
        assertFalse(err.toString().contains("error:"), err.toString());
    }

    @Test
    void aChannelThatCannotStartStopsTheGatewayWithTheReasonAndNoStackTrace() throws Exception {
        Files.writeString(state.resolve("config.json"), """
                {"gateway": {"auth": {"token": "config-token-0123456789"},
                  "channels": [{"type": "webhook", "name": "ci", "secret": "configured-secret"}]}}
                """);
        CommandLine cl = cli();
        GatewayCommand cmd = cl.getSubcommands().get("gateway").getCommand();
        // The same channel without its secret: it refuses to start, as a channel must that could not
        // verify its callers.
        cmd.channelFactory = c -> dev.portico.channels.webhook.WebhookChannel.builder().name(c.name()).build();
        int exit = cl.execute("gateway", "--port", "0", "--state-dir", state.toString());
        assertEquals(GatewayCommand.USAGE, exit);
        String error = err.toString().strip();
        assertEquals("error: channel ci (webhook, account default) could not start: webhook channel ci: no secret "
                + "configured (expected: secret or standardWebhooks); unsigned requests are never accepted", error);
        assertEquals("", out.toString(), "nothing was served");
    }

    @Test
    void aChannelProblemInTheConfigStopsTheStartNamingTheEntry() throws Exception {
        Files.writeString(state.resolve("config.json"), """
                {"gateway": {"channels": [{"type": "webhook", "name": "ci", "secret": "${CI_SECRET_UNSET}"},
                                          {"type": "telegram", "bot_token": "123:abc"}]}}
                """);
        assertEquals(GatewayCommand.USAGE, exitWithoutStarting("gateway", "--port", "0", "--state-dir", state.toString()));
        String error = err.toString();
        assertTrue(error.contains("gateway.channels[0].secret: environment variable CI_SECRET_UNSET is not set"), error);
        assertTrue(error.contains("gateway.channels[1].bot_token: unknown key for a telegram channel"), error);
        assertTrue(error.contains("gateway.channels[1].botToken: required"), error);
        assertFalse(Files.exists(state.resolve("outbox")), "nothing is opened for a bad config");
    }

    @Test
    void anInvalidBrowserOriginIsAConfigError() throws Exception {
        Files.writeString(state.resolve("config.json"), "{\"gateway\": {\"corsOrigins\": [\"console.example.com\"]}}");
        assertEquals(GatewayCommand.USAGE, cli().execute("gateway", "--port", "0", "--state-dir", state.toString()));
        assertTrue(err.toString().contains("gateway.corsOrigins[0]: console.example.com (expected: http(s)://host[:port])"),
                err.toString());
        assertFalse(Files.exists(state.resolve("token")), "nothing is written for a bad config");
    }
}
