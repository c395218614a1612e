package dev.portico.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Event fan-out: opens N {@code GET /api/events} streams against a running gateway, publishes one
 * event ({@code POST /api/sessions} → {@code session.created}), and reports how long until every
 * stream has received it. Usage: {@code FanoutBench PORT TOKEN SUBSCRIBERS}. Prints
 * {@code CONNECTED} once all streams are open and waits for a line on stdin before publishing, so a
 * script can sample the server's memory with the subscribers connected.
 */
public final class FanoutBench {
    private FanoutBench() {}

    /**
     * Runs the benchmark.
     *
     * @param args port, token, subscriber count
     * @throws Exception when the gateway cannot be reached
     */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String token = args[1];
        int n = Integer.parseInt(args[2]);
        CountDownLatch connected = new CountDownLatch(n);
        CountDownLatch received = new CountDownLatch(n);
        AtomicInteger failures = new AtomicInteger();
        long[] arrivals = new long[n];
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Socket socket = new Socket("127.0.0.1", port);
            sockets.add(socket);
            int index = i;
            Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write(("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                            + "Authorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                    boolean counted = false;
                    for (String line; (line = in.readLine()) != null; ) {
                        if (!counted && line.equals("event: connected")) {
                            counted = true;
                            connected.countDown();
                        } else if (line.equals("event: session.created")) {
                            arrivals[index] = System.nanoTime();
                            received.countDown();
                            return;
                        }
                    }
                } catch (Exception e) {
                    failures.incrementAndGet();
                }
            });
        }
        if (!connected.await(60, TimeUnit.SECONDS)) {
            System.out.println("only " + (n - connected.getCount()) + " of " + n + " streams connected; failures " + failures.get());
            System.exit(1);
        }
        System.out.println("CONNECTED " + n);
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        long start = System.nanoTime();
        try (Socket s = new Socket("127.0.0.1", port)) {
            String body = "{\"channel\":\"webchat\",\"chat_id\":\"fanout\"}";
            s.getOutputStream().write(("POST /api/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer " + token + "\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body)
                    .getBytes(StandardCharsets.US_ASCII));
            s.getInputStream().readAllBytes();
        }
        boolean all = received.await(60, TimeUnit.SECONDS);
        long last = 0;
        List<Long> delays = new ArrayList<>();
        for (long a : arrivals) {
            if (a != 0) {
                delays.add(a - start);
                last = Math.max(last, a - start);
            }
        }
        delays.sort(null);
        System.out.printf("subscribers %d, received %d%s, first %.1f ms, median %.1f ms, all %.1f ms%n",
                n, delays.size(), all ? "" : " (timed out)", delays.get(0) / 1e6, delays.get(delays.size() / 2) / 1e6, last / 1e6);
        for (Socket s : sockets) {
            s.close();
        }
    }
}
