package io.leadmatch.bench;

import io.leadmatch.engine.EngineConfig;
import io.leadmatch.engine.Lead;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.engine.MatchResult;
import io.leadmatch.engine.assign.Assigner;
import io.leadmatch.engine.assign.Assignment;
import io.leadmatch.engine.assign.AssignmentResult;
import io.leadmatch.engine.assign.AssignmentSettings;
import io.leadmatch.engine.assign.IdempotencyCache;
import io.leadmatch.engine.assign.ProvisionalAccounts;
import io.leadmatch.engine.journal.FsyncPolicy;
import io.leadmatch.engine.journal.JournalConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How long a restart spends replaying the journal: makes N round-robin assignments through the engine (one in
 * three with a request id, as form backends send), closes it, then times the assigner's recovery of that journal
 * alone. Usage: {@code bench/run replay [N] [snapshot dir]} (defaults: 1,000,000 and examples/demo).
 */
public final class JournalReplay {
    private static final String[] COUNTRIES = {"US", "DE", "JP", "FR", "CA", "AU", "GB", "BR"};

    private JournalReplay() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;
        Path snapshot = Path.of(args.length > 1 ? args[1] : "examples/demo");
        Path data = Files.createTempDirectory("leadmatch-replay-");
        try {
            JournalConfig config = JournalConfig.defaults().withFsync(FsyncPolicy.BATCH);
            long t0 = System.nanoTime();
            try (LeadMatchEngine engine =
                    LeadMatchEngine.open(EngineConfig.of(snapshot, data).withJournal(config))) {
                MatchResult m = new MatchResult();
                AssignmentResult a = new AssignmentResult();
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
            }
            double writeSeconds = (System.nanoTime() - t0) / 1e9;
            long bytes;
            try (Stream<Path> s = Files.list(data.resolve(LeadMatchEngine.JOURNAL))) {
                bytes = s.mapToLong(p -> p.toFile().length()).sum();
            }
            // Without the checkpoint a clean close writes: what a restart after a crash replays.
            Files.deleteIfExists(data.resolve(LeadMatchEngine.JOURNAL).resolve("checkpoint"));
            IdempotencyCache<Assignment> cache = new IdempotencyCache<>(
                    Clock.systemUTC(), Duration.ofHours(24), AssignmentSettings.DEFAULT_MAX_ENTRIES);
            long t1 = System.nanoTime();
            try (Assigner recovered = new Assigner(
                    new ProvisionalAccounts(),
                    Clock.systemUTC(),
                    data.resolve(LeadMatchEngine.JOURNAL),
                    config,
                    cache)) {
                double replaySeconds = (System.nanoTime() - t1) / 1e9;
                System.out.printf(
                        "assignments: %,d in %.2f s (%,.0f/s, one thread, fsync batch)%n",
                        n, writeSeconds, n / writeSeconds);
                System.out.printf(
                        "journal: %,d bytes on disk (segments pre-sized), %,d request ids%n", bytes, cache.size());
                System.out.printf("replay: %.2f s (%,.0f records/s)%n", replaySeconds, n / replaySeconds);
            }
        } finally {
            try (Stream<Path> files = Files.walk(data)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
