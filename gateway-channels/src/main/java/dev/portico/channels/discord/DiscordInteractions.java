package dev.portico.channels.discord;

import static dev.portico.channels.JsonBodies.JSON;

import dev.portico.api.channel.InboundMessage;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.Optional;

/** Reads Discord interactions: their type, and the message an application command carries. */
final class DiscordInteractions {
    /** A {@code PING}, which Discord sends to check the endpoint. */
    static final int PING = 1;
    /** An {@code APPLICATION_COMMAND}: a slash command. */
    static final int APPLICATION_COMMAND = 2;
    /** The reply context key of the interaction's token. */
    static final String INTERACTION_TOKEN = "interaction_token";
    /** The reply context key of the application's id. */
    static final String APPLICATION_ID = "application_id";

    private static final int SUB_COMMAND = 1;
    private static final int SUB_COMMAND_GROUP = 2;
    private static final int STRING_OPTION = 3;

    private DiscordInteractions() {}

    /**
     * Parses a webhook's body.
     *
     * @param body the raw body
     * @return the interaction
     * @throws IllegalArgumentException when it is not a JSON object with an integer {@code type}
     */
    static JsonObject parse(byte[] body) {
        JsonObject interaction;
        try (JsonReader reader = JSON.createReader(new ByteArrayInputStream(body))) {
            interaction = reader.readObject();
        } catch (JsonException | IllegalStateException e) {
            throw new IllegalArgumentException("body: expected a Discord interaction (a JSON object)");
        }
        if (!(interaction.get("type") instanceof JsonNumber n) || !n.isIntegral()) {
            throw new IllegalArgumentException("type: required (an integer)");
        }
        return interaction;
    }

    /**
     * The interaction's type.
     *
     * @param interaction a parsed interaction
     * @return its {@code type}
     */
    static int type(JsonObject interaction) {
        return interaction.getJsonNumber("type").intValue();
    }

    /**
     * The message an application command carries.
     *
     * @param interaction an {@code APPLICATION_COMMAND} interaction
     * @return the message: event id the interaction's {@code id}, chat {@code channel_id}, sender
     *     {@code member.user.id} (in a guild) or {@code user.id} (in a DM), text the first string
     *     option's value or else the command's name, and the reply context the follow-up needs
     *     ({@value #INTERACTION_TOKEN} and {@value #APPLICATION_ID})
     * @throws IllegalArgumentException naming the member that is missing
     */
    static InboundMessage command(JsonObject interaction) {
        String id = required(interaction, "id");
        String channelId = required(interaction, "channel_id");
        String token = required(interaction, "token");
        String applicationId = required(interaction, "application_id");
        Optional<String> member = interaction.get("member") instanceof JsonObject m
                && m.get("user") instanceof JsonObject u ? string(u, "id") : Optional.empty();
        Optional<String> user = member.or(() -> interaction.get("user") instanceof JsonObject u
                ? string(u, "id") : Optional.empty());
        if (user.isEmpty()) {
            throw new IllegalArgumentException("member.user.id or user.id: required");
        }
        if (!(interaction.get("data") instanceof JsonObject data)) {
            throw new IllegalArgumentException("data: required (an object)");
        }
        String name = required(data, "name");
        String text = firstStringOption(data.get("options")).orElse(name);
        return new InboundMessage(id, channelId, Optional.empty(), user.get(), text,
                Map.of(INTERACTION_TOKEN, token, APPLICATION_ID, applicationId));
    }

    /** The value of the first string option, looking into sub-commands and their groups. */
    private static Optional<String> firstStringOption(JsonValue options) {
        if (!(options instanceof JsonArray array)) {
            return Optional.empty();
        }
        for (JsonValue value : array) {
            if (!(value instanceof JsonObject option) || !(option.get("type") instanceof JsonNumber type)) {
                continue;
            }
            if (type.intValue() == STRING_OPTION && option.get("value") instanceof JsonString s) {
                return Optional.of(s.getString());
            }
            if (type.intValue() == SUB_COMMAND || type.intValue() == SUB_COMMAND_GROUP) {
                Optional<String> nested = firstStringOption(option.get("options"));
                if (nested.isPresent()) {
                    return nested;
                }
            }
        }
        return Optional.empty();
    }

    private static String required(JsonObject o, String name) {
        return string(o, name).orElseThrow(() -> new IllegalArgumentException(name + ": required (a string)"));
    }

    /**
     * A string member.
     *
     * @param o the object
     * @param name the member
     * @return its value, or empty when it is absent, not a string or blank
     */
    static Optional<String> string(JsonObject o, String name) {
        return o.get(name) instanceof JsonString s && !s.getString().isBlank() ? Optional.of(s.getString())
                : Optional.empty();
    }
}
