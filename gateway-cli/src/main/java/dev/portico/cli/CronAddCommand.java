package dev.portico.cli;

import dev.portico.api.cron.Job;
import dev.portico.cron.Durations;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code portico cron add}: creates a job with {@code POST /api/cron/create}, in the nested form,
 * with an {@code Idempotency-Key} so that the one retry after a lost answer cannot make it twice.
 * One schedule ({@code --cron}, {@code --every} or {@code --at}) and one payload
 * ({@code --message} or {@code --system-event}) are required; the gateway checks the rest (the
 * expression, the zone, the time) and names what it refuses.
 */
@Command(name = "add", mixinStandardHelpOptions = true, versionProvider = Portico.Version.class,
        description = {"Add a scheduled job: one schedule (--cron, --every or --at) and one payload (--message or "
                + "--system-event).",
            "Example: portico cron add --name 'morning brief' --cron '0 9 * * 1-5' --tz Europe/Berlin "
                + "--message 'Summarise my inbox'"})
final class CronAddCommand extends CronSubcommand {
    @Option(names = "--name", paramLabel = "NAME", required = true, description = "What the job is called.")
    String name;

    @Option(names = "--cron", paramLabel = "EXPR",
            description = "Run on a cron expression: 5 fields (minute hour day-of-month month day-of-week), 6-7 with "
                    + "seconds first, or @hourly, @daily, @weekly, @monthly, @yearly.")
    String cron;

    @Option(names = "--tz", paramLabel = "ZONE",
            description = "The time zone of --cron, such as Europe/Berlin (default: the gateway's, gateway.cron.timezone).")
    String tz;

    @Option(names = "--every", paramLabel = "INTERVAL", description = "Run every interval, such as 30m, 1h30m or 2d.")
    String every;

    @Option(names = "--at", paramLabel = "TIME", description = "Run once, at an RFC 3339 time such as 2026-12-01T09:00:00Z.")
    String at;

    @Option(names = "--message", paramLabel = "TEXT", description = "Send this to the agent as a user turn.")
    String message;

    @Option(names = "--system-event", paramLabel = "TEXT",
            description = "Store this in the job's session as a system message, without running the agent.")
    String systemEvent;

    @Option(names = "--model", paramLabel = "PROVIDER/MODEL", description = "The model for --message (default: the agent's).")
    String model;

    @Option(names = "--timeout", paramLabel = "INTERVAL",
            description = "How long a run of --message may take, such as 5m (default: gateway.cron.timeoutSeconds).")
    String runTimeout;

    @Option(names = "--isolated", description = "Give each run a fresh session (default: one session for every run).")
    boolean isolated;

    @Option(names = "--announce", paramLabel = "CHANNEL:CHAT", description = "Announce each result to a chat, such as telegram:42.")
    String announce;

    @Option(names = "--misfire", paramLabel = "POLICY",
            description = "After the gateway was down past the job's time: run_once (default) or skip.")
    String misfire;

    @Option(names = "--disabled", description = "Create the job disabled: it runs only when enabled, or with 'portico cron run'.")
    boolean disabled;

    @Option(names = "--delete-after-run", description = "Delete the job after a run that succeeds (for --at).")
    boolean deleteAfterRun;

    @Option(names = "--id", paramLabel = "ID", description = "The job's id, 1-64 of A-Z a-z 0-9 _ - (default: a new one).")
    String id;

    @Override
    void check() throws GatewayClient.Failure {
        exactlyOne("a schedule", new String[] {"--cron", "--every", "--at"}, cron, every, at);
        exactlyOne("a payload", new String[] {"--message", "--system-event"}, message, systemEvent);
        if (name.isBlank()) {
            throw usage("--name: blank (expected: what the job is called)");
        }
        if (tz != null && cron == null) {
            throw usage("--tz: only with --cron (--every and --at count real time, in no zone)");
        }
        if (systemEvent != null && (model != null || runTimeout != null)) {
            throw usage((model != null ? "--model" : "--timeout") + ": only with --message (a system event does not "
                    + "run the agent)");
        }
        if (runTimeout != null) {
            timeoutSeconds();
        }
        if (announce != null) {
            int colon = announce.indexOf(':');
            if (colon <= 0 || colon == announce.length() - 1) {
                throw usage("--announce: \"" + announce + "\" (expected: CHANNEL:CHAT, such as telegram:42)");
            }
        }
        if (misfire != null && !misfire.equals("run_once") && !misfire.equals("skip")) {
            throw usage("--misfire: \"" + misfire + "\" (expected: run_once or skip)");
        }
        if (id != null && !Job.isValidId(id)) {
            throw usage("--id: \"" + id + "\" (expected: 1-64 of A-Z a-z 0-9 _ -)");
        }
    }

