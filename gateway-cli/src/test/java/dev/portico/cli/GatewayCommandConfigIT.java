package dev.portico.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
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
 * {@code portico gateway} with what {@code portico onboard} wrote, with its settings from the
 * environment, with config warnings, and with a state directory it cannot use; in process, on real
 * sockets.
 */
class GatewayCommandConfigIT {
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

    /** Runs the gateway with {@code env}; returns once it serves, or fails when it exits instead. */
    Running start(Map<String, String> env, String... args) throws Exception {
        CommandLine cl = cli();
        GatewayCommand cmd = cl.getSubcommands().get("gateway").getCommand();
        cmd.env = env::get;
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute(args));
        exit.whenComplete((code, failure) -> cmd.started.countDown());
        assertTrue(cmd.started.await(20, TimeUnit.SECONDS), "neither started nor exited");
        if (cmd.running == null) {
            fail("exited with " + exit.get() + ": " + err);
        }
        return new Running(cmd, exit);
    }

    /** A started gateway. */
    record Running(GatewayCommand cmd, CompletableFuture<Integer> exit) {
        void stop() throws Exception {
            cmd.requestStop();
            assertEquals(0, exit.get(20, TimeUnit.SECONDS));
        }

        HttpResponse<String> get(String path, String token) throws Exception {
            HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cmd.running.port() + path));
            if (token != null) {
                r.header("Authorization", "Bearer " + token);
            }
            return HttpClient.newHttpClient().send(r.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    /** Runs a command that must exit without serving. */
    int exitCode(Map<String, String> env, String... args) throws Exception {
        CommandLine cl = cli();
        GatewayCommand cmd = cl.getSubcommands().get("gateway").getCommand();
        cmd.env = env::get;
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute(args));
        exit.whenComplete((code, failure) -> cmd.started.countDown());
        assertTrue(cmd.started.await(20, TimeUnit.SECONDS), "neither started nor exited");
        if (cmd.running != null) {
            cmd.requestStop();
            exit.get(20, TimeUnit.SECONDS);
            fail("the gateway started: " + out);
        }
        return exit.get(20, TimeUnit.SECONDS);
    }

    @Test
    void whatOnboardWroteStartsAndAnswersWithItsToken() throws Exception {
        CommandLine onboard = cli();
        assertEquals(0, onboard.execute("onboard", "--state-dir", state.toString()), err::toString);
        String token = Files.readString(state.resolve("token")).trim();
        Running gateway = start(Map.of(), "gateway", "--state-dir", state.toString(), "--config",
                state.resolve("config.json").toString(), "--port", "0");
        try {
            assertEquals(200, gateway.get("/health", null).statusCode());
            HttpResponse<String> status = gateway.get("/api/status", token);
            assertEquals(200, status.statusCode(), status.body());
            assertTrue(status.body().contains("\"status\":\"running\""), status.body());
            assertTrue(out.toString().contains("agent: echo"), out.toString());
            assertEquals("warning: config " + state.resolve("config.json") + ": gateway.port: not used, --port is given "
                    + "(flags and the environment come before the file)", err.toString().strip(),
                    "the starter config has nothing to warn about but the port the test overrides");
        } finally {
            gateway.stop();
        }
    }

    @Test
    void theEnvironmentOverridesTheFileAndWarningsArePrintedAtStartup() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Files.writeString(state.resolve("config.json"), """
                    {"gateway": {"port": %d, "server": "helidon", "prot": 1,
                                 "auth": {"token": "${OPERATOR_TOKEN:-fallback-token-0123456789}"}}}
                    """.formatted(taken.getLocalPort()));
            Running gateway = start(Map.of("PORTICO_GATEWAY_PORT", "0", "PORTICO_GATEWAY_SERVER", "undertow"),
                    "gateway", "--state-dir", state.toString());
            try {
                assertTrue(gateway.cmd().running.port() != taken.getLocalPort());
                assertTrue(out.toString().contains("(undertow)"), out.toString());
                String config = "warning: config " + state.resolve("config.json") + ": ";
                String why = " (flags and the environment come before the file)";
                assertEquals(List.of(config + "gateway.prot: unknown key (did you mean \"port\"?)",
                        config + "gateway.port: not used, PORTICO_GATEWAY_PORT is set" + why,
                        config + "gateway.server: not used, PORTICO_GATEWAY_SERVER is set" + why),
                        err.toString().strip().lines().toList());
                assertEquals(200, gateway.get("/api/status", "fallback-token-0123456789").statusCode(),
                        "the default of an unset variable is the token");
            } finally {
                gateway.stop();
            }
        }
    }

    @Test
    void aBadPortVariableIsAUsageErrorNamingIt() throws Exception {
        assertEquals(GatewayCommand.USAGE, exitCode(Map.of("PORTICO_GATEWAY_PORT", "eighty"), "gateway", "--state-dir",
                state.toString()));
        assertEquals("error: PORTICO_GATEWAY_PORT: \"eighty\" (expected: a port, 0..65535, 0 for any free port)",
                err.toString().strip());
    }

    @Test
    void aStateDirectoryThatIsAFileIsOneLineAndExitCodeOne() throws Exception {
        Path file = Files.writeString(state.resolve("file"), "x");
        for (String[] args : new String[][] {
            {"gateway", "--port", "0", "--state-dir", file.toString()},
            {"gateway", "--port", "0", "--state-dir", file.toString(), "--token", "a-configured-token-0123456789"}}) {
            err.getBuffer().setLength(0);
            assertEquals(GatewayCommand.FAILED, exitCode(Map.of(), args));
            assertEquals("error: state directory " + file + ": not a directory; choose another with --state-dir or "
                    + "PORTICO_STATE_DIR", err.toString().strip());
        }
        assertEquals("", out.toString());
    }

    @Test
    void theStateDirectoryVariableIsUsedWithoutTheFlag() throws Exception {
        Path fromEnv = state.resolve("from-env");
        Running gateway = start(Map.of("PORTICO_STATE_DIR", fromEnv.toString()), "gateway", "--port", "0");
        try {
            assertTrue(Files.exists(fromEnv.resolve("token")));
            assertTrue(out.toString().contains("stored in " + fromEnv.resolve("token")), out.toString());
        } finally {
            gateway.stop();
        }
    }
}
