package dev.portico.server.undertow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.Headers;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.RunningTransport;
import dev.portico.api.transport.TransportCapability;
import dev.portico.api.transport.TransportException;
import dev.portico.api.transport.TransportOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Plain HTTP through the Undertow adapter, checked on the wire. */
class UndertowHttpIT {
    private RunningTransport running;

    @AfterEach
    void stop() {
        if (running != null) {
            running.stop(Duration.ZERO);
        }
    }

    private int start(GatewayHandler handler) {
        return start(handler, UnaryOperator.identity());
    }

    private int start(GatewayHandler handler, UnaryOperator<TransportOptions.Builder> options) {
        running = new UndertowTransport().start(handler, options.apply(TransportOptions.builder().port(0)).build());
        return running.port();
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void nameCapabilitiesAndRealPort() {
        UndertowTransport transport = new UndertowTransport();
        assertEquals("undertow", transport.name());
        assertEquals(EnumSet.allOf(TransportCapability.class), transport.capabilities());
        int port = start(TestHandler.http(r -> HttpResponse.text(200, "text/plain", "ok")));
        assertTrue(port > 0, "port " + port);
        assertEquals(port, running.address().getPort());
        assertTrue(running.address().getAddress().isLoopbackAddress(), running.address().toString());
    }

    @Test
    void requestAndResponsePassThroughUnchanged() throws Exception {
        AtomicReference<HttpRequest> seen = new AtomicReference<>();
        AtomicReference<String> seenBody = new AtomicReference<>();
        AtomicBoolean virtual = new AtomicBoolean();
        int port = start(TestHandler.http(request -> {
            seen.set(request);
            seenBody.set(text(readAll(request.body())));
            virtual.set(Thread.currentThread().isVirtual());
            return HttpResponse.of(201, Headers.builder()
                    .add("Content-Type", "text/plain; charset=utf-8")
                    .add("X-Multi", "a")
                    .add("X-Multi", "b")
                    .build(), "créé ✓".getBytes(StandardCharsets.UTF_8));
        }));

        try (RawHttp http = new RawHttp(port, 5000)) {
            http.send("post /a%20b/c%2Fd?x=1&y=%20z HTTP/1.1\r\nHost: localhost\r\nX-Multi: one\r\nX-Multi: two\r\n"
                    + "X-CASE: v\r\nContent-Length: 5\r\n\r\nhello");
            RawHttp.Head head = http.readHead();
            byte[] body = http.readBody(head);

            assertEquals(201, head.status());
            assertEquals(List.of("a", "b"), head.all("X-Multi"));
            assertEquals("text/plain; charset=utf-8", head.first("Content-Type"));
            assertEquals(String.valueOf("créé ✓".getBytes(StandardCharsets.UTF_8).length), head.first("Content-Length"));
            assertEquals("créé ✓", text(body));
            assertNull(head.first("Server"), "no Server header");
            assertNull(head.first("Connection"), "no Connection header on a keep-alive response");
            assertNull(head.first("Transfer-Encoding"));
        }

        HttpRequest request = seen.get();
        assertEquals("POST", request.method());
        assertEquals("/a%20b/c%2Fd", request.path());
        assertEquals("x=1&y=%20z", request.rawQuery());
        assertEquals(" z", request.queryParam("y").orElseThrow());
        assertEquals(List.of("one", "two"), request.headers().all("x-multi"));
        assertEquals("v", request.headers().first("x-case").orElseThrow());
        assertEquals(5L, request.contentLength().orElseThrow());
        assertTrue(request.remoteAddress().getAddress().isLoopbackAddress(), request.remoteAddress().toString());
        assertFalse(request.secure());
        assertEquals("hello", seenBody.get());
        assertTrue(virtual.get(), "handler runs on a virtual thread");
    }

    @Test
    void keepAliveConnectionServesSeveralRequests() throws Exception {
        int port = start(TestHandler.http(r -> HttpResponse.text(200, "text/plain", r.path())));
        try (RawHttp http = new RawHttp(port, 5000)) {
            for (String path : List.of("/one", "/two", "/three")) {
                http.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
                RawHttp.Head head = http.readHead();
                assertEquals(200, head.status());
                assertEquals(path, text(http.readBody(head)));
            }
        }
    }

    @Test
    void bodyIsAStreamTheHandlerReadsWithABound() throws Exception {
        int port = start(TestHandler.http(request -> {
            // readNBytes ends with a zero-length read, and the stream is closed before the rest
            // of the body has arrived: neither may block.
            try (InputStream in = request.body()) {
                byte[] first = in.readNBytes(10);
                return HttpResponse.text(200, "text/plain", "read " + first.length + ": " + text(first));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
        // Only 10 of the announced 100000 bytes are ever sent: an adapter that buffered the body
        // would never call the handler.
        try (RawHttp http = new RawHttp(port, 5000)) {
            http.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n0123456789");
            RawHttp.Head head = http.readHead();
            assertEquals(200, head.status());
            assertEquals("read 10: 0123456789", text(http.readBody(head)));
        }
        // The same with a chunked body whose end never comes.
        try (RawHttp http = new RawHttp(port, 5000)) {
            http.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\na\r\nabcdefghij\r\n");
            RawHttp.Head head = http.readHead();
            assertEquals(200, head.status());
            assertEquals("read 10: abcdefghij", text(http.readBody(head)));
        }
    }

    @Test
    void connectionCloseAnswerComesFastWithoutReadingAnAnnouncedTenMebibyteBody() throws Exception {
        AtomicBoolean bodyTouched = new AtomicBoolean();
        String envelope = "{\"ok\":false,\"error\":{\"code\":\"PAYLOAD_TOO_LARGE\",\"message\":\"body over 1048576 bytes\"}}";
        int port = start(TestHandler.http(request -> {
            bodyTouched.set(false);
            return HttpResponse.of(413, Headers.builder()
                    .set("Content-Type", "application/json")
                    .set("Connection", "close")
                    .build(), envelope.getBytes(StandardCharsets.UTF_8));
        }));
        long started = System.nanoTime();
        try (RawHttp http = new RawHttp(port, 5000)) {
            http.send("POST /api/agent HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 10485760\r\n\r\n");
            RawHttp.Head head = http.readHead();
            byte[] body = http.readBody(head);
            assertEquals(413, head.status());
            assertEquals(List.of("close"), head.all("Connection"), "exactly one Connection: close");
            assertEquals("application/json", head.first("Content-Type"));
            assertEquals(envelope, text(body));
            assertTrue(http.closedByServer(), "the server closes the connection after the 413");
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(millis < 2000, "413 and close took " + millis + " ms");
        assertFalse(bodyTouched.get());

        // A client that already sent part of the body still reads the whole answer.
        try (RawHttp http = new RawHttp(port, 5000)) {
            http.send("POST /api/agent HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 10485760\r\n\r\n" + "x".repeat(64 * 1024));
            RawHttp.Head head = http.readHead();
            assertEquals(413, head.status());
            assertEquals(envelope, text(http.readBody(head)));
        }
    }

    @Test
    void bodiesUpToMaxBodyBytesReachTheHandlerEvenAboveUndertowsOwnDefaultLimit() throws Exception {
        long max = 3L * 1024 * 1024;
        int port = start(TestHandler.http(request -> {
            try (InputStream in = request.body()) {
                long n = in.transferTo(java.io.OutputStream.nullOutputStream());
                return HttpResponse.text(200, "text/plain", Long.toString(n));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }), o -> o.maxBodyBytes(max));
        HttpClient client = HttpClient.newHttpClient();
        for (long size : new long[] {max, max + 1}) {
            java.net.http.HttpResponse<String> response = client.send(
                    java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/upload"))
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[(int) size]))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), "status for " + size + " bytes: " + response.body());
            assertEquals(Long.toString(size), response.body());
        }
    }

    @Test
    void failingHandlerAnswersTheInternalErrorEnvelope() throws Exception {
        int port = start(TestHandler.http(request -> {
            throw new IllegalStateException("boom");
        }));
        try (RawHttp http = new RawHttp(port, 5000)) {
            http.send("GET /explode HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Head head = http.readHead();
            assertEquals(500, head.status());
            assertEquals("application/json", head.first("Content-Type"));
            assertEquals("{\"ok\":false,\"error\":{\"code\":\"INTERNAL_ERROR\",\"message\":\"internal error\"}}",
                    text(http.readBody(head)));
        }
    }

    @Test
    void requestHeadsOverMaxHeaderBytesAreRefused() throws Exception {
        int port = start(TestHandler.http(r -> HttpResponse.text(200, "text/plain", "ok")), o -> o.maxHeaderBytes(8 * 1024));
        try (RawHttp http = new RawHttp(port, 5000)) {
            http.send("GET / HTTP/1.1\r\nHost: x\r\nX-Pad: " + "a".repeat(4 * 1024) + "\r\n\r\n");
            RawHttp.Head head = http.readHead();
            assertEquals(200, head.status());
            http.readBody(head);
        }
        try (RawHttp http = new RawHttp(port, 5000)) {
            http.send("GET / HTTP/1.1\r\nHost: x\r\nX-Pad: " + "a".repeat(12 * 1024) + "\r\n\r\n");
            int status;
            try {
                status = http.readHead().status();
            } catch (IOException closed) {
                status = -1;
            }
            assertNotEquals(200, status, "a 12 KiB head over an 8 KiB limit must not be served");
        }
    }

    @Test
    void idleKeepAliveConnectionsAreClosedAfterTheIdleTimeout() throws Exception {
        int port = start(TestHandler.http(r -> HttpResponse.text(200, "text/plain", "ok")),
                o -> o.idleTimeout(Duration.ofMillis(300)));
        try (RawHttp http = new RawHttp(port, 5000)) {
            http.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Head head = http.readHead();
            assertEquals(200, head.status());
            http.readBody(head);
            long idleFrom = System.nanoTime();
            assertTrue(http.closedByServer(), "idle connection closed");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - idleFrom);
            assertTrue(millis >= 200 && millis < 4000, "closed after " + millis + " ms");
        }
    }

    @Test
    void expectContinueIsAnsweredWhenTheHandlerReadsTheBody() throws Exception {
        int port = start(TestHandler.http(request -> HttpResponse.text(200, "text/plain", text(readAll(request.body())))));
        try (RawHttp http = new RawHttp(port, 5000)) {
            http.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            assertEquals(100, http.readHead().status());
            http.send("hello");
            RawHttp.Head head = http.readHead();
            assertEquals(200, head.status());
            assertEquals("hello", text(http.readBody(head)));
        }
    }

    @Test
    void headRequestsGetTheLengthWithoutTheBody() throws Exception {
        int port = start(TestHandler.http(request -> HttpResponse.text(200, "text/plain", "twelve bytes")));
        try (RawHttp http = new RawHttp(port, 5000)) {
            http.send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Head head = http.readHead();
            assertEquals(200, head.status());
            assertEquals("12", head.first("Content-Length"));
            RawHttp.Head next = http.readHead();
            assertEquals(200, next.status());
            assertArrayEquals("twelve bytes".getBytes(StandardCharsets.UTF_8), http.readBody(next));
        }
    }

    @Test
    void portInUseIsATransportExceptionNamingTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            TransportException e = assertThrows(TransportException.class, () -> new UndertowTransport().start(
                    TestHandler.http(r -> HttpResponse.text(200, "text/plain", "ok")),
                    TransportOptions.builder().host("127.0.0.1").port(port).build()));
            assertEquals("127.0.0.1:" + port + ": address already in use", e.getMessage());
        }
    }

    @Test
    void handlerMayBlockWhileOtherRequestsAreServed() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        int port = start(TestHandler.http(request -> {
            if (request.path().equals("/block")) {
                entered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return HttpResponse.text(200, "text/plain", request.path());
        }));
        try (RawHttp blocked = new RawHttp(port, 5000); RawHttp other = new RawHttp(port, 5000)) {
            blocked.send("GET /block HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(entered.await(5, TimeUnit.SECONDS));
            other.send("GET /free HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Head head = other.readHead();
            assertEquals("/free", text(other.readBody(head)));
            release.countDown();
            RawHttp.Head late = blocked.readHead();
            assertEquals("/block", text(blocked.readBody(late)));
        }
    }

    @Test
    void largeResponsesAreWrittenWhileTheClientReadsSlowly() throws Exception {
        byte[] big = new byte[16 * 1024 * 1024];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        int port = start(TestHandler.http(request -> HttpResponse.of(200, Headers.empty(), big)));
        try (RawHttp http = new RawHttp(port, 5000)) {
            http.socket().setReceiveBufferSize(16 * 1024);
            http.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttp.Head head = http.readHead();
            assertEquals(String.valueOf(big.length), head.first("Content-Length"));
            assertArrayEquals(big, http.readBody(head));
        }
    }

    @Test
    void waitingForABodyDoesNotCostAFileDescriptorPerRequest() throws Exception {
        java.nio.file.Path fds = java.nio.file.Path.of("/proc/self/fd");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(fds), "needs /proc/self/fd");
        java.util.concurrent.BlockingQueue<CountDownLatch> reading = new java.util.concurrent.LinkedBlockingQueue<>();
        int port = start(TestHandler.http(request -> {
            try {
                reading.take().countDown();
                return HttpResponse.text(200, "text/plain", text(request.body().readAllBytes()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }));
        long before;
        try (java.util.stream.Stream<java.nio.file.Path> open = java.nio.file.Files.list(fds)) {
            before = open.count();
        }
        CountDownLatch never = new CountDownLatch(1);
        for (int i = 0; i < 200; i++) {
            try (RawHttp http = new RawHttp(port, 5000)) {
                CountDownLatch handlerReads = new CountDownLatch(1);
                reading.add(handlerReads);
                http.send("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n");
                assertTrue(handlerReads.await(5, TimeUnit.SECONDS));
                // The body comes a moment after the handler started reading, so the read must wait.
                never.await(1, TimeUnit.MILLISECONDS);
                http.send("hello");
                RawHttp.Head head = http.readHead();
                assertEquals("hello", text(http.readBody(head)));
            }
        }
        long after;
        try (java.util.stream.Stream<java.nio.file.Path> open = java.nio.file.Files.list(fds)) {
            after = open.count();
        }
        assertTrue(after - before < 40, "open file descriptors went from " + before + " to " + after);
    }

    @Test
    void absoluteFormTargetsAreReducedToTheirPath() throws Exception {
        AtomicReference<HttpRequest> seen = new AtomicReference<>();
        int port = start(TestHandler.http(request -> {
            seen.set(request);
            return HttpResponse.text(200, "text/plain", "ok");
        }));
        try (RawHttp http = new RawHttp(port, 5000)) {
            http.send("GET http://example.com:8080/api/chat/history?session=a%2Fb HTTP/1.1\r\nHost: example.com\r\n\r\n");
            RawHttp.Head head = http.readHead();
            assertEquals(200, head.status());
        }
        assertEquals("/api/chat/history", seen.get().path());
        assertEquals("session=a%2Fb", seen.get().rawQuery());
        assertEquals("a/b", seen.get().queryParam("session").orElseThrow());
    }
}
