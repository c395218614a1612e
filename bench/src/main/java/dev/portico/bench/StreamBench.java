package dev.portico.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.portico.api.transport.Transport;
import dev.portico.api.transport.TransportOptions;
import dev.portico.core.Gateway;
import dev.portico.core.OpenAiCompatibleAgent;
import dev.portico.core.RunningGateway;
import dev.portico.server.helidon.HelidonTransport;
import dev.portico.server.undertow.UndertowTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

/**
 * The streaming-overhead benchmark for bench/stream.sh: how much latency the gateway adds to each
 * streamed delta of a model's reply.
 *
 * <p>A fake OpenAI-compatible upstream (JDK {@code HttpServer}) streams {@code deltas} deltas per
 * reply, one every {@code interval} microseconds, each carrying the {@link System#nanoTime()} at
 * which it was written. A client on a real socket reads SSE and, for each delta, notes how long
 * after its writing it arrived. Everything runs in one JVM, so the clock is shared. Three paths
 * are measured in turn:
 *
 * <ul>
 *   <li>{@code direct}: the client reads the upstream's stream itself (the baseline: one hop);
 *   <li>{@code helidon}, {@code undertow}: the client reads {@code POST /api/agent} with
 *       {@code Accept: text/event-stream} from the gateway, whose {@link OpenAiCompatibleAgent}
 *       reads the upstream (two hops, plus the agent, the run and the SSE encoder).
 * </ul>
 *
 * The added latency is the gateway path's percentile minus the direct path's.
 *
 * <p>Arguments: {@code [streams (20)] [deltas (200)] [interval-micros (2000)] [concurrency (1)]
 * [warm-up streams (10)]}. Prints a table; exits non-zero when a stream comes back incomplete.
 */
public final class StreamBench {
    private static final String TOKEN = "bench-token-0123456789abcdef";

    private final int deltas;
    private final long intervalNanos;

    private StreamBench(int deltas, long intervalNanos) {
        this.deltas = deltas;
        this.intervalNanos = intervalNanos;
    }

    /**
     * Runs the benchmark.
     *
     * @param args streams, deltas, interval in microseconds, concurrency, warm-up streams
     * @throws Exception when a server cannot start or a stream fails
     */
    public static void main(String[] args) throws Exception {
        // The fake upstream writes small chunks; without TCP_NODELAY the JDK server's socket would
        // hold them back for delayed ACKs (up to 40 ms), which no real provider does.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int streams = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int deltas = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        long intervalMicros = args.length > 2 ? Long.parseLong(args[2]) : 2000;
        int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 10;
        new StreamBench(deltas, intervalMicros * 1000).run(streams, concurrency, warmup);
    }

    private void run(int streams, int concurrency, int warmup) throws Exception {
        HttpServer upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ExecutorService upstreamThreads = Executors.newVirtualThreadPerTaskExecutor();
        upstream.setExecutor(upstreamThreads);
        upstream.createContext("/v1/chat/completions", this::stream);
        upstream.start();
        URI base = URI.create("http://127.0.0.1:" + upstream.getAddress().getPort() + "/v1");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        System.out.printf(Locale.ROOT, "machine: %d cores, %s %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"));
        System.out.printf(Locale.ROOT, "%d streams x %d deltas, one delta every %d us, %d stream(s) at a time, "
                + "%d warm-up streams per path%n%n", streams, deltas, intervalNanos / 1000, concurrency, warmup);
        System.out.printf(Locale.ROOT, "%-10s %8s %9s %9s %9s %9s%n", "path", "samples", "p50 ms", "p90 ms", "p99 ms", "max ms");

