package dev.portico.cli;

import dev.portico.api.channel.Channel;
import dev.portico.api.channel.OutboxStore;
import dev.portico.api.channel.OutboxStoreException;
import dev.portico.api.cron.JobStoreException;
import dev.portico.api.transport.Transport;
import dev.portico.api.transport.TransportException;
import dev.portico.api.transport.TransportOptions;
import dev.portico.auth.SecurityAudit;
import dev.portico.auth.Tokens;
import dev.portico.api.session.SessionQuery;
import dev.portico.api.session.SessionStore;
import dev.portico.core.ConfigService;
import dev.portico.core.FileJobStore;
import dev.portico.core.FileOutboxStore;
import dev.portico.core.FileSessionStore;
import dev.portico.core.FsyncPolicy;
import dev.portico.core.Gateway;
import dev.portico.core.GatewayBuilder;
import dev.portico.core.GatewayLog;
import dev.portico.core.ModelInfo;
import dev.portico.core.OpenAiCompatibleAgent;
import dev.portico.core.ProviderInfo;
import dev.portico.core.RunningGateway;
import dev.portico.server.helidon.HelidonTransport;
import dev.portico.server.undertow.UndertowTransport;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code portico gateway}: runs the gateway in the foreground until Ctrl-C. */
@Command(name = "gateway", mixinStandardHelpOptions = true, versionProvider = Portico.Version.class,
        description = "Run the gateway in the foreground; Ctrl-C stops it gracefully.",
        subcommands = {ProcessCommands.Status.class, ProcessCommands.Stop.class, ProcessCommands.Restart.class,
                ServiceCommand.class, LogsCommand.class})
final class GatewayCommand implements Callable<Integer> {
    private static final System.Logger LOG = System.getLogger(GatewayCommand.class.getName());
    /** Exit code for a bad command line or config, or a critical finding of the security audit. */
    static final int USAGE = 2;
    /** Exit code for a gateway that could not start (port in use, unreadable state). */
    static final int FAILED = 1;
    /**
     * Exit code of a gateway asked to restart under a service manager, which starts it again
     * ({@code EX_TEMPFAIL}).
     */
    static final int RESTART = 75;

    @CommandLine.Mixin
    GatewaySetup.Options shared = new GatewaySetup.Options();

    @Option(names = "--server", paramLabel = "NAME", description = "Server adapter: helidon (default) or undertow.")
    String server;

    @Option(names = "--provider-url", paramLabel = "URL",
            description = "Base URL of an OpenAI-compatible API (provider 'default'), such as http://127.0.0.1:11434/v1; needs --model.")
    String providerUrl;

    @Option(names = "--model", paramLabel = "NAME",
            description = "The primary model: a model of --provider-url, or <provider>/<model> of a configured provider.")
    String model;

    @Option(names = "--api-key-env", paramLabel = "NAME",
            description = "Environment variable holding the API key for --provider-url.")
    String apiKeyEnv;

    @Option(names = "--force",
            description = "Take over from a gateway already running on this config or port: it is sent SIGTERM, "
                    + "then SIGKILL after 700 ms.")
    boolean force;

    @Option(names = "--allow-insecure",
            description = "Start despite critical security audit findings, such as auth mode none beyond loopback.")
    boolean allowInsecure;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Looks up environment variables; tests replace it. */
    Function<String, String> env = System::getenv;

    /** Makes the channel of each {@code gateway.channels} entry; tests replace it. */
    Function<ChannelConfig, Channel> channelFactory = ChannelConfig::build;

    /** Released once the gateway is up, for tests that run the command in process. */
    final CountDownLatch started = new CountDownLatch(1);
    /** What the running gateway is asked to do next: true to restart, false to stop. */
    private final BlockingQueue<Boolean> requests = new LinkedBlockingQueue<>();
    volatile RunningGateway running;
    /** The gateway serving now, and the settings it started with; for reloads. */
    private volatile Gateway gateway;
    private volatile GatewaySetup startedWith;
    /** What the gateway runs with now; null while it is not running. */
    private volatile Effective effective;
    /** The watcher of the config file, while the gateway runs. */
    private volatile ConfigWatcher watcher;
    /** The channels made from the config's entries, reused while an entry does not change. */
    private Map<ChannelConfig, Channel> channels = Map.of();
    /** The config's lock, held from the first start to the end, across restarts. */
    private ProcessLock lock;
    /** {@code <state dir>/logs/gateway.log}, on the root logger from the first start to the end, across restarts. */
    GatewayLog log;
    /** The levels {@code gateway.logging} sets, put back when the command ends. */
    private final LogLevels logLevels = new LogLevels();

