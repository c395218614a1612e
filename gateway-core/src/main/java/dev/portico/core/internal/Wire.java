package dev.portico.core.internal;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;

/**
 * The JSON shapes of the API, as records. Field names follow API.md exactly; absent (null) fields
 * are left out of the output.
 */
public final class Wire {
    private Wire() {}

    /**
     * The error envelope.
     *
     * @param ok always false
     * @param error the code and message
     */
    @JsonbPropertyOrder({"ok", "error"})
    public record ErrorEnvelope(boolean ok, ErrorBody error) {}

    /**
     * The inside of the error envelope.
     *
     * @param code the error code
     * @param message the message
     */
    @JsonbPropertyOrder({"code", "message"})
    public record ErrorBody(String code, String message) {}

    /**
     * {@code POST /api/token/validate} with a missing or wrong credential: the seed's
     * {@code {"valid":false}} plus the error envelope.
     *
     * @param valid always false
     * @param ok always false
     * @param error the code and message
     */
    @JsonbPropertyOrder({"valid", "ok", "error"})
    public record InvalidCredential(boolean valid, boolean ok, ErrorBody error) {}

    /**
     * {@code POST /api/token/validate} with a valid credential.
     *
     * @param valid always true
     * @param ok always true
     * @param label the credential's label (never the secret)
     * @param role its role
     * @param scopes the scopes this request holds, by wire name
     */
    @JsonbPropertyOrder({"valid", "ok", "label", "role", "scopes"})
    public record TokenValidation(boolean valid, boolean ok, String label, String role, List<String> scopes) {}

    /**
     * {@code GET /health}.
     *
     * @param ok true
     * @param status {@code healthy}
     * @param uptime seconds since start
     * @param version the gateway version
     */
    @JsonbPropertyOrder({"ok", "status", "uptime", "version"})
    public record Health(boolean ok, String status, long uptime, String version) {}

    /**
     * {@code GET /healthz} and {@code GET /ready}.
     *
     * @param ok true
     * @param status {@code alive} or {@code ready}
     */
    @JsonbPropertyOrder({"ok", "status"})
    public record Probe(boolean ok, String status) {}

    /**
     * {@code POST /api/agent}.
     *
     * @param status {@code ok}
     * @param ok true
     * @param reply the agent's reply
     * @param session the session key
     * @param runId the run id
     * @param model the model that answered, when the agent names it (else left out)
     */
    @JsonbPropertyOrder({"status", "ok", "reply", "session", "runId", "model"})
    public record AgentReply(String status, boolean ok, String reply, String session,
            @JsonbProperty("run_id") String runId, String model) {}

    /**
     * {@code POST /api/agent/wait}: a run's outcome, or {@code done: false} when it is still going.
     *
     * @param ok true
     * @param done whether the run has ended
     * @param runId the run
     * @param status {@code completed} or {@code failed} once done
     * @param reply the reply of a completed run
     * @param session the session
     * @param model the model that answered, when known
     * @param error the code and message of a failed run
     */
    @JsonbPropertyOrder({"ok", "done", "runId", "status", "reply", "session", "model", "error"})
    public record WaitResult(boolean ok, boolean done, @JsonbProperty("run_id") String runId, String status,
            String reply, String session, String model, ErrorBody error) {}

    /**
     * {@code POST /api/agent/abort}.
     *
     * @param ok true
     * @param aborted whether the run was still going and is being stopped
     * @param runId the run
     */
    @JsonbPropertyOrder({"ok", "aborted", "runId"})
    public record AbortResult(boolean ok, boolean aborted, @JsonbProperty("run_id") String runId) {}

    /**
     * {@code POST /api/chat}.
     *
     * @param ok true
     * @param reply the agent's reply
     * @param session the session key
     */
    @JsonbPropertyOrder({"ok", "reply", "session"})
    public record ChatReply(boolean ok, String reply, String session) {}

