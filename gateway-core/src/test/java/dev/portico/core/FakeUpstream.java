package dev.portico.core;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted OpenAI-compatible upstream on a real socket (JDK {@code HttpServer}, port 0): queue
 * replies, run the agent, then look at the requests it received. A request with nothing queued is
 * answered 500 {@code no scripted reply}, which a test notices.
 */
final class FakeUpstream implements AutoCloseable {
    private static final String NO_REPLY = "no scripted reply";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
    private final BlockingQueue<Recorded> requests = new LinkedBlockingQueue<>();
    private final AtomicInteger count = new AtomicInteger();
    private final CountDownLatch closing = new CountDownLatch(1);
    /** Released when a held stream finds its client gone (a write failed). */
    final CountDownLatch clientGone = new CountDownLatch(1);

    /** What the upstream does with one request. */
    @FunctionalInterface
    interface Reply {
        void play(HttpExchange exchange, FakeUpstream upstream) throws IOException, InterruptedException;
    }

    /** One received request. */
    record Recorded(String method, String path, Map<String, List<String>> headers, String body) {
        Optional<String> header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
        }

        JsonObject json() {
            return Json.createReader(new StringReader(body)).readObject();
        }
    }

    private FakeUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    static FakeUpstream start() throws IOException {
        return new FakeUpstream();
    }

    /** {@code http://127.0.0.1:<port>/v1}, a base URL as providers publish them. */
    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    FakeUpstream enqueue(Reply reply) {
        replies.add(reply);
        return this;
    }

    /** The next request received, waiting up to 5 s for it. */
    Recorded takeRequest() throws InterruptedException {
        Recorded r = requests.poll(5, TimeUnit.SECONDS);
        assertNotNull(r, "the upstream received no request");
        return r;
    }

    int requestCount() {
        return count.get();
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, List<String>> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
            requests.add(new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, body));
            count.incrementAndGet();
            Reply reply = replies.poll();
            if (reply == null) {
                reply = status(500, "{\"error\":{\"message\":\"" + NO_REPLY + "\"}}");
            }
            reply.play(exchange, this);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // Replies.

    /** A plain answer with a JSON (or empty) body and extra headers as name, value pairs. */
    static Reply status(int status, String body, String... headers) {
        return (exchange, upstream) -> {
            for (int i = 0; i < headers.length; i += 2) {
                exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
        };
    }

    /** A well-formed stream: one delta per piece, a finish chunk, then {@code [DONE]}. */
    static Reply deltas(String... pieces) {
        List<Step> steps = new ArrayList<>();
        for (String p : pieces) {
            steps.add(write(delta(p)));
        }
        steps.add(write(finish()));
        steps.add(write(DONE));
        return stream(steps.toArray(Step[]::new));
    }

    /** An SSE answer played step by step; each write is flushed on its own. */
    static Reply stream(Step... steps) {
        return (exchange, upstream) -> {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            for (Step step : steps) {
                step.play(out, upstream);
            }
        };
    }

    /** Accepts the request and answers nothing until the upstream closes. */
    static Reply hang() {
        return (exchange, upstream) -> upstream.closing.await(30, TimeUnit.SECONDS);
    }

    // Steps of a stream.

    /** One step of a streamed answer. */
    @FunctionalInterface
    interface Step {
        void play(OutputStream out, FakeUpstream upstream) throws IOException, InterruptedException;
    }

    static Step write(String text) {
        return (out, upstream) -> {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        };
    }

    /** Holds the stream until {@code latch} is released (or 10 s pass, so a failing test still ends). */
    static Step await(CountDownLatch latch) {
        return (out, upstream) -> latch.await(10, TimeUnit.SECONDS);
    }

    /** Holds the stream open, sending nothing more, until the upstream closes. */
    static Step hold() {
        return (out, upstream) -> upstream.closing.await(30, TimeUnit.SECONDS);
    }

    /**
     * Holds the stream open with an SSE comment every 20 ms (content the agent must skip), which
     * also notices when the client has gone: then it releases {@link #clientGone}.
     */
    static Step holdProbing() {
        return (out, upstream) -> {
            while (!upstream.closing.await(20, TimeUnit.MILLISECONDS)) {
                try {
                    out.write(new byte[] {':', '\n'});
                    out.flush();
                } catch (IOException e) {
                    upstream.clientGone.countDown();
                    return;
                }
            }
        };
    }

    // Event text.

    static final String DONE = "data: [DONE]\n\n";

    static String delta(String content) {
        JsonObject chunk = Json.createObjectBuilder()
                .add("id", "chatcmpl-1")
                .add("object", "chat.completion.chunk")
                .add("choices", Json.createArrayBuilder().add(Json.createObjectBuilder()
                        .add("index", 0)
                        .add("delta", Json.createObjectBuilder().add("content", content))
                        .addNull("finish_reason")))
                .build();
        return "data: " + chunk + "\n\n";
    }

    static String finish() {
        return "data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n";
    }
}
