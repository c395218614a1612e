package dev.portico.examples.customchannel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.portico.core.RunningGateway;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Smoke test: a message queued through the API reaches the push server through the custom channel. */
class PushGatewayIT {
    @Test
    void aQueuedMessageReachesThePushServer() throws Exception {
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        HttpServer push = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        push.createContext("/", exchange -> {
            received.add(exchange.getRequestURI().getPath() + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        push.start();
        try (RunningGateway running = PushGateway.start(0, "push-example-token-123",
                URI.create("http://127.0.0.1:" + push.getAddress().getPort()))) {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + running.port() + "/api/message"))
                    .header("Authorization", "Bearer push-example-token-123")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"channel\":\"push\",\"chat_id\":\"alerts\","
                            + "\"content\":\"disk almost full\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains("\"message_id\""), answer.body());
            String got = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(got, "nothing reached the push server");
            assertEquals("/alerts disk almost full", got);
        } finally {
            push.stop(0);
        }
    }
}
