package dev.portico.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The receiving end of a webhook channel for the outbox benchmarks: a JDK {@link HttpServer} on
 * 127.0.0.1 that answers every {@code POST} at once with {@code 200 {"ok":true}}, counting the
 * requests and the distinct {@code Idempotency-Key}s they carry (a message sent twice counts once
 * there), each request on its own virtual thread. {@code GET /stats} answers
 * {@code {"received":N,"distinct":M}}.
 */
public final class Sink implements AutoCloseable {
    private static final byte[] OK = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong distinct = new AtomicLong();
    private final Set<String> keys = ConcurrentHashMap.newKeySet();
    private volatile long target = Long.MAX_VALUE;
    private volatile CountDownLatch reached = new CountDownLatch(1);
    private volatile long firstAt;
    private volatile long reachedAt;

    private Sink(HttpServer server) {
        this.server = server;
    }

    /**
     * Starts a sink on a free port of 127.0.0.1.
     *
     * @return the running sink
     * @throws IOException when no port can be bound
     */
    public static Sink start() throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        Sink sink = new Sink(server);
        server.setExecutor(sink.executor);
        server.createContext("/", sink::handle);
        server.start();
        return sink;
    }

    /** @return the port the sink listens on */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Forgets what was counted and waits for {@code messages} distinct messages from now on.
     *
     * @param messages how many distinct messages make the count complete
     */
    public void expect(long messages) {
        keys.clear();
        received.set(0);
        distinct.set(0);
        firstAt = 0;
        reachedAt = 0;
        reached = new CountDownLatch(1);
        target = messages;
    }

    /**
     * Waits until the expected number of distinct messages has arrived.
     *
     * @param timeoutMillis how long to wait at most
     * @return whether they all arrived in time
     * @throws InterruptedException when interrupted
     */
    public boolean await(long timeoutMillis) throws InterruptedException {
        return reached.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** @return requests received since the last {@link #expect} */
    public long received() {
        return received.get();
    }

    /** @return distinct messages received since the last {@link #expect} */
    public long distinct() {
        return distinct.get();
    }

    /** @return {@link System#nanoTime()} of the first request since the last {@link #expect}; 0 when none */
    public long firstAt() {
        return firstAt;
    }

    /** @return {@link System#nanoTime()} at which the expected count was reached; 0 when not yet */
    public long reachedAt() {
        return reachedAt;
    }

    /**
     * Counts a message as received, as a request carrying this key would be.
     *
     * @param key its idempotency key, or null
     */
    public void count(String key) {
        long now = System.nanoTime();
        if (received.getAndIncrement() == 0) {
            firstAt = now;
        }
        if (key != null && keys.add(key) && distinct.incrementAndGet() == target) {
            reachedAt = now;
            reached.countDown();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (exchange.getRequestMethod().equals("GET")) {
                byte[] stats = ("{\"received\":" + received.get() + ",\"distinct\":" + distinct.get() + "}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, stats.length);
                exchange.getResponseBody().write(stats);
                return;
            }
            try (InputStream in = exchange.getRequestBody()) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            count(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, OK.length);
            exchange.getResponseBody().write(OK);
        }
    }

    /** Stops the server at once. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
