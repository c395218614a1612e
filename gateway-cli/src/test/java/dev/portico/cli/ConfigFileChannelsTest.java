package dev.portico.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portico.api.channel.AllowList;
import dev.portico.api.channel.Channel;
import dev.portico.channels.telegram.TelegramChannel;
import dev.portico.core.FsyncPolicy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading {@code gateway.channels} and {@code gateway.outbox}: every type, every problem, no secret shown. */
class ConfigFileChannelsTest {
    static final String TELEGRAM_TOKEN = "123456:AAH-telegram_SECRET_token";
    static final String SLACK_TOKEN = "xoxb-slack-SECRET-token";
    static final String SLACK_SIGNING = "slack-signing-SECRET-0123";
    static final String DISCORD_TOKEN = "discord.bot.SECRET-token";
    /** RFC 8032 test 1's public key, as a Discord application's. */
    static final String DISCORD_KEY = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    static final String HOOK_SECRET = "webhook-SECRET-shared-0123";
    static final String STANDARD_KEY = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final Map<String, String> ENV = Map.of("TELEGRAM_TOKEN", TELEGRAM_TOKEN, "SLACK_SIGNING", SLACK_SIGNING,
            "HOOK_SECRET", HOOK_SECRET, "DISCORD_TOKEN", DISCORD_TOKEN);

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
        String m = assertThrows(ConfigFile.Invalid.class, () -> ConfigFile.read(file, ENV::get)).getMessage();
        for (String secret : List.of(TELEGRAM_TOKEN, SLACK_TOKEN, SLACK_SIGNING, DISCORD_TOKEN, HOOK_SECRET, STANDARD_KEY,
                "literal-SECRET")) {
            assertFalse(m.contains(secret), () -> "a secret in:\n" + m);
        }
        return m;
    }

    /** The problems of a file whose only section is {@code "channels": [<entries>]}. */
    String channelProblems(String entries) throws Exception {
        return problems("{\"gateway\": {\"channels\": [" + entries + "]}}");
    }

    static void assertHas(String problems, String... expected) {
        for (String e : expected) {
            assertTrue(problems.contains(e), () -> "missing <" + e + "> in:\n" + problems);
        }
    }

    @Test
    void everyTypeIsReadWithItsSecretsResolvedAndBuilds() throws Exception {
        ConfigFile config = read("""
                {"gateway": {"channels": [
                  {"type": "telegram", "botToken": "${TELEGRAM_TOKEN}", "allowedChats": [-1001234567890, "42"],
                   "allowedUsers": [7], "pollTimeoutSeconds": 25, "timeoutSeconds": 40,
                   "apiBase": "http://127.0.0.1:9/tg"},
                  {"type": "slack", "botToken": "%s", "signingSecret": "${SLACK_SIGNING}", "account": "work",
                   "allowedUsers": ["U024BE7LH"]},
                  {"type": "discord", "botToken": "${DISCORD_TOKEN}", "applicationId": 1234567890123456789,
                   "publicKey": "%s", "allowedChats": ["987654321098765432"]},
                  {"type": "webhook", "name": "ci", "secret": "${HOOK_SECRET}",
                   "callbackUrl": "https://ci.example.com/replies?key=abc", "maxMessageLength": 2000},
                  {"type": "webhook", "name": "std", "standardWebhooks": "%s"}
                ]}}
                """.formatted(SLACK_TOKEN, DISCORD_KEY, STANDARD_KEY));
        List<ChannelConfig> channels = config.channels();
        assertEquals(5, channels.size());

        ChannelConfig.Telegram telegram = assertInstanceOf(ChannelConfig.Telegram.class, channels.get(0));
        assertEquals(new ChannelConfig.Telegram(new ChannelConfig.Common("default",
                new AllowList(Set.of("-1001234567890", "42"), Set.of("7")), Optional.of(Duration.ofSeconds(40))),
                TELEGRAM_TOKEN, TelegramChannel.Mode.POLLING, Optional.empty(), Optional.of(Duration.ofSeconds(25)),
                Optional.of(URI.create("http://127.0.0.1:9/tg"))), telegram);
        assertEquals("polling", telegram.receives());

        assertEquals(new ChannelConfig.Slack(new ChannelConfig.Common("work", new AllowList(Set.of(), Set.of("U024BE7LH")),
                Optional.empty()), SLACK_TOKEN, SLACK_SIGNING, Optional.empty()), channels.get(1));
        assertEquals("webhook at /api/webhook/slack/work", channels.get(1).receives());

        assertEquals(new ChannelConfig.Discord(new ChannelConfig.Common("default",
                new AllowList(Set.of("987654321098765432"), Set.of()), Optional.empty()), DISCORD_TOKEN,
                "1234567890123456789", DISCORD_KEY, Optional.empty()), channels.get(2), "a large id keeps every digit");
        assertEquals("webhook at /api/webhook/discord", channels.get(2).receives());

        assertEquals(new ChannelConfig.Webhook(new ChannelConfig.Common("default", AllowList.ANYONE, Optional.empty()),
                "ci", Optional.of(HOOK_SECRET), Optional.empty(),
                Optional.of(URI.create("https://ci.example.com/replies?key=abc")), OptionalInt.of(2000)), channels.get(3));
        assertEquals("webhook at /api/webhook/ci", channels.get(3).receives());
        assertEquals(Optional.of(STANDARD_KEY), ((ChannelConfig.Webhook) channels.get(4)).standardWebhooks());

        List<Channel> built = channels.stream().map(ChannelConfig::build).toList();
        assertEquals(List.of("telegram", "slack", "discord", "ci", "std"), built.stream().map(Channel::name).toList());
        assertEquals(List.of("telegram", "slack", "discord", "webhook", "webhook"),
                built.stream().map(Channel::kind).toList());
        assertEquals(List.of("default", "work", "default", "default", "default"),
                built.stream().map(Channel::accountId).toList());
        assertTrue(built.get(0).allowList().allows("-1001234567890", "7"));
        assertFalse(built.get(0).allowList().allows("-1001234567890", "8"), "user 8 is not on the list");
        assertFalse(built.get(0).allowList().allows("43", "7"), "chat 43 is not on the list");
        assertEquals(TelegramChannel.Mode.POLLING, ((TelegramChannel) built.get(0)).mode());
        assertEquals(2000, built.get(3).capabilities().maxMessageLength());

        String shown = channels.toString();
        for (String secret : List.of(TELEGRAM_TOKEN, SLACK_TOKEN, SLACK_SIGNING, DISCORD_TOKEN, HOOK_SECRET, STANDARD_KEY,
                "key=abc")) {
            assertFalse(shown.contains(secret), shown);
        }
    }

    @Test
    void telegramInWebhookModeIsReachedAtItsRouteAndAnotherAccountAtItsOwn() throws Exception {
        List<ChannelConfig> channels = read("""
                {"gateway": {"channels": [
                  {"type": "telegram", "botToken": "%s", "mode": "webhook", "webhookSecret": "tg_hook-secret"},
                  {"type": "telegram", "account": "second", "botToken": "%s", "mode": "polling"}
                ]}}
                """.formatted(TELEGRAM_TOKEN, TELEGRAM_TOKEN)).channels();
        ChannelConfig.Telegram hook = (ChannelConfig.Telegram) channels.get(0);
        assertEquals(TelegramChannel.Mode.WEBHOOK, hook.mode());
        assertEquals(Optional.of("tg_hook-secret"), hook.webhookSecret());
        assertEquals("webhook at /api/webhook/telegram", hook.receives());
        assertEquals(TelegramChannel.Mode.WEBHOOK, ((TelegramChannel) hook.build()).mode());
        assertEquals("second", channels.get(1).build().accountId());
        assertEquals("polling", channels.get(1).receives());
    }

    @Test
    void withoutChannelsOrOutboxNothingIsSet() throws Exception {
        ConfigFile config = read("{\"gateway\": {\"port\": 1234}}");
        assertEquals(List.of(), config.channels());
        assertEquals(ConfigFile.Outbox.NONE, config.outbox());
        assertEquals(List.of(), read("{\"gateway\": {\"channels\": []}}").channels());
        assertEquals(List.of(), ConfigFile.EMPTY.channels());
    }

    @Test
    void eachRequiredSettingIsNamedByItsPath() throws Exception {
        String m = channelProblems("""
                {"type": "telegram"},
                {"type": "telegram", "botToken": "%s", "mode": "webhook"},
                {"type": "slack"},
                {"type": "discord"},
                {"type": "webhook"},
                {"type": "slack", "botToken": null, "signingSecret": "literal-SECRET"}
                """.formatted(TELEGRAM_TOKEN));
        assertHas(m,
                "gateway.channels[0].botToken: required",
                "gateway.channels[1].webhookSecret: required (in webhook mode",
                "gateway.channels[2].botToken: required",
                "gateway.channels[2].signingSecret: required",
                "gateway.channels[3].botToken: required",
                "gateway.channels[3].applicationId: required",
                "gateway.channels[3].publicKey: required",
                "gateway.channels[4].name: required",
                "gateway.channels[4]: secret or standardWebhooks required",
                "gateway.channels[5].botToken: required");
        assertFalse(m.contains("gateway.channels[0].webhookSecret"), "polling needs no webhook secret:\n" + m);
        assertFalse(m.contains("gateway.channels[5].signingSecret"), m);
    }

    @Test
    void aMissingVariableIsNamedAndNoValueShown() throws Exception {
        String m = channelProblems("""
                {"type": "telegram", "botToken": "${TELEGRAM_TOKEN_UNSET}"},
                {"type": "slack", "botToken": "%s", "signingSecret": "${SLACK_SIGNING_UNSET}"},
                {"type": "discord", "botToken": "${DISCORD_TOKEN}", "applicationId": "1", "publicKey": "${NO_KEY}"},
                {"type": "webhook", "name": "ci", "secret": "${HOOK SECRET}"}
                """.formatted(SLACK_TOKEN));
        assertHas(m,
                "gateway.channels[0].botToken: environment variable TELEGRAM_TOKEN_UNSET is not set",
                "gateway.channels[1].signingSecret: environment variable SLACK_SIGNING_UNSET is not set",
                "gateway.channels[2].publicKey: environment variable NO_KEY is not set",
                "gateway.channels[3].secret: a malformed ${...} reference");
        assertFalse(m.contains("gateway.channels[0].botToken: required"), "a reference is not a missing key:\n" + m);
    }

    @Test
    void typesAndEntriesThatAreNotChannelsAreNamed() throws Exception {
        String m = channelProblems("""
                {"type": "irc", "botToken": "x"},
                {"botToken": "x"},
                "telegram",
                {"type": 7}
                """);
        assertHas(m,
                "gateway.channels[0].type: \"irc\" (expected one of: telegram, slack, discord, webhook)",
                "gateway.channels[1].type: required (expected one of: telegram, slack, discord, webhook)",
                "gateway.channels[2]: expected an object with a type (telegram, slack, discord, webhook)",
                "gateway.channels[3].type: expected a non-empty string");
        assertHas(problems("{\"gateway\": {\"channels\": {\"type\": \"telegram\"}}}"),
                "gateway.channels: expected a list of channels");
    }

    @Test
    void anUnknownKeyIsAWarningWithAHintAndTheChannelStillBuilds() throws Exception {
        ConfigFile config = read("""
                {"gateway": {"channels": [
                  {"type": "telegram", "botToken": "%s", "webhookSecrett": "literal-SECRET", "pollTimeout": 5},
                  {"type": "slack", "botToken": "%s", "signingSecret": "%s", "callbackUrl": "https://x.example"},
                  {"type": "webhook", "name": "ci", "secret": "s", "apiBase": "https://x.example", "colour": "red"},
                  {"type": "discord", "name": "bot", "botToken": "%s", "applicationId": "1", "publicKey": "%s"}
                ]}}
                """.formatted(TELEGRAM_TOKEN, SLACK_TOKEN, SLACK_SIGNING, DISCORD_TOKEN, DISCORD_KEY));
        assertEquals(4, config.channels().size());
        assertEquals(List.of(
                "gateway.channels[0].webhookSecrett: unknown key for a telegram channel (did you mean \"webhookSecret\"?)",
                "gateway.channels[0].pollTimeout: unknown key for a telegram channel (expected: type, account, "
                        + "allowedChats, allowedUsers, timeoutSeconds, botToken, mode, webhookSecret, pollTimeoutSeconds, "
                        + "apiBase)",
                "gateway.channels[1].callbackUrl: unknown key for a slack channel (only a webhook channel takes it)",
                "gateway.channels[2].apiBase: unknown key for a webhook channel (only a discord, slack or telegram "
                        + "channel takes it)",
                "gateway.channels[2].colour: unknown key for a webhook channel (expected: type, account, allowedChats, "
                        + "allowedUsers, timeoutSeconds, name, secret, standardWebhooks, callbackUrl, maxMessageLength)",
                "gateway.channels[3].name: unknown key for a discord channel (only a webhook channel takes a name; a "
                        + "discord channel is named discord)"), config.warnings());
        assertFalse(config.warnings().toString().contains("literal-SECRET"), "a value is never shown");
    }

    @Test
    void aMisspelledSecretStillStopsTheFileAsARequiredKeyIsMissing() throws Exception {
        String m = channelProblems("""
                {"type": "slack", "botToken": "%s", "signing_secret": "literal-SECRET"}
                """.formatted(SLACK_TOKEN));
        assertHas(m, "gateway.channels[0].signingSecret: required",
                "\n  warning: gateway.channels[0].signing_secret: unknown key for a slack channel (did you mean "
                        + "\"signingSecret\"?)");
    }

    @Test
    void aMisspelledAllowListIsAProblemSinceLeavingItOutLetsEveryoneIn() throws Exception {
        String m = channelProblems("""
                {"type": "telegram", "botToken": "%s", "allowedChat": [42]},
                {"type": "webhook", "name": "ci", "secret": "s", "allowed_users": ["u1"]}
                """.formatted(TELEGRAM_TOKEN));
        assertHas(m,
                "gateway.channels[0].allowedChat: unknown key for a telegram channel (did you mean \"allowedChats\"? "
                        + "a misspelled allow-list would let everyone in)",
                "gateway.channels[1].allowed_users: unknown key for a webhook channel (did you mean \"allowedUsers\"?");
    }

    @Test
    void aModeOtherThanPollingOrWebhookIsAProblem() throws Exception {
        assertHas(channelProblems("{\"type\": \"telegram\", \"botToken\": \"%s\", \"mode\": \"push\"}"
                .formatted(TELEGRAM_TOKEN)), "gateway.channels[0].mode: \"push\" (expected: polling or webhook)");
    }

    @Test
    void allowedIdsAreStringsOrIntegers() throws Exception {
        String m = channelProblems("""
                {"type": "webhook", "name": "ci", "secret": "s", "allowedChats": [1.5, "", {"id": 1}, 3],
                 "allowedUsers": "U1"}
                """);
        assertHas(m,
                "gateway.channels[0].allowedChats[0]: expected an id (a non-empty string or an integer)",
                "gateway.channels[0].allowedChats[1]: expected an id",
                "gateway.channels[0].allowedChats[2]: expected an id",
                "gateway.channels[0].allowedUsers: expected a list of ids (strings or integers)");
        assertFalse(m.contains("allowedChats[3]"), m);
    }

    @Test
    void numbersOutOfRangeAreNamed() throws Exception {
        String m = channelProblems("""
                {"type": "telegram", "botToken": "%s", "pollTimeoutSeconds": -1, "timeoutSeconds": 0},
                {"type": "webhook", "name": "ci", "secret": "s", "maxMessageLength": 0, "timeoutSeconds": "long"},
                {"type": "slack", "botToken": "%s", "signingSecret": "%s", "apiBase": "ftp://slack.example"}
                """.formatted(TELEGRAM_TOKEN, SLACK_TOKEN, SLACK_SIGNING));
        assertHas(m,
                "gateway.channels[0].pollTimeoutSeconds: -1 (expected: 0..3600)",
                "gateway.channels[0].timeoutSeconds: 0 (expected: > 0)",
                "gateway.channels[1].maxMessageLength: 0 (expected: 1..1000000)",
                "gateway.channels[1].timeoutSeconds: expected an integer",
                "gateway.channels[2].apiBase: \"ftp://slack.example\" (expected: an http or https URL, such as "
                        + "https://slack.com/api)");
    }

    @Test
    void whatAChannelBuilderRefusesIsAProblemOfTheEntry() throws Exception {
        String m = channelProblems("""
                {"type": "telegram", "botToken": "not-a-telegram-SECRET"},
                {"type": "slack", "botToken": "%s", "signingSecret": "%s", "account": "two words"},
                {"type": "discord", "botToken": "%s", "applicationId": "app", "publicKey": "%s"},
                {"type": "discord", "botToken": "%s", "applicationId": "1", "publicKey": "abcd"},
                {"type": "webhook", "name": "CI", "secret": "s"},
                {"type": "webhook", "name": "std", "standardWebhooks": "whsec-literal-SECRET"},
                {"type": "webhook", "name": "ftp", "secret": "s", "callbackUrl": "ftp://files.example/replies"},
                {"type": "telegram", "botToken": "%s", "mode": "webhook", "webhookSecret": "has spaces"}
                """.formatted(SLACK_TOKEN, SLACK_SIGNING, DISCORD_TOKEN, DISCORD_KEY, DISCORD_TOKEN, TELEGRAM_TOKEN));
        assertHas(m,
                "gateway.channels[0].botToken: expected the token BotFather gave the bot",
                "gateway.channels[1].account: two words (expected: 1-64 characters of [A-Za-z0-9_-])",
                "gateway.channels[2].applicationId: app (expected: digits)",
                "gateway.channels[3].publicKey: expected the application's Ed25519 public key",
                "gateway.channels[4].name: CI (expected: 1-32 characters of [a-z0-9_-], starting with a letter)",
                "gateway.channels[5].standardWebhooks: expected whsec_<base64> or whpk_<base64>",
                "gateway.channels[6].callbackUrl: expected an absolute http or https URI",
                "gateway.channels[7].webhookSecret: expected 1–256 characters");
        assertFalse(m.contains("not-a-telegram") || m.contains("whsec-literal") || m.contains("has spaces"), m);
    }

    @Test
    void bothWebhookSecretsOrTheSameChannelTwiceAreProblems() throws Exception {
        String m = channelProblems("""
                {"type": "webhook", "name": "ci", "secret": "s", "standardWebhooks": "%s"},
                {"type": "telegram", "botToken": "%s"},
                {"type": "telegram", "botToken": "%s", "account": "default"},
                {"type": "webhook", "name": "ci", "secret": "s"},
                {"type": "webhook", "name": "ci", "account": "b", "secret": "s"},
                {"type": "webhook", "name": "ci", "secret": "t"}
                """.formatted(STANDARD_KEY, TELEGRAM_TOKEN, TELEGRAM_TOKEN));
        assertHas(m,
                "gateway.channels[0]: secret and standardWebhooks both set (expected: one of them)",
                "gateway.channels[2]: telegram (account default) is configured twice (also gateway.channels[1]; "
                        + "expected: another account)",
                "gateway.channels[5]: ci (account default) is configured twice (also gateway.channels[3]; "
                        + "expected: another name or account)");
        assertFalse(m.contains("\n  gateway.channels[3]") || m.contains("\n  gateway.channels[4]"),
                "the first ci, and another account of the same name, are fine:\n" + m);
    }

    @Test
    void aClientReadingTheFileIsNotStoppedByTheChannels() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, """
                {"gateway": {"port": 18801, "channels": [{"type": "telegram", "botToken": "${TELEGRAM_TOKEN}"},
                  {"type": "irc"}], "outbox": {"concurrency": 0}}}
                """);
        GatewaySetup.Options options = new GatewaySetup.Options();
        options.config = file;
        options.stateDir = dir;
        GatewaySetup setup = GatewaySetup.resolveForClient(options, Map.<String, String>of()::get);
        assertEquals(18801, setup.port());
        IllegalArgumentException full = assertThrows(IllegalArgumentException.class,
                () -> GatewaySetup.resolve(options, Map.<String, String>of()::get));
        assertHas(full.getMessage(), "gateway.channels[0].botToken: environment variable TELEGRAM_TOKEN is not set",
                "gateway.channels[1].type: \"irc\"", "gateway.outbox.concurrency: 0 (expected: 1..1024)");
    }

    @Test
    void theOutboxKeysAreReadAndChecked() throws Exception {
        ConfigFile.Outbox outbox = read("""
                {"gateway": {"outbox": {"fsync": "always", "fsyncIntervalMs": 50, "expirySeconds": 600, "concurrency": 4}}}
                """).outbox();
        assertEquals(new ConfigFile.Outbox(Optional.of(FsyncPolicy.ALWAYS), OptionalLong.of(50), OptionalLong.of(600),
                OptionalInt.of(4)), outbox);
        assertEquals(Optional.of(FsyncPolicy.NEVER), read("{\"gateway\": {\"outbox\": {\"fsync\": \"never\"}}}")
                .outbox().fsync());
        assertEquals(1024, read("{\"gateway\": {\"outbox\": {\"concurrency\": 1024}}}").outbox().concurrency().getAsInt());
        assertEquals(10_000, read("{\"gateway\": {\"outbox\": {\"fsyncIntervalMs\": 10000}}}").outbox().fsyncIntervalMs()
                .getAsLong());

        String m = problems("""
                {"gateway": {"outbox": {"fsync": "sometimes", "fsyncIntervalMs": 0, "expirySeconds": 0, "concurrency": 1025}}}
                """);
        assertHas(m,
                "gateway.outbox.fsync: sometimes (expected: always, batched or never)",
                "gateway.outbox.fsyncIntervalMs: 0 (expected: 1..10000)",
                "gateway.outbox.expirySeconds: 0 (expected: > 0)",
                "gateway.outbox.concurrency: 1025 (expected: 1..1024)");
        assertHas(problems("{\"gateway\": {\"outbox\": {\"fsyncIntervalMs\": 10001, \"concurrency\": 0, "
                        + "\"expirySeconds\": 2592001}}}"),
                "gateway.outbox.fsyncIntervalMs: 10001 (expected: 1..10000)",
                "gateway.outbox.concurrency: 0 (expected: 1..1024)",
                "gateway.outbox.expirySeconds: 2592001 (expected: > 0, at most 2592000)");
        assertHas(problems("{\"gateway\": {\"outbox\": []}}"), "gateway.outbox: expected an object");
    }
}
