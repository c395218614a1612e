package dev.portico.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Real gateway processes ({@code java -jar target/gateway-cli.jar gateway}): the lock, status,
 * stop under load, and {@code --force}.
 */
class GatewayProcessIT {
    private static final String TOKEN = "process-test-token-0123456789";
    private static final Pattern SERVING = Pattern.compile("is serving on http://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path state;

    private final List<Gateway> started = new ArrayList<>();

    /** A gateway process and what it printed. */
    record Gateway(Process process, int port, BlockingQueue<String> lines, StringBuilder all) {
        String output() {
            synchronized (all) {
                return all.toString();
            }
        }
    }

    @AfterEach
    void killAll() {
        started.forEach(g -> g.process().destroyForcibly());
    }

    private Gateway launch(Path stateDir, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-jar", Path.of("target", "gateway-cli.jar").toAbsolutePath().toString(), "gateway",
                "--state-dir", stateDir.toString(), "--token", TOKEN));
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("PORTICO_"));
        Process p = pb.start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        StringBuilder all = new StringBuilder();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (all) {
                        all.append(line).append('\n');
                    }
                    lines.add(line);
                }
            } catch (IOException e) {
                // The process ended.
            }
        });
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null) {
                Matcher m = SERVING.matcher(line);
                if (m.find()) {
                    Gateway g = new Gateway(p, Integer.parseInt(m.group(1)), lines, all);
                    started.add(g);
                    return g;
                }
            } else if (!p.isAlive()) {
                break;
            }
        }
        p.destroyForcibly();
        synchronized (all) {
            throw new AssertionError("the gateway did not start:\n" + all);
        }
    }

    /** Runs a CLI command in this process; returns its exit code, output and errors. */
    private static String[] cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Portico.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new String[] {Integer.toString(exit), out.toString(), err.toString()};
    }

    @Test
    void stopUnderLoadFailsNoRequestItAcceptedAndTheLockIsGone() throws Exception {
        // No rate limit: the load is one credential's.
        Files.createDirectories(state);
        Files.writeString(state.resolve("config.json"), "{\"gateway\": {\"rateLimits\": {\"chat\": 0}}}");
        Gateway g = launch(state, "--port", "0");
        Path lock = ProcessLock.path(state, state.resolve("config.json"));
        assertTrue(Files.exists(lock), "locked while running");

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        AtomicBoolean go = new AtomicBoolean(true);
        List<String> unexpected = new CopyOnWriteArrayList<>();
        CountDownLatch loaded = new CountDownLatch(200);
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        // Eight clients at once, each on its own thread (the common pool may have one).
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        for (int c = 0; c < 8; c++) {
            String session = "load-" + c;
            clients.add(CompletableFuture.runAsync(() -> {
                while (go.get()) {
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + g.port() + "/api/agent"))
                                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"hi\",\"session\":\"" + session
                                        + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            loaded.countDown();
                        }
                        if (r.statusCode() != 200 && r.statusCode() != 503 && unexpected.size() < 5) {
                            unexpected.add(r.statusCode() + " " + r.body());
                        }
                    } catch (ConnectException e) {
                        // The listener has closed: the request was never accepted.
                        if (!g.process().isAlive()) {
                            return;
                        }
                    } catch (IOException e) {
                        // A connection closed before a request was written on it: not accepted either.
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, threads));
        }
        assertTrue(loaded.await(30, TimeUnit.SECONDS), "load reached the gateway");

        String[] stop = cli("gateway", "stop", "--state-dir", state.toString(), "--timeout", "20s");
        assertEquals("0", stop[0], stop[1] + stop[2]);
        assertTrue(stop[1].contains("stopping pid " + g.process().pid()), stop[1]);
        assertTrue(g.process().waitFor(30, TimeUnit.SECONDS));
        go.set(false);
        CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        threads.close();

        assertEquals(List.of(), unexpected, "no accepted request failed");
        assertTrue(g.output().contains("Stopped."), g.output());
        assertFalse(Files.exists(lock), "the lock is released");
        assertEquals("3", cli("gateway", "status", "--state-dir", state.toString())[0], "not running");
    }

    @Test
    void aSecondGatewayOnTheSameConfigIsRefusedAndStatusDescribesTheFirst() throws Exception {
        Gateway first = launch(state, "--port", "0");
        String[] second = cli("gateway", "--state-dir", state.toString(), "--port", "0", "--token", TOKEN);
        assertEquals(Integer.toString(GatewayCommand.FAILED), second[0]);
        assertTrue(second[2].contains("already running on this config (pid " + first.process().pid() + ", port "
                + first.port()), second[2]);
        assertEquals(1, second[2].strip().lines().count(), second[2]);

        String[] status = cli("gateway", "status", "--state-dir", state.toString(), "--token", TOKEN);
        assertEquals("0", status[0], status[1] + status[2]);
        assertTrue(status[1].contains("running: pid " + first.process().pid() + ", port " + first.port()), status[1]);
        assertTrue(status[1].contains("url:    http://127.0.0.1:" + first.port()), status[1]);
        assertTrue(status[1].contains("uptime: "), status[1]);
        assertFalse(status[1].contains(TOKEN), "the token is masked");
    }

    @Test
    void aPortHeldByAnotherGatewayIsNamedAndForceTakesItOver() throws Exception {
        Path otherState = state.resolve("other");
        Gateway holder = launch(otherState, "--port", "0");
        String port = Integer.toString(holder.port());

        String[] busy = cli("gateway", "--state-dir", state.toString(), "--port", port, "--token", TOKEN);
        assertEquals(Integer.toString(GatewayCommand.FAILED), busy[0]);
        assertTrue(busy[2].contains("a Portico gateway, pid " + holder.process().pid()), busy[2]);
        assertTrue(busy[2].contains("--force"), busy[2]);

        Gateway taker = launch(state, "--port", port, "--force");
        assertTrue(holder.process().waitFor(10, TimeUnit.SECONDS), "the holder was stopped");
        assertTrue(taker.output().contains("--force: stopping pid " + holder.process().pid()), taker.output());
        assertEquals("0", cli("gateway", "stop", "--state-dir", state.toString())[0]);
    }
}
