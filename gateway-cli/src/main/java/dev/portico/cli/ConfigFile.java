package dev.portico.cli;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The {@code gateway} section of a JSON config file. Every key maps onto a setting of the
 * embedding API ({@code GatewayBuilder} or {@code TransportOptions}); see docs/configuration.md.
 *
 * @param host {@code gateway.host}
 * @param port {@code gateway.port}
 * @param server {@code gateway.server}
 * @param token {@code gateway.auth.token}
 * @param maxBodyBytes {@code gateway.limits.maxBodyBytes}
 * @param maxHeaderBytes {@code gateway.limits.maxHeaderBytes}
 * @param idleTimeoutSeconds {@code gateway.limits.idleTimeoutSeconds}
 * @param maxWebSocketFrameBytes {@code gateway.limits.maxWebSocketFrameBytes}
 * @param maxQueuedOutboundBytes {@code gateway.limits.maxQueuedOutboundBytes}
 * @param drainTimeoutSeconds {@code gateway.limits.drainTimeoutSeconds}
 * @param runTimeoutSeconds {@code gateway.limits.runTimeoutSeconds}
 * @param maxConcurrentRuns {@code gateway.limits.maxConcurrentRuns}
 */
record ConfigFile(
        Optional<String> host,
        OptionalInt port,
        Optional<String> server,
        Optional<String> token,
        OptionalLong maxBodyBytes,
        OptionalInt maxHeaderBytes,
        OptionalLong idleTimeoutSeconds,
        OptionalInt maxWebSocketFrameBytes,
        OptionalLong maxQueuedOutboundBytes,
        OptionalLong drainTimeoutSeconds,
        OptionalLong runTimeoutSeconds,
        OptionalInt maxConcurrentRuns) {

    /** A config with nothing set. */
    static final ConfigFile EMPTY = new ConfigFile(Optional.empty(), OptionalInt.empty(), Optional.empty(),
            Optional.empty(), OptionalLong.empty(), OptionalInt.empty(), OptionalLong.empty(), OptionalInt.empty(),
            OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalInt.empty());

    /** A config file that cannot be used; the message lists every problem, one per line. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    /**
     * Reads a config file.
     *
     * @param file the JSON file
     * @return the config
     * @throws Invalid naming the file and every problem ({@code gateway.port: expected an integer})
     */
    static ConfigFile read(Path file) throws Invalid {
        JsonObject root;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8); JsonReader reader = Json.createReader(r)) {
            JsonValue value = reader.readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                throw new Invalid(file + ": expected a JSON object");
            }
            root = value.asJsonObject();
        } catch (JsonParsingException e) {
            throw new Invalid(file + ": malformed JSON at line " + e.getLocation().getLineNumber() + ", column "
                    + e.getLocation().getColumnNumber());
        } catch (IOException e) {
            throw new Invalid(file + ": cannot be read (" + e.getMessage() + ")");
        } catch (jakarta.json.JsonException e) {
            throw new Invalid(file + ": malformed JSON (" + e.getMessage() + ")");
        }
        Fields f = new Fields();
        JsonObject gateway = f.object(root, "gateway", "gateway");
        JsonObject auth = f.object(gateway, "auth", "gateway.auth");
        JsonObject limits = f.object(gateway, "limits", "gateway.limits");
        ConfigFile config = new ConfigFile(
                f.string(gateway, "host", "gateway.host"),
                f.integer(gateway, "port", "gateway.port", 0, 65535),
                f.string(gateway, "server", "gateway.server"),
                f.string(auth, "token", "gateway.auth.token"),
                f.longValue(limits, "maxBodyBytes", "gateway.limits.maxBodyBytes"),
                f.integer(limits, "maxHeaderBytes", "gateway.limits.maxHeaderBytes", 1, Integer.MAX_VALUE),
                f.longValue(limits, "idleTimeoutSeconds", "gateway.limits.idleTimeoutSeconds"),
                f.integer(limits, "maxWebSocketFrameBytes", "gateway.limits.maxWebSocketFrameBytes", 1, Integer.MAX_VALUE),
                f.longValue(limits, "maxQueuedOutboundBytes", "gateway.limits.maxQueuedOutboundBytes"),
                f.longValue(limits, "drainTimeoutSeconds", "gateway.limits.drainTimeoutSeconds"),
                f.longValue(limits, "runTimeoutSeconds", "gateway.limits.runTimeoutSeconds"),
                f.integer(limits, "maxConcurrentRuns", "gateway.limits.maxConcurrentRuns", 1, Integer.MAX_VALUE));
        if (!f.errors.isEmpty()) {
            throw new Invalid(file + ":\n  " + String.join("\n  ", f.errors));
        }
        return config;
    }

    /** Reads typed fields, collecting every problem instead of stopping at the first. */
    private static final class Fields {
        final List<String> errors = new ArrayList<>();

        JsonObject object(JsonObject parent, String name, String path) {
            JsonValue v = parent.get(name);
            if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
                return JsonValue.EMPTY_JSON_OBJECT;
            }
            if (v.getValueType() != JsonValue.ValueType.OBJECT) {
                errors.add(path + ": expected an object");
                return JsonValue.EMPTY_JSON_OBJECT;
            }
            return v.asJsonObject();
        }

        Optional<String> string(JsonObject parent, String name, String path) {
            JsonValue v = parent.get(name);
            if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
                return Optional.empty();
            }
            if (v instanceof JsonString s && !s.getString().isBlank()) {
                return Optional.of(s.getString());
            }
            errors.add(path + ": expected a non-empty string");
            return Optional.empty();
        }

        OptionalInt integer(JsonObject parent, String name, String path, int min, int max) {
            OptionalLong n = longValue(parent, name, path);
            if (n.isEmpty()) {
                return OptionalInt.empty();
            }
            if (n.getAsLong() < min || n.getAsLong() > max) {
                errors.add(path + ": " + n.getAsLong() + " (expected: " + min + ".." + max + ")");
                return OptionalInt.empty();
            }
            return OptionalInt.of((int) n.getAsLong());
        }

        OptionalLong longValue(JsonObject parent, String name, String path) {
            JsonValue v = parent.get(name);
            if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
                return OptionalLong.empty();
            }
            if (v instanceof JsonNumber n && n.isIntegral()) {
                return OptionalLong.of(n.longValue());
            }
            errors.add(path + ": expected an integer");
            return OptionalLong.empty();
        }
    }
}
