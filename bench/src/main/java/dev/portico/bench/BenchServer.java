package dev.portico.bench;

import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.Headers;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.Transport;
import dev.portico.api.transport.TransportOptions;
import dev.portico.api.transport.WebSocketDecision;
import dev.portico.auth.RateLimiter;
import dev.portico.core.Gateway;
import dev.portico.server.helidon.HelidonTransport;
import dev.portico.server.undertow.UndertowTransport;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.undertow.Undertow;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * One server for bench/run.sh, chosen by mode:
 *
 * <ul>
 *   <li>{@code raw-helidon PORT}, {@code raw-undertow PORT}: the server library alone with a
 *       hand-written {@code /health} handler (the framework's limit);
 *   <li>{@code raw-undertow-dispatch PORT}: the same on Undertow, but dispatched off the I/O thread
 *       to a virtual thread, as handler code that may block must run there;
 *   <li>{@code bare-helidon PORT}, {@code bare-undertow PORT}: the Portico adapter with a handler
 *       that answers a constant (the adapter's cost);
 *   <li>{@code gateway-helidon PORT TOKEN}, {@code gateway-undertow PORT TOKEN}: the whole gateway
 *       with the echo agent;
 *   <li>{@code file-helidon PORT TOKEN}, {@code file-undertow PORT TOKEN}: the gateway with the
 *       file session store (default fsync policy) in a temporary directory;
 *   <li>{@code events-helidon PORT TOKEN}: the same on Helidon with room for 5,000 event streams;
 *   <li>{@code outbox-helidon PORT TOKEN}: the gateway on Helidon with a webhook channel
 *       {@code bench} whose callback is a {@link Sink} in the same JVM, and a
 *       {@code FileOutboxStore} (default fsync policy, or {@code PORTICO_BENCH_FSYNC}) in a
 *       temporary directory (under {@code PORTICO_BENCH_DIR} when set), delivering to 16 chats at once
 *       (or {@code PORTICO_BENCH_OUTBOX_CONCURRENCY}); it prints
 *       {@code SINK <port>} before {@code READY};
 *   <li>{@code sink PORT}: a {@link Sink} alone (on a free port whatever the port given).
 * </ul>
 *
 * It prints {@code READY <port>} once it serves and runs until killed.
 */
public final class BenchServer {
    private static final byte[] HEALTH = "{\"ok\":true,\"status\":\"healthy\",\"uptime\":1,\"version\":\"bench\"}"
            .getBytes(StandardCharsets.UTF_8);

    private BenchServer() {}

    /**
     * Starts the server.
     *
     * @param args mode, port and (for gateway modes) the token
     * @throws InterruptedException never in practice: the server runs until the process is killed
     */
    public static void main(String[] args) throws InterruptedException {
        String mode = args[0];
        int port = Integer.parseInt(args[1]);
        TransportOptions options = TransportOptions.builder().port(port).build();
        int bound = switch (mode) {
            case "raw-helidon" -> WebServer.builder().host("127.0.0.1").port(port)
                    .routing(r -> r.get("/health", (req, res) -> {
                        res.header(HeaderNames.CONTENT_TYPE, "application/json");
                        res.send(HEALTH);
                    }))
                    .build().start().port();
            case "raw-undertow" -> {
                Undertow u = Undertow.builder().addHttpListener(port, "127.0.0.1").setHandler(exchange -> {
                    exchange.getResponseHeaders().put(io.undertow.util.Headers.CONTENT_TYPE, "application/json");
                    exchange.getResponseSender().send(java.nio.ByteBuffer.wrap(HEALTH));
                }).build();
                u.start();
                yield ((java.net.InetSocketAddress) u.getListenerInfo().get(0).getAddress()).getPort();
            }
            case "raw-undertow-dispatch" -> {
                // The cheapest way to run handler code off Undertow's I/O thread, as code that may
                // block must: dispatch to a virtual thread, then send without blocking.
                java.util.concurrent.Executor virtual = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
                Undertow u = Undertow.builder().addHttpListener(port, "127.0.0.1").setHandler(exchange ->
                        exchange.dispatch(virtual, () -> {
                            exchange.getResponseHeaders().put(io.undertow.util.Headers.CONTENT_TYPE, "application/json");
                            exchange.getResponseSender().send(java.nio.ByteBuffer.wrap(HEALTH));
                        })).build();
                u.start();
                yield ((java.net.InetSocketAddress) u.getListenerInfo().get(0).getAddress()).getPort();
            }
            case "bare-helidon" -> new HelidonTransport().start(constant(), options).port();
            case "bare-undertow" -> new UndertowTransport().start(constant(), options).port();
            case "gateway-helidon" -> gateway(new HelidonTransport(), options, args[2]);
            case "file-helidon" -> fileGateway(new HelidonTransport(), options, args[2]);
            case "file-undertow" -> fileGateway(new UndertowTransport(), options, args[2]);
            case "outbox-helidon" -> outboxGateway(new HelidonTransport(), options, args[2]);
            case "sink" -> sink().port();
            case "events-helidon" -> Gateway.builder().token(args[2]).noRateLimits().maxEventStreams(5000).build()
                    .start(new HelidonTransport(), options).port();
            case "gateway-undertow" -> gateway(new UndertowTransport(), options, args[2]);
            case "secure-helidon" -> secureGateway(new HelidonTransport(), options, args[2]);
            case "secure-undertow" -> secureGateway(new UndertowTransport(), options, args[2]);
            default -> throw new IllegalArgumentException("mode: " + mode
                    + " (expected: raw-helidon, raw-undertow, raw-undertow-dispatch, bare-helidon, bare-undertow, gateway-helidon, gateway-undertow, "
                    + "secure-helidon, secure-undertow, file-helidon, file-undertow, events-helidon, outbox-helidon, sink)");
        };
        System.out.println("READY " + bound);
        System.out.flush();
        new CountDownLatch(1).await();
    }

    private static int gateway(Transport transport, TransportOptions options, String token) {
        return Gateway.builder().token(token).noRateLimits().build().start(transport, options).port();
    }

    /**
     * The gateway with every guard on a request's path working: the default failed-auth lockout
     * and a rate limit on the {@code default} class too high to be reached in a run, so that each
     * authenticated read takes a token from a bucket.
     */
    private static int secureGateway(Transport transport, TransportOptions options, String token) {
        return Gateway.builder().token(token).rateLimit("default", RateLimiter.MAX_BURST).build()
                .start(transport, options).port();
    }

    private static int fileGateway(Transport transport, TransportOptions options, String token) {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("portico-bench-sessions");
            return Gateway.builder().token(token).noRateLimits().sessionStore(fileStore(dir)).build()
                    .start(transport, options).port();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Sink sink() {
        try {
            return Sink.start();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The gateway with a webhook channel {@code bench} delivering to a sink in this JVM, and the
     * file outbox store in a temporary directory.
     */
    private static int outboxGateway(Transport transport, TransportOptions options, String token) {
        Sink sink = sink();
        System.out.println("SINK " + sink.port());
        try {
            String parent = System.getenv("PORTICO_BENCH_DIR");
            java.nio.file.Path dir = parent == null ? java.nio.file.Files.createTempDirectory("portico-bench-outbox")
                    : java.nio.file.Files.createTempDirectory(java.nio.file.Path.of(parent), "outbox");
            return Gateway.builder().token(token).noRateLimits()
                    .channel(OutboxBench.channel(sink.port()))
                    .outboxStore(OutboxBench.store(dir, System.getenv().getOrDefault("PORTICO_BENCH_FSYNC", "batched")))
                    .outboxConcurrency(Integer.parseInt(System.getenv().getOrDefault("PORTICO_BENCH_OUTBOX_CONCURRENCY", "16")))
                    .build().start(transport, options).port();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The file store with the default fsync policy, or PORTICO_BENCH_FSYNC ("never", "always", "batched:MILLIS"). */
    private static dev.portico.core.FileSessionStore fileStore(java.nio.file.Path dir) {
        String fsync = System.getenv().getOrDefault("PORTICO_BENCH_FSYNC", "");
        var b = dev.portico.core.FileSessionStore.builder().directory(dir);
        if (fsync.equals("never")) {
            b.fsync(dev.portico.core.FsyncPolicy.NEVER);
        } else if (fsync.equals("always")) {
            b.fsync(dev.portico.core.FsyncPolicy.ALWAYS);
        } else if (fsync.startsWith("batched:")) {
            b.fsyncInterval(java.time.Duration.ofMillis(Long.parseLong(fsync.substring(8))));
        }
        return b.build();
    }

    private static GatewayHandler constant() {
        Headers json = Headers.builder().set("Content-Type", "application/json").build();
        return new GatewayHandler() {
            @Override
            public HttpResponse handle(HttpRequest request) {
                return HttpResponse.of(200, json, HEALTH);
            }

            @Override
            public WebSocketDecision upgrade(HttpRequest request) {
                return WebSocketDecision.reject(HttpResponse.text(404, "text/plain", "no"));
            }
        };
    }
}
