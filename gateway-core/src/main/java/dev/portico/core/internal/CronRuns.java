package dev.portico.core.internal;

import dev.portico.api.GatewayException;
import dev.portico.api.agent.AgentEvent;
import dev.portico.api.channel.Channel;
import dev.portico.api.cron.Delivery;
import dev.portico.api.cron.Job;
import dev.portico.api.cron.JobRun;
import dev.portico.api.cron.Payload;
import dev.portico.api.session.Message;
import dev.portico.api.session.Role;
import dev.portico.api.session.SessionKey;
import dev.portico.api.session.SessionStore;
import dev.portico.cron.CronListener;
import dev.portico.cron.JobExecutor;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the gateway does for its scheduled jobs: runs their payloads in their sessions and
 * publishes their changes and runs as events.
 */
final class CronRuns implements JobExecutor, CronListener {
    private static final System.Logger LOG = System.getLogger(CronRuns.class.getName());
    /** Longer than any run: the scheduler's timeout interrupts the wait first. */
    private static final Duration NO_LIMIT = Duration.ofDays(365);

    private final Conversations conversations;
    private final SessionStore sessions;
    private final EventBus bus;
    private final Clock clock;
    private volatile Duration defaultTimeout;
    private final ChannelHub channels;
    private final Metrics metrics;

    CronRuns(Conversations conversations, SessionStore sessions, EventBus bus, Clock clock, Duration defaultTimeout,
            ChannelHub channels, Metrics metrics) {
        this.conversations = conversations;
        this.sessions = sessions;
        this.bus = bus;
        this.clock = clock;
        this.defaultTimeout = defaultTimeout;
        this.channels = channels;
        this.metrics = metrics;
    }

    /**
     * Changes the timeout of agent turns whose job sets none, for runs that start from now on.
     *
     * @param timeout the timeout
     */
    void defaultTimeout(Duration timeout) {
        this.defaultTimeout = timeout;
    }

    @Override
    public Optional<String> execute(Job job, JobRun run) throws Exception {
        SessionKey key = SessionKey.of(run.session().orElseThrow());
        String text;
        switch (job.payload()) {
            case Payload.AgentTurn turn -> {
                Run agentRun = conversations.start(key, turn.message(), turn.model(), turn.timeout().orElse(defaultTimeout));
                AgentEvent outcome;
                try {
                    outcome = agentRun.await(NO_LIMIT).orElseThrow();
                } catch (InterruptedException e) {
                    agentRun.cancel("the scheduled run was stopped");
                    throw e;
                }
                if (outcome instanceof AgentEvent.Failed failed) {
                    throw new JobFailedException(failed.message());
                }
                text = ((AgentEvent.Completed) outcome).reply();
            }
            case Payload.SystemEvent event -> {
                boolean fresh = !sessions.exists(key);
                sessions.append(key, new Message(Role.SYSTEM, event.text(), clock.instant()));
                if (fresh) {
                    bus.publish("session.created", () -> Map.of("key", key.value()));
                }
                bus.publish("cron.system_event", () -> Map.of("job_id", job.id(), "run_id", run.runId(),
                        "session", key.value(), "text", event.text()));
                text = event.text();
            }
        }
        return deliver(job, text);
    }

    /**
     * Queues a job's reply (an agent turn's answer, a system event's text) for the chat its
     * delivery names, through the outbox; the run records where it went, or why it did not.
     * {@code channel} is a channel's name, or {@code <name>:<account>} for another account.
     */
    private Optional<String> deliver(Job job, String text) {
        Delivery d = job.delivery();
        if (d.mode() == Delivery.Mode.NONE) {
            return Optional.empty();
        }
        String target = d.channel().orElseThrow();
        String to = d.to().orElseThrow();
        int colon = target.indexOf(':');
        String name = colon < 0 ? target : target.substring(0, colon);
        String account = colon < 0 ? Channel.DEFAULT_ACCOUNT : target.substring(colon + 1);
        String why;
        if (text.isBlank()) {
            why = "not_delivered: the reply is empty";
        } else {
            try {
                Channel channel = channels.require(name, account);
                String id = channels.queue(channel, to, Optional.empty(), text, Map.of(), "cron", Optional.empty(),
                        Optional.empty()).message().id();
                return Optional.of("queued: message " + id + " to " + target + ":" + to);
            } catch (GatewayException e) {
                why = "not_delivered: " + e.getMessage();
            }
        }
        LOG.log(System.Logger.Level.WARNING, "cron job " + job.id() + ": reply for " + target + ":" + to + " " + why);
        return Optional.of(why);
    }

    @Override
    public void jobChanged(Job job, String change) {
        bus.publish("cron.job.changed", () -> {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("job_id", job.id());
            data.put("name", job.name());
            data.put("change", change);
            data.put("enabled", job.enabled());
            job.state().nextRun().ifPresent(t -> data.put("next_run", t.toString()));
            return data;
        });
    }

    @Override
    public void runStarted(JobRun run) {
        bus.publish("cron.run.started", () -> {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("job_id", run.jobId());
            data.put("run_id", run.runId());
            data.put("trigger", run.trigger().wireName());
            run.session().ifPresent(s -> data.put("session", s));
            return data;
        });
    }

    @Override
    public void runFinished(JobRun run) {
        metrics.cronRun(run.status());
        bus.publish("cron.run.finished", () -> {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("job_id", run.jobId());
            data.put("run_id", run.runId());
            data.put("status", run.status().wireName());
            run.error().ifPresent(e -> data.put("error", e));
            run.duration().ifPresent(d -> data.put("duration_ms", d.toMillis()));
            run.delivery().ifPresent(d -> data.put("delivery", d));
            return data;
        });
    }

    /** A run's agent turn failed; the message is the run's error. */
    static final class JobFailedException extends Exception {
        private static final long serialVersionUID = 1L;

        JobFailedException(String message) {
            super(message, null, false, false);
        }
    }
}
