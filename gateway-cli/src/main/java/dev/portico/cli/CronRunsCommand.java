package dev.portico.cli;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code portico cron runs ID [--limit N] [--json]}: a job's latest runs, newest first, as a table
 * of how each was started, how it ended and how long it took; or the API's {@code runs} array.
 */
@Command(name = "runs", mixinStandardHelpOptions = true, versionProvider = Portico.Version.class,
        description = "Show a job's latest runs, newest first.")
final class CronRunsCommand extends CronSubcommand {
    @Parameters(index = "0", paramLabel = "ID", description = "The job's id.")
    String id;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
            description = "How many runs, 1-500 (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--json", description = "Print the runs as the API's JSON array (GET /api/cron/ID/runs).")
    boolean json;

    @Override
    void check() throws GatewayClient.Failure {
        jobId(id);
        if (limit < 1 || limit > 500) {
            throw new GatewayClient.Failure(GatewayCommand.USAGE, "--limit: " + limit + " (expected: 1..500)");
        }
    }

    @Override
    void run(GatewayClient client, PrintWriter out) throws GatewayClient.Failure {
        JsonValue runs = client.get("/api/cron/" + id + "/runs?limit=" + limit).get("runs");
        if (!(runs instanceof JsonArray array)) {
            throw new GatewayClient.Failure(GatewayClient.FAILED, "the gateway at " + client.base()
                    + " answered without a runs array");
        }
        if (json) {
            out.println(array);
            return;
        }
        if (array.isEmpty()) {
            out.println("job " + id + " has not run yet (run it now with: portico cron run " + id + ")");
            return;
        }
        HumanTime time = time();
        List<List<String>> rows = array.stream().filter(v -> v instanceof JsonObject).map(JsonValue::asJsonObject)
                .map(run -> List.of(
                        CronFormat.string(run, "run_id").orElse("?"),
                        CronFormat.string(run, "trigger").orElse("?"),
                        CronFormat.instant(run, "started_at").map(time::relative).orElse(CronFormat.NONE),
                        CronFormat.string(run, "status").orElse("?"),
                        CronFormat.duration(run),
                        CronFormat.outcome(run)))
                .toList();
        out.print(CronFormat.table(List.of("RUN", "TRIGGER", "STARTED", "STATUS", "DURATION", "ERROR/DELIVERY"), rows));
    }
}
