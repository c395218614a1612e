package dev.portico.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code portico security}: the security checks; {@code audit} is the one there is. */
@Command(name = "security", mixinStandardHelpOptions = true, versionProvider = Portico.Version.class,
        description = "Check the gateway's settings for security problems.",
        subcommands = {SecurityAuditCommand.class})
final class SecurityCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Without a subcommand: the usage on the error stream, and the usage exit code. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("error: portico security: a subcommand is required (expected: audit)");
        spec.commandLine().usage(spec.commandLine().getErr());
        return GatewayCommand.USAGE;
    }
}