    /** Stops the gateway without a signal, as Ctrl-C would; for tests. */
    void requestStop() {
        requests.add(false);
    }

    /**
     * Restarts the gateway in this process: it stops gracefully, reads its config again and starts
     * on the same port. Under a service manager ({@code PORTICO_SERVICE_MARKER} set) it exits with
     * {@link #RESTART} instead, for the manager to start it again.
     */
    void requestRestart() {
        requests.add(true);
    }

    @Override
    public Integer call() {
        try {
            while (true) {
                Integer code = runOnce();
                if (code != RESTART) {
                    return code;
                }
                if (env.apply(ServiceDefinition.MARKER_VARIABLE) != null) {
                    return RESTART;
                }
                spec.commandLine().getOut().println("Restarting…");
            }
        } finally {
            logLevels.restore();
            if (log != null) {
                Logger.getLogger("").removeHandler(log);
                log.close();
                log = null;
            }
            if (lock != null) {
                lock.close();
            }
        }
    }

    private Integer runOnce() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        GatewaySetup setup;
        try {
            setup = GatewaySetup.resolve(shared, env);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return USAGE;
        }
        warnings(setup).forEach(w -> err.println("warning: " + w));
        Transport transport;
        TransportOptions options;
        Configured configured;
        try {
            transport = transport(server != null ? server : setup.server());
            options = transportOptions(setup);
            // A fresh start makes fresh channels: those of an earlier run have stopped.
            channels = Map.of();
            GatewaySetup.prepareStateDir(setup.stateDir());
            configured = configure(setup);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return USAGE;
        } catch (UncheckedIOException e) {
            err.println("error: " + e.getMessage());
            return FAILED;
        }
        GatewayBuilder builder = configured.builder();
        Optional<String> storedToken = configured.storedToken();
        Optional<String> apiToken = configured.apiToken();
        Optional<OpenAiCompatibleAgent> modelAgent = configured.modelAgent();

