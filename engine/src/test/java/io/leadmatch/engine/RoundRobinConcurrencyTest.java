package io.leadmatch.engine;

import static org.junit.jupiter.api.Assertions.*;

import io.leadmatch.engine.assign.Assignment;
import io.leadmatch.engine.assign.AssignmentRule;
import io.leadmatch.engine.assign.TeamState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 8 threads × 100k assignments through {@link LeadMatchEngine#matchAndAssign} into one team: no assignment is
 * lost or counted twice, and at the end every member is within one assignment of its weighted share (picks are
 * serialized per team, so concurrency must not weaken the invariant).
 */
class RoundRobinConcurrencyTest {
    static final int THREADS = 8;
    static final int PER_THREAD = 100_000;
    static final String ROUTING = """
            junk:
              account_id: 0015g00000A0009AAA
              queue_user_id: 0055g00000USR30AAA
            default_team: pool
            teams:
              - id: pool
                members:
                  - {user_id: 0055g00000USR10AAA, weight: 7}
                  - {user_id: 0055g00000USR12AAA, weight: 3}
                  - {user_id: 0055g00000USR13AAA, weight: 1}
                  - {user_id: 0055g00000USR14AAA, weight: 13}
                  - {user_id: 0055g00000USR15AAA, weight: 2}
                  - {user_id: 0055g00000USR16AAA, weight: 5}
            """;

    @TempDir
    Path tmp;

    @Test
    void eightThreadsKeepExactTotalsAndTheFairnessBound() throws Exception {
        Path dir = DemoSnapshot.copyTo(tmp.resolve("snapshot"));
        Files.writeString(dir.resolve("routing.yaml"), ROUTING);
        Clock clock = Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try (LeadMatchEngine engine = LeadMatchEngine.open(new EngineConfig(dir, null, null, clock))) {
            List<Future<Map<String, Long>>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    Map<String, Long> counts = new HashMap<>();
                    for (int i = 0; i < PER_THREAD; i++) {
                        // No request id: every call is a new lead (no idempotent replay, nothing remembered).
                        Assignment a = engine.matchAndAssign(Lead.ofEmail("", "t" + thread + "-" + i + "@gmail.com"))
                                .assignment();
                        assertEquals(AssignmentRule.ROUND_ROBIN, a.rule(), a.explanation());
                        counts.merge(a.assigneeId(), 1L, Long::sum);
                    }
                    return counts;
                }));
            }
            Map<String, Long> seen = new HashMap<>();
            for (Future<Map<String, Long>> f : futures) {
                f.get(60, TimeUnit.SECONDS).forEach((k, v) -> seen.merge(k, v, Long::sum));
            }
            long n = (long) THREADS * PER_THREAD;
            TeamState state = engine.teamState("pool").orElseThrow();
            assertEquals(n, state.totalAssigned());
            assertEquals(n, seen.values().stream().mapToLong(Long::longValue).sum());
            long totalWeight =
                    state.members().stream().mapToLong(TeamState.Member::weight).sum();
            for (TeamState.Member m : state.members()) {
                assertEquals(seen.getOrDefault(m.userId(), 0L), m.assigned(), m.userId());
                double share = (double) n * m.weight() / totalWeight;
                assertTrue(Math.abs(m.assigned() - share) < 1.0, () -> m + " share " + share);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
