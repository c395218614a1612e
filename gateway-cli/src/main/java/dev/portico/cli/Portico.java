package dev.portico.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.logging.LogManager;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code portico} command. */
@Command(name = "portico",
        mixinStandardHelpOptions = true,
        versionProvider = Portico.Version.class,
        description = "A gateway for personal AI agents.",
        subcommands = {OnboardCommand.class, GatewayCommand.class, SecurityCommand.class, CronCommand.class, CommandLine.HelpCommand.class})
public final class Portico implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Runs the CLI.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        configureLogging();
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line, for tests and for embedding the CLI.
     *
     * @return a fresh picocli command line
     */
    public static CommandLine commandLine() {
        return new CommandLine(new Portico());
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Human-readable console logging: INFO from Portico, warnings from the libraries. */
    static void configureLogging() {
        if (System.getProperty("java.util.logging.config.file") != null) {
            return;
        }
        try (InputStream in = Portico.class.getResourceAsStream("/portico-logging.properties")) {
            if (in != null) {
                LogManager.getLogManager().readConfiguration(in);
            }
        } catch (IOException e) {
            System.err.println("warning: logging configuration not loaded: " + e.getMessage());
        }
    }

    /** Reports Portico's version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"portico " + dev.portico.core.Versions.portico()};
        }
    }
}