        if (lock == null) {
            try {
                lock = lock(setup, err);
            } catch (UncheckedIOException e) {
                err.println("error: " + e.getMessage());
                return FAILED;
            } catch (ProcessLock.Held e) {
                err.println("error: " + e.getMessage());
                return FAILED;
            }
        }
        openLog(setup, apiToken, err).ifPresent(builder::log);
        logLevels.apply(setup.file().logging());
        builder.restartHandler(this::requestRestart).configService(new FileConfigService(this, setup.configFile()))
                .channelKinds(ChannelConfig.TYPES.toArray(String[]::new));
        return serve(setup, lock, builder, transport, options, storedToken, apiToken, modelAgent, out, err);
    }

    /**
     * A builder with everything the config and the flags set, but the stores and the transport.
     *
     * @param builder the builder
     * @param storedToken the token from {@code <state dir>/token}, when it is kept there
     * @param apiToken the operator token, when token auth is used
     * @param modelAgent the model agent, unless the echo agent answers
     */
    record Configured(GatewayBuilder builder, Optional<String> storedToken, Optional<String> apiToken,
            Optional<OpenAiCompatibleAgent> modelAgent) {}

    /**
     * Maps the config file and the flags onto a new builder. A channel whose config entry is the
     * same as in the previous mapping is the same instance, so that a reload keeps it running.
     *
     * @throws IllegalArgumentException naming the key or flag at fault
     * @throws UncheckedIOException when the token file cannot be read or written
     */
    private Configured configure(GatewaySetup setup) {
        ConfigFile file = setup.file();
        GatewaySetup.Auth auth = setup.auth();
        GatewayBuilder builder = Gateway.builder();
        Optional<OpenAiCompatibleAgent> modelAgent = modelAgent(file);
        modelAgent.ifPresent(builder::agent);
        // The gateway hands the agent at most historyLimit messages; let a wider window see them.
        file.agentDefaults().historyWindow().ifPresent(w -> builder.historyLimit(Math.max(w, builder.historyLimit())));
        file.limits().maxBodyBytes().ifPresent(builder::maxBodyBytes);
        file.limits().runTimeoutSeconds().ifPresent(s -> builder.runTimeout(Duration.ofSeconds(s)));
        file.limits().maxConcurrentRuns().ifPresent(builder::maxConcurrentRuns);
        file.limits().runQueueTimeoutSeconds().ifPresent(s -> builder.runQueueTimeout(Duration.ofSeconds(s)));
        file.limits().runGraceSeconds().ifPresent(s -> builder.runGrace(Duration.ofSeconds(s)));
        file.limits().maxEventStreams().ifPresent(builder::maxEventStreams);
        file.cron().poolSize().ifPresent(builder::cronPoolSize);
        file.cron().timeoutSeconds().ifPresent(s -> builder.cronTimeout(Duration.ofSeconds(s)));
        file.cron().timezone().ifPresent(builder::cronZone);
        Map<ChannelConfig, Channel> made = new LinkedHashMap<>();
        for (ChannelConfig c : file.channels()) {
            Channel channel = channels.containsKey(c) ? channels.get(c) : channelFactory.apply(c);
            made.put(c, channel);
            builder.channel(channel);
        }
        channels = made;
        file.outbox().expirySeconds().ifPresent(s -> builder.outboxExpiry(Duration.ofSeconds(s)));
        file.outbox().concurrency().ifPresent(builder::outboxConcurrency);
        security(builder, file);
        Optional<String> storedToken = auth.tokenFile().map(Tokens::loadOrCreate);
        Optional<String> apiToken = auth.token().or(() -> storedToken);
        switch (auth.mode()) {
            case "none" -> builder.noAuth();
            case "password" -> builder.password(auth.password().orElseThrow());
            default -> builder.token(apiToken.orElseThrow()).credentials(file.auth().credentials());
        }
        return new Configured(builder, storedToken, apiToken, modelAgent);
    }

    /**
     * Reads the config again and applies it to the running gateway: what can change live changes,
     * what cannot is named (compared with what the gateway started with). A config with a problem
     * is refused and the running one stays.
     *
     * @param why what asked for it, for the log: {@code SIGHUP} or {@code config file changed}
     * @return what waits for a restart
     * @throws IllegalArgumentException naming every problem of a refused config
     */
    synchronized List<String> reload(String why) {
        return apply(GatewaySetup.resolve(shared, env), () -> { }, why);
    }

    /**
     * Applies a config that is not in the file yet, as {@link #reload} applies the file's: it is
     * checked whole first; only then is {@code keep} run (which writes it to the file) and the
     * config applied.
     *
     * @param file the new config
     * @param keep writes it; run once the config is known to be usable
     * @param why what asked for it, for the log
     * @return what waits for a restart, and the warnings: the file's, and its keys a flag or a variable
     *     overrides
     * @throws IllegalArgumentException naming the problem of a refused config; nothing was kept
     * @throws UncheckedIOException when {@code keep} failed; the running config stays
     */
    synchronized ConfigService.Applied apply(ConfigFile file, Runnable keep, String why) {
        GatewaySetup next = GatewaySetup.resolve(shared, env, file);
        List<String> waiting = apply(next, keep, why);
        return new ConfigService.Applied(waiting, Stream.of(file.warnings(), next.overridden(),
                serverOverride(next).stream().toList()).flatMap(List::stream).toList());
    }

    /** The setup's warnings and {@code --server}'s, each naming the config file. */
    private List<String> warnings(GatewaySetup setup) {
        return Stream.concat(setup.warnings().stream(),
                serverOverride(setup).map(w -> "config " + setup.configFile() + ": " + w).stream()).toList();
    }

    /** The warning that {@code --server} overrides the config file's {@code gateway.server}. */
    private Optional<String> serverOverride(GatewaySetup setup) {
        return server != null && setup.file().server().isPresent()
                ? Optional.of(GatewaySetup.overriddenLine("gateway.server", "--server is given"))
                : Optional.empty();
    }

    private List<String> apply(GatewaySetup next, Runnable keep, String why) {
        Gateway gateway = this.gateway;
        GatewaySetup before = this.startedWith;
        if (gateway == null || before == null) {
            throw new IllegalStateException("the gateway is not running");
        }
        warnings(next).forEach(w -> LOG.log(System.Logger.Level.WARNING, w));
        Map<ChannelConfig, Channel> previous = channels;
        List<String> waiting = new ArrayList<>();
        GatewayBuilder builder;
        Optional<String> apiToken;
        try {
            Configured configured = configure(next);
            builder = configured.builder();
            builder.validate();
            apiToken = configured.apiToken();
        } catch (UncheckedIOException e) {
            channels = previous;
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            channels = previous;
            throw e;
        }
        try {
            keep.run();
        } catch (RuntimeException e) {
            channels = previous;
            throw e;
        }
        // The secrets of the new config (read from the file, now written) are redacted before it applies.
        openLog(next, apiToken, spec.commandLine().getErr());
        logLevels.apply(next.file().logging());
        waiting.addAll(gateway.reconfigure(builder));
        Effective now = effective;
        if (now != null) {
            effective = new Effective(builder, now.options(), now.port(), now.adapter(), next.auth().mode());
        }
        if (!next.host().equals(before.host())) {
            waiting.add("gateway.host");
        }
        // With any free port asked for, the port bound is the one restarts keep.
        if (next.port() != before.port() && next.port() != running.port()) {
            waiting.add("gateway.port");
        }
        if (server == null && !next.server().equals(before.server())) {
            waiting.add("gateway.server");
        }
        if (!next.file().sessionsFsync().equals(before.file().sessionsFsync())
                || !next.file().sessionsFsyncIntervalMs().equals(before.file().sessionsFsyncIntervalMs())) {
            waiting.add("gateway.sessions");
        }
        if (!next.file().outbox().fsync().equals(before.file().outbox().fsync())
                || !next.file().outbox().fsyncIntervalMs().equals(before.file().outbox().fsyncIntervalMs())) {
            waiting.add("gateway.outbox.fsync");
        }
        LOG.log(System.Logger.Level.INFO, "config reloaded (" + why + ")" + (waiting.isEmpty() ? ""
                : "; restart required for: " + String.join(", ", waiting)));
        return waiting;
    }

    /**
     * What the gateway runs with now, for {@code GET /api/config}.
     *
     * @param builder the settings last applied
     * @param options the transport's settings, which change only with a restart
     * @param port the port bound
     * @param adapter the server adapter
     * @param authMode {@code token}, {@code password} or {@code none}
     */
    record Effective(GatewayBuilder builder, TransportOptions options, int port, String adapter, String authMode) {}

    /**
     * @return what the gateway runs with now
     * @throws IllegalStateException when it is not running
     */
    Effective effective() {
        Effective now = effective;
        if (now == null) {
            throw new IllegalStateException("the gateway is not running");
        }
        return now;
    }

    /**
     * Tells the watcher of the config file that the gateway is about to write this content, so that
     * the write is not applied a second time as a change of the file.
     *
     * @param content the file's next content
     */
    void expect(byte[] content) {
        ConfigWatcher w = watcher;
        if (w != null) {
            w.expect(content);
        }
    }

    /**
     * Makes the handlers a logger has now (the console) write what they format as the log does:
     * with every secret redacted.
     *
     * @param logger the logger, the root one
     * @param log the log whose redaction applies
     */
    static void redactConsole(Logger logger, GatewayLog log) {
        for (java.util.logging.Handler h : logger.getHandlers()) {
            java.util.logging.Formatter plain = h.getFormatter();
            if (plain == null) {
                continue;
            }
            h.setFormatter(new java.util.logging.Formatter() {
                @Override
                public String format(java.util.logging.LogRecord r) {
                    return log.redacted(plain.format(r));
                }

                @Override
                public String getHead(java.util.logging.Handler handler) {
                    return plain.getHead(handler);
                }

                @Override
                public String getTail(java.util.logging.Handler handler) {
                    return plain.getTail(handler);
                }
            });
        }
    }

    /**
     * Opens {@code <state dir>/logs/gateway.log} and puts it on the root logger, on the first start
     * (a restart or a reload keeps it); registers every secret the setup knows for redaction first.
     *
     * @return the log; empty when it cannot be opened (said on {@code err}; the gateway runs without)
     */
    private Optional<GatewayLog> openLog(GatewaySetup setup, Optional<String> apiToken, PrintWriter err) {
        GatewayLog open = log;
        boolean fresh = open == null;
        if (fresh) {
            try {
                Tokens.createOwnerOnlyDirectory(setup.stateDir());
                open = GatewayLog.open(setup.stateDir().resolve("logs"));
            } catch (IOException | UncheckedIOException e) {
                err.println("warning: no log file: " + e.getMessage());
                err.flush();
                return Optional.empty();
            }
        }
        LogSecrets.of(setup, apiToken, env, apiKeyEnv).forEach(open::redact);
        if (fresh) {
            Logger root = Logger.getLogger("");
            redactConsole(root, open);
            root.addHandler(open);
            log = open;
        }
        return Optional.of(open);
    }

    /** Reloads on a change of the config file or SIGHUP; null when its directory cannot be watched. */
    private ConfigWatcher watch(Path configFile, PrintWriter err) {
        if (!Files.isDirectory(configFile.toAbsolutePath().normalize().getParent())) {
            return null;
        }
        try {
            return ConfigWatcher.start(configFile, why -> {
                try {
                    reload(why);
                } catch (IllegalArgumentException e) {
                    LOG.log(System.Logger.Level.ERROR, "config reload (" + why + ") refused, the running config "
                            + "stays: " + e.getMessage());
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "config reload (" + why + ") failed", e);
                }
            });
        } catch (IOException e) {
            err.println("warning: the config file will not be watched for changes: " + e.getMessage());
            return null;
        }
    }

    /**
     * Takes the config's lock; with {@code --force}, a live holder is stopped first.
     *
     * @throws ProcessLock.Held when a live gateway holds it and there is no {@code --force}
     */
    private ProcessLock lock(GatewaySetup setup, PrintWriter err) throws ProcessLock.Held {
        try {
            return ProcessLock.acquire(setup.stateDir(), setup.configFile(), setup.port());
        } catch (ProcessLock.Held held) {
            if (!force) {
                throw held;
            }
            ProcessHandle.of(held.holder().pid()).ifPresent(p -> takeOver(p, err));
            return ProcessLock.acquire(setup.stateDir(), setup.configFile(), setup.port());
        }
    }

    private static void takeOver(ProcessHandle process, PrintWriter err) {
        err.println("--force: stopping pid " + process.pid() + " (SIGTERM, then SIGKILL after "
                + PortOwner.GRACE.toMillis() + " ms)");
        err.flush();
        if (!PortOwner.terminate(process, PortOwner.GRACE)) {
            err.println("--force: pid " + process.pid() + " did not exit");
            err.flush();
        }
    }

    private int serve(GatewaySetup setup, ProcessLock lock, GatewayBuilder builder, Transport transport,
            TransportOptions options, Optional<String> storedToken, Optional<String> apiToken,
            Optional<OpenAiCompatibleAgent> modelAgent, PrintWriter out, PrintWriter err) {
        ConfigFile file = setup.file();
        GatewaySetup.Auth auth = setup.auth();
        Path sessionsDir = setup.stateDir().resolve("sessions");
        FileSessionStore store;
        try {
            Tokens.createOwnerOnlyDirectory(setup.stateDir());
            FileSessionStore.Builder sessions = FileSessionStore.builder().directory(sessionsDir)
                    .fsync(file.sessionsFsync().orElse(FsyncPolicy.BATCHED));
            file.sessionsFsyncIntervalMs().ifPresent(ms -> sessions.fsyncInterval(Duration.ofMillis(ms)));
            store = sessions.build();
        } catch (IOException | RuntimeException e) {
            err.println("error: sessions in " + sessionsDir + ": " + e.getMessage());
            return FAILED;
        }
        Path cronDir = setup.stateDir().resolve("cron");
        FileJobStore jobs;
        try {
            jobs = FileJobStore.open(cronDir);
        } catch (RuntimeException e) {
            // A JobStoreException names the file: "cron: could not read <dir>/jobs.json (…)".
            store.close();
            err.println("error: " + e.getMessage());
            return FAILED;
        }
        Path outboxDir = setup.stateDir().resolve("outbox");
        FileOutboxStore outbox;
        try {
            FileOutboxStore.Builder b = FileOutboxStore.builder().directory(outboxDir)
                    .fsync(file.outbox().fsync().orElse(FsyncPolicy.BATCHED));
            file.outbox().fsyncIntervalMs().ifPresent(ms -> b.fsyncInterval(Duration.ofMillis(ms)));
            outbox = b.build();
        } catch (RuntimeException e) {
            // An OutboxStoreException names the directory or the journal: "outbox: could not use <dir> (…)".
            close(jobs, store, null, err);
            err.println("error: " + e.getMessage());
            return FAILED;
        }
        long pending = outbox.load().stream().filter(m -> !m.status().terminal()).count();
        builder.sessionStore(store).jobStore(jobs).outboxStore(outbox)
                .channelStateDirectory(setup.stateDir().resolve("channels"));
        Gateway gateway;
        try {
            gateway = builder.build();
        } catch (IllegalArgumentException e) {
            close(jobs, store, outbox, err);
            err.println("error: " + e.getMessage());
            return USAGE;
        }
        List<SecurityAudit.Finding> findings = SecurityAudit.run(setup.auditSettings(storedToken));
        if (SecurityAudit.hasCritical(findings) && !allowInsecure) {
            close(jobs, store, outbox, err);
            err.println("error: security audit: critical: " + findings.stream()
                    .filter(f -> f.severity() == SecurityAudit.Severity.CRITICAL).map(SecurityAudit.Finding::id)
                    .distinct().collect(Collectors.joining(", "))
                    + " (fix what the lines below say, or start anyway with --allow-insecure)");
            printFindings(err, findings);
            return USAGE;
        }
        RunningGateway run;
        try {
            run = startOrTakeOver(gateway, transport, options, err);
        } catch (IllegalStateException e) {
            // Auth mode none beyond loopback, or a channel that could not start (the gateway names it).
            close(jobs, store, outbox, err);
            err.println("error: " + e.getMessage());
            return USAGE;
        } catch (TransportException e) {
            close(jobs, store, outbox, err);
            err.println("error: cannot listen on " + options.host() + ":" + options.port() + ": " + reason(e)
                    + (inUse(e) ? busy(options.port()) : ""));
            return FAILED;
        } catch (JobStoreException e) {
            // The scheduler starts with the gateway: it reads the jobs and closes runs a crash cut short.
            close(jobs, store, outbox, err);
            err.println("error: " + e.getMessage());
            return FAILED;
        }
        running = run;
        this.gateway = gateway;
        this.startedWith = setup;
        this.effective = new Effective(builder, options, run.port(), run.transportName(), setup.auth().mode());
        ConfigWatcher watcher = watch(setup.configFile(), err);
        this.watcher = watcher;
        lock.port(run.port());
        // A restart serves on the port this start was given when any free port was asked for.
        if (setup.port() == 0) {
            shared.port = run.port();
        }
        String url = "http://" + hostForUrl(options.host()) + ":" + run.port();
        out.println("Portico " + gateway.version() + " is serving on " + url + " (" + transport.name() + ")");
        out.println("  auth: " + apiToken.map(t -> "token " + Tokens.mask(t) + " (" + auth.source() + ")").orElse(auth.source())
                + (file.auth().credentials().isEmpty() ? "" : ", plus " + file.auth().credentials().size() + " named credentials"));
        out.println("  sessions: " + sessionsDir + " (" + store.count(new SessionQuery(Optional.empty(), true, 0, 1)) + " stored)");
        int jobCount = jobs.load().size();
        out.println("  cron: " + cronDir + " (" + jobCount + (jobCount == 1 ? " job" : " jobs") + "; default zone "
                + builder.cronZone() + ")");
        for (ChannelConfig c : file.channels()) {
            out.println("  channel " + c.name() + " (" + c.common().accountId() + "): " + c.receives());
        }
        out.println("  outbox: " + outboxDir + " (" + pending + " pending)");
        out.println("  agent: " + modelAgent.map(GatewayCommand::describe)
                .orElse("echo (no model provider configured; see --provider-url and --model)"));
        printFindings(out, findings);
        out.println("  try:   curl " + url + "/health");
        out.println("Press Ctrl-C to stop.");
        out.flush();

        Thread hook = new Thread(() -> {
            stop(run, jobs, store, outbox, options.drainTimeout(), out, err);
            lock.close();
        }, "portico-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        started.countDown();
        boolean restart = false;
        try {
            restart = requests.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().removeShutdownHook(hook);
        if (watcher != null) {
            watcher.close();
        }
        this.watcher = null;
        this.effective = null;
        stop(run, jobs, store, outbox, options.drainTimeout(), out, err);
        return restart ? RESTART : 0;
    }

    /**
     * Starts the gateway; with {@code --force}, a process that holds the port is stopped and the
     * start is tried once more.
     */
    private RunningGateway startOrTakeOver(Gateway gateway, Transport transport, TransportOptions options,
            PrintWriter err) {
        try {
            return gateway.start(transport, options);
        } catch (TransportException e) {
            Optional<ProcessHandle> owner = force && inUse(e) ? PortOwner.of(options.port()) : Optional.empty();
            if (owner.isEmpty() || owner.get().pid() == ProcessHandle.current().pid()) {
                throw e;
            }
            takeOver(owner.get(), err);
            return gateway.start(transport, options);
        }
    }

    private static boolean inUse(TransportException e) {
        return String.valueOf(e.getMessage()).contains("in use");
    }

    /** What to say of a busy port: who holds it, when that can be found, and the remedy. */
    private static String busy(int port) {
        Optional<ProcessHandle> owner = port == 0 ? Optional.empty() : PortOwner.of(port);
        if (owner.isEmpty()) {
            return " (is another gateway running? choose another port with --port)";
        }
        long pid = owner.get().pid();
        return PortOwner.isPortico(owner.get())
                ? " (a Portico gateway, pid " + pid + ", holds it: stop it with 'portico gateway stop', "
                        + "or take over with --force)"
                : " (pid " + pid + " holds it: choose another port with --port, or stop that process; --force "
                        + "sends it SIGTERM)";
    }

    /** One line per finding, as {@link SecurityAudit#toText} writes them, under the startup lines. */
    private static void printFindings(PrintWriter to, List<SecurityAudit.Finding> findings) {
        SecurityAudit.toText(findings).lines().forEach(line -> to.println("  security: " + line));
        to.flush();
    }

    /** Applies the browser origins, trusted proxies, rate limits and failed authentication lockout. */
    private void security(GatewayBuilder builder, ConfigFile file) {
        builder.allowQueryToken(file.auth().allowQueryToken()).allowInsecure(allowInsecure)
                .corsOrigins(file.corsOrigins()).trustedProxies(file.trustedProxies());
        file.rateLimits().forEach(builder::rateLimit);
        ConfigFile.FailedAuthLimit lockout = file.auth().rateLimit();
        if (lockout.enabled()) {
            builder.failedAuthLimit(lockout.maxAttempts(), Duration.ofMillis(lockout.windowMs()),
                    Duration.ofMillis(lockout.blockDurationMs()));
        } else {
            builder.noFailedAuthLimit();
        }
    }

    private static void stop(RunningGateway run, FileJobStore jobs, SessionStore store, OutboxStore outbox,
            Duration drain, PrintWriter out, PrintWriter err) {
        out.println("Stopping (letting requests finish for up to " + drain.toSeconds() + " s)…");
        out.flush();
        run.stop(drain);
        close(jobs, store, outbox, err);
        out.println("Stopped.");
        out.flush();
    }

    /**
     * Closes the stores, the job store first; a job state or an outbox that could not be written is
     * reported. The gateway closes the outbox when it stops; closing it again does nothing.
     *
     * @param outbox the outbox store, or null when it was not opened
     */
    private static void close(FileJobStore jobs, SessionStore store, OutboxStore outbox, PrintWriter err) {
        try {
            jobs.close();
        } catch (JobStoreException e) {
            err.println("error: " + e.getMessage());
            err.flush();
        } finally {
            try {
                if (outbox != null) {
                    outbox.close();
                }
            } catch (OutboxStoreException e) {
                err.println("error: " + e.getMessage());
                err.flush();
            } finally {
                store.close();
            }
        }
    }

    /**
     * The model agent from the config file and the flags, or empty for the echo agent.
     *
     * @throws IllegalArgumentException naming the flag or key at fault
     */
    private Optional<OpenAiCompatibleAgent> modelAgent(ConfigFile file) {
        Map<String, ConfigFile.Provider> providers = new LinkedHashMap<>(file.providers());
        ConfigFile.AgentDefaults defaults = file.agentDefaults();
        Optional<String> primary = defaults.primary();
        if (apiKeyEnv != null && providerUrl == null) {
            throw new IllegalArgumentException("--api-key-env: needs --provider-url URL");
        }
        if (providerUrl != null) {
            if (model == null) {
                throw new IllegalArgumentException("--provider-url: needs --model NAME");
            }
            Optional<String> key = Optional.empty();
            if (apiKeyEnv != null) {
                String value = env.apply(apiKeyEnv);
                if (value == null || value.isBlank()) {
                    throw new IllegalArgumentException("--api-key-env: environment variable " + apiKeyEnv + " is not set");
                }
                key = Optional.of(value);
            }
            providers.put("default", new ConfigFile.Provider("default", httpUrl(providerUrl), key));
            primary = Optional.of(model.startsWith("default/") ? model : "default/" + model);
        } else if (model != null) {
            int slash = model.indexOf('/');
            if (slash <= 0 || !providers.containsKey(model.substring(0, slash))) {
                throw new IllegalArgumentException("--model: \"" + model + "\" (expected: <provider>/<model> with a provider"
                        + " from the config file" + (providers.isEmpty() ? ", which has none" : " (" + String.join(", ", providers.keySet()) + ")")
                        + ", or --provider-url URL for a model of that server)");
            }
            primary = Optional.of(model);
        }
        if (providers.isEmpty() && primary.isEmpty()) {
            return Optional.empty();
        }
        if (primary.isEmpty()) {
            throw new IllegalArgumentException("agents.defaults.model.primary: required when providers are configured"
                    + " (expected: \"<provider>/<model>\"; or give --model)");
        }
        OpenAiCompatibleAgent.Builder b = OpenAiCompatibleAgent.builder();
        for (ConfigFile.Provider p : providers.values()) {
            if (p.apiKey().isPresent()) {
                b.provider(p.name(), p.baseUrl(), p.apiKey().get());
            } else {
                b.provider(p.name(), p.baseUrl());
            }
        }
        String first = primary.get();
        b.primary(first);
        defaults.fallbacks().stream().filter(f -> !f.equals(first)).forEach(b::fallback);
        defaults.systemPrompt().ifPresent(b::systemPrompt);
        defaults.historyWindow().ifPresent(b::historyWindow);
        defaults.temperature().ifPresent(b::temperature);
        defaults.maxTokens().ifPresent(b::maxTokens);
        defaults.timeoutSeconds().ifPresent(s -> b.timeout(Duration.ofSeconds(s)));
        defaults.idleTimeoutSeconds().ifPresent(s -> b.idleTimeout(Duration.ofSeconds(s)));
        return Optional.of(b.build());
    }

    private static URI httpUrl(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return uri;
            }
        } catch (java.net.URISyntaxException e) {
            // Reported below with the expectation.
        }
        throw new IllegalArgumentException("--provider-url: \"" + url
                + "\" (expected: an http or https URL, such as http://127.0.0.1:11434/v1)");
    }

    /** {@code openai/gpt-4o via https://api.openai.com/v1 (API key set); fallbacks: …}, never a key. */
    static String describe(OpenAiCompatibleAgent agent) {
        Map<String, ProviderInfo> providers = agent.providers().stream()
                .collect(Collectors.toMap(ProviderInfo::name, p -> p));
        List<ModelInfo> models = agent.models();
        String primary = via(models.get(0), providers);
        if (models.size() == 1) {
            return primary;
        }
        return primary + "; fallbacks: " + models.subList(1, models.size()).stream()
                .map(m -> via(m, providers)).collect(Collectors.joining(", "));
    }

    private static String via(ModelInfo model, Map<String, ProviderInfo> providers) {
        ProviderInfo p = providers.get(model.provider());
        return model.id() + " via " + p.baseUrl() + (p.hasApiKey() ? " (API key set)" : " (no API key)");
    }

    private static TransportOptions transportOptions(GatewaySetup setup) {
        ConfigFile file = setup.file();
        TransportOptions.Builder b = TransportOptions.builder();
        b.host(setup.host());
        b.port(setup.port());
        file.limits().maxBodyBytes().ifPresent(b::maxBodyBytes);
        file.limits().maxHeaderBytes().ifPresent(b::maxHeaderBytes);
        file.limits().idleTimeoutSeconds().ifPresent(s -> b.idleTimeout(Duration.ofSeconds(s)));
        file.limits().maxWebSocketFrameBytes().ifPresent(b::maxWebSocketFrameBytes);
        file.limits().maxQueuedOutboundBytes().ifPresent(b::maxQueuedOutboundBytes);
        file.limits().drainTimeoutSeconds().ifPresent(s -> b.drainTimeout(Duration.ofSeconds(s)));
        return b.build();
    }

    static Transport transport(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "helidon" -> new HelidonTransport();
            case "undertow" -> new UndertowTransport();
            default -> throw new IllegalArgumentException("server: " + name + " (expected: helidon or undertow)");
        };
    }

    private static String reason(TransportException e) {
        String m = e.getMessage();
        int colon = m.lastIndexOf(": ");
        return colon < 0 ? m : m.substring(colon + 2);
    }

    private static String hostForUrl(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
