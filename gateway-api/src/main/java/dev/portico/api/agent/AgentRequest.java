package dev.portico.api.agent;

import dev.portico.api.session.Message;
import dev.portico.api.session.SessionKey;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One turn for an {@link Agent}.
 *
 * @param runId the id of this run, unique within the gateway
 * @param session the conversation
 * @param message the new user message
 * @param history the earlier messages of the conversation, oldest first (without {@code message})
 * @param model the model the turn asks for (such as {@code openai/gpt-4o}), when not the agent's
 *     default; an agent that cannot honour it fails the turn saying so
 */
public record AgentRequest(String runId, SessionKey session, String message, List<Message> history,
        Optional<String> model) {

    /**
     * Validates the parts and copies the history.
     *
     * @param runId the run id
     * @param session the conversation
     * @param message the new user message
     * @param history the earlier messages
     * @param model the model asked for
     */
    public AgentRequest {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(message, "message");
        history = List.copyOf(history);
        Objects.requireNonNull(model, "model");
    }

    /**
     * A turn for the agent's default model.
     *
     * @param runId the run id
     * @param session the conversation
     * @param message the new user message
     * @param history the earlier messages
     */
    public AgentRequest(String runId, SessionKey session, String message, List<Message> history) {
        this(runId, session, message, history, Optional.empty());
    }
}
