package dev.portico.api.agent;

import java.util.Objects;
import java.util.Optional;

/**
 * What an {@link Agent} reports while it runs. A run reports any number of deltas, tool activity
 * and status notes, then exactly one {@link Completed} or {@link Failed}.
 */
public sealed interface AgentEvent {

    /**
     * A piece of the reply, in order. Concatenated, the deltas of a run are its reply.
     *
     * @param text the piece; never splits a code point
     */
    record TextDelta(String text) implements AgentEvent {
        /**
         * Validates the text.
         *
         * @param text the piece
         */
        public TextDelta {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * The agent is using a tool.
     *
     * @param name the tool name
     * @param phase {@code start}, {@code end} or another phase the agent names
     */
    record ToolActivity(String name, String phase) implements AgentEvent {
        /**
         * Validates the parts.
         *
         * @param name the tool name
         * @param phase the phase
         */
        public ToolActivity {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(phase, "phase");
        }
    }

    /**
     * A status note for whoever watches the run, such as {@code thinking}.
     *
     * @param status the note
     */
    record Status(String status) implements AgentEvent {
        /**
         * Validates the note.
         *
         * @param status the note
         */
        public Status {
            Objects.requireNonNull(status, "status");
        }
    }

    /**
     * The run finished.
     *
     * @param reply the whole reply
     * @param model the model that produced it (such as {@code openai/gpt-4o}), when the agent knows
     */
    record Completed(String reply, Optional<String> model) implements AgentEvent {
        /**
         * Validates the parts.
         *
         * @param reply the whole reply
         * @param model the model that produced it
         */
        public Completed {
            Objects.requireNonNull(reply, "reply");
            Objects.requireNonNull(model, "model");
        }

        /**
         * A completion without a model name.
         *
         * @param reply the whole reply
         */
        public Completed(String reply) {
            this(reply, Optional.empty());
        }
    }

    /**
     * The run failed.
     *
     * @param message what went wrong, safe to show to the client
     */
    record Failed(String message) implements AgentEvent {
        /**
         * Validates the message.
         *
         * @param message what went wrong
         */
        public Failed {
            Objects.requireNonNull(message, "message");
        }
    }
}
