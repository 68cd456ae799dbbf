package io.leadmatch.engine.assign;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.management.ThreadMXBean;
import io.leadmatch.engine.Outcome;
import io.leadmatch.engine.journal.Journal;
import io.leadmatch.engine.journal.JournalConfig;
import io.leadmatch.engine.journal.PayloadWriter;
import io.leadmatch.engine.routing.RoutingConfig;
import io.leadmatch.engine.routing.TerritoryIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link AssignmentJournal}'s encoding pieces: on-disk code tables, the matched-domain suffix, no allocation. */
class AssignmentJournalTest {
    @Test
    void everyOutcomeRuleAndOwnerCheckHasExactlyOneOnDiskCode() {
        assertCodes(AssignmentJournal.OUTCOMES, Outcome.values());
        assertCodes(AssignmentJournal.RULES, AssignmentRule.values());
        assertCodes(AssignmentJournal.OWNER_CHECKS, MutableAssignment.OwnerCheck.values());
        assertTrue(AssignmentJournal.RULES.length <= 16, "rule codes share the trailer byte with two flags");
        assertTrue(AssignmentJournal.OWNER_CHECKS.length <= 4, "owner check codes are two bits");
        // The codes are on disk: appending to a table is fine, reordering is not.
        assertEquals(
                List.of(
                        Outcome.MATCHED,
                        Outcome.NEW_ACCOUNT,
                        Outcome.PROVISIONAL,
                        Outcome.FREE_EMAIL,
                        Outcome.DISPOSABLE_EMAIL,
                        Outcome.JUNK,
                        Outcome.INVALID),
                Arrays.asList(AssignmentJournal.OUTCOMES).subList(1, 8));
        assertEquals(AssignmentRule.ACCOUNT_OWNER, AssignmentJournal.RULES[1]);
        assertEquals(AssignmentRule.UNASSIGNED, AssignmentJournal.RULES[7]);
    }

    private static void assertCodes(Object[] table, Object[] values) {
        Set<Object> seen = new HashSet<>();
        for (Object v : table) {
            assertTrue(v == null || seen.add(v), "twice: " + v);
        }
        assertEquals(Set.of(values), seen);
    }

    @Test
    void theMatchedDomainIsASuffixOfTheInputDomainWhenItEndsIt() {
        assertEquals(0, AssignmentJournal.suffixStart("example-corp.com", "example-corp.com"));
        assertEquals(5, AssignmentJournal.suffixStart("emea.example-corp.com", "example-corp.com"));
        assertEquals(-1, AssignmentJournal.suffixStart("contoso-labs.com", "contoso.com"), "an alias");
        assertEquals(-1, AssignmentJournal.suffixStart("a.com", "longer.a.com"));
        assertEquals(-1, AssignmentJournal.suffixStart(null, "a.com"));
        assertEquals(
                -1,
                AssignmentJournal.suffixStart("x".repeat(5000) + ".com", "x.com"),
                "a domain cut in the record cannot carry the suffix");
    }

