package io.leadmatch.bench;

import io.leadmatch.engine.EngineConfig;
import io.leadmatch.engine.Lead;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.engine.MutableMatch;
import io.leadmatch.engine.Outcome;
import io.leadmatch.engine.assign.AssignmentRule;
import io.leadmatch.engine.assign.MutableAssignment;
import io.leadmatch.engine.journal.FsyncPolicy;
import io.leadmatch.engine.journal.JournalConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What assignment adds to a match: {@code match} and {@code matchAndAssign} on the same leads in the same run, with
 * the journal on a real data directory in {@code batch} mode (the default; its writer and flusher threads copy and
 * force the journal on the other core) and in {@code none} (no forcing). The difference is the assignment step —
 * owner check or territory rules plus the team's weighted round robin, and the journal append. Target: ≤ 150 ns
 * and 0 B/op ({@code -prof gc}). Two forks by default: on a shared 2-vCPU VM one fork's level drifts by ±100 ns, and
 * the step is a difference of two forks' averages, so a single two-fork run can miss by ±25 ns; the README's figures
 * come from {@code -f 4} (or from the paired {@link AssignStepProbe}).
 *
 * <p>{@code path=owner}: work emails of demo accounts with an active owner (the owner rule decides).
 * {@code path=roundRobin}: free-webmail leads from eight countries, so territory rules pick a team and its round
 * robin picks the rep, every call a real pick that is journaled. Run:
 * {@code java -jar bench/target/benchmarks.jar MatchAndAssignBenchmark -prof gc}. The data directory is a temporary
 * one under {@code $LEADMATCH_BENCH_DATA_DIR} (default: the system's temporary directory); on a disk, a single thread
 * appending as fast as it can is bound by write-back bandwidth (bytes per record ÷ MB/s), on tmpfs
 * ({@code /dev/shm}) the figure is the CPU cost.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
@Fork(
        value = 2,
        jvmArgsAppend = {
            JvmFlags.ANALYTICS_OFF,
            JvmFlags.O1,
            JvmFlags.O2,
            JvmFlags.O3,
            JvmFlags.O4,
            JvmFlags.O5,
            JvmFlags.O6,
            JvmFlags.E1,
            JvmFlags.E2,
            JvmFlags.E3,
            JvmFlags.E4,
            "-Xmx2g"
        })
public class MatchAndAssignBenchmark {
    private static final String[] COUNTRIES = {"US", "DE", "JP", "FR", "CA", "AU", "GB", "BR"};

    @Param({"owner", "roundRobin"})
    public String path;

    /** {@code batch}: the default, with its flusher thread; {@code none}: the append alone, no msync at all. */
    @Param({"batch", "none"})
    public String fsync;

    private Path data;
    private LeadMatchEngine engine;
    private Lead[] leads;
    private final MutableMatch match = new MutableMatch();
    private final MutableAssignment assignment = new MutableAssignment();
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path snapshot = Path.of(System.getProperty("leadmatch.snapshot", "examples/demo"));
        String base = System.getenv("LEADMATCH_BENCH_DATA_DIR"); // the environment reaches JMH's forks
        data = base == null
                ? Files.createTempDirectory("leadmatch-bench-")
                : Files.createTempDirectory(Path.of(base), "leadmatch-bench-");
        engine = LeadMatchEngine.open(EngineConfig.of(snapshot, data)
                .withJournal(JournalConfig.defaults().withFsync(FsyncPolicy.parse(fsync))));
        List<Lead> chosen = new ArrayList<>();
        if (path.equals("owner")) {
            chosen.addAll(ownerLeads(snapshot, 256));
        } else {
            for (int i = 0; i < 1024; i++) {
                chosen.add(new Lead(
                        "", "person" + i + "@gmail.com", "", "", COUNTRIES[i % COUNTRIES.length], "", Map.of()));
            }
        }
        AssignmentRule expected = path.equals("owner") ? AssignmentRule.ACCOUNT_OWNER : AssignmentRule.ROUND_ROBIN;
        for (Lead l : chosen) {
            engine.matchAndAssign(l, match, assignment);
            if (assignment.rule() != expected) {
                throw new IllegalStateException(l + " is decided by " + assignment.rule() + ", not " + expected + ": "
                        + assignment.explanation());
            }
        }
        leads = chosen.toArray(new Lead[0]);
    }

    /** Work emails at the demo accounts whose owner is active. */
    private List<Lead> ownerLeads(Path snapshot, int max) throws IOException {
        List<Lead> out = new ArrayList<>();
        for (String line : Files.readAllLines(snapshot.resolve("Account.csv"))) {
            String[] cols = line.split("\",\"");
            if (cols.length < 3 || cols[2].isBlank()) {
                continue;
            }
            Lead lead = new Lead(
                    "",
                    "jane@" + cols[2].replaceFirst("^https?://", "").replaceFirst("/.*$", ""),
                    "",
                    "",
                    "",
                    "",
                    Map.of());
            engine.matchAndAssign(lead, match, assignment);
            if (match.outcome() == Outcome.MATCHED && assignment.rule() == AssignmentRule.ACCOUNT_OWNER) {
                out.add(lead);
                if (out.size() == max) {
                    break;
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no account with an active owner in " + snapshot);
        }
        return out;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        engine.close();
        try (Stream<Path> files = Files.walk(data)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The baseline: the same leads, matched only. */
    @Benchmark
    public Outcome match() {
        Lead lead = leads[next];
        next = next + 1 == leads.length ? 0 : next + 1;
        engine.match(lead, match);
        return match.outcome();
    }

    /** Match, then assign: owner check or territory + round robin, and the journal append. */
    @Benchmark
    public long matchAndAssign() {
        Lead lead = leads[next];
        next = next + 1 == leads.length ? 0 : next + 1;
        engine.matchAndAssign(lead, match, assignment);
        return assignment.sequence();
    }
}
