package dev.portico.cli;

import dev.portico.api.cron.Job;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * What every {@code portico cron} subcommand shares: the options that find the gateway and its
 * credential, and the way it ends. Success prints to the output stream and exits 0; a failure is
 * one line {@code portico cron: …} on the error stream and exit code 1 (the gateway could not be
 * reached or refused) or 2 (a bad command line or config file), never a stack trace.
 */
abstract class CronSubcommand implements Callable<Integer> {
    @CommandLine.Mixin
    GatewayClient.Options connection = new GatewayClient.Options();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Looks up environment variables; tests replace it. */
    Function<String, String> env = System::getenv;

    /** What now is, for the relative times; tests replace it. */
    Clock clock = Clock.systemUTC();

    /** How long each request may take; tests shorten it. */
    Duration timeout = GatewayClient.DEFAULT_TIMEOUT;

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            check();
            try (GatewayClient client = GatewayClient.connect(connection, env, timeout)) {
                run(client, out);
            }
            return 0;
        } catch (GatewayClient.Failure f) {
            err.println("portico cron: " + f.getMessage());
            return f.exitCode();
        } catch (RuntimeException e) {
            err.println("portico cron: unexpected failure: " + e);
            return GatewayClient.FAILED;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * Checks the command line before anything is sent.
     *
     * @throws GatewayClient.Failure with {@link GatewayCommand#USAGE}, naming the problem
     */
    void check() throws GatewayClient.Failure {
        // Most subcommands have nothing to check beyond what picocli does.
    }

    /**
     * Does the work.
     *
     * @param client the gateway's cron API
     * @param out where the result goes
     * @throws GatewayClient.Failure when the gateway could not be reached or refused
     */
    abstract void run(GatewayClient client, PrintWriter out) throws GatewayClient.Failure;

    /** Times relative to {@link #clock}. */
    HumanTime time() {
        return new HumanTime(clock);
    }

    /**
     * A job id from the command line, checked as the gateway checks it, so it can go into a path.
     *
     * @param id the id
     * @return the id
     * @throws GatewayClient.Failure with {@link GatewayCommand#USAGE} for an id no job can have
     */
    static String jobId(String id) throws GatewayClient.Failure {
        if (!Job.isValidId(id)) {
            throw new GatewayClient.Failure(GatewayCommand.USAGE, "ID: \"" + id + "\" (expected: a job id, 1-64 of "
                    + "A-Z a-z 0-9 _ -; see portico cron list)");
        }
        return id;
    }
}
