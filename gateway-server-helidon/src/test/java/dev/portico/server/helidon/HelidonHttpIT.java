package dev.portico.server.helidon;

import static dev.portico.server.helidon.Servers.HTTP;
import static dev.portico.server.helidon.Servers.handler;
import static dev.portico.server.helidon.Servers.json;
import static dev.portico.server.helidon.Servers.uri;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.transport.Headers;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.RunningTransport;
import dev.portico.api.transport.TransportCapability;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Plain HTTP through the Helidon transport: what goes in reaches the handler, what it answers goes out. */
class HelidonHttpIT {
    private RunningTransport running;

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
    }

    @Test
    void nameAndCapabilities() {
        HelidonTransport transport = new HelidonTransport();
        assertEquals("helidon", transport.name());
        assertEquals(EnumSet.allOf(TransportCapability.class), transport.capabilities());
    }

    @Test
    void requestPartsReachTheHandlerOnAVirtualThread() throws Exception {
        CompletableFuture<HttpRequest> seen = new CompletableFuture<>();
        AtomicReference<String> body = new AtomicReference<>();
        AtomicReference<Boolean> virtual = new AtomicReference<>();
        running = Servers.start(handler(r -> {
            virtual.set(Thread.currentThread().isVirtual());
            try {
                body.set(new String(r.body().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            seen.complete(r);
            return json(200, "{}");
        }));

        var response = HTTP.send(java.net.http.HttpRequest.newBuilder(uri(running, "/a%20b/c?x=1%202&y"))
                        .header("X-Test", "one")
                        .header("X-Test", "two")
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"message\":\"héllo\"}"))
                        .build(),
                BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        HttpRequest r = seen.get(5, TimeUnit.SECONDS);
        assertEquals("POST", r.method());
        assertEquals("/a%20b/c", r.path());
        assertEquals("x=1%202&y", r.rawQuery());
        assertEquals("1 2", r.queryParam("x").orElseThrow());
        assertEquals(List.of("one", "two"), r.headers().all("x-test"));
        assertEquals("application/json", r.headers().first("CONTENT-TYPE").orElseThrow());
        assertEquals(OptionalLong.of("{\"message\":\"héllo\"}".getBytes(StandardCharsets.UTF_8).length),
                r.contentLength());
        assertTrue(r.remoteAddress().getAddress().isLoopbackAddress());
        assertFalse(r.secure());
        assertEquals("{\"message\":\"héllo\"}", body.get());
        assertTrue(virtual.get(), "handler ran on a virtual thread");
    }

    @Test
    void headerNamesAreCaseInsensitiveAndTheRawTargetIsKept() throws Exception {
        CompletableFuture<HttpRequest> seen = new CompletableFuture<>();
        running = Servers.start(handler(r -> {
            seen.complete(r);
            return json(200, "{}");
        }));
        try (RawHttp raw = new RawHttp(running.port())) {
            raw.send("GET /tck/echo/a%20b?x=1&y=%C3%A9t%C3%A9&x=2&z=a+b HTTP/1.1\r\nHost: x\r\n"
                    + "x-tck: one\r\nX-TCK: two\r\n\r\n");
            assertEquals(200, raw.read().status());
        }
        HttpRequest r = seen.get(5, TimeUnit.SECONDS);
        assertEquals("/tck/echo/a%20b", r.path());
        assertEquals("x=1&y=%C3%A9t%C3%A9&x=2&z=a+b", r.rawQuery());
        assertEquals(List.of("1", "2"), r.queryParams().get("x"));
        assertEquals(List.of("été"), r.queryParams().get("y"));
        assertEquals(List.of("a b"), r.queryParams().get("z"));
        assertEquals(List.of("one", "two"), r.headers().all("X-Tck"));
    }

    @Test
    void emptyQueryAndLowerCaseMethodAreNormalised() throws Exception {
        CompletableFuture<HttpRequest> seen = new CompletableFuture<>();
        running = Servers.start(handler(r -> {
            seen.complete(r);
            return json(200, "{}");
        }));
        var response = HTTP.send(java.net.http.HttpRequest.newBuilder(uri(running, "/health")).build(),
                BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        HttpRequest r = seen.get(5, TimeUnit.SECONDS);
        assertEquals("GET", r.method());
        assertEquals("", r.rawQuery());
        assertEquals(-1, r.body().read());
    }

    @Test
    void statusHeadersAndBodyGoOutUnchanged() throws Exception {
        byte[] body = "{\"ok\":false,\"error\":{\"code\":\"METHOD_NOT_ALLOWED\",\"message\":\"ß\"}}"
                .getBytes(StandardCharsets.UTF_8);
        running = Servers.start(handler(r -> HttpResponse.of(405, Headers.builder()
                .set("Content-Type", "application/json")
                .set("Allow", "POST")
                .add("X-Multi", "a")
                .add("X-Multi", "b")
                .build(), body)));

        try (RawHttp raw = new RawHttp(running.port())) {
            raw.send("GET /api/agent HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response response = raw.read();
            assertEquals(405, response.status());
            assertEquals("application/json", response.header("Content-Type"));
            assertEquals("POST", response.header("Allow"));
            assertEquals(List.of("a", "b"), response.all("X-Multi"));
            assertEquals(String.valueOf(body.length), response.header("Content-Length"));
            assertNull(response.header("Server"), "no Server header");
            assertArrayEquals(body, response.body());

            // The connection stays usable for the next request.
            raw.send("GET /again HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(405, raw.read().status());
        }
    }

    @Test
    void headResponsesKeepTheLengthButNotTheBody() throws Exception {
        running = Servers.start(handler(r -> json(200, "{\"ok\":true}")));
        try (RawHttp raw = new RawHttp(running.port())) {
            raw.send("HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Response head = raw.readHead();
            assertEquals(200, head.status());
            assertEquals("11", head.header("Content-Length"));
            // Nothing follows the head: the next response starts right after it.
            raw.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals("{\"ok\":true}", raw.read().text());
        }
    }

    @Test
    void aFailingHandlerGetsTheInternalErrorEnvelope() throws Exception {
        running = Servers.start(handler(r -> {
            throw new IllegalStateException("boom (expected by the test)");
        }));
        // The adapter logs the failure as a warning; keep the expected one out of the build output.
        Logger routeLog = Logger.getLogger(GatewayRoute.class.getName());
        Level level = routeLog.getLevel();
        routeLog.setLevel(Level.OFF);
        java.net.http.HttpResponse<String> response;
        try {
            response = HTTP.send(java.net.http.HttpRequest.newBuilder(uri(running, "/x")).build(),
                    BodyHandlers.ofString());
        } finally {
            routeLog.setLevel(level);
        }
        assertEquals(500, response.statusCode());
        assertEquals(new String(HttpResponse.internalError().headers().first("Content-Type").orElseThrow()),
                response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("{\"ok\":false,\"error\":{\"code\":\"INTERNAL_ERROR\",\"message\":\"internal error\"}}",
                response.body());
    }

    @Test
    void theBodyIsStreamedNotBuffered() throws Exception {
        // The handler answers after reading 100 bytes of a body announced as 1 MB: Helidon must not
        // wait for the rest before calling it.
        running = Servers.start(handler(r -> {
            try {
                byte[] first = r.body().readNBytes(100);
                return HttpResponse.of(200, Headers.builder().set("Connection", "close").build(),
                        String.valueOf(first.length).getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }));
        try (RawHttp raw = new RawHttp(running.port())) {
            raw.send("POST /api/agent HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n");
            raw.send(new byte[100]);
            RawHttp.Response response = raw.read();
            assertEquals(200, response.status());
            assertEquals("100", response.text());
            assertEquals(-1, raw.readToEnd(), "the connection closes after Connection: close");
        }
    }

    @Test
    void anAnnouncedHugeBodyIsAnsweredAtOnceWithoutReadingIt() throws Exception {
        byte[] envelope = "{\"ok\":false,\"error\":{\"code\":\"PAYLOAD_TOO_LARGE\",\"message\":\"too big\"}}"
                .getBytes(StandardCharsets.UTF_8);
        running = Servers.start(handler(r -> r.contentLength().orElse(0) > 1024 * 1024
                ? HttpResponse.of(413, Headers.builder()
                        .set("Content-Type", "application/json")
                        .set("Connection", "close")
                        .build(), envelope)
                : json(200, "{}")));

        long started = System.nanoTime();
        try (RawHttp raw = new RawHttp(running.port())) {
            raw.send("POST /api/agent HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 10485760\r\n\r\n");
            RawHttp.Response response = raw.read();
            assertEquals(413, response.status());
            assertEquals("close", response.header("Connection"));
            assertEquals("application/json", response.header("Content-Type"));
            assertArrayEquals(envelope, response.body());
            assertEquals(-1, raw.readToEnd(), "the server closes the connection without draining the body");
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "answered in " + took);
    }

    @Test
    void largeAndChunkedBodiesUnderTheLimitReachTheCoreWhole() throws Exception {
        running = Servers.start(handler(r -> {
            try (InputStream in = r.body()) {
                long n = in.transferTo(java.io.OutputStream.nullOutputStream());
                return json(200, "{\"n\":" + n + ",\"declared\":" + r.contentLength().orElse(-1) + "}");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }), Servers.options().maxBodyBytes(4 * 1024 * 1024).build());

        byte[] big = new byte[3 * 1024 * 1024];
        var fixed = HTTP.send(java.net.http.HttpRequest.newBuilder(uri(running, "/api/agent"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(big)).build(), BodyHandlers.ofString());
        assertEquals(200, fixed.statusCode());
        assertEquals("{\"n\":3145728,\"declared\":3145728}", fixed.body());

        var chunked = HTTP.send(java.net.http.HttpRequest.newBuilder(uri(running, "/api/agent"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .build(), BodyHandlers.ofString());
        assertEquals(200, chunked.statusCode());
        assertEquals("{\"n\":3145728,\"declared\":-1}", chunked.body());
    }

    @Test
    void headsOverMaxHeaderBytesAreRefusedAndSmallerOnesPass() throws Exception {
        running = Servers.start(handler(r -> json(200, "{}")), Servers.options().maxHeaderBytes(1024).build());
        try (RawHttp raw = new RawHttp(running.port())) {
            raw.send("GET / HTTP/1.1\r\nHost: x\r\nX-Pad: " + "a".repeat(500) + "\r\n\r\n");
            assertEquals(200, raw.read().status());
        }
        try (RawHttp raw = new RawHttp(running.port())) {
            raw.send("GET / HTTP/1.1\r\nHost: x\r\nX-Pad: " + "a".repeat(2000) + "\r\n\r\n");
            int status = raw.read().status();
            assertTrue(status == 400 || status == 431, "status " + status);
        }
    }

    @Test
    void idleKeepAliveConnectionsAreClosedAfterTheIdleTimeout() throws Exception {
        running = Servers.start(handler(r -> json(200, "{}")),
                Servers.options().idleTimeout(Duration.ofMillis(200)).build());
        try (RawHttp raw = new RawHttp(running.port())) {
            raw.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, raw.read().status());
            long started = System.nanoTime();
            assertEquals(-1, raw.readToEnd(), "the idle connection is closed by the server");
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertTrue(took.compareTo(Duration.ofMillis(3_000)) < 0, "closed after " + took);
        }
    }
}
