package io.leadmatch.server;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.leadmatch.engine.EngineConfig;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.engine.SnapshotException;
import io.leadmatch.engine.assign.AssignmentSettings;
import io.leadmatch.engine.config.LeadmatchConfig;
import io.leadmatch.engine.index.ChronicleSettings;
import io.leadmatch.engine.journal.FsyncPolicy;
import io.leadmatch.engine.snapshot.LoadReport;
import io.leadmatch.engine.snapshot.PostgresSourceConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code leadmatch} command line: {@code serve}, {@code check} and {@code call}. */
@Command(
        name = "leadmatch",
        mixinStandardHelpOptions = true,
        version = "leadmatch 0.1.0",
        description = "Lead-to-account matching and assignment, served over gRPC.",
        // bench is the launcher's (a shell script), so picocli would not list it otherwise.
        footer = "%nThe launcher also runs the benchmark suite: ./leadmatch bench [--quick] [--no-readme]"
                + " (see ./leadmatch bench --help).",
        subcommands = {Main.Serve.class, Main.Check.class, CallCommand.class, AuditCommand.class, JournalCommand.class})
public final class Main implements Callable<Integer> {
    static {
        ChronicleSettings.apply(); // before anything loads Chronicle: no analytics, no banner
    }

    /** Repo root when started by the ./leadmatch launcher; the working directory otherwise. */
    static Path home() {
        return Path.of(System.getProperty("leadmatch.home", "."));
    }

    public static void main(String[] args) {
        if (args.length > 0 && "serve".equals(args[0])) {
            // Chronicle's one-time start-up (class loading and initialization) is the longest step of a
            // restart with an unchanged snapshot: begin it before the command line is even parsed.
            io.leadmatch.engine.index.DomainIndex.warmUpInBackground();
        }
        int code = new CommandLine(new Main()).execute(args);
        if (code != 0 || args.length == 0 || !"serve".equals(args[0])) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }

    /** Options shared by the subcommands. */
    static class SnapshotOptions {
        @Option(names = "--snapshot", paramLabel = "DIR", description = "CRM export directory (default: examples/demo)")
        Path snapshot;

        @Option(
                names = "--data-dir",
                paramLabel = "DIR",
                description = "Directory for persistent state: index files, provisional accounts (default: data)")
        Path dataDir;

        @Option(
                names = "--config",
                paramLabel = "FILE",
                description = "leadmatch.yaml with matching settings (Public Suffix List file, lists, policies)")
        Path config;

        @Option(
                names = "--max-skipped-ratio",
                paramLabel = "R",
                description = "Largest share of skipped rows (0..1) a load may have; above it the load fails "
                        + "(default: snapshot.max_skipped_ratio in --config, else 0.05)")
        Double maxSkippedRatio;

        @Option(
                names = "--fsync",
                paramLabel = "POLICY",
                description = "When the assignment journal is forced to disk: always (before each reply, group "
                        + "commit), batch (every journal.batch_interval_ms, default 10), none "
                        + "(default: journal.fsync in --config, else batch)")
        String fsync;

        @Option(
                names = "--source",
                paramLabel = "KIND",
                defaultValue = "csv",
                description = "Where the CRM comes from: csv (--snapshot) or postgres (--jdbc-url, --routing); "
                        + "default: ${DEFAULT-VALUE}")
        String source;

        @Option(
                names = "--jdbc-url",
                paramLabel = "URL",
                description = "With --source postgres: jdbc:postgresql://host:port/database")
        String jdbcUrl;

        @Option(names = "--db-user", paramLabel = "USER", description = "With --source postgres: database user")
        String dbUser;

        @Option(
                names = "--db-password-env",
                paramLabel = "VAR",
                description = "With --source postgres: environment variable holding the password")
        String dbPasswordEnv;

        @Option(names = "--routing", paramLabel = "FILE", description = "With --source postgres: the routing.yaml file")
        Path routing;

        private LeadmatchConfig parsed;

        /** The {@code --config} file, read once (its defaults without one). */
        LeadmatchConfig leadmatchConfig() throws SnapshotException {
            if (parsed == null) {
                parsed = config == null ? LeadmatchConfig.defaults() : LeadmatchConfig.read(config);
            }
            return parsed;
        }

