package dev.portico.cli;

import dev.portico.auth.SecurityAudit;
import dev.portico.auth.Tokens;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code portico security audit [--json]}: audits the settings {@code portico gateway} would start
 * with, from the same options, environment and config file, without starting it and without
 * creating anything: no state directory, no token file, no session store.
 */
@Command(name = "audit", mixinStandardHelpOptions = true, versionProvider = Portico.Version.class,
        description = {"Audit the settings 'portico gateway' would start with, without starting it or writing anything.",
            "Exit code: 0 no critical finding, 1 a critical finding, 2 bad command line or config."})
final class SecurityAuditCommand implements Callable<Integer> {
    /** Exit code when at least one finding is critical. */
    static final int CRITICAL = 1;

    @CommandLine.Mixin
    GatewaySetup.Options shared = new GatewaySetup.Options();

    @Option(names = "--json", description = "Print the findings as a JSON array of {id, severity, message, remedy}.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Looks up environment variables; tests replace it. */
    Function<String, String> env = System::getenv;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<SecurityAudit.Finding> findings;
        try {
            GatewaySetup setup = GatewaySetup.resolve(shared, env);
            setup.warnings().forEach(w -> err.println("warning: " + w));
            Optional<String> stored = setup.auth().tokenFile().flatMap(Tokens::load);
            findings = SecurityAudit.run(setup.auditSettings(stored));
        } catch (IllegalArgumentException | UncheckedIOException e) {
            err.println("error: " + e.getMessage());
            return GatewayCommand.USAGE;
        }
        out.println(json ? SecurityAudit.toJson(findings) : SecurityAudit.toText(findings));
        out.flush();
        return SecurityAudit.hasCritical(findings) ? CRITICAL : 0;
    }

}
