package dev.portico.core.internal;

import static dev.portico.core.internal.GatewayHandlerTest.assertError;
import static dev.portico.core.internal.GatewayHandlerTest.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.portico.api.transport.HttpRequest;
import dev.portico.api.transport.HttpResponse;
import dev.portico.core.ConfigService;
import dev.portico.core.Gateway;
import dev.portico.core.GatewayBuilder;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code /api/config}: reads redacted, replaces, patches, refuses with every problem. */
class ConfigRoutesTest {
    private static final String TOKEN = "config-routes-token-0123456789";

    /** A document kept in memory; {@code gateway.port} must be a number, {@code token} is secret. */
    static final class MemoryConfig implements ConfigService {
        JsonObject document;
        final List<JsonObject> replaced = new ArrayList<>();

        MemoryConfig(String json) {
            this.document = parse(json);
        }

        @Override
        public JsonObject effective() {
            return redacted(ConfigRoutes.mergePatch(parse("{\"gateway\":{\"host\":\"127.0.0.1\",\"port\":18790}}"),
                    document));
        }

        @Override
        public JsonObject source() {
            return redacted(document);
        }

        private static JsonObject redacted(JsonObject o) {
            var b = Json.createObjectBuilder();
            o.forEach((k, v) -> b.add(k, k.equals("token") ? Json.createValue(REDACTED)
                    : v instanceof JsonObject inner ? redacted(inner) : v));
            return b.build();
        }

        @Override
        public Applied replace(JsonObject next) {
            JsonObject gateway = next.getJsonObject("gateway");
            List<String> problems = new ArrayList<>();
            if (gateway != null && gateway.containsKey("port") && gateway.get("port").getValueType() != JsonValue.ValueType.NUMBER) {
                problems.add("gateway.port: expected an integer");
            }
            if (gateway != null && gateway.containsKey("host") && gateway.get("host").getValueType() != JsonValue.ValueType.STRING) {
                problems.add("gateway.host: expected a non-empty string");
            }
            if (!problems.isEmpty()) {
                throw new Rejected(problems);
            }
            // A redacted secret sent back stands for the one kept.
            JsonObject auth = next.getJsonObject("gateway") == null ? null : next.getJsonObject("gateway").getJsonObject("auth");
            if (auth != null && auth.get("token") instanceof JsonString s && s.getString().equals(REDACTED)) {
                next = ConfigRoutes.mergePatch(next, Json.createObjectBuilder().add("gateway", Json.createObjectBuilder()
                        .add("auth", Json.createObjectBuilder().add("token", document.getJsonObject("gateway")
                                .getJsonObject("auth").get("token")))).build());
            }
            document = next;
            replaced.add(next);
            return new Applied(next.getJsonObject("gateway").containsKey("port") ? List.of("gateway.port") : List.of(),
                    next.containsKey("gatway") ? List.of("gatway: unknown key (did you mean \"gateway\"?)") : List.of());
        }
    }

    private static JsonObject parse(String json) {
        return Json.createReader(new StringReader(json)).readObject();
    }

    private static Gateway gateway(GatewayBuilder b) {
        return b.token(TOKEN).build();
    }

    private static HttpResponse call(Gateway g, String method, String target, String body) {
        HttpRequest.Builder r = HttpRequest.builder().method(method).target(target).header("Authorization", "Bearer " + TOKEN);
        if (body != null) {
            r.header("Content-Type", "application/json").body(body);
        }
        return g.handler().handle(r.build());
    }

    @Test
    void readingRedactsSecretsAndNormalizedAddsTheRawDocument() {
        MemoryConfig config = new MemoryConfig("{\"gateway\":{\"auth\":{\"token\":\"s3cret-value-0123456789\"}}}");
        Gateway g = gateway(Gateway.builder().configService(config));

        HttpResponse plain = call(g, "GET", "/api/config", null);
        assertEquals(200, plain.status());
        JsonObject body = json(plain);
        assertEquals(true, body.getBoolean("ok"));
        assertEquals(18790, body.getJsonObject("config").getJsonObject("gateway").getInt("port"));
        assertEquals(ConfigService.REDACTED, body.getJsonObject("config").getJsonObject("gateway").getJsonObject("auth")
                .getString("token"));
        assertFalse(body.containsKey("raw_config"));
        assertFalse(GatewayHandlerTest.text(plain).contains("s3cret"));

        JsonObject normalized = json(call(g, "GET", "/api/config?mode=normalized", null));
        assertFalse(normalized.getJsonObject("raw_config").getJsonObject("gateway").containsKey("port"),
                "the raw document is the kept one, without defaults");
        assertError(call(g, "GET", "/api/config?mode=hot", null), 400, "INVALID_REQUEST");
    }

