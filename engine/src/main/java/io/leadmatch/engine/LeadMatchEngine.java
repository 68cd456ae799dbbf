package io.leadmatch.engine;

import io.leadmatch.engine.assign.Assigner;
import io.leadmatch.engine.assign.Assignment;
import io.leadmatch.engine.assign.ProvisionalAccounts;
import io.leadmatch.engine.assign.TeamState;
import io.leadmatch.engine.snapshot.CrmSnapshot;
import io.leadmatch.engine.snapshot.CsvSnapshotReader;
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
    private final ProvisionalAccounts provisional = new ProvisionalAccounts();
    private final Matcher matcher;
    private final Assigner assigner;
    private volatile CrmSnapshot current;
    private Path currentSnapshotDir;
    private long generation;
    private boolean closed;

    private LeadMatchEngine(EngineConfig config) {
        this.config = config;
        this.matcher = new Matcher(config.normalizer(), config.mailboxes(), provisional);
        this.assigner = new Assigner(provisional, config.clock().millis());
    }

    /** Loads the snapshot and returns a serving engine; fails without side effects on a bad snapshot. */
    public static LeadMatchEngine open(EngineConfig config) throws SnapshotException {
        LeadMatchEngine engine = new LeadMatchEngine(config);
        engine.reload(config.snapshotDir());
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

    /** Matches a lead and assigns it. */
    public AssignResult matchAndAssign(Lead lead) {
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
        Path indexFile = config.dataDir() == null ? null
                : config.dataDir().resolve("index").resolve("domains-" + gen + ".cm3");
        CrmSnapshot next = CsvSnapshotReader.load(dir, config.normalizer(), indexFile, gen);
        assigner.configure(next.routing());
        CrmSnapshot previous = current;
        current = next;
        currentSnapshotDir = dir;
        generation = gen;
        if (previous != null) {
            previous.release();
        }
        LOG.info("generation {}: {}", gen, next.report().summary());
        return next.report();
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
    }
}