    /**
     * {@code GET /api/chat/history}.
     *
     * @param ok true
     * @param session the session key
     * @param messages oldest first
     */
    @JsonbPropertyOrder({"ok", "session", "messages"})
    public record History(boolean ok, String session, List<HistoryMessage> messages) {}

    /**
     * A session as the sessions API shows it.
     *
     * @param key the key
     * @param channel the channel
     * @param chatId the chat, when known
     * @param agentId the agent, when named
     * @param createdAt RFC 3339
     * @param updatedAt RFC 3339
     * @param messageCount how many messages it holds
     */
    @JsonbPropertyOrder({"key", "channel", "chatId", "agentId", "createdAt", "updatedAt", "messageCount"})
    public record Session(String key, String channel, @JsonbProperty("chat_id") String chatId, String agentId,
            @JsonbProperty("created_at") String createdAt, @JsonbProperty("updated_at") String updatedAt,
            @JsonbProperty("message_count") long messageCount) {}

    /**
     * {@code GET /api/sessions}.
     *
     * @param ok true
     * @param sessions the page, most recently updated first
     * @param total how many sessions pass the filters
     */
    @JsonbPropertyOrder({"ok", "sessions", "total"})
    public record SessionList(boolean ok, List<Session> sessions, long total) {}

    /**
     * {@code POST /api/sessions}.
     *
     * @param ok true
     * @param session the session
     * @param reused whether an existing empty web chat session was returned
     */
    @JsonbPropertyOrder({"ok", "session", "reused"})
    public record SessionCreated(boolean ok, Session session, boolean reused) {}

    /**
     * {@code GET /api/sessions/:key}.
     *
     * @param ok true
     * @param session the session
     * @param messages its most recent messages, oldest first
     */
    @JsonbPropertyOrder({"ok", "session", "messages"})
    public record SessionDetail(boolean ok, Session session, List<HistoryMessage> messages) {}

    /**
     * {@code GET /api/sessions/:key/history}.
     *
     * @param ok true
     * @param session the key
     * @param messages the page, oldest first
     * @param firstIndex the transcript index of the first message (pass it as {@code before} for the previous page)
     * @param total how many messages the session holds
     */
    @JsonbPropertyOrder({"ok", "session", "messages", "firstIndex", "total"})
    public record SessionHistory(boolean ok, String session, List<HistoryMessage> messages,
            @JsonbProperty("first_index") long firstIndex, long total) {}

    /**
     * {@code DELETE /api/sessions/:key}.
     *
     * @param ok true
     * @param deleted true
     */
    @JsonbPropertyOrder({"ok", "deleted"})
    public record Deleted(boolean ok, boolean deleted) {}

    /**
     * One message of a history.
     *
     * @param role {@code user}, {@code assistant} or {@code system}
     * @param content the text
     * @param timestamp RFC 3339
     */
    @JsonbPropertyOrder({"role", "content", "timestamp"})
    public record HistoryMessage(String role, String content, String timestamp) {}

    /**
     * SSE {@code status} event of a run.
     *
     * @param status {@code started} or the agent's note
     * @param runId the run
     * @param session the session
     */
    @JsonbPropertyOrder({"status", "runId", "session"})
    public record RunStatus(String status, @JsonbProperty("run_id") String runId, String session) {}

    /**
     * SSE {@code token} event.
     *
     * @param runId the run
     * @param delta the piece of reply
     */
    @JsonbPropertyOrder({"runId", "delta"})
    public record RunToken(@JsonbProperty("run_id") String runId, String delta) {}

    /**
     * SSE {@code tool} event.
     *
     * @param runId the run
     * @param name the tool
     * @param phase the phase
     */
    @JsonbPropertyOrder({"runId", "name", "phase"})
    public record RunTool(@JsonbProperty("run_id") String runId, String name, String phase) {}

