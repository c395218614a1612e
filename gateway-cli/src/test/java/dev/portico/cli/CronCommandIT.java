package dev.portico.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code portico cron} against a real {@code portico gateway} started in process on a free port,
 * with the file job store in a temporary state directory.
 */
class CronCommandIT {
    @TempDir
    Path state;

    /** The gateways a test started, stopped after it. */
    final List<Gateway> gateways = new ArrayList<>();

    /** A gateway started by {@code portico gateway}, and what it printed. */
    record Gateway(GatewayCommand cmd, CompletableFuture<Integer> exit, StringWriter out, StringWriter err) {
        int port() {
            return cmd.running.port();
        }

        void stop() throws Exception {
            cmd.requestStop();
            assertEquals(0, exit.get(20, TimeUnit.SECONDS), () -> "the gateway's exit: " + err);
        }
    }

    /** What a command printed, and its exit code. */
    record Result(int exit, String out, String err) {
        /** The cells of the table row whose first cell is {@code first}. */
        List<String> row(String first) {
            return out.lines().filter(l -> l.startsWith(first + "  ")).findFirst()
                    .map(l -> Arrays.asList(l.split(" {2,}")))
                    .orElseThrow(() -> new AssertionError("no row " + first + " in:\n" + out));
        }

        JsonArray json() {
            return Json.createReader(new StringReader(out)).readArray();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\nout:\n" + out + "err:\n" + err;
        }
    }

    @AfterEach
    void stopGateways() throws Exception {
        for (Gateway g : gateways) {
            if (g.exit().isDone()) {
                continue;
            }
            g.stop();
        }
    }

