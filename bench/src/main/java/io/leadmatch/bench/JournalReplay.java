package io.leadmatch.bench;

import io.leadmatch.engine.EngineConfig;
import io.leadmatch.engine.Lead;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.engine.MutableMatch;
import io.leadmatch.engine.assign.Assigner;
import io.leadmatch.engine.assign.Assignment;
import io.leadmatch.engine.assign.AssignmentSettings;
import io.leadmatch.engine.assign.IdempotencyCache;
import io.leadmatch.engine.assign.MutableAssignment;
import io.leadmatch.engine.assign.ProvisionalAccounts;
import io.leadmatch.engine.journal.FsyncPolicy;
import io.leadmatch.engine.journal.JournalConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How long a restart spends recovering the journal: makes N round-robin assignments through the engine (one in
 * three with a request id, as form backends send) with checkpoints every {@code checkpoint_records}, stops it like a
 * killed process (the checkpoint written at close is replaced by the last one written while serving), then times the assigner's recovery twice: from the last checkpoint
 * written while serving (what a restart after a crash does), and from no checkpoint at all (the whole journal).
 * Usage: {@code bench/run replay [N] [snapshot dir] [checkpoint records]} (defaults: 1,000,000, examples/demo and
 * the journal's default).
 */
public final class JournalReplay {
    private static final String[] COUNTRIES = {"US", "DE", "JP", "FR", "CA", "AU", "GB", "BR"};

    private JournalReplay() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;
        Path snapshot = Path.of(args.length > 1 ? args[1] : "examples/demo");
        JournalConfig config = JournalConfig.defaults().withFsync(FsyncPolicy.BATCH);
        if (args.length > 2) {
            config = config.withCheckpoints(Long.parseLong(args[2].replace("_", "")), config.checkpointInterval());
        }
        Path data = Files.createTempDirectory("leadmatch-replay-");
        Path journal = data.resolve(LeadMatchEngine.JOURNAL);
        try {
            long t0 = System.nanoTime();
            LeadMatchEngine engine =
                    LeadMatchEngine.open(EngineConfig.of(snapshot, data).withJournal(config));
            MutableMatch m = new MutableMatch();
            MutableAssignment a = new MutableAssignment();
            t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                engine.matchAndAssign(
                        new Lead(
                                i % 3 == 0 ? "r" + i : "",
                                "p" + i + "@gmail.com",
                                "",
                                "",
                                COUNTRIES[i % COUNTRIES.length],
                                "",
                                Map.of()),
                        m,
                        a);
            }
            double writeSeconds = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(2_000); // the checkpointer catches up with the last full interval
            // What a SIGKILL leaves: the last checkpoint written while serving, not the one a clean close writes.
            Path checkpoint = journal.resolve("checkpoint");
            Path served = data.resolve("checkpoint.served");
            boolean any = Files.exists(checkpoint);
            if (any) {
                Files.copy(checkpoint, served);
            }
            engine.close();
            Files.delete(checkpoint);
            long bytes;
            try (Stream<Path> s = Files.list(journal)) {
                bytes = s.mapToLong(p -> p.toFile().length()).sum();
            }
            System.out.printf(
                    "assignments: %,d in %.2f s (%,.0f/s, one thread, fsync batch, checkpoints every %,d records)%n",
                    n, writeSeconds, n / writeSeconds, config.checkpointRecords());
            System.out.printf("journal: %,d bytes on disk%n", bytes);
            for (int round = 0; round < 2; round++) { // the first round warms the JIT up; the second is reported
                boolean report = round == 1;
                if (any) {
                    Files.copy(served, checkpoint, StandardCopyOption.REPLACE_EXISTING);
                    recover(journal, config, "from the last checkpoint written while serving", report);
                }
                Files.deleteIfExists(checkpoint);
                recover(journal, config, "without a checkpoint (the whole journal)", report);
            }
        } finally {
            try (Stream<Path> files = Files.walk(data)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Times the assigner's recovery of {@code journal} and stops it like a killed process again. */
    private static void recover(Path journal, JournalConfig config, String what, boolean report) {
        IdempotencyCache<Assignment> cache =
                new IdempotencyCache<>(Clock.systemUTC(), Duration.ofHours(24), AssignmentSettings.DEFAULT_MAX_ENTRIES);
        long t1 = System.nanoTime();
        Assigner recovered = new Assigner(new ProvisionalAccounts(), Clock.systemUTC(), journal, config, cache);
        double seconds = (System.nanoTime() - t1) / 1e9;
        recovered.halt();
        if (report) {
            System.out.printf("recovery %s: %.2f s (%,d request ids remembered)%n", what, seconds, cache.size());
        }
    }
}