    /**
     * SSE {@code result} event.
     *
     * @param runId the run
     * @param reply the whole reply
     * @param session the session
     * @param model the model that answered, when the agent names it (else left out)
     */
    @JsonbPropertyOrder({"runId", "reply", "session", "model"})
    public record RunResult(@JsonbProperty("run_id") String runId, String reply, String session, String model) {}

    /**
     * SSE {@code error} event.
     *
     * @param runId the run
     * @param error the code and message
     */
    @JsonbPropertyOrder({"runId", "error"})
    public record RunError(@JsonbProperty("run_id") String runId, ErrorBody error) {}

    /**
     * WebSocket {@code chat_chunk}.
     *
     * @param ok true
     * @param type {@code chat_chunk}
     * @param session the session
     * @param delta the piece of reply
     */
    @JsonbPropertyOrder({"ok", "type", "session", "delta"})
    public record ChatChunk(boolean ok, String type, String session, String delta) {}

    /**
     * WebSocket {@code chat_done}.
     *
     * @param ok true
     * @param type {@code chat_done}
     * @param session the session
     */
    @JsonbPropertyOrder({"ok", "type", "session"})
    public record ChatDone(boolean ok, String type, String session) {}

    /**
     * WebSocket {@code chat_error}.
     *
     * @param ok false
     * @param type {@code chat_error}
     * @param error what went wrong
     * @param session the session, when known
     */
    @JsonbPropertyOrder({"ok", "type", "error", "session"})
    public record ChatError(boolean ok, String type, String error, String session) {}

    /**
     * {@code POST /api/message}: the message is queued, durably.
     *
     * @param status {@code ok}
     * @param ok true
     * @param messageId the outbox's id of the message
     */
    @JsonbPropertyOrder({"status", "ok", "message_id"})
    public record MessageAccepted(String status, boolean ok, @JsonbProperty("message_id") String messageId) {}

    /**
     * {@code POST /api/message/sync}: the agent's reply, queued for the chat.
     *
     * @param status {@code ok}
     * @param ok true
     * @param reply the reply
     * @param session the chat's session
     * @param messageId the outbox's id of the reply, null when there was nothing to send
     */
    @JsonbPropertyOrder({"status", "ok", "reply", "session", "message_id"})
    public record MessageSyncReply(String status, boolean ok, String reply, String session,
            @JsonbProperty("message_id") String messageId) {}

    /**
     * A message in the outbox, as {@code GET /api/message/:id} shows it.
     *
     * @param id the id
     * @param channel the channel's name
     * @param account the channel's account
     * @param chatId the chat
     * @param threadId the thread
     * @param source {@code api}, {@code reply} or {@code cron}
     * @param status {@code pending}, {@code delivered}, {@code failed}, {@code unknown} or {@code expired}
     * @param partsSent parts the platform has taken
     * @param attempts tries of the current part
     * @param createdAt when it was accepted
     * @param nextAttempt when a pending message is tried next
     * @param lastError why the last try failed, or why it ended
     * @param platformMessageId the platform's id of the last part delivered
     */
    @JsonbPropertyOrder({"id", "channel", "account", "chat_id", "thread_id", "source", "status", "parts_sent",
            "attempts", "created_at", "next_attempt", "last_error", "platform_message_id"})
    public record OutboxEntry(String id, String channel, String account, @JsonbProperty("chat_id") String chatId,
            @JsonbProperty("thread_id") String threadId, String source, String status,
            @JsonbProperty("parts_sent") int partsSent, int attempts, @JsonbProperty("created_at") String createdAt,
            @JsonbProperty("next_attempt") String nextAttempt, @JsonbProperty("last_error") String lastError,
            @JsonbProperty("platform_message_id") String platformMessageId) {}

    /**
     * {@code GET /api/message/:id}.
     *
     * @param ok true
     * @param message the message
     */
    @JsonbPropertyOrder({"ok", "message"})
    public record OutboxEntryView(boolean ok, OutboxEntry message) {}

