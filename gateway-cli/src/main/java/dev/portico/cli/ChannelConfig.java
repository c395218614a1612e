package dev.portico.cli;

import dev.portico.api.channel.AllowList;
import dev.portico.api.channel.Channel;
import dev.portico.channels.discord.DiscordChannel;
import dev.portico.channels.slack.SlackChannel;
import dev.portico.channels.telegram.TelegramChannel;
import dev.portico.channels.webhook.WebhookChannel;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One entry of {@code gateway.channels}, as {@link ConfigFile} read and checked it: what
 * {@link #build()} needs to make its {@link Channel}. Secrets are held resolved (an {@code ${ENV}}
 * reference already replaced by the variable's value) and never shown by {@code toString()}.
 */
sealed interface ChannelConfig permits ChannelConfig.Telegram, ChannelConfig.Slack, ChannelConfig.Discord,
        ChannelConfig.Webhook {

    /** The values of {@code type}, in the order messages list them. */
    List<String> TYPES = List.of(TelegramChannel.KIND, SlackChannel.KIND, DiscordChannel.KIND, WebhookChannel.KIND);

    /**
     * What every type takes.
     *
     * @param accountId {@code account}: which account of the channel this is
     * @param allowList {@code allowedChats} and {@code allowedUsers}: who may talk to the agent
     * @param timeout {@code timeoutSeconds}: how long a request to the platform may take; the
     *     channel's default when empty
     */
    record Common(String accountId, AllowList allowList, Optional<Duration> timeout) {
        /**
         * Checks the values are there.
         *
         * @param accountId the account
         * @param allowList the allow-list
         * @param timeout the timeout
         */
        public Common {
            Objects.requireNonNull(accountId, "accountId");
            Objects.requireNonNull(allowList, "allowList");
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    /**
     * The entry's {@code type}.
     *
     * @return {@code telegram}, {@code slack}, {@code discord} or {@code webhook}
     */
    String type();

    /**
     * The channel's name: its type, or a webhook channel's {@code name}.
     *
     * @return the name
     */
    String name();

    /**
     * The settings every type has.
     *
     * @return the common settings
     */
    Common common();

    /**
     * How the channel receives messages, for the startup lines: {@code polling}, or
     * {@code webhook at /api/webhook/<name>} (with {@code /<account>} for an account other than
     * {@value Channel#DEFAULT_ACCOUNT}).
     *
     * @return the description; never a secret
     */
    default String receives() {
        return "webhook at " + webhookPath();
    }

    /**
     * The path the platform posts to.
     *
     * @return {@code /api/webhook/<name>}, or {@code /api/webhook/<name>/<account>}
     */
    default String webhookPath() {
        String account = common().accountId();
        return "/api/webhook/" + name() + (account.equals(Channel.DEFAULT_ACCOUNT) ? "" : "/" + account);
    }

    /**
     * Builds the channel; each call makes a new one.
     *
     * @return the channel, not started
     * @throws IllegalArgumentException naming the setting the channel's builder refused
     */
    Channel build();

    /**
     * A Telegram bot.
     *
     * @param common the common settings
     * @param botToken {@code botToken}
     * @param mode {@code mode}
     * @param webhookSecret {@code webhookSecret}, required in webhook mode
     * @param pollTimeout {@code pollTimeoutSeconds}
     * @param apiBase {@code apiBase}
     */
    record Telegram(Common common, String botToken, TelegramChannel.Mode mode, Optional<String> webhookSecret,
            Optional<Duration> pollTimeout, Optional<URI> apiBase) implements ChannelConfig {

        /**
         * Checks the values are there.
         *
         * @param common the common settings
         * @param botToken the token
         * @param mode the mode
         * @param webhookSecret the webhook secret
         * @param pollTimeout the poll timeout
         * @param apiBase the API base
         */
        public Telegram {
            Objects.requireNonNull(common, "common");
            Objects.requireNonNull(botToken, "botToken");
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(webhookSecret, "webhookSecret");
            Objects.requireNonNull(pollTimeout, "pollTimeout");
            Objects.requireNonNull(apiBase, "apiBase");
        }

        @Override
        public String type() {
            return TelegramChannel.KIND;
        }

        @Override
        public String name() {
            return TelegramChannel.KIND;
        }

        @Override
        public String receives() {
            return mode == TelegramChannel.Mode.POLLING ? "polling" : "webhook at " + webhookPath();
        }

        @Override
        public Channel build() {
            TelegramChannel.Builder b = TelegramChannel.builder().botToken(botToken).mode(mode)
                    .accountId(common.accountId()).allowList(common.allowList());
            webhookSecret.ifPresent(b::webhookSecret);
            pollTimeout.ifPresent(b::pollTimeout);
            apiBase.ifPresent(b::apiBase);
            common.timeout().ifPresent(b::timeout);
            return b.build();
        }

        /** @return the type and account, never a secret */
        @Override
        public String toString() {
            return "Telegram[account=" + common.accountId() + ", mode=" + mode + "]";
        }
    }

    /**
     * A Slack app.
     *
     * @param common the common settings
     * @param botToken {@code botToken}
     * @param signingSecret {@code signingSecret}
     * @param apiBase {@code apiBase}
     */
    record Slack(Common common, String botToken, String signingSecret, Optional<URI> apiBase) implements ChannelConfig {

        /**
         * Checks the values are there.
         *
         * @param common the common settings
         * @param botToken the bot token
         * @param signingSecret the signing secret
         * @param apiBase the API base
         */
        public Slack {
            Objects.requireNonNull(common, "common");
            Objects.requireNonNull(botToken, "botToken");
            Objects.requireNonNull(signingSecret, "signingSecret");
            Objects.requireNonNull(apiBase, "apiBase");
        }

        @Override
        public String type() {
            return SlackChannel.KIND;
        }

        @Override
        public String name() {
            return SlackChannel.KIND;
        }

        @Override
        public Channel build() {
            SlackChannel.Builder b = SlackChannel.builder().botToken(botToken).signingSecret(signingSecret)
                    .accountId(common.accountId()).allowList(common.allowList());
            apiBase.ifPresent(b::apiBase);
            common.timeout().ifPresent(b::timeout);
            return b.build();
        }

        /** @return the type and account, never a secret */
        @Override
        public String toString() {
            return "Slack[account=" + common.accountId() + "]";
        }
    }

    /**
     * A Discord application.
     *
     * @param common the common settings
     * @param botToken {@code botToken}
     * @param applicationId {@code applicationId}
     * @param publicKey {@code publicKey}
     * @param apiBase {@code apiBase}
     */
    record Discord(Common common, String botToken, String applicationId, String publicKey, Optional<URI> apiBase)
            implements ChannelConfig {

        /**
         * Checks the values are there.
         *
         * @param common the common settings
         * @param botToken the bot token
         * @param applicationId the application id
         * @param publicKey the public key
         * @param apiBase the API base
         */
        public Discord {
            Objects.requireNonNull(common, "common");
            Objects.requireNonNull(botToken, "botToken");
            Objects.requireNonNull(applicationId, "applicationId");
            Objects.requireNonNull(publicKey, "publicKey");
            Objects.requireNonNull(apiBase, "apiBase");
        }

        @Override
        public String type() {
            return DiscordChannel.KIND;
        }

        @Override
        public String name() {
            return DiscordChannel.KIND;
        }

        @Override
        public Channel build() {
            DiscordChannel.Builder b = DiscordChannel.builder().botToken(botToken).applicationId(applicationId)
                    .publicKey(publicKey).accountId(common.accountId()).allowList(common.allowList());
            apiBase.ifPresent(b::apiBase);
            common.timeout().ifPresent(b::timeout);
            return b.build();
        }

        /** @return the type, account and application, never a secret */
        @Override
        public String toString() {
            return "Discord[account=" + common.accountId() + ", applicationId=" + applicationId + "]";
        }
    }

    /**
     * A generic signed webhook.
     *
     * @param common the common settings
     * @param name {@code name}
     * @param secret {@code secret}: the HMAC-SHA256 secret; set, or {@code standardWebhooks}
     * @param standardWebhooks {@code standardWebhooks}: the Standard Webhooks key
     * @param callbackUrl {@code callbackUrl}: where replies are posted
     * @param maxMessageLength {@code maxMessageLength}
     */
    record Webhook(Common common, String name, Optional<String> secret, Optional<String> standardWebhooks,
            Optional<URI> callbackUrl, OptionalInt maxMessageLength) implements ChannelConfig {

        /**
         * Checks the values are there.
         *
         * @param common the common settings
         * @param name the name
         * @param secret the secret
         * @param standardWebhooks the Standard Webhooks key
         * @param callbackUrl the callback URL
         * @param maxMessageLength the longest reply
         */
        public Webhook {
            Objects.requireNonNull(common, "common");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(standardWebhooks, "standardWebhooks");
            Objects.requireNonNull(callbackUrl, "callbackUrl");
            Objects.requireNonNull(maxMessageLength, "maxMessageLength");
        }

        @Override
        public String type() {
            return WebhookChannel.KIND;
        }

        @Override
        public Channel build() {
            WebhookChannel.Builder b = WebhookChannel.builder().name(name).accountId(common.accountId())
                    .allowList(common.allowList());
            secret.ifPresent(b::secret);
            standardWebhooks.ifPresent(b::standardWebhooks);
            callbackUrl.ifPresent(b::callbackUrl);
            maxMessageLength.ifPresent(b::maxMessageLength);
            common.timeout().ifPresent(b::timeout);
            return b.build();
        }

        /** @return the name and account, never a secret */
        @Override
        public String toString() {
            return "Webhook[name=" + name + ", account=" + common.accountId() + "]";
        }
    }
}
