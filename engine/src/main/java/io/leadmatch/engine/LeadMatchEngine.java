package io.leadmatch.engine;

import io.leadmatch.engine.assign.Assigner;
import io.leadmatch.engine.assign.Assignment;
import io.leadmatch.engine.assign.IdempotencyCache;
import io.leadmatch.engine.assign.ProvisionalAccounts;
import io.leadmatch.engine.assign.TeamState;
import io.leadmatch.engine.domain.DomainNormalizer;
import io.leadmatch.engine.domain.MailboxProviders;
import io.leadmatch.engine.snapshot.CrmSnapshot;
import io.leadmatch.engine.snapshot.CsvSnapshotReader;
import io.leadmatch.engine.snapshot.IndexFingerprint;
import io.leadmatch.engine.snapshot.LoadReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Optional;

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
    private final DomainNormalizer normalizer;
    private final MailboxProviders mailboxes;
    private final ProvisionalAccounts provisional;
    private final Matcher matcher;
    private final Assigner assigner;
    private final IdempotencyCache<AssignResult> idempotency;

    /** Most request ids remembered for idempotent retries (the oldest are forgotten first). */
    public static final int IDEMPOTENCY_MAX_ENTRIES = 1_000_000;
    private volatile CrmSnapshot current;
    private Path currentSnapshotDir;
    private long generation;
    private boolean closed;

    private LeadMatchEngine(EngineConfig config) throws SnapshotException {
        this.config = config;
        this.normalizer = config.matching().normalizer();
        this.provisional = config.dataDir() == null ? new ProvisionalAccounts()
                : new ProvisionalAccounts(config.dataDir().resolve("provisional-accounts.tsv"));
        this.mailboxes = config.matching().mailboxes();
        this.matcher = new Matcher(normalizer, provisional, config.matching().requireWorkEmail());
        this.assigner = new Assigner(provisional, config.clock().millis());
        this.idempotency = new IdempotencyCache<>(config.clock(), java.time.Duration.ofHours(24),
                IDEMPOTENCY_MAX_ENTRIES);
    }

    /** Loads the snapshot and returns a serving engine; fails without side effects on a bad snapshot. */
    public static LeadMatchEngine open(EngineConfig config) throws SnapshotException {
        LeadMatchEngine engine = new LeadMatchEngine(config);
        try {
            engine.reload(config.snapshotDir());
        } catch (SnapshotException | RuntimeException e) {
            engine.provisional.close();
            throw e;
        }
        return engine;
    }

    /** Matches a lead (read-only) into a new result. */
    public MatchResult match(Lead lead) {
        MatchResult r = new MatchResult();
        match(lead, r);
        return r;
    }

    /** Matches a lead (read-only) into {@code into}; allocation-free on a domain hit when {@code into} is reused. */
    public void match(Lead lead, MatchResult into) {
        CrmSnapshot s = acquire();
        try {
            matcher.match(s, lead, into);
        } finally {
            s.release();
        }
    }

    /**
     * Matches a lead and assigns it. A {@code request_id} seen within the retention window (24 h, bounded to
     * {@link #IDEMPOTENCY_MAX_ENTRIES} ids) gets the same answer again without consuming a turn: form backends
     * retry on timeouts, and a retry must never double-assign.
     */
    public AssignResult matchAndAssign(Lead lead) {
        if (lead.requestId().isEmpty()) {
            return assignNow(lead);
        }
        return idempotency.getOrCompute(lead.requestId(), () -> assignNow(lead)).value();
    }

    private AssignResult assignNow(Lead lead) {
        MatchResult r = new MatchResult();
        CrmSnapshot s = acquire();
        try {
            matcher.match(s, lead, r);
            Assignment a = assigner.assign(s, lead, r);
            return new AssignResult(r, a);
        } finally {
            s.release();
        }
    }

    /**
     * Loads a snapshot directory (null: the current one) into a new generation and swaps it in. A failed load
     * throws and leaves the serving state untouched.
     */
    public synchronized LoadReport reload(Path snapshotDir) throws SnapshotException {
        if (closed) {
            throw new IllegalStateException("engine is closed");
        }
        Path dir = snapshotDir != null ? snapshotDir : currentSnapshotDir;
        long gen = generation + 1;
        Path indexFile = null;
        if (config.dataDir() != null) {
            MatchingConfig m = config.matching();
            // routing.yaml's junk domains and the free/disposable lists are folded into the index too.
            String fingerprint = IndexFingerprint.of(dir, "psl=" + m.pslFile() + " extra=" + m.extraHostingSuffixes()
                    + " free=" + m.freeEmailFile() + " disposable=" + m.disposableEmailFile(), m.pslFile(),
                    dir.resolve(CsvSnapshotReader.ROUTING), m.freeEmailFile(), m.disposableEmailFile());
            indexFile = config.dataDir().resolve("index").resolve("domains-" + fingerprint + ".cm3");
        }
        CrmSnapshot next = CsvSnapshotReader.load(dir, normalizer, mailboxes, indexFile, gen);
        assigner.configure(next.routing());
        dropProvisionalWithRealAccounts(next);
        CrmSnapshot previous = current;
        current = next;
        currentSnapshotDir = dir;
        generation = gen;
        if (previous != null) {
            if (previous.index().file() != null && !previous.index().file().equals(next.index().file())) {
                previous.index().deleteFileOnClose();
            }
            previous.release();
        } else if (indexFile != null) {
            deleteStaleIndexFiles(indexFile);
        }
        LOG.info("generation {}: {}{}", gen, next.report().summary(),
                next.index().reused() ? " (index file reused: snapshot unchanged)" : "");
        return next.report();
    }

    /** Index files of earlier runs whose snapshot has since changed. */
    private static void deleteStaleIndexFiles(Path inUse) {
        try (var files = java.nio.file.Files.list(inUse.getParent())) {
            files.filter(p -> p.getFileName().toString().startsWith("domains-"))
                    .filter(p -> !p.equals(inUse) && !p.getFileName().toString().equals(inUse.getFileName() + ".ready"))
                    .forEach(p -> {
                        try {
                            java.nio.file.Files.deleteIfExists(p);
                        } catch (java.io.IOException e) {
                            LOG.warn("cannot delete stale index file {}: {}", p, e.toString());
                        }
                    });
        } catch (java.io.IOException e) {
            LOG.warn("cannot list index directory {}: {}", inUse.getParent(), e.toString());
        }
    }

    /** True when the serving generation's index was reused from a previous run's file. */
    public boolean indexReused() {
        return current.index().reused();
    }

    /** A snapshot that brings a real account for a provisional domain ends that provisional account. */
    private void dropProvisionalWithRealAccounts(CrmSnapshot next) {
        if (provisional.size() == 0) {
            return;
        }
        MatchResult probe = new MatchResult();
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
    public record Conflict(String domain, java.util.List<String> accountIds) {
    }

    /** Every conflicting domain of the serving snapshot, in load order. */
    public java.util.List<Conflict> conflicts() {
        CrmSnapshot s = acquire();
        try {
            java.util.List<Conflict> out = new java.util.ArrayList<>(s.conflictSetCount());
            for (int i = 0; i < s.conflictSetCount(); i++) {
                java.util.List<String> ids = new java.util.ArrayList<>();
                for (int o : s.conflictSet(i)) {
                    ids.add(s.accounts().id(o));
                }
                out.add(new Conflict(s.conflictDomain(i), java.util.List.copyOf(ids)));
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

    /** Report of the load that produced the serving generation. */
    public LoadReport report() {
        return current.report();
    }

    /** The serving generation number. */
    public long generation() {
        return current.generation();
    }

    /** The snapshot directory being served. */
    public synchronized Path snapshotDir() {
        return currentSnapshotDir;
    }

    /** Team ids of the current routing, in file order. */
    public java.util.List<String> teamIds() {
        return java.util.List.copyOf(current.routing().teams().keySet());
    }

    private CrmSnapshot acquire() {
        for (;;) {
            CrmSnapshot s = current;
            if (s == null) {
                throw new IllegalStateException("engine is closed");
            }
            if (s.retain()) {
                return s;
            }
        }
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
        provisional.close();
    }
}