    /**
     * A channel and how it is doing.
     *
     * @param name its name
     * @param kind its platform
     * @param account its account
     * @param state {@code starting}, {@code running}, {@code degraded} or {@code stopped}
     * @param detail why, when there is something to say
     * @param since when it entered the state
     * @param maxMessageLength the longest message it sends whole
     */
    @JsonbPropertyOrder({"name", "kind", "account", "state", "detail", "since", "max_message_length"})
    public record ChannelView(String name, String kind, String account, String state, String detail, String since,
            @JsonbProperty("max_message_length") int maxMessageLength) {}

    /**
     * {@code GET /api/channels}.
     *
     * @param ok true
     * @param channels the channels, in configuration order
     * @param pending messages waiting in the outbox
     */
    @JsonbPropertyOrder({"ok", "channels", "pending"})
    public record ChannelList(boolean ok, List<ChannelView> channels, int pending) {}

    /**
     * {@code GET /api/status}.
     *
     * @param ok true
     * @param status {@code running}, or {@code draining} while the gateway stops
     * @param version the gateway's version
     * @param uptime seconds since start
     * @param channels the channels and their state
     * @param pending messages waiting in the outbox
     */
    @JsonbPropertyOrder({"ok", "status", "version", "uptime", "adapter", "address", "channels", "pending", "counts"})
    public record Status(boolean ok, String status, String version, long uptime, String adapter, String address,
            List<ChannelView> channels, int pending, Counts counts) {}

    /**
     * What {@code GET /api/status} counts.
     *
     * @param sessions the sessions in the store (internal ones, such as cron runs', excluded)
     * @param jobs the scheduled jobs
     * @param activeRuns agent runs in progress
     * @param finishedRuns finished runs still kept for {@code /api/agent/wait}
     */
    @JsonbPropertyOrder({"sessions", "jobs", "activeRuns", "finishedRuns"})
    public record Counts(long sessions, int jobs, @JsonbProperty("active_runs") int activeRuns,
            @JsonbProperty("finished_runs") int finishedRuns) {}

    /**
     * {@code GET /api/version}.
     *
     * @param ok always true
     * @param gatewayVersion the gateway's version
     * @param compiledChannels the kinds of channel this gateway can run, sorted
     */
    @JsonbPropertyOrder({"ok", "gatewayVersion", "compiledChannels"})
    public record Version(boolean ok, @JsonbProperty("gateway_version") String gatewayVersion,
            @JsonbProperty("compiled_channels") List<String> compiledChannels) {}

    /**
     * {@code GET /api/config}.
     *
     * @param ok always true
     * @param config the effective configuration, secrets redacted
     * @param rawConfig the kept document, secrets redacted; only with {@code ?mode=normalized}
     */
    @JsonbPropertyOrder({"ok", "config", "rawConfig"})
    public record ConfigView(boolean ok, jakarta.json.JsonObject config,
            @JsonbProperty("raw_config") jakarta.json.JsonObject rawConfig) {}

    /**
     * A configuration change accepted and applied.
     *
     * @param ok always true
     * @param restartRequired the changed settings that wait for a restart
     * @param warnings what was accepted but looks wrong
     */
    @JsonbPropertyOrder({"ok", "restartRequired", "warnings"})
    public record ConfigApplied(boolean ok, @JsonbProperty("restart_required") List<String> restartRequired,
            List<String> warnings) {}

    /**
     * A configuration change refused: the error envelope plus every problem.
     *
     * @param ok always false
     * @param error the error
     * @param errors each problem, {@code <path>: <what is wrong>}
     */
    @JsonbPropertyOrder({"ok", "error", "errors"})
    public record ConfigRefused(boolean ok, ErrorBody error, List<String> errors) {}

    /** {@code POST /api/restart}: accepted. */
    public record Restarting(boolean ok, String status) {}
}
