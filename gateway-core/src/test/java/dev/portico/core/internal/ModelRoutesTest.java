package dev.portico.core.internal;

import static dev.portico.core.internal.GatewayHandlerTest.TOKEN;
import static dev.portico.core.internal.GatewayHandlerTest.json;
import static dev.portico.core.internal.GatewayHandlerTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.transport.GatewayHandler;
import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.core.Gateway;
import dev.portico.core.OpenAiCompatibleAgent;
import jakarta.json.JsonObject;
import java.net.URI;
import org.junit.jupiter.api.Test;

class ModelRoutesTest {
    static HttpResponse get(GatewayHandler h, String target) {
        return h.handle(HttpRequest.builder().target(target).header("Authorization", "Bearer " + TOKEN).build());
    }

    @Test
    void theEchoAgentIsTheOnlyModel() {
        GatewayHandler h = Gateway.builder().token(TOKEN).build().handler();
        assertEquals(0, json(get(h, "/api/providers")).getJsonArray("providers").size());
        JsonObject model = json(get(h, "/api/models")).getJsonArray("models").getJsonObject(0);
        assertEquals("echo", model.getString("id"));
        assertEquals("primary", model.getString("role"));
    }

    @Test
    void configuredProvidersAndModelsWithoutSecrets() {
        OpenAiCompatibleAgent agent = OpenAiCompatibleAgent.builder()
                .provider("openai", URI.create("https://api.example.test/v1"), "sk-secret-value-123")
                .provider("local", URI.create("http://127.0.0.1:11434/v1"))
                .primary("openai/gpt-4o")
                .fallback("local/llama3")
                .build();
        GatewayHandler h = Gateway.builder().token(TOKEN).agent(agent).build().handler();
        HttpResponse providers = get(h, "/api/providers");
        assertFalse(text(providers).contains("sk-secret"), "the key is never shown");
        JsonObject openai = json(providers).getJsonArray("providers").getJsonObject(0);
        assertEquals("openai", openai.getString("name"));
        assertEquals("https://api.example.test/v1", openai.getString("base_url"));
        assertTrue(openai.getBoolean("has_api_key"));
        JsonObject fallback = json(get(h, "/api/models")).getJsonArray("models").getJsonObject(1);
        assertEquals("local/llama3", fallback.getString("id"));
        assertEquals("llama3", fallback.getString("model"));
        assertEquals("fallback", fallback.getString("role"));
    }
}