    Gateway startGateway(Path stateDir, String... extraArgs) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Portico.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        GatewayCommand cmd = cl.getSubcommands().get("gateway").getCommand();
        cmd.env = Map.<String, String>of()::get;
        List<String> args = new ArrayList<>(List.of("gateway", "--port", "0", "--state-dir", stateDir.toString()));
        args.addAll(List.of(extraArgs));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute(args.toArray(String[]::new)));
        exit.whenComplete((code, failure) -> cmd.started.countDown());
        assertTrue(cmd.started.await(20, TimeUnit.SECONDS), () -> "not started: " + err);
        assertTrue(cmd.running != null, () -> "the gateway did not start: " + err);
        Gateway g = new Gateway(cmd, exit, out, err);
        gateways.add(g);
        return g;
    }

    /** Runs {@code portico <args>} with an empty environment. */
    static Result portico(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Portico.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        for (CommandLine sub : cl.getSubcommands().get("cron").getSubcommands().values()) {
            if (sub.getCommand() instanceof CronSubcommand c) {
                c.env = Map.<String, String>of()::get;
            }
        }
        int exit = cl.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    /** Runs {@code portico cron <args>} against a gateway, finding it and its token through the state directory. */
    Result cron(Gateway g, String... args) {
        List<String> all = new ArrayList<>(List.of("cron"));
        all.addAll(List.of(args));
        all.addAll(List.of("--state-dir", state.toString(), "--port", Integer.toString(g.port())));
        return portico(all.toArray(String[]::new));
    }

    static Result ok(Result r) {
        assertEquals(0, r.exit(), r::toString);
        assertEquals("", r.err(), r::toString);
        return r;
    }

    /** The id in {@code created job <id> "…"}. */
    static String createdId(Result r) {
        Matcher m = Pattern.compile("^created job (\\S+) \"").matcher(r.out());
        assertTrue(m.find(), r::toString);
        return m.group(1);
    }

    /** Asks the API for a job's runs until the newest has ended; at most 10 s. */
    JsonObject awaitRun(Gateway g, String jobId) throws Exception {
        String token = Files.readString(state.resolve("token")).strip();
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + "/api/cron/" + jobId + "/runs"))
                .header("Authorization", "Bearer " + token).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            JsonArray runs = Json.createReader(new StringReader(r.body())).readObject().getJsonArray("runs");
            if (!runs.isEmpty() && !runs.getJsonObject(0).getString("status").equals("running")) {
                return runs.getJsonObject(0);
            }
            assertTrue(System.nanoTime() < deadline, () -> "the run of " + jobId + " did not end within 10 s: " + r.body());
            Thread.onSpinWait();
        }
    }

    static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void jobsOfEachScheduleAreAddedAndListedWithTheirNextRun() throws Exception {
        Gateway g = startGateway(state);
        Result morning = ok(cron(g, "add", "--name", "morning brief", "--cron", "0 9 * * *", "--tz", "Europe/Berlin",
                "--message", "Summarise my inbox", "--id", "morning"));
        assertTrue(Pattern.compile("^created job morning \"morning brief\": at 09:00 \\(Europe/Berlin\\), next run in \\d+"
                + "[dhms].* \\(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\)\\n$").matcher(morning.out()).find(), morning::toString);
        Result ping = ok(cron(g, "add", "--name", "ping", "--every", "30m", "--system-event", "tick", "--isolated",
                "--misfire", "skip"));
        String pingId = createdId(ping);
        assertTrue(ping.out().contains(": every 30m, next run in 29m "), ping::toString);
        String at = Instant.now().plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
        Result once = ok(cron(g, "add", "--name", "once", "--at", at, "--message", "hello", "--model", "default/echo",
                "--timeout", "5m", "--announce", "telegram:42", "--delete-after-run"));
        String onceId = createdId(once);
        assertTrue(once.out().contains(": once at " + at + ", next run in 1d 23h"), once::toString);

        Result list = ok(cron(g, "list"));
        assertEquals(List.of("ID", "NAME", "SCHEDULE", "NEXT", "LAST", "ENABLED"), list.out().lines().findFirst()
                .map(l -> Arrays.asList(l.split(" {2,}"))).orElseThrow());
        List<String> m = list.row("morning");
        assertEquals("morning brief", m.get(1));
        assertEquals("0 9 * * * (Europe/Berlin) at 09:00", m.get(2));
        assertTrue(m.get(3).matches("in \\d+[dhms]( \\d+[hms])?"), m::toString);
        assertEquals(List.of("never", "yes"), m.subList(4, 6));
        assertEquals(List.of(pingId, "ping", "every 30m"), list.row(pingId).subList(0, 3));
        assertTrue(list.row(pingId).get(3).startsWith("in 29m"), list::toString);
        assertEquals(List.of(onceId, "once", "once at " + at), list.row(onceId).subList(0, 3));
        assertEquals("morning", list.out().lines().skip(1).findFirst().orElseThrow().split(" ")[0], "oldest first");

        JsonArray jobs = ok(cron(g, "list", "--json")).json();
        assertEquals(List.of("morning", pingId, onceId), jobs.stream().map(j -> j.asJsonObject().getString("id")).toList());
        JsonObject m0 = jobs.getJsonObject(0);
        assertEquals("Europe/Berlin", m0.getJsonObject("schedule").getString("tz"));
        assertEquals("Summarise my inbox", m0.getJsonObject("payload").getString("message"));
        assertEquals("main", m0.getString("session_target"));
        assertFalse(m0.isNull("next_run"));
        JsonObject p = jobs.getJsonObject(1);
        assertEquals("systemEvent", p.getJsonObject("payload").getString("kind"));
        assertEquals("isolated", p.getString("session_target"));
        assertEquals("skip", p.getString("misfire"));
        JsonObject o = jobs.getJsonObject(2);
        assertEquals("default/echo", o.getJsonObject("payload").getString("model"));
        assertEquals(300, o.getJsonObject("payload").getInt("timeout_seconds"));
        assertEquals(Json.createObjectBuilder().add("mode", "announce").add("channel", "telegram").add("to", "42").build(),
                o.getJsonObject("delivery"));
        assertTrue(o.getBoolean("delete_after_run"));
    }

    @Test
    void aJobRunNowShowsInItsRunsAndAsItsLastRun() throws Exception {
        Gateway g = startGateway(state);
        ok(cron(g, "add", "--name", "hello", "--every", "1h", "--message", "hello", "--id", "hello"));
        Result triggered = ok(cron(g, "run", "hello"));
        Matcher m = Pattern.compile("^triggered job hello: run (\\S+)\\n$").matcher(triggered.out());
        assertTrue(m.find(), triggered::toString);
        String runId = m.group(1);
        JsonObject finished = awaitRun(g, "hello");
        assertEquals(runId, finished.getString("run_id"));
        assertEquals("ok", finished.getString("status"), finished::toString);

        Result runs = ok(cron(g, "runs", "hello"));
        assertEquals(List.of("RUN", "TRIGGER", "STARTED", "STATUS", "DURATION", "ERROR/DELIVERY"),
                Arrays.asList(runs.out().lines().findFirst().orElseThrow().split(" {2,}")));
        List<String> row = runs.row(runId);
        assertEquals("manual", row.get(1));
        assertTrue(row.get(2).equals("just now") || row.get(2).matches("\\d+s ago"), row::toString);
        assertEquals("ok", row.get(3));
        assertTrue(row.get(4).matches("\\d+ms|\\d+\\.\\ds"), row::toString);
        assertEquals(CronFormat.NONE, row.get(5));
        JsonArray json = ok(cron(g, "runs", "hello", "--json", "--limit", "1")).json();
        assertEquals(1, json.size());
        assertEquals("manual", json.getJsonObject(0).getString("trigger"));

        List<String> job = ok(cron(g, "list")).row("hello");
        assertTrue(job.get(4).startsWith("ok "), job::toString);
        assertTrue(job.get(3).startsWith("in 59m") || job.get(3).startsWith("in 1h"), "a run now leaves the schedule: " + job);
    }

    @Test
    void disableEnableAndRemove() throws Exception {
        Gateway g = startGateway(state);
        ok(cron(g, "add", "--name", "nightly", "--cron", "@daily", "--tz", "UTC", "--message", "tidy up", "--id", "nightly"));
        assertEquals("disabled job nightly \"nightly\"\n", ok(cron(g, "disable", "nightly")).out());
        assertEquals("no", ok(cron(g, "list")).row("nightly").get(5));
        assertFalse(ok(cron(g, "list", "--json")).json().getJsonObject(0).getBoolean("enabled"));

        Result enabled = ok(cron(g, "enable", "nightly"));
        assertTrue(enabled.out().matches("enabled job nightly \"nightly\", next run in .+ \\(\\d{4}-\\d\\d-\\d\\dT00:00:00Z\\)\\n"),
                enabled::toString);
        List<String> row = ok(cron(g, "list")).row("nightly");
        assertEquals("yes", row.get(5));
        assertEquals("@daily (UTC) at 00:00", row.get(2));

        assertEquals("deleted job nightly\n", ok(cron(g, "rm", "nightly")).out());
        assertEquals("no scheduled jobs (add one with: portico cron add)\n", ok(cron(g, "list")).out());
        Result again = cron(g, "rm", "nightly");
        assertEquals(1, again.exit(), again::toString);
        assertEquals("portico cron: JOB_NOT_FOUND: job: nightly does not exist\n", again.err());
        Result runs = cron(g, "runs", "nightly");
        assertEquals(1, runs.exit(), runs::toString);
        assertTrue(runs.err().startsWith("portico cron: JOB_NOT_FOUND: "), runs::toString);
    }

    @Test
    void aScheduleTheGatewayRefusesIsItsMessageAndExitOne() throws Exception {
        Gateway g = startGateway(state);
        Result bad = cron(g, "add", "--name", "bad", "--cron", "0 25 * * *", "--message", "x");
        assertEquals(1, bad.exit(), bad::toString);
        assertEquals("", bad.out());
        assertEquals(1, bad.err().lines().count(), bad::toString);
        assertTrue(bad.err().startsWith("portico cron: INVALID_REQUEST: expr: \"0 25 * * *\": "), bad::toString);
        assertTrue(bad.err().contains("25 not in range [0, 23]"), bad::toString);
        Result zone = cron(g, "add", "--name", "bad", "--cron", "0 9 * * *", "--tz", "Mars/Olympus", "--message", "x");
        assertEquals(1, zone.exit(), zone::toString);
        assertTrue(zone.err().startsWith("portico cron: INVALID_REQUEST: tz: \"Mars/Olympus\": unknown time zone"), zone::toString);
        assertEquals("no scheduled jobs (add one with: portico cron add)\n", ok(cron(g, "list")).out());
    }

    @Test
    void aBadCommandLineIsAUsageErrorAndSendsNothing() throws Exception {
        String port = Integer.toString(closedPort());
        String[][] cases = {
            {"--cron and --every: one schedule only (expected: --cron, --every or --at, one of them)",
                "--cron", "0 9 * * *", "--every", "5m", "--message", "x"},
            {"--every and --at: one schedule only", "--every", "5m", "--at", "2030-01-01T00:00:00Z", "--message", "x"},
            {"a schedule is required (expected: --cron, --every or --at)", "--message", "x"},
            {"a payload is required (expected: --message or --system-event)", "--every", "5m"},
            {"--message and --system-event: one payload only", "--every", "5m", "--message", "x", "--system-event", "y"},
            {"--tz: only with --cron", "--every", "5m", "--tz", "UTC", "--message", "x"},
            {"--model: only with --message", "--every", "5m", "--system-event", "x", "--model", "a/b"},
            {"--timeout: \"soon\" (expected: an interval such as 30s", "--every", "5m", "--message", "x", "--timeout", "soon"},
            {"--announce: \"telegram\" (expected: CHANNEL:CHAT", "--every", "5m", "--message", "x", "--announce", "telegram"},
            {"--misfire: \"later\" (expected: run_once or skip)", "--every", "5m", "--message", "x", "--misfire", "later"},
            {"--id: \"a/b\" (expected: 1-64 of A-Z a-z 0-9 _ -)", "--every", "5m", "--message", "x", "--id", "a/b"},
        };
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(List.of("cron", "add", "--name", "n", "--port", port, "--state-dir",
                    state.toString()));
            args.addAll(Arrays.asList(c).subList(1, c.length));
            Result r = portico(args.toArray(String[]::new));
            assertEquals(GatewayCommand.USAGE, r.exit(), () -> c[0] + ": " + r);
            assertTrue(r.err().startsWith("portico cron: add: " + c[0]), () -> c[0] + ": " + r);
        }
        Result id = portico("cron", "rm", "a b", "--port", port, "--state-dir", state.toString());
        assertEquals(GatewayCommand.USAGE, id.exit(), id::toString);
        assertTrue(id.err().startsWith("portico cron: ID: \"a b\""), id::toString);
        Result noName = portico("cron", "add", "--every", "5m", "--message", "x", "--port", port, "--state-dir",
                state.toString());
        assertEquals(GatewayCommand.USAGE, noName.exit(), noName::toString);
        assertTrue(noName.err().contains("--name"), noName::toString);
        Result none = portico("cron");
        assertEquals(GatewayCommand.USAGE, none.exit(), none::toString);
        assertTrue(none.err().startsWith("portico cron: a subcommand is required"), none::toString);
    }

    @Test
    void anUnreachableGatewayIsOneLineAndExitOne() throws Exception {
        int port = closedPort();
        for (String[] args : new String[][] {{"list"}, {"add", "--name", "n", "--every", "5m", "--message", "x"}}) {
            List<String> all = new ArrayList<>(List.of("cron"));
            all.addAll(List.of(args));
            all.addAll(List.of("--port", Integer.toString(port), "--state-dir", state.toString()));
            Result r = portico(all.toArray(String[]::new));
            assertEquals(1, r.exit(), r::toString);
            assertEquals("", r.out());
            assertEquals("portico cron: cannot reach the gateway at http://127.0.0.1:" + port
                    + " (is it running? start it with: portico gateway)\n", r.err());
        }
    }

    @Test
    void aWrongOrMissingTokenGetsAHint() throws Exception {
        Gateway g = startGateway(state);
        Result wrong = cron(g, "list", "--token", "not-the-token-0123456789");
        assertEquals(1, wrong.exit(), wrong::toString);
        assertEquals(1, wrong.err().lines().count(), wrong::toString);
        assertTrue(wrong.err().startsWith("portico cron: UNAUTHORIZED: "), wrong::toString);
        assertTrue(wrong.err().contains("the token from --token"), wrong::toString);
        assertTrue(wrong.err().contains("--token or PORTICO_GATEWAY_TOKEN"), wrong::toString);
        assertFalse(wrong.err().contains("not-the-token-0123456789"), "the token is never printed");

        Path elsewhere = Files.createDirectory(state.resolve("elsewhere"));
        Result missing = portico("cron", "list", "--state-dir", elsewhere.toString(), "--port", Integer.toString(g.port()));
        assertEquals(1, missing.exit(), missing::toString);
        assertTrue(missing.err().contains("no token was found: none given, and " + elsewhere.resolve("token")
                + " does not exist"), missing::toString);
        assertTrue(missing.err().contains("--state-dir"), missing::toString);
    }

    @Test
    void jobsTheirNextRunAndTheirRunsSurviveARestart() throws Exception {
        Gateway first = startGateway(state);
        ok(cron(first, "add", "--name", "new year", "--cron", "0 9 1 1 *", "--tz", "Europe/Berlin", "--message", "hi",
                "--id", "newyear"));
        String runId = ok(cron(first, "run", "newyear")).out().replaceAll("(?s)^.*: run (\\S+)\\n$", "$1");
        assertEquals("ok", awaitRun(first, "newyear").getString("status"));
        JsonObject before = ok(cron(first, "list", "--json")).json().getJsonObject(0);
        first.stop();
        assertTrue(Files.isRegularFile(state.resolve("cron").resolve("jobs.json")));

        Gateway second = startGateway(state);
        assertTrue(second.out().toString().contains("  cron: " + state.resolve("cron") + " (1 job; default zone "),
                second.out()::toString);
        JsonArray jobs = ok(cron(second, "list", "--json")).json();
        assertEquals(1, jobs.size(), jobs::toString);
        JsonObject after = jobs.getJsonObject(0);
        assertEquals("newyear", after.getString("id"));
        assertEquals(before.getString("next_run"), after.getString("next_run"));
        assertEquals("ok", after.getString("last_status"));
        assertEquals(before.getString("last_run"), after.getString("last_run"));
        List<String> row = ok(cron(second, "list")).row("newyear");
        assertEquals("0 9 1 1 * (Europe/Berlin) at 09:00 at 1 day at January month", row.get(2));
        List<String> run = ok(cron(second, "runs", "newyear")).row(runId);
        assertEquals(List.of("manual", "ok"), List.of(run.get(1), run.get(3)));
    }

    @Test
    void theCronKeysOfTheConfigFileAreApplied() throws Exception {
        Files.writeString(state.resolve("config.json"), """
                {"gateway": {"cron": {"timezone": "Asia/Tokyo", "poolSize": 2, "timeoutSeconds": 30}}}
                """);
        Gateway g = startGateway(state);
        assertTrue(g.out().toString().contains("  cron: " + state.resolve("cron") + " (0 jobs; default zone Asia/Tokyo)"),
                g.out()::toString);
        ok(cron(g, "add", "--name", "tokyo", "--cron", "0 9 * * *", "--message", "おはよう", "--id", "tokyo"));
        assertEquals("0 9 * * * (Asia/Tokyo) at 09:00", ok(cron(g, "list")).row("tokyo").get(2));
    }

    @Test
    void aBadTimezoneInTheConfigFileStopsTheGatewayNamingTheKey() throws Exception {
        Files.writeString(state.resolve("config.json"), "{\"gateway\": {\"cron\": {\"timezone\": \"Mars/Olympus\"}}}");
        StringWriter err = new StringWriter();
        CommandLine cl = Portico.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        assertEquals(GatewayCommand.USAGE, cl.execute("gateway", "--port", "0", "--state-dir", state.toString()));
        assertTrue(err.toString().contains("gateway.cron.timezone: \"Mars/Olympus\" is not a time zone"), err::toString);
        assertFalse(Files.exists(state.resolve("cron")), "nothing is written for a bad config");
    }

    @Test
    void aCronDirectoryThatCannotBeUsedStopsTheStartWithExitOne() throws Exception {
        Files.writeString(state.resolve("cron"), "not a directory");
        StringWriter err = new StringWriter();
        CommandLine cl = Portico.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        GatewayCommand cmd = cl.getSubcommands().get("gateway").getCommand();
        cmd.env = Map.<String, String>of()::get;
        assertEquals(GatewayCommand.FAILED, cl.execute("gateway", "--port", "0", "--state-dir", state.toString()));
        assertTrue(err.toString().startsWith("error: cron: could not use " + state.resolve("cron")), err::toString);
        assertEquals(1, err.toString().lines().count(), err::toString);
    }

    @Test
    void aCreateWhoseAnswerIsLostIsSentAgainWithTheSameIdempotencyKey() throws Exception {
        List<String> keys = new CopyOnWriteArrayList<>();
        CountDownLatch second = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ExecutorService pool = Executors.newCachedThreadPool();
        server.setExecutor(pool);
        server.createContext("/api/cron/create", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                keys.add(Optional.ofNullable(exchange.getRequestHeaders().getFirst("Idempotency-Key")).orElse(""));
                if (keys.size() == 1) {
                    // The first answer is lost: it comes only after the client gave up on it.
                    second.await(10, TimeUnit.SECONDS);
                } else {
                    second.countDown();
                }
                byte[] body = ("{\"ok\":true,\"job\":{\"id\":\"j1\",\"name\":\"n\",\"schedule\":{\"kind\":\"every\","
                        + "\"every\":\"5m\",\"every_ms\":300000,\"anchor\":\"2026-01-01T00:00:00Z\"},\"enabled\":true,"
                        + "\"next_run\":null}}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(keys.size() == 1 ? 201 : 200, body.length);
                exchange.getResponseBody().write(body);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        try {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cl = Portico.commandLine();
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            CronAddCommand add = cl.getSubcommands().get("cron").getSubcommands().get("add").getCommand();
            add.env = Map.<String, String>of()::get;
            add.timeout = Duration.ofMillis(500);
            int exit = cl.execute("cron", "add", "--name", "n", "--every", "5m", "--message", "x", "--url",
                    "http://127.0.0.1:" + server.getAddress().getPort(), "--token", "a-token-0123456789abc");
            assertEquals(0, exit, () -> out + "\n" + err);
            assertEquals("created job j1 \"n\": every 5m, no next run\n", out.toString());
            assertEquals(2, keys.size(), keys::toString);
            assertEquals(keys.get(0), keys.get(1), "the retry carries the same key");
            assertEquals(keys.get(0), UUID.fromString(keys.get(0)).toString());
        } finally {
            second.countDown();
            server.stop(0);
            pool.shutdownNow();
        }
    }

    @Test
    void thePackagedCliPrintsNoSlf4jWarning() throws Exception {
        Path jar = Path.of("target", "gateway-cli.jar");
        assertTrue(Files.isRegularFile(jar) && Files.isDirectory(Path.of("target", "libs")),
                "the packaged CLI is built in the package phase, before the integration tests");
        Gateway g = startGateway(state);
        // cron-utils logs through SLF4J while reading a list of hours: without a provider, SLF4J warns on stderr.
        ok(cron(g, "add", "--name", "twice", "--cron", "0 9,17 * * *", "--tz", "UTC", "--message", "x", "--id", "twice"));
        String token = Files.readString(state.resolve("token")).strip();
        Path stdout = state.resolve("cli.out");
        Path stderr = state.resolve("cli.err");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-jar", jar.toString(), "cron", "list", "--url",
                "http://127.0.0.1:" + g.port(), "--token", token)
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the CLI did not exit");
        String printed = Files.readString(stdout);
        String errors = Files.readString(stderr);
        assertEquals(0, p.exitValue(), () -> printed + errors);
        assertTrue(printed.contains("0 9,17 * * * (UTC) at 9 and 17 hours"), printed);
        assertFalse(errors.contains("SLF4J"), errors);
        assertEquals("", errors);
    }
}
