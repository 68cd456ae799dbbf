package io.leadmatch.engine;

import io.leadmatch.engine.assign.Assigner;
import io.leadmatch.engine.assign.Assignment;
import io.leadmatch.engine.assign.AssignmentSettings;
import io.leadmatch.engine.assign.Availability;
import io.leadmatch.engine.assign.Explanation;
import io.leadmatch.engine.assign.IdempotencyCache;
import io.leadmatch.engine.assign.LeadFingerprint;
import io.leadmatch.engine.assign.MutableAssignment;
import io.leadmatch.engine.assign.ProvisionalAccounts;
import io.leadmatch.engine.assign.TeamState;
import io.leadmatch.engine.concurrent.DaemonFuture;
import io.leadmatch.engine.domain.DomainNormalizer;
import io.leadmatch.engine.domain.MailboxProviders;
import io.leadmatch.engine.index.DomainIndex;
import io.leadmatch.engine.journal.FsyncPolicy;
import io.leadmatch.engine.snapshot.AccountChange;
import io.leadmatch.engine.snapshot.CrmSnapshot;
import io.leadmatch.engine.snapshot.CsvSnapshotReader;
import io.leadmatch.engine.snapshot.LoadReport;
import io.leadmatch.engine.snapshot.SnapshotLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine: one serving generation of CRM state, the matcher and the assigner. The server, the CLI and the
 * benchmarks all go through this class.
 *
 * <p>Threading: {@link #match} and {@link #matchAndAssign} may be called from any number of threads. Each call
 * pins the current generation (reference counted) for its duration, so a concurrent {@link #reload} never frees
 * an index under a running lookup, and every call sees either the old or the new state, never a mix. Reloads are
 * serialized; round-robin counters and provisional accounts live outside the generation and carry over.
 */
public final class LeadMatchEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeadMatchEngine.class);

    private final EngineConfig config;
    /** Where generations come from, and what the data directory keeps of them. */
    private final SnapshotLoader loader;

    private final DomainNormalizer normalizer;
    /**
     * The free-webmail and disposable lists (large to parse): only a load from the sources needs them (they go
     * into the index). Parsed on their own thread, started when a build is coming: at once for a database or
     * without a data directory, by the first load when nothing persisted is reusable, else once the engine serves
     * ({@link #startBackgroundWork}); a restart that reuses its persisted state does not spend its busy first
     * second on them. Lists from the operator's own files are read and checked at start-up regardless.
     */
    private final CompletableFuture<MailboxProviders> mailboxLists = new CompletableFuture<>();

    private final AtomicBoolean mailboxListsStarted = new AtomicBoolean();
    private final ProvisionalAccounts provisional;
    private final Matcher matcher;
    private final Assigner assigner;
    private final IdempotencyCache<Assignment> idempotency;

    private volatile CrmSnapshot current;
    private Path currentSnapshotDir;
    private long generation;
    private boolean closed;

    private LeadMatchEngine(EngineConfig config) throws SnapshotException {
        DomainIndex.warmUpInBackground(); // meanwhile: fingerprint, tables
        this.config = config;
        this.loader = loader(config);
        boolean operatorLists =
                config.matching().freeEmailFile() != null || config.matching().disposableEmailFile() != null;
        this.firstLoad = startFirstLoad(); // first: it needs no normalizer, whose Public Suffix List takes a while
        if (operatorLists || firstLoad == null) {
            startMailboxLists();
        }
        try {
            this.normalizer = config.matching().normalizer();
        } catch (SnapshotException | RuntimeException e) {
            discardFirstLoad();
            throw e;
        }
        LOG.info(
                "Public Suffix List of {} ({} rules{})",
                normalizer.publicSuffixList().version(),
                normalizer.publicSuffixList().ruleCount(),
                config.matching().pslFile() == null
                        ? ", bundled"
                        : ", from " + config.matching().pslFile());
        this.provisional = config.dataDir() == null
                ? new ProvisionalAccounts()
                : new ProvisionalAccounts(
                        config.dataDir().resolve("provisional-accounts.tsv"),
                        config.assignment().journal());
        this.matcher = new Matcher(normalizer, provisional, config.matching().requireWorkEmail());
        AssignmentSettings settings = config.assignment();
        this.idempotency = new IdempotencyCache<>(
                config.clock(), settings.idempotencyRetention(), settings.idempotencyMaxEntries());
        if (config.dataDir() == null) {
            this.assigner = new Assigner(provisional, config.clock());
        } else {
            long started = System.nanoTime();
            try {
                this.assigner = new Assigner(
                        provisional,
                        config.clock(),
                        config.dataDir().resolve(JOURNAL),
                        settings.journal(),
                        idempotency);
            } catch (RuntimeException | Error e) {
                discardFirstLoad(); // e.g. the data directory is another process's: leave its files alone
                provisional.close();
                throw e;
            }
            LOG.info(
                    "journal recovered in {} ms ({} request ids remembered)",
                    (System.nanoTime() - started) / 1_000_000,
                    idempotency.size());
        }
        try {
            if (operatorLists) {
                DaemonFuture.await(mailboxLists);
            }
        } catch (SnapshotException | RuntimeException e) {
            discardFirstLoad();
            assigner.close();
            provisional.close();
            throw e;
        }
    }

    /**
     * A stand-in that runs the serving path for real without leaving a trace here: it matches against this engine's
     * serving generation (pinned until the twin is closed) and assigns through scheduler state, an idempotency cache,
     * provisional accounts and a journal of its own, all in memory and thrown away with it. Nothing it does reaches
     * this engine's journal, round-robin counters, caps, provisional accounts or answers. The server drives its
     * calls through the same code as real ones before it says ready, so that the first real calls run compiled code.
     *
     * @throws IllegalStateException when the engine is closed
     */
    public LeadMatchEngine warmUpTwin() {
        return new LeadMatchEngine(this, acquire());
    }

    /** The twin of {@link #warmUpTwin}: {@code pinned} is the real engine's generation, retained for the twin. */
    private LeadMatchEngine(LeadMatchEngine real, CrmSnapshot pinned) {
        this.config = real.config;
        this.loader = loader(config); // its own: a twin's account changes reach no change log
        this.normalizer = real.normalizer;
        this.provisional = new ProvisionalAccounts();
        this.matcher = new Matcher(normalizer, provisional, config.matching().requireWorkEmail());
        AssignmentSettings settings = config.assignment();
        this.idempotency = new IdempotencyCache<>(
                config.clock(), settings.idempotencyRetention(), settings.idempotencyMaxEntries());
        this.assigner = new Assigner(provisional, config.clock());
        this.assigner.configure(pinned.routing());
        this.current = pinned;
        this.currentSnapshotDir = real.currentSnapshotDir;
        this.generation = pinned.generation();
        this.twin = true;
    }

    private static SnapshotLoader loader(EngineConfig config) {
        return new SnapshotLoader(
                config.dataDir(), config.matching(), config.csvColumns(), config.postgres(), config.routingFile());
    }

    /** True for a {@link #warmUpTwin}: closing it releases its pin and its in-memory state only. */
    private boolean twin;

    /** The snapshot directory the serving generation was loaded from (null for a database source). */
    public synchronized Path servingSnapshotDir() {
        return currentSnapshotDir;
    }

    /**
     * True when every assignment waits for the journal to reach the device before it returns (fsync
     * {@code always} with a data directory): a caller that must not block should call from a thread that may.
     */
    public boolean waitsForDevice() {
        return !twin
                && config.dataDir() != null
                && config.assignment().journal().fsync() == FsyncPolicy.ALWAYS;
    }

    /** What the first {@link #reload} found persisted for the configured export (snapshot null: nothing usable). */
    private record FirstLoad(Path dir, SnapshotLoader.Export export, CrmSnapshot snapshot) {}

    /**
     * The first load of a CSV export with a data directory, started before the journal recovers (the two are
     * independent; on a restart with an unchanged export this takes the fingerprint and the persisted tables off
     * the critical path). Only the read-only part runs early: reusing what a previous run
     * persisted. Building from the CSV files writes the data directory, so it waits until the journal's lock says
     * the directory is this process's.
     */
    private CompletableFuture<FirstLoad> startFirstLoad() {
        Path dir = config.snapshotDir();
        if (config.postgres() != null || config.dataDir() == null || dir == null) {
            return null;
        }
        return DaemonFuture.supply("first-load", () -> {
            SnapshotLoader.Export export = loader.identify(dir);
            CrmSnapshot persisted = loader.loadPersisted(export);
            if (persisted == null) {
                startMailboxLists(); // the export is to be read: its build needs them
            }
            return new FirstLoad(dir, export, persisted);
        });
    }

    /** Waits for an unused first load and frees what it opened. */
    private void discardFirstLoad() {
        var f = firstLoad;
        firstLoad = null;
        if (f != null) {
            try {
                FirstLoad l = f.join();
                if (l.snapshot() != null) {
                    l.snapshot().release();
                }
            } catch (RuntimeException e) {
                // it failed: nothing to free
            }
        }
    }

    /** The early first load if it is for {@code dir} (consumed), else null. */
    private FirstLoad takeFirstLoad(Path dir) throws SnapshotException {
        var f = firstLoad;
        if (f == null) {
            return null;
        }
        firstLoad = null;
        FirstLoad l = DaemonFuture.await(f);
        if (!l.dir().equals(dir) || generation != 0) {
            if (l.snapshot() != null) {
                l.snapshot().release();
            }
            return null;
        }
        return l;
    }

    private CompletableFuture<FirstLoad> firstLoad;

    private void startMailboxLists() {
        if (mailboxListsStarted.compareAndSet(false, true)) {
            DaemonFuture.supplyInto(
                    mailboxLists, "mailbox-lists", () -> config.matching().mailboxes());
        }
    }

    /** The mailbox lists, as they are parsed on their thread (started now if nobody has started it). */
    /** The mailbox lists once a generation serves: the first load waited for them, so this never blocks. */
    private MailboxProviders loadedMailboxes() {
        try {
            return DaemonFuture.await(mailboxes());
        } catch (SnapshotException e) {
            throw new IllegalStateException("the mailbox lists did not load", e);
        }
    }

    private CompletableFuture<MailboxProviders> mailboxes() {
        startMailboxLists();
        return mailboxLists;
    }

    /** A decision scratch per calling thread for the calls that return an immutable {@link Assignment}. */
    private final ThreadLocal<MutableAssignment> decisions = ThreadLocal.withInitial(MutableAssignment::new);

    /** Subdirectory of the data directory holding the assignment journal. */
    public static final String JOURNAL = "journal";

    /** Loads the snapshot and returns a serving engine; fails without side effects on a bad snapshot. */
    public static LeadMatchEngine open(EngineConfig config) throws SnapshotException {
        LeadMatchEngine engine = new LeadMatchEngine(config);
        try {
            engine.reload(config.snapshotDir());
        } catch (SnapshotException | RuntimeException e) {
            engine.discardFirstLoad();
            engine.assigner.close();
            engine.provisional.close();
            throw e;
        }
        return engine;
    }

    /**
     * Starts what the serving generation builds in the background after a first load: the company-name index (for
     * leads without a usable domain). A first load leaves it for later so that it
     * does not compete with the load and the rest of start-up for the CPU; the server calls this once it listens.
     * Without the call the index is built by the first lookup that needs it.
     */
    public void startBackgroundWork() {
        startMailboxLists(); // for the next reload
        CrmSnapshot s = current;
        if (s != null) {
            s.prepareLookups();
        }
    }

    /**
     * Waits until the lookups built after a load for the serving generation (the company-name index) are complete,
     * starting them if {@link #startBackgroundWork} has not: a server calls it before it says ready, so that no
     * first lead waits for them.
     */
    public void awaitLookups() {
        CrmSnapshot s = current;
        if (s != null) {
            s.companyNames();
        }
    }

    /** Matches a lead (read-only) into a new result. */
    public MutableMatch match(Lead lead) {
        MutableMatch r = new MutableMatch();
        match(lead, r);
        return r;
    }

    /** Matches a lead (read-only) into {@code into}; allocation-free on a domain hit when {@code into} is reused. */
    public void match(Lead lead, MutableMatch into) {
        CrmSnapshot s = acquire();
        try {
            matcher.match(s, lead, into);
        } finally {
            s.release();
        }
    }

    /**
     * Matches a lead and assigns it. A {@code request_id} seen within the retention window ({@link AssignmentSettings}:
     * 24 h and 200,000 ids by default; recovered from the journal after a restart) gets the same assignment
     * again without consuming a turn: form backends retry on timeouts, and a retry must never double-assign. The
     * match of a retry is made again (matching is read-only); the assignment is the remembered one.
     *
     * @throws RequestIdConflictException when the id was answered for a different lead ({@link
     *     io.leadmatch.engine.assign.LeadFingerprint}): nothing is matched or assigned
     */
    public MatchAndAssignment matchAndAssign(Lead lead) {
        MutableMatch r = new MutableMatch();
        return new MatchAndAssignment(r, matchAndAssign(lead, r));
    }

    /**
     * As {@link #matchAndAssign(Lead)}, matching into a caller-owned {@code match} (reused across calls, as the
     * server does per stream and per thread, so only the answer is allocated); returns the assignment.
     */
    public Assignment matchAndAssign(Lead lead, MutableMatch match) {
        if (lead.requestId().isEmpty()) {
            MutableAssignment out = decisions.get();
            matchAndAssign(lead, match, out);
            return out.toAssignment();
        }
        IdempotencyCache.Result<Assignment> answer =
                idempotency.getOrCompute(lead.requestId(), LeadFingerprint.of(lead), () -> {
                    MutableAssignment out = decisions.get();
                    matchAndAssign(lead, match, out);
                    return out.toAssignment();
                });
        if (answer.conflict()) {
            throw new RequestIdConflictException(lead.requestId(), withAssigneeName(answer.value()));
        }
        Assignment a = answer.value();
        if (answer.replay()) {
            match(lead, match);
            a = withAssigneeName(a);
        }
        return a;
    }

    /**
     * Matches and assigns into caller-owned results, without idempotency (the request id is journaled but not
     * looked up): the allocation-free path for batch imports and the benchmarks.
     */
    public void matchAndAssign(Lead lead, MutableMatch match, MutableAssignment assignment) {
        CrmSnapshot s = acquire();
        try {
            matcher.match(s, lead, match);
            assigner.assign(s, lead, match, assignment);
        } finally {
            s.release();
        }
    }

    /** Answers recovered from the journal carry no display name; the serving snapshot has it. */
    private Assignment withAssigneeName(Assignment a) {
        if (!a.assigneeName().isEmpty() || a.assigneeId().isEmpty()) {
            return a;
        }
        CrmSnapshot s = acquire();
        try {
            int u = s.users().ordinalOf(a.assigneeId());
            return u < 0
                    ? a
                    : new Assignment(
                            a.assignmentId(),
                            a.rule(),
                            a.teamId(),
                            a.assigneeId(),
                            s.users().name(u),
                            a.explanation());
        } finally {
            s.release();
        }
    }

    /**
     * Why assignments are refused now — the journal cannot write or force its records (a full disk, an I/O error) —
     * or null while they are not. Decisions throw {@link io.leadmatch.engine.journal.JournalUnavailableException}
     * meanwhile; the journal retries every second and clears this once it can write again.
     */
    public String journalUnavailableReason() {
        return assigner.journalUnavailableReason();
    }

    /**
     * The whole decision behind an assignment, from the journal: match, owner checks, territory rule, members
     * considered with their status, counters before and after, configuration version.
     *
     * @return empty when the journal has no assignment with that id
     * @throws IllegalStateException when the engine has no data directory (nothing is journaled)
     */
    public Optional<Explanation> explain(String assignmentId) {
        return assigner.explain(assignmentId);
    }

    /**
     * Loads a snapshot directory (null: the current one; with a database source, the database again) into a new
     * generation and swaps it in. A failed load, or one that skipped more than
     * {@link EngineConfig#maxSkippedRatio} of its rows, throws and leaves the serving state untouched. With a
     * data directory, each successful load's report is written to {@code reports/} as JSON.
     */
    public synchronized LoadReport reload(Path snapshotDir) throws SnapshotException {
        if (closed) {
            throw new IllegalStateException("engine is closed");
        }
        long gen = generation + 1;
        Path dir = null;
        SnapshotLoader.Export export = null; // none for a database: every load supersedes logged changes
        CrmSnapshot next;
        if (config.postgres() != null) {
            if (snapshotDir != null) {
                throw new SnapshotException(
                        snapshotDir.toString(),
                        0,
                        "the engine reads postgres " + config.postgres().describe()
                                + "; a snapshot directory cannot replace it");
            }
            next = loader.loadDatabase(normalizer, DaemonFuture.await(mailboxes()), gen);
        } else {
            dir = snapshotDir != null ? snapshotDir : currentSnapshotDir;
            FirstLoad early = takeFirstLoad(dir);
            export = early != null ? early.export() : loader.identify(dir);
            loader.remember(export); // the directory is ours
            if (early != null && early.snapshot() != null) {
                next = early.snapshot();
            } else {
                // an early first load already tried the persisted tables
                next = loader.load(export, normalizer, mailboxes(), gen, early == null);
            }
        }
        try {
            checkSkippedRatio(next.report());
            next = loader.withLoggedChanges(next, export, normalizer, this::mailboxes, gen);
        } catch (SnapshotException e) {
            discard(next);
            throw e;
        }
        assigner.configure(next.routing());
        dropProvisionalWithRealAccounts(next);
        CrmSnapshot previous = current;
        current = next;
        currentSnapshotDir = dir;
        generation = gen;
        if (previous != null) {
            next.prepareLookups(); // a reload while serving: in the background right away
            if (previous.index().file() != null
                    && !previous.index().file().equals(next.index().file())) {
                previous.index().deleteFileOnClose();
                CsvSnapshotReader.deletePersistedTables(previous.index().file()); // read at start-up only
            }
            previous.release();
        } else if (next.index().file() != null) {
            SnapshotLoader.deleteStaleIndexFiles(next.index().file());
        }
        LOG.info(
                "generation {}: {}{}",
                gen,
                next.report().summary(),
                next.index().reused() ? " (index file reused: snapshot unchanged)" : "");
        if (config.dataDir() != null) {
            writeReport(
                    config.dataDir().resolve(REPORTS),
                    next.report(),
                    gen,
                    next.index().reused(),
                    config.clock().instant());
        }
        return next.report();
    }

    /** A load that skipped too much is more likely a broken export than a CRM that changed. */
    private void checkSkippedRatio(LoadReport r) throws SnapshotException {
        if (r.skippedRatio() <= config.maxSkippedRatio()) {
            return;
        }
        String first = String.join(
                "; ", r.warnings().subList(0, Math.min(3, r.warnings().size())));
        throw new SnapshotException(
                r.source(),
                0,
                String.format(
                        Locale.ROOT,
                        "%d of %d rows skipped (%.1f%%), above the threshold %.1f%%; first problems: %s",
                        r.rowsSkipped(),
                        r.rowsRead(),
                        100 * r.skippedRatio(),
                        100 * config.maxSkippedRatio(),
                        first));
    }

    /** Frees a generation that was built but will not serve; its index file only if no generation uses it. */
    private void discard(CrmSnapshot rejected) {
        Path file = rejected.index().file();
        if (file != null && (current == null || !file.equals(current.index().file()))) {
            rejected.index().deleteFileOnClose();
        }
        rejected.release();
    }

    /** Subdirectory of the data directory holding the JSON load reports. */
    static final String REPORTS = "reports";
    /** Load reports kept in {@link #REPORTS}; older ones are deleted. */
    static final int REPORTS_KEPT = 100;

    private static final DateTimeFormatter REPORT_TIME =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

    /**
     * Writes {@code load-<generation>-<time>.json} and {@code latest.json}. A report that cannot be written is
     * logged, not fatal: the load itself succeeded and is serving.
     */
    private static void writeReport(Path reports, LoadReport report, long gen, boolean indexReused, Instant at) {
        String json = report.toJson(gen, indexReused, at);
        try {
            Files.createDirectories(reports);
            Path file = reports.resolve("load-" + gen + "-" + REPORT_TIME.format(at) + ".json");
            Files.writeString(file, json);
            // Readers of latest.json never see a half-written file.
            Path tmp = reports.resolve("latest.json.tmp");
            Files.writeString(tmp, json);
            Files.move(
                    tmp,
                    reports.resolve("latest.json"),
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            pruneReports(reports);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot write the load report to {}: {}", reports, e.toString());
        }
    }

    private static void pruneReports(Path reports) throws IOException {
        List<Path> old;
        try (var files = Files.list(reports)) {
            old = files.filter(p -> p.getFileName().toString().startsWith("load-")
                            && p.getFileName().toString().endsWith(".json"))
                    .sorted(Comparator.comparing((Path p) -> p.toFile().lastModified())
                            .reversed()
                            .thenComparing(Comparator.reverseOrder()))
                    .skip(REPORTS_KEPT)
                    .toList();
        }
        for (Path p : old) {
            Files.deleteIfExists(p);
        }
    }

    /** True when the serving generation's index was reused from a previous run's file. */
    boolean indexReused() {
        return current.index().reused();
    }

    /** A snapshot that brings a real account for a provisional domain ends that provisional account. */
    private void dropProvisionalWithRealAccounts(CrmSnapshot next) {
        if (provisional.size() == 0) {
            return;
        }
        MutableMatch probe = new MutableMatch();
        int removed = provisional.retainIf(domain -> {
            matcher.match(next, Lead.ofEmail("", "provisional@" + domain), probe);
            return probe.outcome() != Outcome.MATCHED;
        });
        if (removed > 0) {
            LOG.info("{} provisional accounts now have a CRM account and were dropped", removed);
        }
    }

    /**
     * A domain claimed by several accounts, for the data team to clean up.
     *
     * @param domain     the contested domain
     * @param accountIds claimants in static tie-break order (the first wins when the request's country and state
     *                   do not decide)
     */
    public record Conflict(String domain, List<String> accountIds) {}

    /** Every conflicting domain of the serving snapshot, in load order. */
    public List<Conflict> conflicts() {
        CrmSnapshot s = acquire();
        try {
            List<Conflict> out = new ArrayList<>(s.conflictSetCount());
            for (int i = 0; i < s.conflictSetCount(); i++) {
                if (s.conflictSet(i).length < 2) {
                    continue; // incremental changes left one claimant or none
                }
                List<String> ids = new ArrayList<>();
                for (int o : s.conflictSet(i)) {
                    ids.add(s.accounts().id(o));
                }
                out.add(new Conflict(s.conflictDomain(i), List.copyOf(ids)));
            }
            return out;
        } finally {
            s.release();
        }
    }

    /** The state of a team, if the current routing has it. */
    public Optional<TeamState> teamState(String teamId) {
        CrmSnapshot s = acquire();
        try {
            return Optional.ofNullable(assigner.teamState(s, teamId));
        } finally {
            s.release();
        }
    }

    /**
     * Makes a team member unavailable for round robin (until {@code until}, or until further notice when null) or
     * available again; see {@link Assigner#setAvailability}. Kept across snapshot reloads and, with a data directory, across restarts (journaled).
     *
     * @throws java.util.NoSuchElementException when the user is in no team
     * @throws IllegalArgumentException         when the arguments do not fit together (the message says what to send)
     */
    public Availability setAvailability(String userId, boolean available, Instant until, String reason) {
        CrmSnapshot s = acquire();
        try {
            return assigner.setAvailability(s, userId, available, until, reason);
        } finally {
            s.release();
        }
    }

    /**
     * Gives a team member extra turns ({@code delta > 0}) or makes it skip turns ({@code delta < 0}); see
     * {@link Assigner#adjustTurns}. Kept across snapshot reloads and, with a data directory, across restarts (journaled).
     *
     * @return the member's state after the adjustment
     * @throws java.util.NoSuchElementException when the team or member is unknown
     * @throws IllegalArgumentException         when delta is 0 or out of range
     */
    public TeamState.Member adjustTurns(String teamId, String userId, int delta) {
        CrmSnapshot s = acquire();
        try {
            return assigner.adjustTurns(s, teamId, userId, delta);
        } finally {
            s.release();
        }
    }

    /**
     * Sets a user's open-lead count from the CRM (for members with {@code max_open}); see
     * {@link Assigner#setOpenLeads}. Journaled.
     *
     * @return the user's teams
     */
    public List<String> setOpenLeads(String userId, int count) {
        CrmSnapshot s = acquire();
        try {
            return assigner.setOpenLeads(s, userId, count);
        } finally {
            s.release();
        }
    }

    /** Which Public Suffix List matching uses: its date and where it came from ({@link io.leadmatch.engine.domain.PublicSuffixList#version}). */
    public String publicSuffixListVersion() {
        return normalizer.publicSuffixList().version()
                + (config.matching().pslFile() == null
                        ? ", bundled"
                        : ", " + config.matching().pslFile());
    }

    /** Report of the load that produced the serving generation. */
    public LoadReport report() {
        return current.report();
    }

    /** The serving generation number. */
    public long generation() {
        return current.generation();
    }

    /** The snapshot directory being served; null with a database source. */
    public synchronized Path snapshotDir() {
        return currentSnapshotDir;
    }

    /** Team ids of the current routing, in file order. */
    public List<String> teamIds() {
        return List.copyOf(current.routing().teams().keySet());
    }

    // ---- Incremental account changes (UpsertAccounts / DeleteAccounts) ----

    /**
     * Adds or replaces accounts, all or nothing; see {@link #applyAccountChanges}.
     *
     * @throws IllegalArgumentException naming the first bad row and why; nothing was changed
     * @throws java.io.IOException      the change could not be made durable; nothing was changed
     */
    public AccountChange.Result upsertAccounts(List<AccountChange> accounts) throws IOException {
        return applyAccountChanges(AccountChange.Batch.upserts(accounts));
    }

    /**
     * Deletes accounts, all or nothing; ids that name no account are reported, not an error (change events may
     * arrive twice). See {@link #applyAccountChanges}.
     */
    public AccountChange.Result deleteAccounts(List<String> accountIds) throws IOException {
        return applyAccountChanges(AccountChange.Batch.deletes(accountIds));
    }

    /**
     * Applies a batch of CRM account changes between snapshots as one new generation: every call sees the state
     * before or after the whole batch, never part of it (in-flight calls finish on the generation they started
     * on). With a data directory the batch is appended to {@code account-changes.log} and forced to disk before
     * it is applied, so a restart replays it on top of the snapshot. A full load of a <em>different</em> export
     * (any of its CSV files changed; with a database source, every load) supersedes the logged
     * changes: the new export is expected to contain them. A reload of the unchanged snapshot replays them.
     *
     * @throws IllegalArgumentException naming the first bad row and why; nothing was changed
     * @throws java.io.IOException      the change could not be made durable; nothing was changed
     */
    synchronized AccountChange.Result applyAccountChanges(AccountChange.Batch batch) throws IOException {
        if (closed) {
            throw new IllegalStateException("engine is closed");
        }
        if (batch.upserts().isEmpty() && batch.deletes().isEmpty()) {
            throw new IllegalArgumentException("the batch is empty: send at least one account");
        }
        CrmSnapshot previous = current;
        SnapshotLoader.Applied applied = loader.apply(previous, batch, normalizer, loadedMailboxes(), generation + 1);
        CrmSnapshot next = applied.snapshot();
        next.prepareLookups();
        dropProvisionalWithRealAccounts(next);
        current = next;
        generation = next.generation();
        previous.release();
        return applied.result();
    }

    private CrmSnapshot acquire() {
        for (; ; ) {
            CrmSnapshot s = current;
            if (s == null) {
                throw new IllegalStateException("engine is closed");
            }
            if (s.retain()) {
                return s;
            }
        }
    }

    /**
     * Stops as a killed process would, for crash tests: the journal's threads end and its directory is released,
     * nothing else is written (no checkpoint, no final force); the page cache keeps what was appended.
     */
    synchronized void halt() {
        closed = true;
        assigner.halt();
    }

    /** Releases the serving generation; its index closes once in-flight calls finish. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        CrmSnapshot s = current;
        current = null;
        if (s != null) {
            s.release();
        }
        if (twin) {
            assigner.close();
            return; // the real engine's generation, files and background work are not the twin's
        }
        assigner.close();
        loader.close();
        provisional.close();
        CsvSnapshotReader.awaitPersisted(); // the next start reads them
    }
}
