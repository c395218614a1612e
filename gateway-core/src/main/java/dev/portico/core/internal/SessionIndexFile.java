package dev.portico.core.internal;

import dev.portico.api.GatewayException;
import dev.portico.api.session.SessionKey;
import dev.portico.api.session.SessionMeta;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The session index, {@code index.jsonl}: a first line {@code {"portico_session_index":1}}, then
 * one line per session with its key, channel, chat_id, agent_id, created_at, updated_at,
 * message_count and transcript_bytes (the transcript's length when the entry was written). It is
 * a cache of what the transcripts say: an entry whose transcript_bytes differs from the file is
 * not trusted. It is replaced whole and atomically (temporary file, fsync, rename).
 */
public final class SessionIndexFile {
    /** The index file name. */
    public static final String NAME = "index.jsonl";
    private static final String HEADER = "{\"portico_session_index\":1}";

    private SessionIndexFile() {}

    /**
     * One session as the index records it.
     *
     * @param key the key
     * @param meta channel, chat and agent
     * @param createdAt creation time
     * @param updatedAt last update
     * @param messageCount messages in the transcript
     * @param transcriptBytes the transcript's length in bytes
     */
    public record Record(SessionKey key, SessionMeta meta, Instant createdAt, Instant updatedAt, long messageCount,
            long transcriptBytes) {}

    /**
     * What was read.
     *
     * @param records the readable entries by key
     * @param unreadable how many entry lines could not be read (their transcripts are rescanned)
     */
    public record Contents(Map<SessionKey, Record> records, int unreadable) {}

    /**
     * Reads an index.
     *
     * @param file the index file
     * @return its contents; empty when the file does not exist or is not an index
     * @throws IOException when it exists but cannot be read
     */
    public static Optional<Contents> read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        Map<SessionKey, Record> records = new HashMap<>();
        int unreadable = 0;
        boolean sawHeader = false;
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i < bytes.length && bytes[i] != '\n') {
                continue;
            }
            if (i > start) {
                String line = new String(bytes, start, i - start, StandardCharsets.UTF_8);
                if (!sawHeader) {
                    if (!line.equals(HEADER)) {
                        return Optional.empty();
                    }
                    sawHeader = true;
                } else {
                    Record r = parse(line);
                    if (r == null) {
                        unreadable++;
                    } else {
                        records.put(r.key(), r);
                    }
                }
            }
            start = i + 1;
        }
        return sawHeader ? Optional.of(new Contents(records, unreadable)) : Optional.empty();
    }

    /**
     * Replaces the index atomically: writes a temporary file next to it, fsyncs it when
     * {@code syncer} is given, renames it over the index, then fsyncs the directory.
     *
     * @param file the index file
     * @param records the sessions
     * @param syncer fsyncs files and directories; {@code null} to skip every fsync
     * @throws IOException when it cannot be written
     */
    public static void write(Path file, Collection<Record> records, Syncer syncer) throws IOException {
        StringBuilder sb = new StringBuilder(64 + records.size() * 220);
        sb.append(HEADER).append('\n');
        for (Record r : records) {
            sb.append("{\"key\":");
            TranscriptFormat.string(sb, r.key().value());
            sb.append(",\"channel\":");
            TranscriptFormat.string(sb, r.meta().channel());
            r.meta().chatId().ifPresent(c -> TranscriptFormat.string(sb.append(",\"chat_id\":"), c));
            r.meta().agentId().ifPresent(a -> TranscriptFormat.string(sb.append(",\"agent_id\":"), a));
            sb.append(",\"created_at\":\"").append(r.createdAt())
                    .append("\",\"updated_at\":\"").append(r.updatedAt())
                    .append("\",\"message_count\":").append(r.messageCount())
                    .append(",\"transcript_bytes\":").append(r.transcriptBytes())
                    .append("}\n");
        }
        AtomicFile.replace(file, sb.toString().getBytes(StandardCharsets.UTF_8), syncer);
    }

    private static Record parse(String line) {
        try {
            JsonObject o = TranscriptFormat.object(line);
            SessionMeta meta = new SessionMeta(TranscriptFormat.text(o, "channel"),
                    TranscriptFormat.optionalText(o, "chat_id"), TranscriptFormat.optionalText(o, "agent_id"));
            return new Record(SessionKey.of(TranscriptFormat.text(o, "key")), meta,
                    Instant.parse(TranscriptFormat.text(o, "created_at")),
                    Instant.parse(TranscriptFormat.text(o, "updated_at")),
                    TranscriptFormat.count(o, "message_count"), TranscriptFormat.count(o, "transcript_bytes"));
        } catch (JsonException | IllegalStateException | ClassCastException | IllegalArgumentException
                | DateTimeException | ArithmeticException | GatewayException e) {
            return null;
        }
    }
}
