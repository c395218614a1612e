package dev.portico.core.internal;

import dev.portico.api.ErrorCode;
import dev.portico.api.GatewayException;
import dev.portico.api.agent.Agent;
import dev.portico.api.agent.AgentEvent;
import dev.portico.api.agent.AgentEventSink;
import dev.portico.api.agent.AgentRequest;
import dev.portico.api.session.Message;
import dev.portico.api.session.SessionKey;
import dev.portico.api.session.SessionStore;
import dev.portico.core.GatewayLog;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Conversation turns: one run per session at a time (later turns wait their turn, in order), a
 * global cap on concurrent runs, a per-run timeout. Each turn stores the user message, runs the
 * agent with the session's history, stores the reply, and publishes its events.
 */
public final class Conversations {
    private static final System.Logger LOG = System.getLogger(Conversations.class.getName());

    private volatile Agent agent;
    private final SessionStore store;
    private final Clock clock;
    private final EventBus bus;
    private final Semaphore permits;
    private final int maxConcurrentRuns;
    private final Duration runTimeout;
    private final int historyLimit;
    private final Duration queueTimeout;
    private final Duration grace;
    private final Map<SessionKey, Lane> lanes = new ConcurrentHashMap<>();
    /** The most finished runs kept collectable, so a busy gateway's memory stays bounded. */
    static final int MAX_FINISHED = 10_000;
    /** Every run by id: in flight, or finished and kept for {@code grace} so it can still be collected. */
    private final RunRegistry runs = new RunRegistry(MAX_FINISHED);
    private final ScheduledExecutorService timer;
    private final Metrics metrics;

    /** The per-session lock and the number of turns holding or waiting for it. */
    private static final class Lane {
        final ReentrantLock lock = new ReentrantLock(true);
        int users;
    }