    @Test
    void aMergePatchKeepsWhatItDoesNotNameAndRemovesNulls() {
        MemoryConfig config = new MemoryConfig("{\"gateway\":{\"host\":\"127.0.0.1\",\"auth\":{\"token\":\"s3cret-value-0123456789\"},"
                + "\"corsOrigins\":[\"https://a.example\"]}}");
        Gateway g = gateway(Gateway.builder().configService(config));

        HttpResponse r = call(g, "PATCH", "/api/config", "{\"gateway\":{\"port\":18800,\"corsOrigins\":null}}");
        assertEquals(200, r.status(), () -> GatewayHandlerTest.text(r));
        assertEquals(List.of("gateway.port"), json(r).getJsonArray("restart_required").getValuesAs(JsonString.class)
                .stream().map(JsonString::getString).toList());
        assertEquals(parse("{\"gateway\":{\"host\":\"127.0.0.1\",\"auth\":{\"token\":\"s3cret-value-0123456789\"},"
                + "\"port\":18800}}"), config.document, "the secret kept, the null removed, the rest unchanged");

        assertEquals(200, call(g, "POST", "/api/config/patch", "{\"gateway\":{\"host\":\"0.0.0.0\"}}").status());
        assertEquals("0.0.0.0", config.document.getJsonObject("gateway").getString("host"));
    }

    @Test
    void aWholeDocumentReplacesAndARefusedOneListsEveryProblemAndChangesNothing() {
        MemoryConfig config = new MemoryConfig("{\"gateway\":{\"port\":18790}}");
        Gateway g = gateway(Gateway.builder().configService(config));

        HttpResponse bad = call(g, "POST", "/api/config", "{\"gateway\":{\"port\":\"x\",\"host\":1}}");
        assertError(bad, 400, "INVALID_REQUEST");
        assertEquals(List.of("gateway.port: expected an integer", "gateway.host: expected a non-empty string"),
                json(bad).getJsonArray("errors").getValuesAs(JsonString.class).stream().map(JsonString::getString).toList());
        assertEquals(parse("{\"gateway\":{\"port\":18790}}"), config.document);

        HttpResponse ok = call(g, "POST", "/api/config/apply", "{\"gatway\":{},\"gateway\":{\"host\":\"::1\"}}");
        assertEquals(200, ok.status());
        assertEquals("gatway: unknown key (did you mean \"gateway\"?)", json(ok).getJsonArray("warnings").getString(0));
        assertEquals(parse("{\"gatway\":{},\"gateway\":{\"host\":\"::1\"}}"), config.document, "whole: the port is gone");

        assertError(call(g, "POST", "/api/config", "[1]"), 400, "INVALID_REQUEST");
        assertEquals(1, config.replaced.size(), "a body that is not an object never reaches the service");
    }

    @Test
    void withoutAServiceTheRoutesSaySoAndTheyNeedTheAdminScope() {
        Gateway g = gateway(Gateway.builder());
        assertError(call(g, "GET", "/api/config", null), 503, "UNAVAILABLE");
        assertError(call(g, "PATCH", "/api/config", "{}"), 503, "UNAVAILABLE");

        Gateway viewer = Gateway.builder().configService(new MemoryConfig("{}")).credentials(List.of(
                dev.portico.auth.Credential.token("viewer", "viewer-token-0123456789", dev.portico.api.auth.Role.VIEWER)))
                .token(TOKEN).build();
        HttpResponse refused = viewer.handler().handle(HttpRequest.builder().target("/api/config")
                .header("Authorization", "Bearer viewer-token-0123456789").build());
        assertError(refused, 403, "FORBIDDEN");
    }

    @Test
    void mergePatchFollowsRfc7386() {
        JsonObject target = parse("{\"a\":\"b\",\"c\":{\"d\":\"e\",\"f\":\"g\"},\"l\":[1,2]}");
        JsonObject patch = parse("{\"a\":\"z\",\"c\":{\"f\":null},\"l\":[3],\"n\":{\"x\":null,\"y\":1}}");
        assertEquals(parse("{\"a\":\"z\",\"c\":{\"d\":\"e\"},\"l\":[3],\"n\":{\"y\":1}}"),
                ConfigRoutes.mergePatch(target, patch));
        assertEquals(Map.of(), ConfigRoutes.mergePatch(parse("{\"a\":1}"), parse("{\"a\":null}")));
    }
}
