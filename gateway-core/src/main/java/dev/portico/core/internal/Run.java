package dev.portico.core.internal;

import dev.portico.api.ErrorCode;
import dev.portico.api.agent.AgentEvent;
import dev.portico.api.session.SessionKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One agent run: its id, its session, and the events it produced so far. Any number of readers
 * follow it with a {@link Cursor}, from the first event, whether they came early or late; the run
 * does not depend on them and goes on when they leave.
 */
public final class Run {
    private final String id;
    private final SessionKey session;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<AgentEvent> events = new ArrayList<>();
    private final StringBuilder reply = new StringBuilder();
    private AgentEvent terminal;
    private Instant finishedAt;
    private volatile ErrorCode failureCode = ErrorCode.AGENT_ERROR;
    private AgentEvent pendingTerminal;
    private String carry = "";
    private volatile boolean cancelled;
    private volatile boolean timedOut;
    private volatile String cancelReason = "run cancelled";
    private Thread worker;
    /** {@link System#nanoTime()} after which the run is overdue; 0 until it starts executing. */
    private volatile long deadline;
    /** How long the run may take; set with its deadline. */
    private volatile Duration timeout = Duration.ZERO;

    Run(String id, SessionKey session) {
        this.id = id;
        this.session = session;
    }

    /** @return the run id */
    public String id() {
        return id;
    }

    /** @return the session */
    public SessionKey session() {
        return session;
    }

    /**
     * A reader positioned at the first event.
     *
     * @return a new cursor
     */
    public Cursor cursor() {
        return new Cursor();
    }

    /**
     * Waits for the run to end.
     *
     * @param timeout the longest wait
     * @return the {@link AgentEvent.Completed} or {@link AgentEvent.Failed}, or empty on timeout
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public Optional<AgentEvent> await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (terminal == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                changed.awaitNanos(left);
            }
            return Optional.of(terminal);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Asks the run to stop: the agent sees {@code cancelled()} and its thread is interrupted.
     *
     * @param reason the failure message the run ends with
     */
    public void cancel(String reason) {
        cancelReason = reason;
        cancelled = true;
        lock.lock();
        try {
            if (worker != null) {
                worker.interrupt();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops the run because it went past its timeout, as {@link #cancel} does.
     *
     * @param reason the failure message the run ends with
     */
    void timeOut(String reason) {
        timedOut = true;
        cancel(reason);
    }

    /** Whether the run was stopped at its timeout. */
    boolean timedOut() {
        return timedOut;
    }

    void deadline(long nanoTime, Duration limit) {
        this.timeout = limit;
        this.deadline = nanoTime == 0 ? 1 : nanoTime;
    }

    Duration timeout() {
        return timeout;
    }

    boolean overdue(long now) {
        long d = deadline;
        return d != 0 && !cancelled && now - d > 0;
    }

    /**
     * Whether the run has ended.
     *
     * @return true once its final event is visible
     */
    public boolean finished() {
        return finishedAt().isPresent();
    }

    /**
     * When the run ended.
     *
     * @return the time, or empty while it runs
     */
    public Optional<Instant> finishedAt() {
        lock.lock();
        try {
            return Optional.ofNullable(finishedAt);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The error code a failed run is answered with: {@code AGENT_ERROR}, or {@code UNAVAILABLE}
     * when it found no place under the concurrency cap.
     *
     * @return the code
     */
    public ErrorCode failureCode() {
        return failureCode;
    }

    void failWith(ErrorCode code) {
        this.failureCode = code;
    }

    boolean cancelled() {
        return cancelled;
    }

    String cancelReason() {
        return cancelReason;
    }

    /** Sets (or, with null, clears) the thread to interrupt on cancel; once cleared, no interrupt follows. */
    void worker(Thread thread) {
        lock.lock();
        try {
            this.worker = thread;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records an event from the agent. Deltas are joined across a split surrogate pair so that no
     * reader ever sees half a code point; the final event is held until {@link #finish} makes it
     * visible (after the reply is stored).
     */
    void emit(AgentEvent event) {
        lock.lock();
        try {
            if (terminal != null || pendingTerminal != null) {
                return;
            }
            switch (event) {
                case AgentEvent.TextDelta d -> {
                    String text = carry + d.text();
                    carry = "";
                    if (!text.isEmpty() && Character.isHighSurrogate(text.charAt(text.length() - 1))) {
                        carry = text.substring(text.length() - 1);
                        text = text.substring(0, text.length() - 1);
                    }
                    if (text.isEmpty()) {
                        return;
                    }
                    reply.append(text);
                    events.add(new AgentEvent.TextDelta(text));
                }
                case AgentEvent.Completed c -> pendingTerminal = c;
                case AgentEvent.Failed f -> pendingTerminal = f;
                default -> events.add(event);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The final event the agent reported, or a completion with the streamed text when it reported
     * none.
     */
    AgentEvent outcome() {
        lock.lock();
        try {
            if (pendingTerminal != null) {
                return pendingTerminal;
            }
            if (!carry.isEmpty()) {
                reply.append(carry);
                events.add(new AgentEvent.TextDelta(carry));
                carry = "";
            }
            return new AgentEvent.Completed(reply.toString());
        } finally {
            lock.unlock();
        }
    }

    /** Ends the run with its final event, visible to every reader. */
    void finish(AgentEvent end, Instant at) {
        lock.lock();
        try {
            if (terminal == null) {
                terminal = end;
                finishedAt = at;
                events.add(end);
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Reads the events of a run in order. Not shared between threads. */
    public final class Cursor {
        private int next;

        private Cursor() {}

        /**
         * The next event, waiting for it up to {@code timeout}.
         *
         * @param timeout the longest wait
         * @return the event, or empty on timeout; after the final event, always empty at once
         * @throws InterruptedException when the reading thread is interrupted
         */
        public Optional<AgentEvent> next(Duration timeout) throws InterruptedException {
            lock.lock();
            try {
                long left = timeout.toNanos();
                while (next >= events.size()) {
                    if (terminal != null || left <= 0) {
                        return Optional.empty();
                    }
                    left = changed.awaitNanos(left);
                }
                return Optional.of(events.get(next++));
            } finally {
                lock.unlock();
            }
        }

        /**
         * Whether the final event has been read.
         *
         * @return true when nothing more will come
         */
        public boolean done() {
            lock.lock();
            try {
                return terminal != null && next >= events.size();
            } finally {
                lock.unlock();
            }
        }
    }
}