    /**
     * Creates the service.
     *
     * @param agent the agent
     * @param store the session store
     * @param clock stamps messages
     * @param bus receives run events
     * @param maxConcurrentRuns the global cap
     * @param runTimeout the per-run timeout
     * @param historyLimit how many earlier messages the agent receives
     * @param queueTimeout how long a run waits for a place under the cap before it fails busy
     * @param grace how long a finished run stays collectable by id
     * @param metrics counts the runs and their durations
     */
    Conversations(Agent agent, SessionStore store, Clock clock, EventBus bus, int maxConcurrentRuns,
            Duration runTimeout, int historyLimit, Duration queueTimeout, Duration grace, Metrics metrics) {
        this.agent = agent;
        this.store = store;
        this.clock = clock;
        this.bus = bus;
        this.permits = new Semaphore(maxConcurrentRuns, true);
        this.maxConcurrentRuns = maxConcurrentRuns;
        this.runTimeout = runTimeout;
        this.historyLimit = historyLimit;
        this.queueTimeout = queueTimeout;
        this.grace = grace;
        this.metrics = metrics;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "portico-run-timer");
            thread.setDaemon(true);
            return thread;
        });
        // One sweep over the runs in flight instead of a timer task per run: no shared queue to
        // contend on in the hot path. A run overstays by at most one period.
        long period = Math.clamp(runTimeout.toMillis() / 4, 10, 250);
        timer.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Answers the turns that start from now on with another agent; runs in progress finish with
     * the one they started with.
     *
     * @param next the agent
     */
    void agent(Agent next) {
        this.agent = java.util.Objects.requireNonNull(next, "agent");
    }

    /**
     * Starts a turn on its own virtual thread, so it goes on whatever its readers do.
     *
     * @param session the session
     * @param message the user message
     * @return the run, to follow or wait for
     */
    public Run start(SessionKey session, String message) {
        return start(session, message, Optional.empty(), runTimeout);
    }

    /**
     * Starts a turn on its own virtual thread, for a given model and with a given timeout.
     *
     * @param session the session
     * @param message the user message
     * @param model the model to ask, when not the agent's default
     * @param timeout how long the run may take
     * @return the run, to follow or wait for
     */
    public Run start(SessionKey session, String message, Optional<String> model, Duration timeout) {
        Run run = newRun(session);
        Thread.ofVirtual().name("portico-run").start(() -> execute(run, message, model, timeout));
        return run;
    }

    /**
     * Runs a turn on the calling thread and returns once it has ended: for a caller that would
     * only wait for it (a plain JSON request), this saves a thread hand-off each way.
     *
     * @param session the session
     * @param message the user message
     * @return the ended run
     */
    public Run run(SessionKey session, String message) {
        Run run = newRun(session);
        execute(run, message, Optional.empty(), runTimeout);
        return run;
    }

    private Run newRun(SessionKey session) {
        Run run = new Run(Ids.uuid(), session);
        runs.add(run);
        metrics.runStarted();
        return run;
    }

    /**
     * A run by id, in flight or finished less than the grace period ago.
     *
     * @param runId the id
     * @return the run, or empty when unknown or expired
     */
    public Optional<Run> find(String runId) {
        return runs.find(runId);
    }

    /** How many finished runs are kept collectable. */
    int finishedRuns() {
        return runs.finishedCount();
    }

    /**
     * Aborts a run that has not finished.
     *
     * @param runId the id
     * @return true when the run was still going and is now being stopped; false when it had finished
     * @throws GatewayException {@code RUN_NOT_FOUND} when the id is unknown or expired
     */
    public boolean abort(String runId) {
        Run run = find(runId).orElseThrow(() -> runNotFound(runId));
        if (run.finished()) {
            return false;
        }
        run.cancel("run aborted");
        return true;
    }

    /**
     * The error for an unknown run id.
     *
     * @param runId the id
     * @return a {@code RUN_NOT_FOUND} exception
     */
    static GatewayException runNotFound(String runId) {
        return new GatewayException(ErrorCode.RUN_NOT_FOUND, "run_id: " + runId + " is unknown or expired");
    }

    /** Cancels every run still going (used when the gateway stops). */
    public void shutdown() {
        runs.inFlight().forEach(r -> r.cancel("gateway stopping"));
        timer.shutdownNow();
    }

    private void execute(Run run, String message, Optional<String> model, Duration timeout) {
        long start = System.nanoTime();
        boolean wasInterrupted = Thread.currentThread().isInterrupted();
        run.worker(Thread.currentThread());
        AgentEvent outcome;
        boolean busy = false;
        Lane lane = null;
        boolean permitted = false;
        try {
            lane = enterLane(run.session());
            permitted = permits.tryAcquire(queueTimeout.toNanos(), TimeUnit.NANOSECONDS);
            if (!permitted) {
                run.failWith(ErrorCode.UNAVAILABLE);
                throw new BusyException();
            }
            if (run.cancelled()) {
                throw new InterruptedException();
            }
            run.deadline(System.nanoTime() + timeout.toNanos(), timeout);
            List<Message> history = historyLimit == 0 ? List.of() : store.history(run.session(), historyLimit);
            boolean fresh = !store.exists(run.session());
            store.append(run.session(), Message.user(message, clock.instant()));
            if (fresh) {
                bus.publish("session.created", () -> Map.of("key", run.session().value()));
            }
            bus.publish("agent.run.started", () -> Map.of("run_id", run.id(), "session", run.session().value()));
            agent.run(new AgentRequest(run.id(), run.session(), message, history, model), sinkFor(run));
            outcome = run.cancelled() ? new AgentEvent.Failed(run.cancelReason()) : run.outcome();
        } catch (InterruptedException e) {
            outcome = new AgentEvent.Failed(run.cancelReason());
        } catch (BusyException e) {
            busy = true;
            outcome = new AgentEvent.Failed("the gateway is busy: " + permitsInUse() + " runs in flight (the cap); try again later");
        } catch (Exception | LinkageError e) {
            if (run.cancelled()) {
                outcome = new AgentEvent.Failed(run.cancelReason());
            } else {
                LOG.log(System.Logger.Level.WARNING, "agent run " + run.id() + " failed", e);
                outcome = new AgentEvent.Failed("the agent failed");
            }
        } finally {
            run.worker(null);
            // Clear an interrupt meant for the run (timeout, cancel); keep one the caller already had.
            if (Thread.interrupted() && wasInterrupted) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            if (outcome instanceof AgentEvent.Completed c) {
                store.append(run.session(), Message.assistant(c.reply(), clock.instant()));
                bus.publish("session.updated", () -> Map.of("key", run.session().value()));
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "storing the reply of run " + run.id() + " failed", e);
            outcome = new AgentEvent.Failed("the reply could not be stored");
        } finally {
            if (permitted) {
                permits.release();
            }
            if (lane != null) {
                leaveLane(run.session(), lane);
            }
        }
        run.finish(outcome, clock.instant());
        runs.finished(run);
        Metrics.RunOutcome kind = outcome instanceof AgentEvent.Completed ? Metrics.RunOutcome.COMPLETED
                : busy ? Metrics.RunOutcome.BUSY
                : run.timedOut() ? Metrics.RunOutcome.TIMED_OUT
                : run.cancelled() ? Metrics.RunOutcome.CANCELLED
                : Metrics.RunOutcome.FAILED;
        metrics.runFinished(kind, start);
        logEnd(run, kind, outcome, start);
        if (outcome instanceof AgentEvent.Failed f) {
            bus.publish("agent.run.failed", () -> Map.of("run_id", run.id(), "session", run.session().value(), "error", f.message()));
        } else {
            bus.publish("agent.run.completed", () -> Map.of("run_id", run.id(), "session", run.session().value()));
        }
    }

    /**
     * One line per run, with its fields: at DEBUG for a completed run (one per turn would crowd the
     * console), at INFO for one that did not complete.
     */
    private static void logEnd(Run run, Metrics.RunOutcome kind, AgentEvent outcome, long start) {
        System.Logger.Level level = kind == Metrics.RunOutcome.COMPLETED ? System.Logger.Level.DEBUG
                : System.Logger.Level.INFO;
        if (!LOG.isLoggable(level)) {
            return;
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        String outcomeName = kind.name().toLowerCase(java.util.Locale.ROOT);
        LOG.log(level, "run " + outcomeName.replace('_', ' '), outcome instanceof AgentEvent.Failed f
                ? GatewayLog.fields("run_id", run.id(), "session", run.session().value(), "duration_ms", ms,
                        "outcome", outcomeName, "reason", f.message())
                : GatewayLog.fields("run_id", run.id(), "session", run.session().value(), "duration_ms", ms,
                        "outcome", outcomeName));
    }

    /** Times out overdue runs and forgets finished ones past the grace period. */
    private void sweep() {
        long now = System.nanoTime();
        for (Run run : runs.inFlight()) {
            if (run.overdue(now)) {
                run.timeOut("run timed out after " + describe(run.timeout()));
            }
        }
        runs.expire(clock.instant().minus(grace));
    }

    /** @return the runs in flight: those past the queue, holding one of the {@code maxConcurrentRuns} places */
    int permitsInUse() {
        return Math.max(0, maxConcurrentRuns - permits.availablePermits());
    }

    /** A run found no place under the cap in time. */
    private static final class BusyException extends Exception {
        private static final long serialVersionUID = 1L;

        BusyException() {
            super(null, null, false, false);
        }
    }

    private static String describe(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private AgentEventSink sinkFor(Run run) {
        return new AgentEventSink() {
            @Override
            public void emit(AgentEvent event) {
                run.emit(event);
                if (event instanceof AgentEvent.TextDelta d) {
                    bus.publish("agent.delta", () -> Map.of("run_id", run.id(), "delta", d.text()));
                }
            }

            @Override
            public boolean cancelled() {
                return run.cancelled();
            }
        };
    }

    private Lane enterLane(SessionKey key) throws InterruptedException {
        Lane lane = lanes.compute(key, (k, l) -> {
            Lane out = l == null ? new Lane() : l;
            out.users++;
            return out;
        });
        try {
            lane.lock.lockInterruptibly();
            return lane;
        } catch (InterruptedException e) {
            release(key);
            throw e;
        }
    }

    private void leaveLane(SessionKey key, Lane lane) {
        lane.lock.unlock();
        release(key);
    }

    private void release(SessionKey key) {
        lanes.computeIfPresent(key, (k, l) -> --l.users == 0 ? null : l);
    }
}
