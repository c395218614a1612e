package dev.portico.core;

import dev.portico.api.agent.Agent;
import dev.portico.api.agent.AgentEvent;
import dev.portico.api.agent.AgentEventSink;
import dev.portico.api.agent.AgentRequest;

/**
 * The built-in agent: replies with the user's message, unchanged. It streams the reply as several
 * {@link AgentEvent.TextDelta}s (up to {@value #PIECES}, split on code-point boundaries) so streaming
 * is exercised end to end without a model.
 */
public final class EchoAgent implements Agent {
    private static final int PIECES = 4;

    /** Creates the echo agent. */
    public EchoAgent() {}

    @Override
    public void run(AgentRequest request, AgentEventSink events) {
        String message = request.message();
        int codePoints = message.codePointCount(0, message.length());
        int perPiece = Math.max(1, (codePoints + PIECES - 1) / PIECES);
        int start = 0;
        while (start < message.length() && !events.cancelled()) {
            int remaining = message.codePointCount(start, message.length());
            int end = message.offsetByCodePoints(start, Math.min(perPiece, remaining));
            events.emit(new AgentEvent.TextDelta(message.substring(start, end)));
            start = end;
        }
        events.emit(new AgentEvent.Completed(message));
    }

    @Override
    public String name() {
        return "echo";
    }
}
