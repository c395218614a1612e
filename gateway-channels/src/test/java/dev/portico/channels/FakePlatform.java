package dev.portico.channels;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A scripted chat platform on a JDK {@link HttpServer} at 127.0.0.1 on a free port: it records every
 * request it receives and answers each with the next scripted answer for its path, or with the
 * default answer for the path when none is scripted.
 */
public final class FakePlatform implements AutoCloseable {
    /** A request the platform received. */
    public record Received(String method, String path, String query, Map<String, List<String>> headers, byte[] body) {
        /**
         * The body as UTF-8 text.
         *
         * @return the text
         */
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /**
         * A header's first value.
         *
         * @param name the name, any case
         * @return the value, or null
         */
        public String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    /**
     * An answer to give.
     *
     * @param status the status
     * @param headers the headers
     * @param body the body
     * @param delay how long to wait before answering (a hang, for timeouts)
     */
    public record Answer(int status, Map<String, String> headers, String body, Duration delay) {
        /**
         * A JSON answer.
         *
         * @param status the status
         * @param json the body
         * @return the answer
         */
        public static Answer json(int status, String json) {
            return new Answer(status, Map.of("Content-Type", "application/json"), json, Duration.ZERO);
        }

        /**
         * This answer with a header more.
         *
         * @param name the name
         * @param value the value
         * @return the answer
         */
        public Answer withHeader(String name, String value) {
            Map<String, String> h = new java.util.LinkedHashMap<>(headers);
            h.put(name, value);
            return new Answer(status, h, body, delay);
        }

        /**
         * This answer, given after a delay.
         *
         * @param d the delay
         * @return the answer
         */
        public Answer after(Duration d) {
            return new Answer(status, headers, body, d);
        }
    }

    private final HttpServer server;
    /** Released when the platform closes: delayed answers stop waiting. */
    private final CountDownLatch closed = new CountDownLatch(1);
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final Map<String, Deque<Answer>> scripted = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Answer> defaults = new java.util.concurrent.ConcurrentHashMap<>();

    private FakePlatform(HttpServer server) {
        this.server = server;
    }

    /**
     * Starts a platform that answers {@code 200 {"ok":true}} to everything until scripted otherwise.
     *
     * @return the running platform
     * @throws IOException when it cannot bind
     */
    public static FakePlatform start() throws IOException {
        return start(0);
    }

    /**
     * Starts a platform on a given port (to bring one back where a stopped one was).
     *
     * @param port the port; 0 for any free one
     * @return the running platform
     * @throws IOException when it cannot bind
     */
    public static FakePlatform start(int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        FakePlatform p = new FakePlatform(server);
        server.createContext("/", p::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return p;
    }

    /**
     * The platform's base URI, {@code http://127.0.0.1:<port>}.
     *
     * @return the URI, without a trailing slash
     */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /**
     * The port it listens on.
     *
     * @return the port
     */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Answers every request to a path (one not otherwise scripted) with this.
     *
     * @param path the exact path
     * @param answer the answer
     * @return this platform
     */
    public FakePlatform byDefault(String path, Answer answer) {
        defaults.put(path, answer);
        return this;
    }

    /**
     * Answers the next requests to a path with these, in order, then with the default again.
     *
     * @param path the exact path
     * @param answers the answers
     * @return this platform
     */
    public FakePlatform then(String path, Answer... answers) {
        Deque<Answer> q = scripted.computeIfAbsent(path, k -> new ArrayDeque<>());
        synchronized (q) {
            q.addAll(List.of(answers));
        }
        return this;
    }

    /**
     * Waits for the next request.
     *
     * @param timeout how long to wait
     * @return the request
     * @throws AssertionError when none came in time
     */
    public Received take(Duration timeout) {
        try {
            Received r = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (r == null) {
                throw new AssertionError("no request reached the fake platform within " + timeout);
            }
            return r;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Takes every request received so far, without waiting.
     *
     * @return the requests, in order
     */
    public List<Received> drain() {
        List<Received> out = new ArrayList<>();
        received.drainTo(out);
        return out;
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String path = exchange.getRequestURI().getPath();
        received.add(new Received(exchange.getRequestMethod(), path, exchange.getRequestURI().getRawQuery(),
                Map.copyOf(exchange.getRequestHeaders()), body));
        Answer answer = null;
        Deque<Answer> q = scripted.get(path);
        if (q != null) {
            synchronized (q) {
                answer = q.poll();
            }
        }
        if (answer == null) {
            answer = defaults.getOrDefault(path, Answer.json(200, "{\"ok\":true}"));
        }
        if (!answer.delay().isZero()) {
            try {
                // A delayed answer, such as a long poll, ends early when the platform closes.
                closed.await(answer.delay().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
