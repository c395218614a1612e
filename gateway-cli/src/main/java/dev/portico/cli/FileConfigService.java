package dev.portico.cli;

import dev.portico.api.ErrorCode;
import dev.portico.api.GatewayException;
import dev.portico.api.transport.TransportOptions;
import dev.portico.core.ConfigService;
import dev.portico.core.GatewayBuilder;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.JsonWriter;
import jakarta.json.stream.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The packaged server's configuration for the {@code /api/config} routes: its config file. A new
 * document is checked as a file at start is, written in place of the file (whole, through a
 * temporary file and a rename), then applied as a change of the file is.
 */
final class FileConfigService implements ConfigService {
    private static final System.Logger LOG = System.getLogger(FileConfigService.class.getName());

    /** A whole value that is an environment reference, {@code ${NAME}} or {@code ${NAME:-default}}. */
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?}");

    private final GatewayCommand command;
    private final Path file;

    FileConfigService(GatewayCommand command, Path file) {
        this.command = command;
        this.file = file;
    }

    @Override
    public JsonObject source() {
        return redacted(kept(), true);
    }

    @Override
    public JsonObject effective() {
        GatewayCommand.Effective now = command.effective();
        GatewayBuilder b = now.builder();
        TransportOptions o = now.options();
        JsonObject kept = ConfigFile.prepared(kept(), command.env);
        JsonObject gateway = kept.get("gateway") instanceof JsonObject g ? g : JsonValue.EMPTY_JSON_OBJECT;
        JsonObject auth = gateway.get("auth") instanceof JsonObject a ? a : JsonValue.EMPTY_JSON_OBJECT;
        JsonObjectBuilder limits = Json.createObjectBuilder()
                .add("maxBodyBytes", b.maxBodyBytes())
                .add("maxHeaderBytes", o.maxHeaderBytes())
                .add("idleTimeoutSeconds", o.idleTimeout().toSeconds())
                .add("maxWebSocketFrameBytes", o.maxWebSocketFrameBytes())
                .add("maxQueuedOutboundBytes", o.maxQueuedOutboundBytes())
                .add("drainTimeoutSeconds", o.drainTimeout().toSeconds())
                .add("runTimeoutSeconds", b.runTimeout().toSeconds())
                .add("maxConcurrentRuns", b.maxConcurrentRuns())
                .add("runQueueTimeoutSeconds", b.runQueueTimeout().toSeconds())
                .add("runGraceSeconds", b.runGrace().toSeconds())
                .add("maxEventStreams", b.maxEventStreams());
        JsonObjectBuilder rates = Json.createObjectBuilder();
        b.rateLimits().forEach(rates::add);
        JsonObjectBuilder effective = Json.createObjectBuilder(gateway)
                .add("host", o.host())
                .add("port", now.port())
                .add("server", now.adapter())
                .add("auth", Json.createObjectBuilder(auth).add("mode", now.authMode()))
                .add("limits", limits)
                .add("cron", Json.createObjectBuilder().add("poolSize", b.cronPoolSize())
                        .add("timeoutSeconds", b.cronTimeout().toSeconds()).add("timezone", b.cronZone().getId()))
                .add("outbox", Json.createObjectBuilder(gateway.get("outbox") instanceof JsonObject x ? x
                        : JsonValue.EMPTY_JSON_OBJECT)
                        .add("expirySeconds", b.outboxExpiry().toSeconds()).add("concurrency", b.outboxConcurrency()))
                .add("logging", Json.createObjectBuilder(gateway.get("logging") instanceof JsonObject x ? x
                        : JsonValue.EMPTY_JSON_OBJECT)
                        .add("level", LogLevels.level()).add("requests", LogLevels.requests()))
                .add("rateLimits", rates);
        return redacted(Json.createObjectBuilder(kept).add("gateway", effective).build(), false);
    }

    @Override
    public Applied replace(JsonObject document) {
        // A whole document needs the kept one only for the secrets it leaves redacted.
        JsonObject kept = redacts(document) ? kept() : JsonValue.EMPTY_JSON_OBJECT;
        List<String> problems = new ArrayList<>();
        JsonObject next = restored(document, kept, "", problems).asJsonObject();
        if (!problems.isEmpty()) {
            throw new Rejected(problems);
        }
        ConfigFile parsed;
        try {
            parsed = ConfigFile.parse(next, file.toString(), command.env, problem -> true);
        } catch (ConfigFile.Invalid e) {
            throw new Rejected(e.problems());
        }
        byte[] text = pretty(next);
        try {
            return command.apply(parsed, () -> {
                command.expect(text);
                write(file, text);
            }, "config changed through the API");
        } catch (IllegalArgumentException e) {
            throw new Rejected(List.of(e.getMessage()));
        } catch (UncheckedIOException e) {
            LOG.log(System.Logger.Level.ERROR, e.getMessage());
            throw new GatewayException(ErrorCode.INTERNAL_ERROR,
                    "config: the config file could not be written; the running config stays");
        }
    }

    /**
     * The config file as it is, or an empty document when there is none.
     *
     * @throws GatewayException {@code CONFLICT} when the file on disk is not a JSON object
     */
    private JsonObject kept() {
        if (!Files.exists(file)) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
        try {
            return ConfigFile.json(file);
        } catch (ConfigFile.Invalid e) {
            throw new GatewayException(ErrorCode.CONFLICT, "the config file on disk cannot be read: " + e.getMessage()
                    + " (fix it, or replace it whole with POST /api/config)");
        }
    }

    /**
     * A document with every secret {@link #REDACTED}.
     *
     * @param value the document or a part of it
     * @param keepReferences whether a secret written as an environment reference stays as written
     *     (it names where the secret comes from, not the secret)
     */
    static JsonValue redact(JsonValue value, boolean keepReferences) {
        if (value instanceof JsonObject o) {
            JsonObjectBuilder b = Json.createObjectBuilder();
            for (Map.Entry<String, JsonValue> e : o.entrySet()) {
                boolean secret = ConfigFile.isSecretKey(e.getKey()) && e.getValue() instanceof JsonString s
                        && !(keepReferences && REFERENCE.matcher(s.getString()).matches());
                b.add(e.getKey(), secret ? Json.createValue(REDACTED) : redact(e.getValue(), keepReferences));
            }
            return b.build();
        }
        if (value instanceof JsonArray a) {
            JsonArrayBuilder b = Json.createArrayBuilder();
            a.forEach(v -> b.add(redact(v, keepReferences)));
            return b.build();
        }
        return value;
    }

    private static JsonObject redacted(JsonObject o, boolean keepReferences) {
        return redact(o, keepReferences).asJsonObject();
    }

    /**
     * The document with each {@link #REDACTED} secret replaced by the one kept at the same place; a
     * redacted value with nothing kept there is a problem.
     */
    private static JsonValue restored(JsonValue value, JsonValue kept, String path, List<String> problems) {
        if (value instanceof JsonObject o) {
            JsonObject before = kept instanceof JsonObject k ? k : JsonValue.EMPTY_JSON_OBJECT;
            JsonObjectBuilder b = Json.createObjectBuilder();
            for (Map.Entry<String, JsonValue> e : o.entrySet()) {
                String at = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                JsonValue was = before.get(e.getKey());
                if (e.getValue() instanceof JsonString s && s.getString().equals(REDACTED)) {
                    if (was instanceof JsonString) {
                        b.add(e.getKey(), was);
                    } else {
                        problems.add(at + ": \"" + REDACTED + "\" but no secret is kept there (expected: the secret, "
                                + "or ${NAME} of an environment variable)");
                    }
                } else {
                    b.add(e.getKey(), restored(e.getValue(), was, at, problems));
                }
            }
            return b.build();
        }
        if (value instanceof JsonArray a) {
            JsonArray before = kept instanceof JsonArray k ? k : JsonValue.EMPTY_JSON_ARRAY;
            JsonArrayBuilder b = Json.createArrayBuilder();
            for (int i = 0; i < a.size(); i++) {
                b.add(restored(a.get(i), i < before.size() ? before.get(i) : null, path + "[" + i + "]", problems));
            }
            return b.build();
        }
        return value;
    }

    /** Whether a document holds a {@link #REDACTED} value anywhere. */
    private static boolean redacts(JsonValue value) {
        return switch (value) {
            case JsonObject o -> o.values().stream().anyMatch(FileConfigService::redacts);
            case JsonArray a -> a.stream().anyMatch(FileConfigService::redacts);
            case JsonString s -> s.getString().equals(REDACTED);
            default -> false;
        };
    }

    /** The document as the file keeps it: indented, one key per line, a newline at the end. */
    static byte[] pretty(JsonObject document) {
        StringWriter out = new StringWriter();
        try (JsonWriter w = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true)).createWriter(out)) {
            w.writeObject(document);
        }
        return (out.toString().strip() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Replaces the config file whole ({@link SafeFiles#write}). The file keeps its permissions; a
     * new one is readable by its owner only, as it may hold secrets.
     */
    static void write(Path file, byte[] content) {
        try {
            Set<PosixFilePermission> mode = Files.exists(file) && SafeFiles.posix(file)
                    ? Files.getPosixFilePermissions(file) : PosixFilePermissions.fromString("rw-------");
            SafeFiles.write(file, content, mode, true);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": could not be written (" + e.getMessage() + ")", e);
        }
    }
}
