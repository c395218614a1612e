package dev.portico.cli;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.nio.file.Files;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Every secret a gateway's setup knows, for its log to redact: the operator token (configured,
 * from the environment, or the one kept in the token file), the password, the API keys of the
 * providers, the channels' tokens and signing secrets, and — read from the config file itself, since
 * the parsed config keeps only their digests — the tokens of named credentials and any other value
 * under a key that names a secret.
 */
final class LogSecrets {

    private LogSecrets() {}

    /**
     * The secrets of a setup.
     *
     * @param setup the resolved setup
     * @param apiToken the operator token the gateway is given, when token auth is used
     * @param env looks up environment variables (null when unset)
     * @param apiKeyEnv the variable {@code --api-key-env} names, or null
     * @return the values, without duplicates; short or blank ones included (the log ignores them)
     */
    static Set<String> of(GatewaySetup setup, Optional<String> apiToken, Function<String, String> env,
            String apiKeyEnv) {
        Set<String> out = new LinkedHashSet<>();
        apiToken.ifPresent(out::add);
        setup.auth().token().ifPresent(out::add);
        setup.auth().password().ifPresent(out::add);
        ConfigFile file = setup.file();
        file.auth().token().ifPresent(out::add);
        file.auth().password().ifPresent(out::add);
        file.providers().values().forEach(p -> p.apiKey().ifPresent(out::add));
        for (ChannelConfig c : file.channels()) {
            switch (c) {
                case ChannelConfig.Telegram t -> {
                    out.add(t.botToken());
                    t.webhookSecret().ifPresent(out::add);
                }
                case ChannelConfig.Slack s -> {
                    out.add(s.botToken());
                    out.add(s.signingSecret());
                }
                case ChannelConfig.Discord d -> out.add(d.botToken());
                case ChannelConfig.Webhook w -> {
                    w.secret().ifPresent(out::add);
                    w.standardWebhooks().ifPresent(out::add);
                }
            }
        }
        if (apiKeyEnv != null && env.apply(apiKeyEnv) != null) {
            out.add(env.apply(apiKeyEnv));
        }
        if (Files.isRegularFile(setup.configFile())) {
            try {
                walk(ConfigFile.prepared(ConfigFile.json(setup.configFile()), env), null, out);
            } catch (ConfigFile.Invalid unreadable) {
                // The setup was read from it a moment ago; what it held is above.
            }
        }
        out.removeIf(s -> s == null || s.isBlank());
        return out;
    }

    private static void walk(JsonValue value, String key, Set<String> out) {
        switch (value.getValueType()) {
            case OBJECT -> {
                JsonObject o = value.asJsonObject();
                o.forEach((k, v) -> walk(v, k, out));
            }
            case ARRAY -> value.asJsonArray().forEach(v -> walk(v, key, out));
            case STRING -> {
                if (key != null && ConfigFile.isSecretKey(key)) {
                    out.add(((JsonString) value).getString());
                }
            }
            default -> {
                // Numbers, booleans and null hold no secret.
            }
        }
    }
}
