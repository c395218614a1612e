package dev.portico.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

/** What {@code GET /api/config} redacts: every secret the log would, by the key that holds it. */
class FileConfigServiceTest {
    private static JsonObject parse(String json) {
        return Json.createReader(new StringReader(json)).readObject();
    }

    @Test
    void everySecretKeyIsRedactedAndReferencesStayWhereAsked() {
        JsonObject doc = parse("""
                {"gateway": {"auth": {"token": "t0ken-0123456789", "allowQueryToken": true,
                  "credentials": [{"label": "ci", "token": "${CI_TOKEN}", "role": "viewer"}]},
                  "channels": [{"type": "webhook", "secret": "s3cret", "standardWebhooks": "whsec_abc",
                                "callbackUrl": "http://127.0.0.1:9/cb"},
                               {"type": "slack", "botToken": "xoxb-1", "signingSecret": "sig"}]},
                 "providers": {"p": {"base_url": "http://127.0.0.1:9/v1", "api_key": "sk-1"}}}
                """);
        JsonObject kept = FileConfigService.redact(doc, true).asJsonObject();
        assertEquals(parse("""
                {"gateway": {"auth": {"token": "[redacted]", "allowQueryToken": true,
                  "credentials": [{"label": "ci", "token": "${CI_TOKEN}", "role": "viewer"}]},
                  "channels": [{"type": "webhook", "secret": "[redacted]", "standardWebhooks": "[redacted]",
                                "callbackUrl": "http://127.0.0.1:9/cb"},
                               {"type": "slack", "botToken": "[redacted]", "signingSecret": "[redacted]"}]},
                 "providers": {"p": {"base_url": "http://127.0.0.1:9/v1", "api_key": "[redacted]"}}}
                """), kept);
        assertEquals("[redacted]", FileConfigService.redact(doc, false).asJsonObject().getJsonObject("gateway")
                .getJsonObject("auth").getJsonArray("credentials").getJsonObject(0).getString("token"),
                "the effective view redacts references too");
    }
}