    /**
     * Encoding a round-robin decision (prefix of every string kind, a section with counters, a trailer) allocates
     * nothing once warm. Measured with the thread's allocation counter over 10,000 encodes (least of three rounds);
     * the tolerance (1 KiB in all, under a byte per encode) absorbs the counter's own bookkeeping, while a single
     * allocation per encode (16 bytes or more) would exceed it tenfold.
     */
    @Test
    void encodingADecisionAllocatesNothing() {
        var threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        AssignmentJournal journal = AssignmentJournal.inMemory(0);
        MutableAssignment out = new MutableAssignment();
        byte[] skips = {0, 2, 0, 0, 4, 0};
        boolean[] passed = {false, false, true, false, false, false};
        StringBuilder domain = new StringBuilder("sales.example-corp.com");
        int bytes = 0;
        for (int i = 0; i < 50_000; i++) {
            bytes += encode(journal, out, skips, passed, domain, i);
        }
        // The least of three rounds: code still running interpreted or in C1 at the start of a round can allocate
        // what C2's escape analysis removes (seen once: 1,368 bytes in a round); an allocation per encode shows in
        // every round.
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10_000; i++) {
                bytes += encode(journal, out, skips, passed, domain, i);
            }
            allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
        }
        assertTrue(bytes > 0);
        assertTrue(allocated < 1024, allocated + " bytes allocated by 10,000 encodes");
    }

    /**
     * Replaying decisions without a request id — what the checkpointer's shadow does for every record while the
     * engine serves — allocates nothing once warm: round-robin decisions (a section: team id, skip codes, counters)
     * and owner decisions (the assignee's id in the trailer), replayed into a real {@link AssignerState}. Measured
     * per record with the thread's allocation counter (least of three rounds of 20,000 records), so the scan's own
     * per-segment objects do not count; one allocation per record would be 320 KB or more.
     */
    @Test
    void replayingDecisionsWithoutARequestIdAllocatesNothing(@TempDir Path dir) {
        var threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        List<RoutingConfig.Member> members = new ArrayList<>();
        for (int m = 0; m < 6; m++) {
            members.add(new RoutingConfig.Member("0055g00000USR0" + m + "AAA", 1 + m, 0, ZoneOffset.UTC, null, 0, 0));
        }
        AssignerState state = new AssignerState(null);
        state.recovery.team(1, "na-ae", "North America AEs", members);
        try (AssignmentJournal journal = AssignmentJournal.open(dir, JournalConfig.defaults(), 1, state.recovery)) {
            MutableAssignment out = new MutableAssignment();
            byte[] skips = {0, 2, 0, 0, 4, 0};
            for (int i = 0; i < 20_000; i++) {
                out.reset("asg-");
                AssignmentJournal.writePrefix(
                        out.record,
                        "",
                        3,
                        Outcome.MATCHED,
                        "sales.example-corp.com",
                        "example-corp.com",
                        "0015g00000A0001AAA",
                        out,
                        "",
                        "");
                if (i % 2 == 0) {
                    AssignmentJournal.writeSection(out.record, SECTION_HEAD, skips, null, (byte) 2, i % 6 == 0 ? 0 : 3);
                    AssignmentJournal.writeCounters(out.record, i, -i, i + 1, 10L * i, 0);
                    out.assigned(AssignmentRule.ROUND_ROBIN, ASSIGNEE);
                } else {
                    out.assigned(AssignmentRule.ACCOUNT_OWNER, Assignee.owner(ASSIGNEE.userId, ASSIGNEE.name));
                }
                journal.appendAssignment(out, i);
            }
        }
        long allocated = Long.MAX_VALUE;
        long[] replayed = {0};
        for (int round = 0; round < 3; round++) {
            long[] bytes = {0};
            try {
                Journal.scan(dir, 1, Long.MAX_VALUE, r -> {
                    long before = threads.getCurrentThreadAllocatedBytes();
                    state.replay(r);
                    bytes[0] += threads.getCurrentThreadAllocatedBytes() - before;
                    replayed[0]++;
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            allocated = Math.min(allocated, bytes[0]);
        }
        assertEquals(3 * 20_000, replayed[0]);
        assertTrue(allocated < 1024, allocated + " bytes allocated replaying 20,000 decisions");
    }

    /**
     * An answer replayed from the journal (what a restart and the checkpointer's shadow remember per request id)
     * explains itself in one line per rule, team and assignee, and records with the same decision share that line:
     * the shadow keeps up to the idempotency bound of answers, which would otherwise each build and hold a copy.
     * Past the bound on distinct lines the lines start afresh and still read right (5,000 owners).
     */
    @Test
    void replayedAnswersShareOneExplanationPerDecision(@TempDir Path dir) throws IOException {
        List<RoutingConfig.Member> members = new ArrayList<>();
        for (int m = 0; m < 6; m++) {
            members.add(new RoutingConfig.Member("0055g00000USR0" + m + "AAA", 1, 0, ZoneOffset.UTC, null, 0, 0));
        }
        int owners = AssignmentJournal.ReplayedExplanations.MAX_LINES + 904;
        long now = System.currentTimeMillis();
        AssignerState writer = new AssignerState(null);
        writer.recovery.team(1, "na-ae", "North America AEs", members);
        try (AssignmentJournal journal = AssignmentJournal.open(dir, JournalConfig.defaults(), 1, writer.recovery)) {
            MutableAssignment out = new MutableAssignment();
            for (int i = 0; i < 300 + owners; i++) {
                out.reset("asg-");
                AssignmentJournal.writePrefix(
                        out.record, "req-" + i, 3, Outcome.MATCHED, "x.com", "x.com", "001A", out, "", "");
                if (i < 300 && i % 3 == 0) {
                    AssignmentJournal.writeSection(out.record, SECTION_HEAD, new byte[6], null, (byte) 2, 3);
                    AssignmentJournal.writeCounters(out.record, i, -i, i + 1, 10L * i, 0);
                    out.assigned(AssignmentRule.ROUND_ROBIN, ASSIGNEE);
                } else if (i < 300 && i % 3 == 1) {
                    out.unassigned("", false);
                    out.unassignedReason = "no active member in team na-ae";
                } else {
                    String owner = i < 300 ? "0055g00000USR05AAA" : "U" + i;
                    out.assigned(AssignmentRule.ACCOUNT_OWNER, Assignee.owner(owner, "Owner"));
                }
                journal.appendAssignment(out, now);
            }
        }

        IdempotencyCache<Assignment> answers = new IdempotencyCache<>(Clock.systemUTC(), Duration.ofHours(1), 100_000);
        AssignerState replayed = new AssignerState(answers);
        replayed.recovery.team(1, "na-ae", "North America AEs", members);
        Journal.scan(dir, 1, Long.MAX_VALUE, replayed::replay);
        Map<String, Assignment> byRequest = new HashMap<>();
        answers.forEachLive((id, a, fingerprint, expires) -> byRequest.put(id, a));
        assertEquals(300 + owners, byRequest.size());
        Set<String> lines = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < 300; i++) {
            Assignment a = byRequest.get("req-" + i);
            String expected = i % 3 == 0
                    ? "round robin of team na-ae → 0055g00000USR03AAA (answer remembered from the journal)"
                    : i % 3 == 1
                            ? "unassigned: no active member in team na-ae"
                            : "account owner → 0055g00000USR05AAA (answer remembered from the journal)";
            assertEquals(expected, a.explanation(), "req-" + i);
            lines.add(a.explanation());
        }
        assertEquals(3, lines.size(), "one String per distinct decision");
        for (int i = 300; i < 300 + owners; i++) {
            assertEquals(
                    "account owner → U" + i + " (answer remembered from the journal)",
                    byRequest.get("req-" + i).explanation());
        }
    }

    /**
     * A round-robin decision does not repeat its assignee's id in the trailer (the section's winner names it: 19
     * bytes of every such record); an owner rule's decision, which has no section, writes it.
     */
    @Test
    void aRoundRobinRecordLeavesItsAssigneeToItsSection() {
        AssignmentJournal journal = AssignmentJournal.inMemory(0);
        MutableAssignment out = new MutableAssignment();
        encode(journal, out, new byte[6], null, new StringBuilder("example-corp.com"), 1);
        assertFalse(contains(out.record, ASSIGNEE.encodedUserId), "round robin: the id is implied");
        int roundRobin = out.record.length();

        out.reset("asg-");
        AssignmentJournal.writePrefix(
                out.record,
                "",
                3,
                Outcome.MATCHED,
                "example-corp.com",
                "example-corp.com",
                "0015g00000A0001AAA",
                out,
                "",
                "");
        int prefix = out.record.length();
        out.assigned(AssignmentRule.ACCOUNT_OWNER, Assignee.owner(ASSIGNEE.userId, ASSIGNEE.name));
        journal.appendAssignment(out, 1);
        assertTrue(contains(out.record, ASSIGNEE.encodedUserId), "owner rule: the id is written");
        assertEquals(prefix + 2 + ASSIGNEE.encodedUserId.length, out.record.length());
        assertTrue(roundRobin > 0);
    }

    private static boolean contains(PayloadWriter w, byte[] needle) {
        byte[] payload = w.payloadCopy();
        outer:
        for (int i = 0; i + needle.length <= payload.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (payload[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static final byte[] SECTION_HEAD = AssignmentJournal.sectionHead("na-ae", 7, 6);
    private static final Assignee ASSIGNEE =
            new Assignee("na-ae", "North America AEs", "0055g00000USR05AAA", "Declan O'Rourke");
    private static final TerritoryIndex NORTH_AMERICA = TerritoryIndex.of(List.of(
            new RoutingConfig.Rule("North America", "na-ae", Set.of("US", "CA"), Set.of(), Set.of(), Set.of(), 1)));

    private static int encode(
            AssignmentJournal journal,
            MutableAssignment out,
            byte[] skips,
            boolean[] passed,
            CharSequence domain,
            int i) {
        out.reset("asg-");
        out.ownerCheck = MutableAssignment.OwnerCheck.OWNER_INACTIVE;
        out.territoryRule(NORTH_AMERICA, 0);
        out.detail = "Zoë → 中";
        AssignmentJournal.writePrefix(
                out.record,
                "req-1",
                3,
                Outcome.MATCHED,
                domain,
                "example-corp.com",
                "0015g00000A0001AAA",
                out,
                "0055g00000USR01AAA",
                "");
        AssignmentJournal.writeSection(out.record, SECTION_HEAD, skips, passed, (byte) 2, 3);
        AssignmentJournal.writeCounters(out.record, i, -i, i + 1, 10L * i, i & 31);
        out.assigned(AssignmentRule.ROUND_ROBIN, ASSIGNEE);
        journal.appendAssignment(out, i);
        return out.record.length();
    }
}
