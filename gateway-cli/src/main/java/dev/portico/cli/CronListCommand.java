package dev.portico.cli;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code portico cron list [--json]}: the gateway's jobs, oldest first, as a table of when each
 * runs next and how it last ran; or the API's {@code jobs} array as it came.
 */
@Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Portico.Version.class,
        description = "List the scheduled jobs: their schedule, next run, last run and whether they are enabled.")
final class CronListCommand extends CronSubcommand {
    @Option(names = "--json", description = "Print the jobs as the API's JSON array (GET /api/cron).")
    boolean json;

    @Override
    void run(GatewayClient client, PrintWriter out) throws GatewayClient.Failure {
        JsonValue jobs = client.get("/api/cron").get("jobs");
        if (!(jobs instanceof JsonArray array)) {
            throw new GatewayClient.Failure(GatewayClient.FAILED, "the gateway at " + client.base()
                    + " answered GET /api/cron without a jobs array");
        }
        if (json) {
            out.println(array);
            return;
        }
        if (array.isEmpty()) {
            out.println("no scheduled jobs (add one with: portico cron add)");
            return;
        }
        HumanTime time = time();
        List<List<String>> rows = array.stream().filter(v -> v instanceof JsonObject).map(JsonValue::asJsonObject)
                .map(job -> List.of(
                        CronFormat.string(job, "id").orElse("?"),
                        CronFormat.truncate(CronFormat.string(job, "name").orElse(""), 40),
                        CronFormat.schedule(CronFormat.object(job, "schedule")),
                        CronFormat.next(job, time),
                        CronFormat.last(job, time),
                        job.get("enabled") == JsonValue.TRUE ? "yes" : "no"))
                .toList();
        out.print(CronFormat.table(List.of("ID", "NAME", "SCHEDULE", "NEXT", "LAST", "ENABLED"), rows));
    }
}
