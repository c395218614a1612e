package dev.portico.api.agent;

/**
 * The agent behind the gateway. {@link #run(AgentRequest, AgentEventSink)} is plain blocking code
 * on a virtual thread: it streams {@link AgentEvent.TextDelta}s as the reply forms and ends with
 * {@link AgentEvent.Completed} (or {@link AgentEvent.Failed}).
 *
 * <pre>{@code
 * Agent shout = (request, events) -> {
 *     String reply = request.message().toUpperCase();
 *     events.emit(new AgentEvent.TextDelta(reply));
 *     events.emit(new AgentEvent.Completed(reply));
 * };
 * }</pre>
 *
 * <p>When {@code run} returns without a final event, the gateway completes the run with the
 * concatenated deltas; when it throws, the run fails with {@code AGENT_ERROR}.
 */
@FunctionalInterface
public interface Agent {

    /**
     * Runs one turn.
     *
     * @param request the turn
     * @param events where to report progress and the result
     * @throws Exception any failure; the run fails with {@code AGENT_ERROR}
     */
    void run(AgentRequest request, AgentEventSink events) throws Exception;

    /**
     * A short name for status and logs.
     *
     * @return the name, the class's simple name by default
     */
    default String name() {
        return getClass().getSimpleName();
    }
}
