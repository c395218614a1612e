package dev.portico.api.agent;

/** Where an {@link Agent} reports the events of one run. Safe to call from any thread. */
public interface AgentEventSink {

    /**
     * Reports an event. Events after the first {@link AgentEvent.Completed} or
     * {@link AgentEvent.Failed} are ignored.
     *
     * @param event the event
     */
    void emit(AgentEvent event);

    /**
     * Whether the run was aborted or timed out; a long-running agent checks this (or its thread's
     * interrupt flag) and stops early.
     *
     * @return true once the run should stop
     */
    boolean cancelled();
}