        /** The engine configuration; IllegalArgumentException for inconsistent flags. */
        EngineConfig engineConfig(boolean persistent) throws SnapshotException {
            if (maxSkippedRatio != null && !(maxSkippedRatio >= 0 && maxSkippedRatio <= 1)) {
                throw new IllegalArgumentException(
                        "--max-skipped-ratio must be between 0 and 1, got " + maxSkippedRatio);
            }
            LeadmatchConfig file = leadmatchConfig();
            AssignmentSettings assignment = file.assignment();
            if (fsync != null) {
                assignment = assignment.withJournal(assignment.journal().withFsync(FsyncPolicy.parse(fsync)));
            }
            EngineConfig cfg = file.applyTo(EngineConfig.of(snapshotDir(), persistent ? dataDir() : null))
                    .withAssignment(assignment);
            if (maxSkippedRatio != null) {
                cfg = cfg.withMaxSkippedRatio(maxSkippedRatio);
            }
            switch (source) {
                case "csv":
                    if (jdbcUrl != null || dbUser != null || dbPasswordEnv != null || routing != null) {
                        throw new IllegalArgumentException(
                                "--jdbc-url, --db-user, --db-password-env and --routing " + "need --source postgres");
                    }
                    return cfg;
                case "postgres":
                    if (snapshot != null) {
                        throw new IllegalArgumentException(
                                "--snapshot is for --source csv; with postgres, give " + "--jdbc-url and --routing");
                    }
                    if (jdbcUrl == null || routing == null) {
                        throw new IllegalArgumentException("--source postgres needs --jdbc-url and --routing");
                    }
                    String password = null;
                    if (dbPasswordEnv != null) {
                        password = System.getenv(dbPasswordEnv);
                        if (password == null) {
                            throw new IllegalArgumentException(
                                    "--db-password-env: environment variable " + dbPasswordEnv + " is not set");
                        }
                    }
                    return cfg.withPostgres(PostgresSourceConfig.herokuConnect(jdbcUrl, dbUser, password), routing);
                default:
                    throw new IllegalArgumentException("--source must be csv or postgres, got '" + source + "'");
            }
        }

