package io.leadmatch.engine;

import static io.leadmatch.engine.DemoSnapshot.user;
import static org.junit.jupiter.api.Assertions.*;

import io.leadmatch.engine.assign.Assigner;
import io.leadmatch.engine.assign.Assignment;
import io.leadmatch.engine.assign.AssignmentRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reloads that swap a team's whole membership race concurrent assignments: every round-robin decision picks from
 * the membership of the generation it was matched against (read back from the journal), never the other one. The
 * two memberships are disjoint, so a decision made with the wrong one shows.
 */
class ReloadMembershipRaceTest {
    static final Set<String> FIRST = Set.of(user(10), user(12));
    static final Set<String> SECOND = Set.of(user(13), user(14), user(15));

    static String routing(Set<String> members) {
        StringBuilder b = new StringBuilder("""
                junk:
                  account_id: 0015g00000A0009AAA
                  queue_user_id: 0055g00000USR30AAA
                default_team: pool
                teams:
                  - id: pool
                    members:
                """);
        for (String m : members.stream().sorted().toList()) {
            b.append("          - {user_id: ").append(m).append(", weight: 2}\n");
        }
        return b.toString();
    }

    @TempDir
    Path tmp;

    @Test
    void everyDecisionUsesTheMembershipOfItsGeneration() throws Exception {
        Path dir = DemoSnapshot.copyTo(tmp.resolve("snapshot"));
        Files.writeString(dir.resolve("routing.yaml"), routing(FIRST));
        ManualClock clock = new ManualClock(Instant.parse("2026-11-23T15:00:00Z"));
        Map<Long, Set<String>> membershipOf = new ConcurrentHashMap<>();
        List<Assignment> made = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (LeadMatchEngine engine = LeadMatchEngine.open(new EngineConfig(dir, tmp.resolve("data"), null, clock))) {
            membershipOf.put(engine.generation(), FIRST);
            AtomicBoolean stop = new AtomicBoolean();
            List<Future<?>> callers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int thread = t;
                callers.add(pool.submit(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        made.add(engine.matchAndAssign(Lead.ofEmail("", "t" + thread + "-" + i + "@gmail.com"))
                                .assignment());
                        LockSupport.parkNanos(200_000); // spread calls over every reload
                    }
                    return null;
                }));
            }
            for (int reload = 1; reload <= 10; reload++) {
                Set<String> next = reload % 2 == 0 ? FIRST : SECOND;
                Files.writeString(dir.resolve("routing.yaml"), routing(next));
                synchronized (engine) { // reload is synchronized on the engine: the generation read is its own
                    engine.reload(dir);
                    membershipOf.put(engine.generation(), next);
                }
                Thread.sleep(20);
            }
            stop.set(true);
            for (Future<?> f : callers) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertTrue(made.size() > 100, "calls raced the reloads: " + made.size());
            List<Assignment> all;
            synchronized (made) {
                all = List.copyOf(made);
            }
            engine.close(); // every record copied into the segments the export reads
            // The journal's own record of each decision: its generation and its assignee (one export, not an
            // Explain per decision).
            Map<String, Long> generationOf = new HashMap<>();
            Pattern decision = Pattern.compile("\"assignment_id\":\"([^\"]+)\".*?\"generation\":(\\d+)");
            StringBuilder line = new StringBuilder();
            Appendable lines = new Appendable() {
                @Override
                public Appendable append(CharSequence csq) {
                    return append(csq, 0, csq.length());
                }

                @Override
                public Appendable append(CharSequence csq, int start, int end) {
                    for (int k = start; k < end; k++) {
                        append(csq.charAt(k));
                    }
                    return this;
                }

                @Override
                public Appendable append(char c) {
                    if (c != '\n') {
                        line.append(c);
                        return this;
                    }
                    java.util.regex.Matcher m = decision.matcher(line);
                    if (m.find()) {
                        generationOf.put(m.group(1), Long.parseLong(m.group(2)));
                    }
                    line.setLength(0);
                    return this;
                }
            };
            Assigner.exportJournal(tmp.resolve("data").resolve(LeadMatchEngine.JOURNAL), 1, lines);
            for (Assignment a : all) {
                assertEquals(AssignmentRule.ROUND_ROBIN, a.rule(), a.explanation());
                Long generation = generationOf.get(a.assignmentId());
                assertNotNull(generation, a.assignmentId() + " is journaled");
                Set<String> members = membershipOf.get(generation);
                assertNotNull(members, "generation " + generation);
                assertTrue(
                        members.contains(a.assigneeId()),
                        () -> a.assignmentId() + " matched against generation " + generation + " (members " + members
                                + ") went to " + a.assigneeId());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
