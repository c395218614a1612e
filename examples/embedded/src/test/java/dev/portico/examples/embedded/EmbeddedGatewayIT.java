package dev.portico.examples.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.core.RunningGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Smoke test: the example starts, answers with its own agent, and stops. */
class EmbeddedGatewayIT {
    @Test
    void servesItsOwnAgent() throws Exception {
        try (RunningGateway running = EmbeddedGateway.start(0, "embedded-test-token")) {
            HttpClient client = HttpClient.newHttpClient();
            URI base = URI.create("http://127.0.0.1:" + running.port());
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(base.resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            HttpResponse<String> agent = client.send(HttpRequest.newBuilder(base.resolve("/api/agent"))
                    .header("Authorization", "Bearer embedded-test-token")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"hello\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, agent.statusCode());
            assertTrue(agent.body().contains("\"reply\":\"HELLO\""), agent.body());
        }
    }
}
