package dev.portico.api.cron;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** What a job does when it runs. */
public sealed interface Payload permits Payload.AgentTurn, Payload.SystemEvent {

    /**
     * A conversation turn: the message goes to the agent in the job's session, as if a user had sent it.
     *
     * @param message the message, not blank
     * @param model the model to ask ({@code <provider>/<model>}), when not the agent's default
     * @param timeout how long the run may take, when not the scheduler's default
     */
    record AgentTurn(String message, Optional<String> model, Optional<Duration> timeout) implements Payload {
        /**
         * Validates the parts.
         *
         * @param message the message
         * @param model the model
         * @param timeout the timeout, positive
         */
        public AgentTurn {
            message = requireText(message, "message");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(timeout, "timeout");
            model = model.map(String::strip).filter(m -> !m.isEmpty());
            if (timeout.isPresent() && (timeout.get().isNegative() || timeout.get().isZero())) {
                throw new IllegalArgumentException("timeoutSeconds: " + timeout.get().toSeconds() + " (expected: a positive number of seconds)");
            }
        }

        /**
         * A turn with the agent's default model and the scheduler's default timeout.
         *
         * @param message the message
         * @return the payload
         */
        public static AgentTurn of(String message) {
            return new AgentTurn(message, Optional.empty(), Optional.empty());
        }
    }

    /**
     * A note for the session, without running the agent: it is stored in the job's session as a
     * system message and published as a {@code cron.system_event} event.
     *
     * @param text the text, not blank
     */
    record SystemEvent(String text) implements Payload {
        /**
         * Validates the text.
         *
         * @param text the text
         */
        public SystemEvent {
            text = requireText(text, "text");
        }
    }

    /**
     * The text the payload carries: the message of a turn, the text of an event.
     *
     * @return the text
     */
    default String text() {
        return switch (this) {
            case AgentTurn t -> t.message();
            case SystemEvent e -> e.text;
        };
    }

    private static String requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + ": required (expected: non-blank text)");
        }
        return value;
    }
}
