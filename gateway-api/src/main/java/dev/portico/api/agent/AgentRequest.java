package dev.portico.api.agent;

import dev.portico.api.session.Message;
import dev.portico.api.session.SessionKey;
import java.util.List;
import java.util.Objects;

/**
 * One turn for an {@link Agent}.
 *
 * @param runId the id of this run, unique within the gateway
 * @param session the conversation
 * @param message the new user message
 * @param history the earlier messages of the conversation, oldest first (without {@code message})
 */
public record AgentRequest(String runId, SessionKey session, String message, List<Message> history) {

    /**
     * Validates the parts and copies the history.
     *
     * @param runId the run id
     * @param session the conversation
     * @param message the new user message
     * @param history the earlier messages
     */
    public AgentRequest {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(message, "message");
        history = List.copyOf(history);
    }
}
