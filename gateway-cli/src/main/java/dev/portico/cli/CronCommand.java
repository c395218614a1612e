package dev.portico.cli;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code portico cron}: the scheduled jobs of a running gateway, through its HTTP API. The
 * subcommands find the gateway and its token as {@code portico gateway} would start (the same
 * {@code --config}, {@code --state-dir}, {@code --host} and {@code --port}), or at {@code --url}.
 */
@Command(name = "cron", mixinStandardHelpOptions = true, versionProvider = Portico.Version.class,
        description = {"Manage the scheduled jobs of a running gateway.",
            "Exit code: 0 done, 1 the gateway could not be reached or refused, 2 bad command line or config."},
        subcommands = {CronListCommand.class, CronAddCommand.class, CronCommand.Run.class, CronCommand.Enable.class,
            CronCommand.Disable.class, CronCommand.Remove.class, CronRunsCommand.class})
final class CronCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Without a subcommand: the usage on the error stream, and the usage exit code. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("portico cron: a subcommand is required (expected: list, add, run, enable, "
                + "disable, rm or runs)");
        spec.commandLine().usage(spec.commandLine().getErr());
        return GatewayCommand.USAGE;
    }

    /** A subcommand about one job, named by its id. */
    abstract static class OneJob extends CronSubcommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The job's id.")
        String id;

        @Override
        void check() throws GatewayClient.Failure {
            jobId(id);
        }
    }

    /** {@code portico cron run ID}: runs a job now, in the background, whatever its schedule. */
    @Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Portico.Version.class,
            description = "Run a job now, even a disabled one; its schedule stays as it is. 'portico cron runs ID' "
                    + "shows how it went.")
    static final class Run extends OneJob {
        @Override
        void run(GatewayClient client, PrintWriter out) throws GatewayClient.Failure {
            JsonObject answer = client.post("/api/cron/trigger",
                    Json.createObjectBuilder().add("job_id", id).build());
            out.println("triggered job " + id + ": run " + CronFormat.string(answer, "run_id").orElse("?"));
        }
    }

    /** {@code portico cron enable ID}. */
    @Command(name = "enable", mixinStandardHelpOptions = true, versionProvider = Portico.Version.class,
            description = "Enable a job: it runs on its schedule again.")
    static final class Enable extends OneJob {
        @Override
        void run(GatewayClient client, PrintWriter out) throws GatewayClient.Failure {
            toggle(client, out, id, true, time());
        }
    }

    /** {@code portico cron disable ID}. */
    @Command(name = "disable", mixinStandardHelpOptions = true, versionProvider = Portico.Version.class,
            description = "Disable a job: it keeps its definition and history but does not run on its schedule.")
    static final class Disable extends OneJob {
        @Override
        void run(GatewayClient client, PrintWriter out) throws GatewayClient.Failure {
            toggle(client, out, id, false, time());
        }
    }

    /** {@code portico cron rm ID}. */
    @Command(name = "rm", mixinStandardHelpOptions = true, versionProvider = Portico.Version.class,
            description = "Delete a job and its run history.")
    static final class Remove extends OneJob {
        @Override
        void run(GatewayClient client, PrintWriter out) throws GatewayClient.Failure {
            client.delete("/api/cron/" + id);
            out.println("deleted job " + id);
        }
    }

    private static void toggle(GatewayClient client, PrintWriter out, String id, boolean enabled, HumanTime time)
            throws GatewayClient.Failure {
        JsonObject job = CronFormat.object(client.post("/api/cron/" + id + "/toggle",
                Json.createObjectBuilder().add("enabled", enabled).build()), "job");
        out.println((enabled ? "enabled" : "disabled") + " job " + id + " \"" + CronFormat.string(job, "name").orElse("")
                + "\"" + (enabled ? ", " + CronAddCommand.nextRun(job, time) : ""));
    }
}
