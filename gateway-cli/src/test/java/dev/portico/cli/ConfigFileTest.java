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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the config file: the model keys, the limits and the security keys, and their errors. */
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

    @Test
    void theSchedulerKeysAreReadAndChecked() throws Exception {
        ConfigFile.Cron cron = read("""
                {"gateway": {"cron": {"poolSize": 8, "timeoutSeconds": 120, "timezone": "Europe/Berlin"}}}
                """).cron();
        assertEquals(8, cron.poolSize().getAsInt());
        assertEquals(120, cron.timeoutSeconds().getAsLong());
        assertEquals(Optional.of(java.time.ZoneId.of("Europe/Berlin")), cron.timezone());
        assertEquals(ConfigFile.Cron.NONE, read("{}").cron());

        String m = problems("""
                {"gateway": {"cron": {"poolSize": 257, "timeoutSeconds": 0, "timezone": "Mars/Olympus"}}}
                """);
        assertTrue(m.contains("gateway.cron.poolSize: 257 (expected: 1..256)"), m);
        assertTrue(m.contains("gateway.cron.timeoutSeconds: 0 (expected: > 0)"), m);
        assertTrue(m.contains("gateway.cron.timezone: \"Mars/Olympus\" is not a time zone (expected: an IANA zone"), m);
        assertTrue(problems("{\"gateway\": {\"cron\": {\"poolSize\": 0}}}").contains("gateway.cron.poolSize: 0"));
        assertTrue(problems("{\"gateway\": {\"cron\": []}}").contains("gateway.cron: expected an object"));
    }

    @Test
    void theLoggingKeysAreReadAndChecked() throws Exception {
        ConfigFile.Logging logging = read("{\"gateway\": {\"logging\": {\"level\": \"Debug\", \"requests\": true}}}")
                .logging();
        assertEquals(Optional.of(java.util.logging.Level.FINE), logging.level());
        assertEquals(Optional.of(true), logging.requests());
        assertEquals(Optional.of(java.util.logging.Level.WARNING), read("{\"gateway\": {\"logging\": {\"level\": \"warn\"}}}")
                .logging().level());
        assertEquals(ConfigFile.Logging.NONE, read("{}").logging());

        String m = problems("{\"gateway\": {\"logging\": {\"level\": \"loud\", \"requests\": \"yes\", \"lvl\": 1}}}");
        assertTrue(m.contains("gateway.logging.level: loud (expected: trace, debug, info, warn or error)"), m);
        assertTrue(m.contains("gateway.logging.requests: expected true or false"), m);
        assertTrue(m.contains("warning: gateway.logging.lvl: unknown key (did you mean \"level\"?)"), m);
    }

    @Test
    void aClientReadingTheFileIsStoppedOnlyByTheKeysItReads() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, """
                {"gateway": {"port": 18800, "auth": {"token": "${PORTICO_CLIENT_TOKEN}"}, "cron": {"timezone": "Mars/Olympus"}},
                 "providers": {"openai": {"base_url": "https://api.openai.com/v1", "api_key": "${OPENAI_SURELY_UNSET}"}},
                 "agents": {"defaults": {"model": "openai/gpt-4o"}}}
                """);
        ConfigFile config = ConfigFile.read(file, Map.of("PORTICO_CLIENT_TOKEN", "client-token-0123456789")::get,
                problem -> problem.startsWith("gateway.port") || problem.startsWith("gateway.auth.token"));
        assertEquals(18800, config.port().getAsInt());
        assertEquals(Optional.of("client-token-0123456789"), config.auth().token());
        String m = assertThrows(ConfigFile.Invalid.class, () -> ConfigFile.read(file, Map.<String, String>of()::get,
                problem -> problem.startsWith("gateway.auth.token"))).getMessage();
        assertTrue(m.contains("gateway.auth.token: environment variable PORTICO_CLIENT_TOKEN is not set"), m);
        assertFalse(m.contains("OPENAI_SURELY_UNSET") || m.contains("Mars/Olympus"), m);
    }

    @Test
    void securityKeysAreRead() throws Exception {
        ConfigFile config = read("""
                {"gateway": {
                  "corsOrigins": ["https://console.example.com", "*"],
                  "trustedProxies": ["10.0.0.5", "fd00::/8"],
                  "rateLimits": {"chat": 30, "default": 0},
                  "auth": {"rateLimit": {"enabled": true, "maxAttempts": 3, "windowMs": 1000, "blockDurationMs": 2000}}
                }}
                """);
        assertEquals(List.of("https://console.example.com", "*"), config.corsOrigins());
        assertEquals(List.of("10.0.0.5", "fd00::/8"), config.trustedProxies());
        assertEquals(Map.of("chat", 30, "default", 0), config.rateLimits());
        assertEquals(new ConfigFile.FailedAuthLimit(true, 3, 1000, 2000), config.auth().rateLimit());

        ConfigFile off = read("{\"gateway\": {\"auth\": {\"rateLimit\": {\"enabled\": false}}}}");
        assertEquals(new ConfigFile.FailedAuthLimit(false, 10, 60_000, 300_000), off.auth().rateLimit());
    }

    @Test
    void withoutSecurityKeysTheGatewayDefaultsApply() throws Exception {
        ConfigFile config = read("{\"gateway\": {\"port\": 1234}}");
        assertEquals(List.of(), config.corsOrigins());
        assertEquals(List.of(), config.trustedProxies());
        assertEquals(Map.of(), config.rateLimits());
        assertEquals(new ConfigFile.FailedAuthLimit(true, 10, 60_000, 300_000), config.auth().rateLimit());
    }

    @Test
    void securityKeyProblemsNameTheirPath() throws Exception {
        String m = problems("""
                {"gateway": {
                  "corsOrigins": "https://console.example.com",
                  "trustedProxies": ["10.0.0.0/8", 7],
                  "rateLimits": {"chat": -1, "strict": "many", "burst": 5, "default": 100000001},
                  "auth": {"rateLimit": {"enabled": "yes", "maxAttempts": 0, "windowMs": -5, "blockDurationMs": 1.5}}
                }}
                """);
        for (String expected : List.of(
                "gateway.corsOrigins: expected a list of strings",
                "gateway.trustedProxies[1]: expected a non-empty string",
                "gateway.rateLimits.chat: -1 (expected: 0..100000000)",
                "gateway.rateLimits.strict: expected an integer",
                "gateway.rateLimits.burst: unknown class (expected: one of chat, strict, default)",
                "gateway.rateLimits.default: 100000001 (expected: 0..100000000)",
                "gateway.auth.rateLimit.enabled: expected true or false",
                "gateway.auth.rateLimit.maxAttempts: 0 (expected: > 0)",
                "gateway.auth.rateLimit.windowMs: -5 (expected: > 0)",
                "gateway.auth.rateLimit.blockDurationMs: expected an integer")) {
            assertTrue(m.contains(expected), () -> "missing <" + expected + "> in:\n" + m);
        }
    }

    @Test
    void originsAndProxiesAreCheckedAsTheGatewayChecksThem() throws Exception {
        String m = problems("""
                {"gateway": {
                  "corsOrigins": ["https://console.example.com", "console.example.com"],
                  "trustedProxies": ["10.0.0.0/33"]
                }}
                """);
        assertTrue(m.contains("gateway.corsOrigins[1]: console.example.com (expected: http(s)://host[:port])"), m);
        assertTrue(m.contains("gateway.trustedProxies[0]: 10.0.0.0/33"), m);

        String shapes = problems("""
                {"gateway": {"rateLimits": [60], "auth": {"rateLimit": true}}}
                """);
        assertTrue(shapes.contains("gateway.rateLimits: expected an object"), shapes);
        assertTrue(shapes.contains("gateway.auth.rateLimit: expected an object"), shapes);

        String big = problems("{\"gateway\": {\"auth\": {\"rateLimit\": {\"maxAttempts\": 3000000000}}}}");
        assertTrue(big.contains("gateway.auth.rateLimit.maxAttempts: 3000000000 (expected: > 0, at most 2147483647)"), big);
    }

    ConfigFile read(String json, Map<String, String> env) throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, json);
        return ConfigFile.read(file, env::get);
    }

    String problems(String json, Map<String, String> env) throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, json);
        return assertThrows(ConfigFile.Invalid.class, () -> ConfigFile.read(file, env::get)).getMessage();
    }

    @Test
    void referencesAreReplacedInEveryStringEmbeddedOrWhole() throws Exception {
        ConfigFile config = read("""
                {"gateway": {"host": "${BIND}", "server": "${SERVER:-undertow}",
                             "corsOrigins": ["https://${CONSOLE_HOST}:${CONSOLE_PORT:-8443}"],
                             "cron": {"timezone": "${TZ_NAME:-UTC}"}},
                 "providers": {"local": {"base_url": "http://${LLM_HOST:-localhost}:11434/v1"}},
                 "agents": {"defaults": {"model": "local/${MODEL}", "system_prompt": "You serve ${USER_NAME}."}}}
                """, Map.of("BIND", "0.0.0.0", "CONSOLE_HOST", "console.example.com", "LLM_HOST", "gpu-box",
                "MODEL", "llama3.2", "USER_NAME", "Ada", "TZ_NAME", ""));
        assertEquals(Optional.of("0.0.0.0"), config.host());
        assertEquals(Optional.of("undertow"), config.server(), "the default of an unset variable");
        assertEquals(List.of("https://console.example.com:8443"), config.corsOrigins());
        assertEquals(Optional.of(java.time.ZoneId.of("UTC")), config.cron().timezone(), "an empty variable takes the default");
        assertEquals(URI.create("http://gpu-box:11434/v1"), config.providers().get("local").baseUrl());
        assertEquals(Optional.of("local/llama3.2"), config.agentDefaults().primary());
        assertEquals(Optional.of("You serve Ada."), config.agentDefaults().systemPrompt());
        assertEquals(List.of(), config.warnings());
    }

    @Test
    void aDoubledDollarWritesALiteralReferenceThatIsNotReadAgain() throws Exception {
        ConfigFile config = read("""
                {"gateway": {"auth": {"token": "$${NOT_A_VARIABLE}-0123456789"}},
                 "agents": {"defaults": {"system_prompt": "Costs $5; write $${name} and $$ as they are."}}}
                """, Map.of("NOT_A_VARIABLE", "surprise"));
        assertEquals(Optional.of("${NOT_A_VARIABLE}-0123456789"), config.auth().token());
        assertEquals(Optional.of("Costs $5; write ${name} and $$ as they are."), config.agentDefaults().systemPrompt());
    }

    @Test
    void aMissingVariableIsAProblemNamingThePathAndTheVariableNeverAValue() throws Exception {
        String m = problems("""
                {"gateway": {"host": "${BIND_HOST}", "auth": {"password": "${EMPTY_ONE}"},
                             "corsOrigins": ["https://${A}.example.com:${B}"],
                             "channels": [{"type": "webhook", "name": "${HOOK_NAME}", "secret": "${HOOK_SECRET:-}"}]},
                 "agents": {"defaults": {"system_prompt": "${PROMPT:-}"}}}
                """, Map.of("EMPTY_ONE", " ", "A", "console"));
        for (String expected : List.of(
                "gateway.host: environment variable BIND_HOST is not set",
                "gateway.auth.password: environment variable EMPTY_ONE is set but empty",
                "gateway.corsOrigins[0]: environment variable B is not set",
                "gateway.channels[0].name: environment variable HOOK_NAME is not set",
                "gateway.channels[0].secret: expected a non-empty string",
                "agents.defaults.system_prompt: expected a non-empty string")) {
            assertTrue(m.contains(expected), () -> "missing <" + expected + "> in:\n" + m);
        }
        assertFalse(m.contains("console"), "no value is shown:\n" + m);
        assertFalse(m.contains("gateway.channels[0].name: required"), "a reference is not a missing key:\n" + m);
        assertEquals(6, m.lines().count() - 1, "one problem per mistake:\n" + m);
    }

    @Test
    void malformedOrNestedReferencesAreProblems() throws Exception {
        String m = problems("""
                {"gateway": {"host": "${BIND", "server": "${1ST}"},
                 "agents": {"defaults": {"system_prompt": "${A:-${B}}", "model": "x/${A-b}"}}}
                """, Map.of());
        for (String path : List.of("gateway.host", "gateway.server", "agents.defaults.system_prompt",
                "agents.defaults.model")) {
            assertTrue(m.contains(path + ": a malformed ${...} reference (expected: ${NAME} or ${NAME:-default}"),
                    () -> path + " in:\n" + m);
        }
    }

    @Test
    void keysStartingWithTwoSlashesAreCommentsAtAnyLevel() throws Exception {
        ConfigFile config = read("""
                {"//": "a comment",
                 "// gateway": {"port": "not even checked", "token": "${UNSET_IN_A_COMMENT}"},
                 "gateway": {"// port": "the port to bind", "port": 18800,
                             "rateLimits": {"//": "requests per minute", "chat": 30},
                             "auth": {"//": ["any", "value"], "token": "comment-test-token-0123"},
                             "channels": [{"//": "the CI hook", "type": "webhook", "name": "ci", "secret": "s"}]},
                 "providers": {"//": "OpenAI-compatible servers",
                               "local": {"// why": "no key", "base_url": "http://127.0.0.1:11434/v1"}},
                 "//agents": {"defaults": {"model": "nowhere/x"}}}
                """, Map.of());
        assertEquals(18800, config.port().getAsInt());
        assertEquals(Map.of("chat", 30), config.rateLimits());
        assertEquals(List.of("local"), List.copyOf(config.providers().keySet()), "a comment is not a provider");
        assertEquals(1, config.channels().size());
        assertEquals(ConfigFile.AgentDefaults.NONE, config.agentDefaults(), "a commented-out section is not read");
        assertEquals(List.of(), config.warnings());
    }

    @Test
    void unknownKeysAreWarningsWithTheNearestKnownKey() throws Exception {
        ConfigFile config = read("""
                {"gatewya": {},
                 "gateway": {"prot": 1, "Host": "h", "auth": {"tokne": "x", "rateLimit": {"max_attempts": 3}},
                             "limits": {"max_body_bytes": 1, "maxBodyByte": 2, "tls": true},
                             "sessions": {"fsnyc": "always"}, "cron": {"timeZone": "UTC"}, "outbox": {"concurency": 2},
                             "auth2": {}},
                 "providers": {"local": {"base_url": "http://127.0.0.1:11434/v1", "apikey": "k"}},
                 "agents": {"default": {}, "defaults": {"systemprompt": "hi", "model": {"primary": "local/m",
                            "fallback": []}}}}
                """, Map.of());
        assertEquals(Stream.of(
                "gatewya: unknown key (did you mean \"gateway\"?)",
                "gateway.prot: unknown key (did you mean \"port\"?)",
                "gateway.Host: unknown key (did you mean \"host\"?)",
                "gateway.auth2: unknown key (did you mean \"auth\"?)",
                "gateway.auth.tokne: unknown key (did you mean \"token\"?)",
                "gateway.limits.max_body_bytes: unknown key (did you mean \"maxBodyBytes\"?)",
                "gateway.limits.maxBodyByte: unknown key (did you mean \"maxBodyBytes\"?)",
                "gateway.limits.tls: unknown key (expected one of: maxBodyBytes, maxHeaderBytes, idleTimeoutSeconds, "
                        + "maxWebSocketFrameBytes, maxQueuedOutboundBytes, drainTimeoutSeconds, runTimeoutSeconds, "
                        + "maxConcurrentRuns, runQueueTimeoutSeconds, runGraceSeconds, maxEventStreams)",
                "gateway.sessions.fsnyc: unknown key (did you mean \"fsync\"?)",
                "gateway.auth.rateLimit.max_attempts: unknown key (did you mean \"maxAttempts\"?)",
                "gateway.cron.timeZone: unknown key (did you mean \"timezone\"?)",
                "gateway.outbox.concurency: unknown key (did you mean \"concurrency\"?)",
                "providers.local.apikey: unknown key (did you mean \"api_key\"?)",
                "agents.default: unknown key (did you mean \"defaults\"?)",
                "agents.defaults.systemprompt: unknown key (did you mean \"system_prompt\"?)",
                "agents.defaults.model.fallback: unknown key (did you mean \"fallbacks\"?)").sorted().toList(),
                config.warnings().stream().sorted().toList());
        assertEquals(Optional.of("local/m"), config.agentDefaults().primary(), "the rest is read as usual");
    }

    @Test
    void credentialEntriesWarnOfUnknownKeysAndRateLimitClassesStayProblems() throws Exception {
        ConfigFile config = read("""
                {"gateway": {"auth": {"token": "operator-token-0123456789",
                  "credentials": [{"label": "ci", "token": "ci-token-0123456789abc", "role": "chat", "rol": "x"}]}}}
                """, Map.of());
        assertEquals(List.of("gateway.auth.credentials[0].rol: unknown key (did you mean \"role\"?)"), config.warnings());
        assertTrue(problems("{\"gateway\": {\"rateLimits\": {\"caht\": 5}}}", Map.of())
                .contains("gateway.rateLimits.caht: unknown class (expected: one of chat, strict, default)"));
    }

    @Test
    void aHintIsGivenOnlyWhenAKeyIsNear() {
        List<String> keys = List.of("host", "port", "server");
        assertEquals(Optional.of("port"), ConfigFile.hint("prot", keys), "two letters swapped");
        assertEquals(Optional.of("port"), ConfigFile.hint("PORT", keys), "case");
        assertEquals(Optional.of("server"), ConfigFile.hint("srvr", keys), "two letters dropped");
        assertEquals(Optional.empty(), ConfigFile.hint("listen", keys));
        assertEquals(Optional.empty(), ConfigFile.hint("po", keys), "too short to guess");
        assertEquals(Optional.of("maxTokens"), ConfigFile.hint("max-tokens", List.of("max_tokens", "maxTokens").reversed()));
    }
}