        URI direct = base.resolve("/v1/chat/completions");
        long[] baseline = measure(client, direct, false, streams, concurrency, warmup);
        print("direct", baseline);
        List<String> added = new ArrayList<>();
        for (String name : List.of("helidon", "undertow")) {
            Transport transport = name.equals("helidon") ? new HelidonTransport() : new UndertowTransport();
            OpenAiCompatibleAgent agent = OpenAiCompatibleAgent.builder()
                    .provider("bench", base)
                    .primary("bench/fake")
                    .build();
            RunningGateway gateway = Gateway.builder().token(TOKEN).noRateLimits().agent(agent).build()
                    .start(transport, TransportOptions.builder().port(0).build());
            try {
                long[] through = measure(client, URI.create("http://127.0.0.1:" + gateway.port() + "/api/agent"), true,
                        streams, concurrency, warmup);
                print(name, through);
                added.add(String.format(Locale.ROOT, "%-10s added by the gateway: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms",
                        name, ms(pct(through, 50) - pct(baseline, 50)), ms(pct(through, 90) - pct(baseline, 90)),
                        ms(pct(through, 99) - pct(baseline, 99))));
            } finally {
                gateway.stop(Duration.ofSeconds(1));
            }
        }
        System.out.println();
        added.forEach(System.out::println);
        upstream.stop(0);
        upstreamThreads.shutdownNow();
    }

    /** The fake upstream: {@code deltas} chunks, paced, each carrying its write time. */
    private void stream(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            long next = System.nanoTime();
            for (int i = 0; i < deltas; i++) {
                // Pacing, as a model emits tokens; the timestamp is taken after the wait.
                for (long wait = next - System.nanoTime(); wait > 0; wait = next - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                next += intervalNanos;
                String chunk = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + System.nanoTime()
                        + " \"},\"finish_reason\":null}]}\n\n";
                out.write(chunk.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            out.write(("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
                    + "data: [DONE]\n\n").getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** Runs warm-up then measured streams; returns every measured delta's latency in nanoseconds, sorted. */
    private long[] measure(HttpClient client, URI uri, boolean gateway, int streams, int concurrency, int warmup)
            throws Exception {
        runStreams(client, uri, gateway, warmup, concurrency);
        long[] all = runStreams(client, uri, gateway, streams, concurrency);
        Arrays.sort(all);
        return all;
    }

    private long[] runStreams(HttpClient client, URI uri, boolean gateway, int streams, int concurrency) throws Exception {
        long[] all = new long[streams * deltas];
        int filled = 0;
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int start = 0; start < streams; start += concurrency) {
                List<Future<long[]>> batch = new ArrayList<>();
                for (int i = start; i < Math.min(streams, start + concurrency); i++) {
                    int id = i;
                    batch.add(clients.submit(() -> readOne(client, uri, gateway, id)));
                }
                for (Future<long[]> f : batch) {
                    long[] samples = f.get();
                    System.arraycopy(samples, 0, all, filled, samples.length);
                    filled += samples.length;
                }
            }
        }
        return all;
    }

    /** One stream: the latency of each delta, in order. */
    private long[] readOne(HttpClient client, URI uri, boolean gateway, int id) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream");
        if (gateway) {
            request.header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"go\",\"session\":\"bench-" + id + "\"}"));
        } else {
            request.POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"fake\",\"stream\":true,\"messages\":[]}"));
        }
        HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(uri + ": status " + response.statusCode() + " (expected: 200)");
        }
        long[] samples = new long[deltas];
        int n = 0;
        boolean result = false;
        // Latency is taken per read, before any parsing: what the client could have shown then.
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[64 * 1024];
            StringBuilder line = new StringBuilder();
            int read;
            while ((read = in.read(buffer)) > 0) {
                long now = System.nanoTime();
                for (int i = 0; i < read; i++) {
                    char c = (char) (buffer[i] & 0xff);
                    if (c != '\n') {
                        line.append(c);
                        continue;
                    }
                    String text = line.toString();
                    line.setLength(0);
                    if (gateway && text.startsWith("event: result")) {
                        result = true;
                    }
                    long sent = sentAt(text, gateway);
                    if (sent > 0) {
                        if (n == deltas) {
                            throw new IllegalStateException(uri + ": more than " + deltas + " deltas");
                        }
                        samples[n++] = now - sent;
                    }
                }
            }
        }
        if (n != deltas || (gateway && !result)) {
            throw new IllegalStateException(uri + ": " + n + " deltas" + (gateway && !result ? " and no result" : "")
                    + " (expected: " + deltas + " and a result)");
        }
        return samples;
    }

    /** The write time a data line carries, or 0 when it carries none. */
    private static long sentAt(String line, boolean gateway) {
        if (!line.startsWith("data: ")) {
            return 0;
        }
        String field = gateway ? "\"delta\":\"" : "\"content\":\"";
        int at = line.indexOf(field);
        if (at < 0) {
            return 0;
        }
        int start = at + field.length();
        int end = line.indexOf(' ', start);
        return end < 0 ? 0 : Long.parseLong(line, start, end, 10);
    }

    private static void print(String name, long[] sorted) {
        System.out.printf(Locale.ROOT, "%-10s %8d %9.3f %9.3f %9.3f %9.3f%n", name, sorted.length, ms(pct(sorted, 50)),
                ms(pct(sorted, 90)), ms(pct(sorted, 99)), ms(sorted[sorted.length - 1]));
    }

    private static long pct(long[] sorted, double p) {
        int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.clamp(index, 0, sorted.length - 1)];
    }

    private static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }
}
