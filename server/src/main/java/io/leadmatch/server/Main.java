package io.leadmatch.server;

import io.leadmatch.engine.EngineConfig;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.engine.SnapshotException;
import io.leadmatch.engine.assign.AssignmentSettings;
import io.leadmatch.engine.config.LeadmatchConfig;
import io.leadmatch.engine.index.ChronicleSettings;
import io.leadmatch.engine.index.DomainIndex;
import io.leadmatch.engine.journal.FsyncPolicy;
import io.leadmatch.engine.snapshot.LoadReport;
import io.leadmatch.engine.snapshot.PostgresSourceConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
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
            DomainIndex.warmUpInBackground();
        }
        int code = new CommandLine(new Main()).execute(args);
        if (code != 0 || args.length == 0 || !"serve".equals(args[0])) {
            // Chronicle threads started by the warm-up would print a stack trace into a shutdown under way.
            DomainIndex.awaitWarmUp(10_000);
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

        /** The directory relative paths in {@code --config} resolve against. */
        Path configDir() {
            return config == null ? Path.of(".") : config.toAbsolutePath().getParent();
        }

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
            } catch (RuntimeException | Error e) {
                // a full disk surfaces as an InternalError from a memory-mapped write: still one line, exit 2
                System.err.println("leadmatch: cannot start: " + oneLine(e));
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

    /** {@code e}'s message (or its class when it has none) on one line: start-up failures are one line each. */
    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e && root.getMessage() != null && !m.contains(root.getMessage())) {
            m = m + ": " + root.getMessage();
        }
        return m.replaceAll("\\s*[\\r\\n]+\\s*", " / ");
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
                names = "--admin-port",
                paramLabel = "N",
                description = "TCP port of the admin listener (LeadMatchAdmin); -1: no admin listener "
                        + "(default: server.admin.port in --config, else 50052)")
        Integer adminPort;

        @Option(
                names = "--admin-bind",
                paramLabel = "ADDR",
                description = "Address of the admin listener; a non-loopback address needs an admin token or "
                        + "--tls-client-ca (default: server.admin.bind in --config, else 127.0.0.1)")
        String adminBind;

        @Option(
                names = "--admin-token-file",
                paramLabel = "FILE",
                description = "File holding the bearer token the admin service requires (else $" + Credential.ADMIN_ENV
                        + "; with neither, the admin service is served on loopback only)")
        Path adminTokenFile;

        @Option(
                names = "--lead-token-file",
                paramLabel = "FILE",
                description = "File holding a bearer token the lead service requires (else $" + Credential.LEAD_ENV
                        + "; with neither, none)")
        Path leadTokenFile;

        @Option(names = "--tls-cert", paramLabel = "PEM", description = "Certificate chain: both listeners use TLS")
        Path tlsCert;

        @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key of --tls-cert (PKCS#8)")
        Path tlsKey;

        @Option(
                names = "--tls-client-ca",
                paramLabel = "PEM",
                description = "CA certificates client certificates must chain to (mutual TLS on both listeners)")
        Path tlsClientCa;

        @Option(
                names = "--reload-root",
                paramLabel = "DIR",
                description = "A directory ReloadSnapshot's snapshot_dir may lie under (repeatable; default: the"
                        + " snapshot directory only)")
        List<Path> reloadRoots = new ArrayList<>();

        @Option(
                names = "--max-connections",
                paramLabel = "N",
                description = "Open connections per listener (default: 1000)")
        Integer maxConnections;

        @Option(
                names = "--rate-limit",
                paramLabel = "N",
                description = "Calls and stream rows per second per client address; 0: none (default: 0)")
        Integer rateLimit;

        @Option(
                names = "--warm-up-calls",
                paramLabel = "N",
                defaultValue = "" + WarmUp.DEFAULT_CALLS,
                description = "Calls run through the serving path (into a throw-away twin of the engine) before the "
                        + "server says ready, so that the first real calls run compiled code; 0: none "
                        + "(default: ${DEFAULT-VALUE})")
        int warmUpCalls;

        @Option(
                names = "--drain-seconds",
                paramLabel = "S",
                description = "On SIGTERM, how long in-flight calls may take to finish "
                        + "(default: server.drain_seconds in --config, else 30)")
        Integer drainSeconds;

        /**
         * Time since the JVM started (its start-up and option parsing included), by the JVM's own clock (the OS's
         * process start time is only as exact as its boot time, a second here).
         */
        private static String sinceProcessStart() {
            long start = ManagementFactory.getRuntimeMXBean().getStartTime();
            return String.format(Locale.ROOT, "%,d ms", System.currentTimeMillis() - start);
        }

        /**
         * The {@code server:} section of {@code --config} with the flags given on the command line laid over it, and
         * tokens from their files or the environment; validated.
         *
         * @throws IllegalArgumentException when inconsistent or unsafe
         */
        ServerSettings settings(Map<String, String> environment) throws SnapshotException {
            ServerSettings s =
                    ServerSettings.parse(options.leadmatchConfig().server(), options.configDir(), environment);
            if ((tlsCert == null) != (tlsKey == null)) {
                throw new IllegalArgumentException("--tls-cert and --tls-key go together");
            }
            if (tlsClientCa != null && tlsCert == null) {
                throw new IllegalArgumentException("--tls-client-ca needs --tls-cert and --tls-key");
            }
            ServerSettings.Tls tls =
                    tlsCert == null ? s.lead().tls() : new ServerSettings.Tls(tlsCert, tlsKey, tlsClientCa);
            ServerSettings.Limits limits = s.limits();
            if (maxConnections != null) {
                limits = limits.withMaxConnections(maxConnections);
            }
            if (rateLimit != null) {
                limits = limits.withRate(rateLimit, rateLimit);
            }
            List<Path> roots = new ArrayList<>(reloadRoots.isEmpty() ? s.reloadRoots() : reloadRoots);
            if (!roots.isEmpty() && "csv".equals(options.source)) {
                roots.add(options.snapshotDir()); // the directory served at start stays reloadable
            }
            ServerSettings.Listener admin = s.admin();
            int adminAt = adminPort != null ? adminPort : admin == null ? -1 : admin.port();
            String adminAddress = adminBind != null
                    ? adminBind
                    : admin == null ? ServerSettings.defaults().admin().bind() : admin.bind();
            Credential adminToken = adminTokenFile != null
                    ? Credential.load(adminTokenFile, Credential.ADMIN_ENV, environment)
                    : s.adminToken();
            Credential leadToken = leadTokenFile != null
                    ? Credential.load(leadTokenFile, Credential.LEAD_ENV, environment)
                    : s.leadToken();
            return s.withLead(new ServerSettings.Listener(
                            bind != null ? bind : s.lead().bind(),
                            port != null ? port : s.lead().port(),
                            tls))
                    .withAdmin(adminAt < 0 ? null : new ServerSettings.Listener(adminAddress, adminAt, tls))
                    .withAdminToken(adminToken)
                    .withLeadToken(leadToken)
                    .withLimits(limits)
                    .withReloadRoots(roots)
                    .withDrainSeconds(drainSeconds != null ? drainSeconds : s.drainSeconds())
                    .validate();
        }

        @Override
        public Integer call() throws Exception {
            ServerSettings settings;
            try {
                settings = settings(System.getenv());
            } catch (SnapshotException | IllegalArgumentException e) {
                System.err.println("leadmatch: " + e.getMessage());
                return 2;
            }
            if (warmUpCalls < 0) {
                System.err.println("leadmatch: --warm-up-calls must be >= 0, got " + warmUpCalls);
                return 2;
            }
            String dataProblem = writableProblem(options.dataDir());
            if (dataProblem != null) {
                System.err.println("leadmatch: cannot start: " + dataProblem);
                return 2;
            }
            String bind = settings.lead().bind();
            int port = settings.lead().port();
            int drainSeconds = settings.drainSeconds();
            long started = System.nanoTime();
            // The transport binds and starts on its own thread while the snapshot loads; health answers NOT_SERVING
            // (every other call UNAVAILABLE) until the engine is in.
            CompletableFuture<LeadMatchServer> binding = new CompletableFuture<>();
            List<ReloadingTls> tls = new CopyOnWriteArrayList<>();
            NettyListeners listeners = new NettyListeners(settings);
            Thread binder = new Thread(
                    () -> {
                        try {
                            LeadMatchServer s = new LeadMatchServer(listeners.lead(), listeners.admin(), settings)
                                    .owning(listeners)
                                    .start();
                            for (ReloadingTls t : listeners.tls()) {
                                s.every(settings.lead().tls().reloadInterval(), t::reloadIfChanged);
                            }
                            tls.addAll(listeners.tls());
                            LOG.info(
                                    "bound to {}:{}; loading the snapshot (calls answer UNAVAILABLE until it is in)",
                                    bind,
                                    s.port());
                            binding.complete(s);
                        } catch (Throwable e) {
                            listeners.close();
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
            } catch (CompletionException e) {
                System.err.println("leadmatch: cannot listen on " + bind + ":" + port
                        + (settings.admin() == null
                                ? ""
                                : " and " + settings.admin().bind() + ":"
                                        + settings.admin().port())
                        + ": " + oneLine(e.getCause() != null ? e.getCause() : e));
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
            // The lookups built after a load (the company-name index) start now, beside the warm-up, and are
            // complete before ready (with or without a warm-up) instead of holding up the first real calls.
            engine.startBackgroundWork();
            WarmUp.Report warm;
            try {
                warm = WarmUp.run(engine, warmUpCalls, listeners, settings);
            } catch (IOException e) {
                // serving does not need it: the first calls are only slower
                LOG.warn("serving path not warmed up: cannot listen on 127.0.0.1 for the warm-up: {}", oneLine(e));
                warm = new WarmUp.Report(0, 0, 0, 0, 0);
            }
            engine.awaitLookups();
            if (warm.calls() > 0) {
                LOG.info(
                        "serving path warmed up: {} calls and a {}-row stream into a throw-away twin of the engine in {} ms"
                                + " (the first answered after {} ms){}",
                        warm.calls(),
                        warm.streamRows(),
                        warm.millis(),
                        warm.firstCallMillis(),
                        warm.errors() == 0 ? "" : " (" + warm.errors() + " failed)");
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
            SighupReload.install(engine, tls);
            LOG.info(
                    "leadmatch listening on {}:{}{} ({}; {} accounts, {} domains, {} teams; ready in {} ms, {} after"
                            + " the JVM started)",
                    bind,
                    server.port(),
                    tls.isEmpty() ? "" : " with TLS",
                    describeAdmin(settings, server),
                    report.accounts(),
                    report.domains(),
                    report.teams(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                    sinceProcessStart());
            server.awaitTermination();
            return 0;
        }
    }

    /** Where the admin service is and what it needs, for the start-up line. */
    static String describeAdmin(ServerSettings settings, LeadMatchServer server) {
        String credential = settings.adminToken() != null
                ? "token required"
                : settings.lead().requiresClientCertificate()
                        ? "client certificate required"
                        : "no token: loopback only";
        String where = settings.admin() == null
                ? ""
                : "admin on " + settings.admin().bind() + ":" + server.adminPort()
                        + (settings.adminOnLeadListener() ? " and the lead port" : "");
        return (where.isEmpty() ? "admin on the lead port" : where) + ", " + credential;
    }

    /** Why the data directory cannot hold the server's state (created if missing), or null when it can. */
    static String writableProblem(Path dir) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-probe", ".tmp");
            try (FileChannel ch = FileChannel.open(probe, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.allocate(4096));
                ch.force(true);
            } finally {
                Files.deleteIfExists(probe);
            }
            return null;
        } catch (IOException | SecurityException e) {
            return "data directory " + dir + " is not writable: " + oneLine(e);
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
                // the server's own keys too (and its token files; a token in the environment is only checked)
                ServerSettings.parse(options.leadmatchConfig().server(), options.configDir(), System.getenv());
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
