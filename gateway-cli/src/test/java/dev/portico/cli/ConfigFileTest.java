package dev.portico.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.core.FsyncPolicy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code providers} and {@code agents.defaults} keys of the config file. */
class ConfigFileTest {
    static final Map<String, String> ENV = Map.of("OPENAI_KEY", "sk-from-the-environment-123");

    @TempDir
    Path dir;

    ConfigFile read(String json) throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, json);
        return ConfigFile.read(file, ENV::get);
    }

    String problems(String json) throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, json);
        return assertThrows(ConfigFile.Invalid.class, () -> ConfigFile.read(file, ENV::get)).getMessage();
    }

    @Test
    void readsProvidersAndAgentDefaultsInBothSpellings() throws Exception {
        ConfigFile config = read("""
                {
                  "providers": {
                    "openai": {"base_url": "https://api.openai.com/v1", "api_key": "${OPENAI_KEY}"},
                    "local": {"baseUrl": "http://127.0.0.1:11434/v1"},
                    "router": {"baseUrl": "https://openrouter.ai/api/v1", "apiKey": "literal-key-456"}
                  },
                  "agents": {"defaults": {
                    "model": {"primary": "openai/gpt-4o", "fallbacks": ["local/llama3.2", "router/meta-llama/llama-3-8b"]},
                    "system_prompt": "Be brief.",
                    "history_window": 8,
                    "temperature": 0.3,
                    "maxTokens": 512,
                    "timeout_seconds": 90,
                    "idleTimeoutSeconds": 20
                  }}
                }
                """);
        assertEquals(List.of("openai", "local", "router"), List.copyOf(config.providers().keySet()));
        assertEquals(new ConfigFile.Provider("openai", URI.create("https://api.openai.com/v1"),
                Optional.of("sk-from-the-environment-123")), config.providers().get("openai"));
        assertEquals(Optional.empty(), config.providers().get("local").apiKey());
        assertEquals(Optional.of("literal-key-456"), config.providers().get("router").apiKey());
        assertEquals(new ConfigFile.AgentDefaults(Optional.of("openai/gpt-4o"),
                List.of("local/llama3.2", "router/meta-llama/llama-3-8b"), Optional.of("Be brief."), OptionalInt.of(8),
                OptionalDouble.of(0.3), OptionalInt.of(512), OptionalLong.of(90), OptionalLong.of(20)), config.agentDefaults());
        String shown = config.providers().toString();
        assertFalse(shown.contains("sk-from-the-environment-123") || shown.contains("literal-key-456"), shown);
    }

    @Test
    void aModelGivenAsAStringIsThePrimaryAndNoProvidersMeansNone() throws Exception {
        ConfigFile config = read("""
                {"providers": {"local": {"base_url": "http://127.0.0.1:11434/v1"}},
                 "agents": {"defaults": {"model": "local/qwen2.5"}}}
                """);
        assertEquals(Optional.of("local/qwen2.5"), config.agentDefaults().primary());
        assertEquals(List.of(), config.agentDefaults().fallbacks());

        ConfigFile plain = read("{\"gateway\": {\"port\": 1234}}");
        assertTrue(plain.providers().isEmpty());
        assertEquals(ConfigFile.AgentDefaults.NONE, plain.agentDefaults());
    }

    @Test
    void everyProblemIsNamedAndNoSecretIsShown() throws Exception {
        String m = problems("""
                {
                  "providers": {
                    "openai": {"base_url": "https://api.openai.com/v1", "api_key": "${MISSING_KEY}"},
                    "both": {"base_url": "http://a/v1", "baseUrl": "http://b/v1", "api_key": "literal-secret-789"},
                    "ftp": {"base_url": "ftp://files.example.com"},
                    "nourl": {"api_key": "literal-secret-789"},
                    "odd": {"base_url": "http://127.0.0.1/v1", "api_key": "${not valid}"},
                    "flat": "http://127.0.0.1/v1"
                  },
                  "agents": {"defaults": {
                    "model": {"primary": "gpt-4o", "fallbacks": ["anthropic/claude", 7]},
                    "temperature": 3,
                    "history_window": -1,
                    "max_tokens": "many",
                    "timeout_seconds": 0
                  }}
                }
                """);
        for (String expected : List.of(
                "providers.openai.api_key: environment variable MISSING_KEY is not set",
                "providers.both: base_url and baseUrl both set (expected: one of them)",
                "providers.ftp.base_url: \"ftp://files.example.com\" (expected: an http or https URL",
                "providers.nourl.base_url: required",
                "providers.odd.api_key: a malformed ${...} reference",
                "providers.flat: expected an object",
                "agents.defaults.model.primary: \"gpt-4o\" (expected: \"<provider>/<model>\"",
                "agents.defaults.model.fallbacks[0]: unknown provider \"anthropic\" in \"anthropic/claude\" (expected one of: ",
                "agents.defaults.model.fallbacks[1]: expected a non-empty string",
                "agents.defaults.temperature: 3 (expected: 0..2)",
                "agents.defaults.history_window: -1 (expected: 0..10000)",
                "agents.defaults.max_tokens: expected an integer",
                "agents.defaults.timeout_seconds: 0 (expected: 1..86400)")) {
            assertTrue(m.contains(expected), () -> "missing <" + expected + "> in:\n" + m);
        }
        assertFalse(m.contains("literal-secret-789"), m);
    }

    @Test
    void fallbacksNeedAPrimaryAndAModelNeedsAKnownProvider() throws Exception {
        String m = problems("""
                {"agents": {"defaults": {"model": {"fallbacks": ["x/y"]}}}}
                """);
        assertTrue(m.contains("agents.defaults.model.fallbacks: set without agents.defaults.model.primary"), m);
        assertTrue(m.contains("agents.defaults.model.fallbacks[0]: unknown provider \"x\" in \"x/y\" (expected one of: none configured under providers)"), m);
    }

    @Test
    void runAndEventLimitsAreRead() throws Exception {
        ConfigFile.Limits limits = read("""
                {"gateway": {"limits": {"runQueueTimeoutSeconds": 5, "runGraceSeconds": 60, "maxEventStreams": 7}}}
                """).limits();
        assertEquals(5, limits.runQueueTimeoutSeconds().getAsLong());
        assertEquals(60, limits.runGraceSeconds().getAsLong());
        assertEquals(7, limits.maxEventStreams().getAsInt());
        String m = problems("{\"gateway\": {\"limits\": {\"maxEventStreams\": 0}}}");
        assertTrue(m.contains("gateway.limits.maxEventStreams: 0 (expected: 1.."), m);
    }

    @Test
    void sessionDurabilityIsRead() throws Exception {
        ConfigFile config = read("""
                {"gateway": {"sessions": {"fsync": "batched", "fsyncIntervalMs": 1000}}}
                """);
        assertEquals(Optional.of(FsyncPolicy.BATCHED), config.sessionsFsync());
        assertEquals(1000, config.sessionsFsyncIntervalMs().getAsLong());
        assertTrue(read("{}").sessionsFsyncIntervalMs().isEmpty());
        String m = problems("{\"gateway\": {\"sessions\": {\"fsyncIntervalMs\": 0}}}");
        assertTrue(m.contains("gateway.sessions.fsyncIntervalMs: 0 (expected: 1..10000)"), m);
    }
}
