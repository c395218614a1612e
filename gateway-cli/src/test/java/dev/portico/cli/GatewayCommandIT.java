package dev.portico.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
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
            cmd.stopRequested.countDown();
        }
        assertEquals(0, exit.get(20, TimeUnit.SECONDS));
        assertTrue(out.toString().contains("Stopped."));
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
            cmd.stopRequested.countDown();
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
    void aBadConfigNamesEveryProblem() throws Exception {
        Path config = state.resolve("bad.json");
        Files.writeString(config, "{\"gateway\": {\"port\": 70000, \"limits\": {\"maxBodyBytes\": \"big\"}}}");
        int exit = cli().execute("gateway", "--config", config.toString(), "--state-dir", state.toString());
        assertEquals(GatewayCommand.USAGE, exit);
        assertTrue(err.toString().contains("gateway.port: 70000 (expected: 0..65535)"), err.toString());
        assertTrue(err.toString().contains("gateway.limits.maxBodyBytes: expected an integer"), err.toString());
    }

    @Test
    void anUnknownServerIsAUsageError() {
        int exit = cli().execute("gateway", "--server", "tomcat", "--state-dir", state.toString());
        assertEquals(GatewayCommand.USAGE, exit);
        assertTrue(err.toString().contains("server: tomcat (expected: helidon or undertow)"), err.toString());
    }

    @Test
    void versionAndHelp() {
        assertEquals(0, cli().execute("--version"));
        assertTrue(out.toString().startsWith("portico "), out.toString());
        assertEquals(0, cli().execute("gateway", "--help"));
        assertTrue(out.toString().contains("--state-dir"));
    }
}