        /** Opens the engine, or prints why it cannot (file:line for a bad snapshot) and returns null. */
        LeadMatchEngine openOrExplain(boolean persistent) {
            EngineConfig engineConfig;
            try {
                engineConfig = engineConfig(persistent);
            } catch (SnapshotException | IllegalArgumentException e) {
                System.err.println("leadmatch: " + e.getMessage());
                return null;
            }
            try {
                return LeadMatchEngine.open(engineConfig);
            } catch (SnapshotException e) {
                System.err.println("leadmatch: cannot load snapshot " + describeSource() + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                System.err.println("leadmatch: " + e.getMessage());
            } catch (RuntimeException e) {
                System.err.println("leadmatch: cannot start: " + e.getMessage());
            }
            return null;
        }

        /** What is loaded, for error messages: the directory, or the database without credentials. */
        String describeSource() {
            if ("postgres".equals(source) && jdbcUrl != null) {
                try {
                    return "postgres "
                            + PostgresSourceConfig.herokuConnect(jdbcUrl, null, null)
                                    .describe();
                } catch (IllegalArgumentException e) {
                    return "postgres";
                }
            }
            return snapshotDir().toString();
        }

        Path snapshotDir() {
            return snapshot != null ? snapshot : home().resolve("examples").resolve("demo");
        }

        Path dataDir() {
            return dataDir != null ? dataDir : home().resolve("data");
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve a CRM snapshot over gRPC.")
    static final class Serve implements Callable<Integer> {
        private static final Logger LOG = LoggerFactory.getLogger("leadmatch");

        @CommandLine.Mixin
        SnapshotOptions options = new SnapshotOptions();

        @Option(
                names = "--port",
                paramLabel = "N",
                description = "TCP port (0 picks a free one; default: server.port in --config, else 50051)")
        Integer port;

        @Option(
                names = "--bind",
                paramLabel = "ADDR",
                description = "Address to listen on (default: server.bind in --config, else 0.0.0.0)")
        String bind;

        @Option(
                names = "--drain-seconds",
                paramLabel = "S",
                description = "On SIGTERM, how long in-flight calls may take to finish "
                        + "(default: server.drain_seconds in --config, else 30)")
        Integer drainSeconds;

        /** The {@code server:} section with the flags given on the command line laid over it. */
        ServerSettings settings() throws SnapshotException {
            ServerSettings file = ServerSettings.parse(options.leadmatchConfig().server());
            return new ServerSettings(
                    bind != null ? bind : file.bind(),
                    port != null ? port : file.port(),
                    drainSeconds != null ? drainSeconds : file.drainSeconds());
        }

        /**
         * Time since the JVM started (its start-up and option parsing included), by the JVM's own clock (the OS's
         * process start time is only as exact as its boot time, a second here).
         */
        private static String sinceProcessStart() {
            long start =
                    java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
            return String.format(java.util.Locale.ROOT, "%,d ms", System.currentTimeMillis() - start);
        }

        @Override
        public Integer call() throws Exception {
            ServerSettings settings;
            try {
                settings = settings();
            } catch (SnapshotException | IllegalArgumentException e) {
                System.err.println("leadmatch: " + e.getMessage());
                return 2;
            }
            String bind = settings.bind();
            int port = settings.port();
            int drainSeconds = settings.drainSeconds();
            long started = System.nanoTime();
            // The transport binds and starts on its own thread while the snapshot loads; health answers NOT_SERVING
            // (every other call UNAVAILABLE) until the engine is in.
            java.util.concurrent.CompletableFuture<LeadMatchServer> binding =
                    new java.util.concurrent.CompletableFuture<>();
            Thread binder = new Thread(
                    () -> {
                        try {
                            LeadMatchServer s = new LeadMatchServer(
                                            NettyServerBuilder.forAddress(new InetSocketAddress(bind, port)))
                                    .start();
                            LOG.info(
                                    "bound to {}:{}; loading the snapshot (calls answer UNAVAILABLE until it is in)",
                                    bind,
                                    s.port());
                            binding.complete(s);
                        } catch (Throwable e) {
                            binding.completeExceptionally(e);
                        }
                    },
                    "grpc-bind");
            binder.setDaemon(true);
            binder.start();
            LeadMatchEngine engine = options.openOrExplain(true);
            LeadMatchServer server;
            try {
                server = binding.join();
            } catch (java.util.concurrent.CompletionException e) {
                System.err.println("leadmatch: cannot listen on " + bind + ":" + port + ": "
                        + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
                if (engine != null) {
                    engine.close();
                }
                return 2;
            }
            if (engine == null) {
                server.drain(0);
                return 2;
            }
            LoadReport report = engine.report();
            report.warnings().stream().limit(20).forEach(w -> LOG.warn("skipped {}", w));
            if (report.warnings().size() > 20) {
                LOG.warn("... {} more warnings", report.warnings().size() - 20);
            }
            server.serve(engine);
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                LOG.info("shutting down: draining in-flight calls (up to {} s)", drainSeconds);
                                int status = 0;
                                try {
                                    boolean clean = server.drain(TimeUnit.SECONDS.toMillis(drainSeconds));
                                    engine.close();
                                    LOG.info(clean ? "drained; bye" : "grace period over; remaining calls cancelled");
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                    status = 1;
                                }
                                System.out.flush();
                                System.err.flush();
                                // A drained shutdown on SIGTERM is a clean exit, not "killed by signal" (143).
                                Runtime.getRuntime().halt(status);
                            },
                            "leadmatch-shutdown"));
            SighupReload.install(engine);
            LOG.info(
                    "leadmatch listening on {}:{} ({} accounts, {} domains, {} teams; ready in {} ms, {} after the "
                            + "JVM started)",
                    bind,
                    server.port(),
                    report.accounts(),
                    report.domains(),
                    report.teams(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                    sinceProcessStart());
            engine.startBackgroundWork(); // the company-name index, built while serving
            server.awaitTermination();
            return 0;
        }
    }

    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description = "Load a snapshot, print its validation report and exit (non-zero when it cannot load).")
    static final class Check implements Callable<Integer> {
        @CommandLine.Mixin
        SnapshotOptions options = new SnapshotOptions();

        @Override
        public Integer call() {
            try {
                ServerSettings.parse(options.leadmatchConfig().server()); // the server's own keys too
            } catch (SnapshotException | IllegalArgumentException e) {
                System.err.println("leadmatch: " + e.getMessage());
                return 2;
            }
            LeadMatchEngine opened = options.openOrExplain(false);
            if (opened == null) {
                return 2;
            }
            try (LeadMatchEngine engine = opened) {
                LoadReport r = engine.report();
                System.out.println(r.summary());
                System.out.println("public suffix list: " + engine.publicSuffixListVersion());
                r.warnings().forEach(w -> System.out.println("skipped " + w));
                engine.conflicts()
                        .forEach(c ->
                                System.out.println("conflict " + c.domain() + ": " + String.join(" ", c.accountIds())));
                return 0;
            }
        }
    }
}
