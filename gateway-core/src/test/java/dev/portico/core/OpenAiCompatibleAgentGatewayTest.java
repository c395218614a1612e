package dev.portico.core;

import static dev.portico.core.FakeUpstream.deltas;
import static dev.portico.core.FakeUpstream.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.ResponseBody;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OpenAI-compatible agent behind the whole gateway: what an API client sees. */
class OpenAiCompatibleAgentGatewayTest {
    static final String TOKEN = "test-token-0123456789";
    static final String KEY = "sk-test-GATEWAYKEY-0123456789";

    FakeUpstream upstream;
    GatewayHandler handler;

    @BeforeEach
    void start() throws Exception {
        upstream = FakeUpstream.start();
        OpenAiCompatibleAgent agent = OpenAiCompatibleAgent.builder()
                .provider("openai", upstream.baseUrl(), KEY)
                .primary("openai/gpt-4o")
                .systemPrompt("Be brief.")
                .build();
        handler = Gateway.builder().token(TOKEN).agent(agent).build().handler();
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    static HttpRequest.Builder post(String json) {
        return HttpRequest.builder().method("POST").target("/api/agent").header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json").body(json);
    }

    @Test
    void streamsTheUpstreamDeltasAsTokenEventsAndNamesTheModel() throws Exception {
        upstream.enqueue(deltas("Bon", "jour", " 🌍"));
        HttpResponse r = handler.handle(post("{\"message\":\"hello\",\"session\":\"s-1\"}")
                .header("Accept", "text/event-stream").build());
        assertEquals(200, r.status());
        List<SseCapture.Event> events = SseCapture.parse(SseCapture.collect(r));

        List<String> tokens = new ArrayList<>();
        for (SseCapture.Event e : events) {
            if (e.name().equals("token")) {
                tokens.add(json(e.data()).getString("delta"));
            }
        }
        assertEquals(List.of("Bon", "jour", " 🌍"), tokens);
        SseCapture.Event last = events.get(events.size() - 1);
        assertEquals("result", last.name());
        JsonObject result = json(last.data());
        assertEquals("Bonjour 🌍", result.getString("reply"));
        assertEquals("openai/gpt-4o", result.getString("model"));

        JsonObject sent = upstream.takeRequest().json();
        assertEquals("hello", sent.getJsonArray("messages").getJsonObject(1).getString("content"));

        // The next turn of the session carries the first one as history.
        upstream.enqueue(deltas("again"));
        HttpResponse second = handler.handle(post("{\"message\":\"more\",\"session\":\"s-1\"}").build());
        JsonObject reply = json(text(second));
        assertEquals("again", reply.getString("reply"));
        assertEquals("openai/gpt-4o", reply.getString("model"));
        List<String> roles = upstream.takeRequest().json().getJsonArray("messages").getValuesAs(JsonObject.class)
                .stream().map(m -> m.getString("role") + ":" + m.getString("content")).toList();
        assertEquals(List.of("system:Be brief.", "user:hello", "assistant:Bonjour 🌍", "user:more"), roles);
    }

    @Test
    void anUpstreamFailureReachesTheClientAsItsCleanReason() throws Exception {
        upstream.enqueue(status(500, "{\"error\":{\"message\":\"model overloaded\"},\"internal\":\"do not show\"}"));
        HttpResponse r = handler.handle(post("{\"message\":\"hello\"}").build());
        assertEquals(502, r.status());
        JsonObject error = json(text(r)).getJsonObject("error");
        assertEquals("AGENT_ERROR", error.getString("code"));
        assertEquals("upstream failed: openai/gpt-4o: 500 server error (model overloaded)", error.getString("message"));

        upstream.enqueue(status(429, ""));
        List<SseCapture.Event> events = SseCapture.parse(SseCapture.collect(handler.handle(post("{\"message\":\"hello\"}")
                .header("Accept", "text/event-stream").build())));
        SseCapture.Event last = events.get(events.size() - 1);
        assertEquals("error", last.name());
        assertEquals("upstream failed: openai/gpt-4o: 429 rate limited",
                json(last.data()).getJsonObject("error").getString("message"));
        assertFalse(last.data().contains(KEY));
    }

    static String text(HttpResponse r) {
        return new String(assertInstanceOf(ResponseBody.Bytes.class, r.body()).bytes(), StandardCharsets.UTF_8);
    }

    static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

}
