package dev.portico.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code /api/config} of the packaged server, on real sockets: secrets never shown, a change checked
 * before it is written, written before it is applied, a rotated token refused at once and the
 * streams it opened closed.
 */
class ConfigApiIT {
    private static final String TOKEN = "config-api-token-0123456789";
    private static final String ROTATED = "rotated-token-0123456789";
    private static final String PROVIDER_KEY = "sk-provider-secret-0123456789";

    @TempDir
    Path state;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private URI base;

    private Path config() {
        return state.resolve("config.json");
    }

    /** Starts {@code portico gateway} on a free port over the config file, runs {@code body}, stops. */
    private void withGateway(Body body) throws Exception {
        withGateway(Map.of("PROVIDER_KEY", PROVIDER_KEY), body);
    }

    /** As {@link #withGateway(Body)}, with these environment variables. */
    private void withGateway(Map<String, String> env, Body body) throws Exception {
        CommandLine cl = Portico.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        GatewayCommand cmd = cl.getSubcommands().get("gateway").getCommand();
        cmd.env = env::get;
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute("gateway", "--port", "0",
                "--state-dir", state.toString()));
        assertTrue(cmd.started.await(20, TimeUnit.SECONDS), () -> "not started: " + err);
        base = URI.create("http://127.0.0.1:" + cmd.running.port());
        try {
            body.run(cmd);
        } finally {
            cmd.requestStop();
        }
        assertEquals(0, exit.get(20, TimeUnit.SECONDS));
    }

    @FunctionalInterface
    private interface Body {
        void run(GatewayCommand cmd) throws Exception;
    }

    private HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token);
        r.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            r.header("Content-Type", "application/json");
        }
        return client.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(HttpResponse<String> r) {
        return Json.createReader(new StringReader(r.body())).readObject();
    }

    private void writeConfig() throws Exception {
        Files.writeString(config(), """
                {
                  "gateway": {"auth": {"token": "%s"}, "corsOrigins": ["https://console.example"]},
                  "providers": {"local": {"base_url": "http://127.0.0.1:9/v1", "api_key": "${PROVIDER_KEY}"},
                                "other": {"base_url": "http://127.0.0.1:9/v1", "api_key": "%s"}},
                  "agents": {"defaults": {"model": "local/small"}}
                }
                """.formatted(TOKEN, PROVIDER_KEY));
    }

    @Test
    void readingShowsTheEffectiveConfigWithEverySecretRedacted() throws Exception {
        writeConfig();
        withGateway(cmd -> {
            HttpResponse<String> r = call("GET", "/api/config?mode=normalized", TOKEN, null);
            assertEquals(200, r.statusCode(), r.body());
            assertFalse(r.body().contains(TOKEN), r.body());
            assertFalse(r.body().contains(PROVIDER_KEY), r.body());
            JsonObject config = json(r).getJsonObject("config");
            JsonObject gateway = config.getJsonObject("gateway");
            assertEquals(cmd.running.port(), gateway.getInt("port"), "the port bound");
            assertEquals("helidon", gateway.getString("server"));
            assertEquals("[redacted]", gateway.getJsonObject("auth").getString("token"));
            assertEquals(1048576, gateway.getJsonObject("limits").getInt("maxBodyBytes"), "a default filled in");
            assertEquals("[redacted]", config.getJsonObject("providers").getJsonObject("local").getString("api_key"));
            JsonObject raw = json(r).getJsonObject("raw_config");
            assertEquals("${PROVIDER_KEY}", raw.getJsonObject("providers").getJsonObject("local").getString("api_key"),
                    "a reference names where the secret comes from and stays as written");
            assertEquals("[redacted]", raw.getJsonObject("providers").getJsonObject("other").getString("api_key"));
            assertFalse(raw.getJsonObject("gateway").containsKey("port"), "the file as written");

            JsonObject version = json(call("GET", "/api/version", TOKEN, null));
            assertEquals(List.of("discord", "slack", "telegram", "webhook"), version.getJsonArray("compiled_channels")
                    .getValuesAs(JsonString.class).stream().map(JsonString::getString).toList());
            JsonObject status = json(call("GET", "/api/status", TOKEN, null));
            assertEquals("helidon", status.getString("adapter"));
            assertEquals("127.0.0.1:" + cmd.running.port(), status.getString("address"));
        });
    }

    @Test
    void aPatchRotatingTheTokenIsWrittenAndTheOldTokenAndItsStreamsStopAtOnce() throws Exception {
        writeConfig();
        Files.setPosixFilePermissions(config(), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        withGateway(cmd -> {
            HttpResponse<InputStream> events = client.send(HttpRequest.newBuilder(base.resolve("/api/events"))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, events.statusCode());
            CompletableFuture<String> streamed = CompletableFuture.supplyAsync(() -> {
                try (InputStream in = events.body()) {
                    return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                } catch (java.io.IOException e) {
                    return "closed: " + e.getMessage();
                }
            });

            HttpResponse<String> r = call("PATCH", "/api/config", TOKEN,
                    "{\"gateway\":{\"auth\":{\"token\":\"" + ROTATED + "\"},\"corsOrigins\":null}}");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(List.of(), json(r).getJsonArray("restart_required"));

            assertEquals(401, call("GET", "/api/status", TOKEN, null).statusCode(), "the old token, at once");
            assertFalse(cmd.log.redacted("the new token is " + ROTATED).contains(ROTATED),
                    "the new token is redacted from the log");
            assertEquals(200, call("GET", "/api/status", ROTATED, null).statusCode());
            String stream = streamed.get(10, TimeUnit.SECONDS);
            assertTrue(stream.contains("event: connected"), stream);

            JsonObject onDisk = ConfigFile.json(config());
            assertEquals(ROTATED, onDisk.getJsonObject("gateway").getJsonObject("auth").getString("token"));
            assertFalse(onDisk.getJsonObject("gateway").containsKey("corsOrigins"), "null removes");
            assertEquals(PROVIDER_KEY, onDisk.getJsonObject("providers").getJsonObject("other").getString("api_key"),
                    "secrets the patch does not name are kept as they were");
            assertEquals("${PROVIDER_KEY}", onDisk.getJsonObject("providers").getJsonObject("local").getString("api_key"));
            assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(config())), "the file keeps its permissions");
        });
    }

    @Test
    void aPatchOfAKeyTheEnvironmentOverridesIsWrittenButSaysItIsNotUsed() throws Exception {
        String envToken = "environment-token-0123456789";
        Files.writeString(config(), "{\"gateway\": {\"auth\": {\"token\": \"" + TOKEN + "\"}}}");
        withGateway(Map.of("PORTICO_GATEWAY_TOKEN", envToken), cmd -> {
            assertTrue(err.toString().contains("warning: config " + config() + ": gateway.auth.token: not used, "
                    + "PORTICO_GATEWAY_TOKEN is set"), err.toString());
            HttpResponse<String> r = call("PATCH", "/api/config", envToken,
                    "{\"gateway\":{\"auth\":{\"token\":\"" + ROTATED + "\"}}}");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(List.of("gateway.auth.token: not used, PORTICO_GATEWAY_TOKEN is set (flags and the environment "
                    + "come before the file)"), json(r).getJsonArray("warnings").getValuesAs(JsonString::getString));
            assertFalse(r.body().contains(envToken) || r.body().contains(ROTATED), r.body());
            assertEquals(ROTATED, ConfigFile.json(config()).getJsonObject("gateway").getJsonObject("auth").getString("token"));
            assertEquals(200, call("GET", "/api/status", envToken, null).statusCode(), "the environment's token stays");
            assertEquals(401, call("GET", "/api/status", ROTATED, null).statusCode());
        });
    }

    @Test
    void withoutAConfigFileAPatchCreatesOneReadableByItsOwnerOnly() throws Exception {
        withGateway(cmd -> {
            String token = Files.readString(state.resolve("token")).strip();
            HttpResponse<String> r = call("PATCH", "/api/config", token,
                    "{\"gateway\":{\"//why\":\"the console\",\"prot\":1,\"corsOrigins\":[\"https://a.example\"]}}");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("gateway.prot: unknown key (did you mean \"port\"?)", json(r).getJsonArray("warnings").getString(0));
            assertEquals("the console", ConfigFile.json(config()).getJsonObject("gateway").getString("//why"),
                    "comment keys are part of the document");
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(config())));
            assertEquals("https://a.example", ConfigFile.json(config()).getJsonObject("gateway").getJsonArray("corsOrigins")
                    .getString(0));
            assertEquals(200, call("GET", "/api/status", token, null).statusCode(), "the stored token still works");
        });
    }

    @Test
    void aRefusedDocumentListsEveryProblemAndLeavesTheFileAsItWas() throws Exception {
        writeConfig();
        String before = Files.readString(config());
        withGateway(cmd -> {
            HttpResponse<String> r = call("POST", "/api/config", TOKEN,
                    "{\"gateway\":{\"port\":70000,\"auth\":{\"token\":\"[redacted]\"},\"limits\":{\"maxBodyBytes\":\"big\"}}}");
            assertEquals(400, r.statusCode(), r.body());
            List<String> errors = json(r).getJsonArray("errors").getValuesAs(JsonString.class).stream()
                    .map(JsonString::getString).toList();
            assertTrue(errors.contains("gateway.port: 70000 (expected: 0..65535)"), errors::toString);
            assertTrue(errors.contains("gateway.limits.maxBodyBytes: expected an integer"), errors::toString);
            assertEquals("INVALID_REQUEST", json(r).getJsonObject("error").getString("code"));
            assertEquals(before, Files.readString(config()));
            assertEquals(200, call("GET", "/api/status", TOKEN, null).statusCode(), "the running config stays");

            HttpResponse<String> unknownSecret = call("POST", "/api/config/apply", TOKEN,
                    "{\"gateway\":{\"auth\":{\"password\":\"[redacted]\"}}}");
            assertEquals(400, unknownSecret.statusCode(), unknownSecret.body());
            assertTrue(unknownSecret.body().contains("gateway.auth.password: \\\"[redacted]\\\" but no secret is kept there"),
                    unknownSecret.body());
        });
    }

    @Test
    void aWholeDocumentSentBackWithItsRedactionsKeepsTheSecretsAndNamesWhatWaitsForARestart() throws Exception {
        writeConfig();
        withGateway(cmd -> {
            JsonObject raw = json(call("GET", "/api/config?mode=normalized", TOKEN, null)).getJsonObject("raw_config");
            JsonObject edited = Json.createObjectBuilder(raw).add("gateway", Json.createObjectBuilder(
                    raw.getJsonObject("gateway")).add("server", "undertow").add("limits", Json.createObjectBuilder()
                    .add("maxBodyBytes", 4096))).build();
            HttpResponse<String> r = call("POST", "/api/config/apply", TOKEN, edited.toString());
            assertEquals(200, r.statusCode(), r.body());
            List<String> waiting = json(r).getJsonArray("restart_required").getValuesAs(JsonString.class).stream()
                    .map(JsonString::getString).toList();
            assertTrue(waiting.contains("gateway.server"), waiting::toString);
            assertTrue(waiting.contains("maxBodyBytes"), waiting::toString);
            assertEquals(200, call("GET", "/api/status", TOKEN, null).statusCode(), "the token kept");
            JsonObject onDisk = ConfigFile.json(config());
            assertEquals(TOKEN, onDisk.getJsonObject("gateway").getJsonObject("auth").getString("token"));
            assertEquals(PROVIDER_KEY, onDisk.getJsonObject("providers").getJsonObject("other").getString("api_key"));
            assertEquals("undertow", onDisk.getJsonObject("gateway").getString("server"));
        });
    }
}
