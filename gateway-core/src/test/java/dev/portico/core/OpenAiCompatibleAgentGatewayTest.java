package dev.portico.core;

import static dev.portico.core.FakeUpstream.deltas;
import static dev.portico.core.FakeUpstream.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.api.transport.ResponseBody;
import dev.portico.api.transport.SseOutput;
import dev.portico.api.transport.SseSink;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
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
        List<String[]> events = parse(collect(r));

        List<String> tokens = new ArrayList<>();
        for (String[] e : events) {
            if (e[0].equals("token")) {
                tokens.add(json(e[1]).getString("delta"));
            }
        }
        assertEquals(List.of("Bon", "jour", " 🌍"), tokens);
        String[] last = events.get(events.size() - 1);
        assertEquals("result", last[0]);
        JsonObject result = json(last[1]);
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
        List<String[]> events = parse(collect(handler.handle(post("{\"message\":\"hello\"}")
                .header("Accept", "text/event-stream").build())));
        String[] last = events.get(events.size() - 1);
        assertEquals("error", last[0]);
        assertEquals("upstream failed: openai/gpt-4o: 429 rate limited",
                json(last[1]).getJsonObject("error").getString("message"));
        assertFalse(last[1].contains(KEY));
    }

    static String text(HttpResponse r) {
        return new String(assertInstanceOf(ResponseBody.Bytes.class, r.body()).bytes(), StandardCharsets.UTF_8);
    }

    static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    /** Runs an SSE body to its end and returns what the client would have received. */
    static String collect(HttpResponse r) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SseSink sink = SseSink.over(new SseOutput() {
            @Override
            public void writeAndFlush(byte[] bytes) {
                out.writeBytes(bytes);
            }

            @Override
            public void close() {}
        });
        assertInstanceOf(ResponseBody.Stream.class, r.body()).producer().produce(sink);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** {event, data} per event. */
    static List<String[]> parse(String stream) {
        List<String[]> events = new ArrayList<>();
        for (String block : stream.split("\n\n")) {
            String name = null;
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
            if (name != null) {
                events.add(new String[] {name, data.toString()});
            }
        }
        assertTrue(events.size() >= 2, stream);
        return events;
    }
}