    @Override
    void run(GatewayClient client, PrintWriter out) throws GatewayClient.Failure {
        JsonObject job = CronFormat.object(client.postOnce("/api/cron/create", body()), "job");
        out.println("created job " + CronFormat.string(job, "id").orElse("?") + " \""
                + CronFormat.string(job, "name").orElse("") + "\": "
                + CronFormat.describe(CronFormat.object(job, "schedule")) + ", " + nextRun(job, time()));
    }

    /**
     * The request body, in the nested form of the API.
     *
     * @return the job to create
     * @throws GatewayClient.Failure never after {@link #check()} passed
     */
    JsonObject body() throws GatewayClient.Failure {
        JsonObjectBuilder schedule = Json.createObjectBuilder();
        if (cron != null) {
            schedule.add("kind", "cron").add("expr", cron);
            if (tz != null) {
                schedule.add("tz", tz);
            }
        } else if (every != null) {
            schedule.add("kind", "every").add("every", every);
        } else {
            schedule.add("kind", "at").add("at", at);
        }
        JsonObjectBuilder payload = Json.createObjectBuilder();
        if (message != null) {
            payload.add("kind", "agentTurn").add("message", message);
            if (model != null) {
                payload.add("model", model);
            }
            if (runTimeout != null) {
                payload.add("timeout_seconds", timeoutSeconds());
            }
        } else {
            payload.add("kind", "systemEvent").add("message", systemEvent);
        }
        JsonObjectBuilder body = Json.createObjectBuilder();
        if (id != null) {
            body.add("id", id);
        }
        body.add("name", name).add("schedule", schedule).add("payload", payload)
                .add("session_target", isolated ? "isolated" : "main");
        if (announce != null) {
            int colon = announce.indexOf(':');
            body.add("delivery", Json.createObjectBuilder().add("mode", "announce")
                    .add("channel", announce.substring(0, colon)).add("to", announce.substring(colon + 1)));
        }
        if (misfire != null) {
            body.add("misfire", misfire);
        }
        return body.add("enabled", !disabled).add("delete_after_run", deleteAfterRun).build();
    }

    /**
     * When a job runs next, for the lines after a change: {@code next run in 3h 12m
     * (2026-06-02T07:00:00Z)}, or why it will not.
     *
     * @param job the job as the API answered it
     * @param time what now is
     * @return the text
     */
    static String nextRun(JsonObject job, HumanTime time) {
        if (job.get("enabled") == jakarta.json.JsonValue.FALSE) {
            return "disabled (enable it with: portico cron enable " + CronFormat.string(job, "id").orElse("ID") + ")";
        }
        return CronFormat.instant(job, "next_run")
                .map(t -> "next run " + (time.due(t) ? "now" : time.relative(t)) + " (" + t + ")")
                .orElse("no next run");
    }

    private long timeoutSeconds() throws GatewayClient.Failure {
        Duration d;
        try {
            d = Durations.parse(runTimeout);
        } catch (IllegalArgumentException e) {
            throw usage("--timeout: " + e.getMessage());
        }
        if (d.isZero()) {
            throw usage("--timeout: \"" + runTimeout + "\" (expected: at least 1s)");
        }
        return d.toSeconds();
    }

    /** Exactly one of the options is given, else a usage error naming them. */
    private static void exactlyOne(String what, String[] names, String... values) throws GatewayClient.Failure {
        List<String> given = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            if (values[i] != null) {
                given.add(names[i]);
            }
        }
        String expected = String.join(", ", List.of(names).subList(0, names.length - 1)) + " or " + names[names.length - 1];
        if (given.isEmpty()) {
            throw usage(what + " is required (expected: " + expected + ")");
        }
        if (given.size() > 1) {
            throw usage(String.join(" and ", given) + ": one " + what.substring(what.indexOf(' ') + 1)
                    + " only (expected: " + expected + ", one of them)");
        }
    }

    private static GatewayClient.Failure usage(String message) {
        return new GatewayClient.Failure(GatewayCommand.USAGE, "add: " + message);
    }
}
