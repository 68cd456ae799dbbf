package io.leadmatch.engine;

import static io.leadmatch.engine.DemoSnapshot.user;
import static org.junit.jupiter.api.Assertions.*;

import io.leadmatch.engine.assign.Assigner;
import io.leadmatch.engine.assign.AssignmentRule;
import io.leadmatch.engine.assign.AssignmentSettings;
import io.leadmatch.engine.assign.Explanation;
import io.leadmatch.engine.assign.TeamState;
import io.leadmatch.engine.config.LeadmatchConfig;
import io.leadmatch.engine.journal.FsyncPolicy;
import io.leadmatch.engine.journal.JournalConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The journal through the engine: an engine that restarts — cleanly or abandoned as after a crash — continues
 * exactly like one that never stopped (same picks, same counters, caps, adjustments, absences), answers retried
 * request ids with the same assignment without consuming a turn, and explains any assignment from the journal.
 */
class JournalRecoveryTest {
    static final String[] COUNTRIES = {"US", "DE", "JP", "FR", "CA", "", "AU", "GB"};
    /** Monday 15:00 UTC: every demo member is within its hours. */
    static final Instant START = Instant.parse("2026-11-23T15:00:00Z");

    @TempDir
    Path tmp;

    final List<LeadMatchEngine> open = new ArrayList<>();
    ManualClock clock = new ManualClock(START);

    @AfterEach
    void closeAll() {
        open.forEach(LeadMatchEngine::close);
    }

    LeadMatchEngine engine(Path data, FsyncPolicy fsync) throws SnapshotException {
        EngineConfig c = new EngineConfig(DemoSnapshot.dir(), data, null, clock)
                .withJournal(JournalConfig.defaults().withFsync(fsync));
        LeadMatchEngine e = LeadMatchEngine.open(c);
        open.add(e);
        return e;
    }

    static Lead lead(int i) {
        return new Lead(
                i % 3 == 0 ? "req-" + i : "", "person" + i + "@gmail.com", "", "", COUNTRIES[i % 8], "", Map.of());
    }

    /** Drives both engines through the same operations; returns the assignees of {@code a} in order. */
    static List<String> drive(LeadMatchEngine a, LeadMatchEngine b, int from, int to, ManualClock clock) {
        List<String> picks = new ArrayList<>();
        for (int i = from; i < to; i++) {
            if (i == from + 10) {
                a.adjustTurns("na-ae", user(7), 3);
                b.adjustTurns("na-ae", user(7), 3);
                a.adjustTurns("emea-ae", user(2), -2);
                b.adjustTurns("emea-ae", user(2), -2);
            }
            if (i == from + 20) {
                Instant until = clock.instant().plus(Duration.ofMinutes(30));
                a.setAvailability(user(14), false, until, "dentist");
                b.setAvailability(user(14), false, until, "dentist");
                a.setAvailability(user(20), false, null, "parental leave");
                b.setAvailability(user(20), false, null, "parental leave");
            }
            if (i == from + 60) {
                a.setAvailability(user(20), true, null, "");
                b.setAvailability(user(20), true, null, "");
            }
            clock.advance(Duration.ofSeconds(20));
            MatchAndAssignment x = a.matchAndAssign(lead(i));
            MatchAndAssignment y = b.matchAndAssign(lead(i));
            assertEquals(y.assignment().assigneeId(), x.assignment().assigneeId(), "lead " + i);
            assertEquals(y.assignment().rule(), x.assignment().rule());
            picks.add(x.assignment().assigneeId());
        }
        return picks;
    }

    static void assertSameState(LeadMatchEngine a, LeadMatchEngine b) {
        for (String team : a.teamIds()) {
            TeamState x = a.teamState(team).orElseThrow();
            TeamState y = b.teamState(team).orElseThrow();
            assertEquals(y.totalAssigned(), x.totalAssigned(), team);
            for (int m = 0; m < x.members().size(); m++) {
                TeamState.Member p = x.members().get(m);
                TeamState.Member q = y.members().get(m);
                assertEquals(q.assigned(), p.assigned(), team + " " + p.userId());
                assertEquals(q.capUsedToday(), p.capUsedToday(), team + " " + p.userId());
                assertEquals(q.pendingExtraTurns(), p.pendingExtraTurns(), team + " " + p.userId());
                assertEquals(q.pendingSkips(), p.pendingSkips(), team + " " + p.userId());
                assertEquals(q.available(), p.available(), team + " " + p.userId());
                assertEquals(q.unavailableUntilMillis(), p.unavailableUntilMillis(), team + " " + p.userId());
                assertEquals(q.lag(), p.lag(), 1e-9, team + " " + p.userId());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(FsyncPolicy.class)
    void aRestartedEngineContinuesExactlyLikeOneThatNeverStopped(FsyncPolicy fsync) throws Exception {
        Path restarted = tmp.resolve("restarted");
        LeadMatchEngine reference = engine(tmp.resolve("reference"), fsync);
        LeadMatchEngine a = engine(restarted, fsync);
        drive(a, reference, 0, 400, clock);
        List<MatchAndAssignment> before = new ArrayList<>();
        for (int i = 0; i < 400; i += 3) {
            before.add(a.matchAndAssign(lead(i))); // retries before the restart: remembered answers
        }
        a.close();
        open.remove(a);

        LeadMatchEngine a2 = engine(restarted, fsync);
        assertSameState(a2, reference);
        for (int k = 0, i = 0; i < 400; i += 3, k++) {
            MatchAndAssignment again = a2.matchAndAssign(lead(i));
            assertEquals(
                    before.get(k).assignment().assignmentId(),
                    again.assignment().assignmentId());
            assertEquals(
                    before.get(k).assignment().assigneeId(), again.assignment().assigneeId());
            assertFalse(again.assignment().assigneeName().isEmpty(), "name filled from the snapshot");
        }
        assertSameState(a2, reference); // the retries consumed no turn
        drive(a2, reference, 400, 800, clock);
        assertSameState(a2, reference);
    }

    @Test
    void anAbandonedEngineLosesNothing() throws Exception {
        // No close: no final force, no clean shutdown; the journal must hold everything already answered.
        Path data = tmp.resolve("crash");
        LeadMatchEngine reference = engine(tmp.resolve("reference"), FsyncPolicy.NONE);
        LeadMatchEngine a = engine(data, FsyncPolicy.NONE);
        List<String> picks = drive(a, reference, 0, 250, clock);
        a.halt(); // a killed process: its journal threads stop, nothing is copied or forced
        LeadMatchEngine a2 = engine(data, FsyncPolicy.NONE);
        assertSameState(a2, reference);
        // Retries are answered from the replayed journal (no checkpoint): a round robin's record names its
        // assignee only through its section's winner.
        for (int i = 0; i < 250; i += 3) {
            MatchAndAssignment again = a2.matchAndAssign(lead(i));
            assertEquals(AssignmentRule.ROUND_ROBIN, again.assignment().rule(), "lead " + i);
            assertEquals(picks.get(i), again.assignment().assigneeId(), "lead " + i);
        }
        assertSameState(a2, reference); // the retries consumed no turn
        drive(a2, reference, 250, 400, clock);
        assertSameState(a2, reference);
    }

    @Test
    void checkpointThenCrashRecoversFromTheCheckpointAndTheRecordsAfterIt() throws Exception {
        Path data = tmp.resolve("cp");
        LeadMatchEngine reference = engine(tmp.resolve("reference"), FsyncPolicy.BATCH);
        LeadMatchEngine a = engine(data, FsyncPolicy.BATCH);
        drive(a, reference, 0, 200, clock);
        a.close(); // clean: writes the checkpoint
        open.remove(a);
        Path checkpoint = data.resolve(LeadMatchEngine.JOURNAL).resolve("checkpoint");
        assertTrue(Files.size(checkpoint) > 100);
        LeadMatchEngine b = engine(data, FsyncPolicy.BATCH);
        assertSameState(b, reference);
        drive(b, reference, 200, 350, clock);
        b.halt(); // then a crash after the checkpoint
        LeadMatchEngine c = engine(data, FsyncPolicy.BATCH);
        assertSameState(c, reference);
        drive(c, reference, 350, 400, clock);
        assertSameState(c, reference);
    }

    @Test
    void aDamagedCheckpointIsIgnoredAndTheWholeJournalReplayed() throws Exception {
        Path data = tmp.resolve("damaged");
        LeadMatchEngine reference = engine(tmp.resolve("reference"), FsyncPolicy.NONE);
        LeadMatchEngine a = engine(data, FsyncPolicy.NONE);
        drive(a, reference, 0, 150, clock);
        a.close();
        open.remove(a);
        Path checkpoint = data.resolve(LeadMatchEngine.JOURNAL).resolve("checkpoint");
        byte[] bytes = Files.readAllBytes(checkpoint);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(checkpoint, bytes);
        LeadMatchEngine b = engine(data, FsyncPolicy.NONE);
        assertSameState(b, reference);
        drive(b, reference, 150, 250, clock);
        assertSameState(b, reference);
    }

    @Test
    void explainTellsTheWholeDecision() throws Exception {
        LeadMatchEngine e = engine(tmp.resolve("data"), FsyncPolicy.BATCH);
        e.setAvailability(user(14), false, null, "vacation");
        e.setAvailability(user(10), false, null, "");
        MatchAndAssignment rr = e.matchAndAssign(new Lead("r-1", "someone@gmail.com", "", "", "", "", Map.of()));
        assertEquals(AssignmentRule.ROUND_ROBIN, rr.assignment().rule());
        Explanation x = e.explain(rr.assignment().assignmentId()).orElseThrow();
        assertEquals("r-1", x.requestId());
        assertEquals("FREE_EMAIL", x.outcome());
        assertEquals("gmail.com", x.domain());
        assertEquals(rr.assignment().assigneeId(), x.assigneeId());
        assertEquals(1, x.picks().size());
        Explanation.TeamPick pick = x.picks().get(0);
        assertEquals("inbound-sdr", pick.teamId());
        assertEquals("fair", pick.mode());
        assertEquals(rr.assignment().assigneeId(), pick.winnerId());
        assertEquals(0, pick.assignedBefore());
        assertTrue(pick.configSequence() > 0);
        assertEquals(6, pick.members().size());
        assertEquals("unavailable", pick.members().get(0).status(), "Lena set away");
        assertEquals("unavailable", pick.members().get(3).status(), "Yasmin set away");
        assertEquals(
                1,
                pick.members().stream().filter(Explanation.MemberCheck::picked).count());
        assertTrue(x.toJson().contains("\"assignment_id\":\"" + rr.assignment().assignmentId() + "\""), x.toJson());

        MatchAndAssignment owner = e.matchAndAssign(Lead.ofEmail("", "jane@example-corp.com"));
        Explanation o = e.explain(owner.assignment().assignmentId()).orElseThrow();
        assertEquals(AssignmentRule.ACCOUNT_OWNER, o.rule());
        assertEquals(DemoSnapshot.EXAMPLE_CORP, o.accountId());
        assertTrue(o.ownerChecks().get(0).contains("is active"), o.ownerChecks().toString());
        assertTrue(o.picks().isEmpty());

        assertTrue(e.explain("asg-999999").isEmpty());
        assertTrue(e.explain("nonsense").isEmpty());
        assertTrue(e.explain("asg-1").isEmpty(), "record 1 is a team membership, not an assignment");
    }

    /**
     * The journal leaves a decision's team id out when its last section names it: a fallback team's pick, and an
     * unassigned decision whose last team tried wrote the last section, still read back with the right team.
     */
    @Test
    void explainNamesTheFallbackTeamWhetherItAssignedOrNot() throws Exception {
        LeadMatchEngine e = engine(tmp.resolve("data"), FsyncPolicy.BATCH);
        for (int u : new int[] {1, 3, 5, 6, 7, 9}) { // everyone in na-ae
            e.setAvailability(user(u), false, null, "offsite");
        }
        Lead canada = new Lead("", "someone@gmail.com", "", "", "CA", "", Map.of());
        var fellBack = e.matchAndAssign(canada).assignment();
        assertEquals(AssignmentRule.ROUND_ROBIN, fellBack.rule());
        assertEquals("inbound-sdr", fellBack.teamId());
        Explanation x = e.explain(fellBack.assignmentId()).orElseThrow();
        assertEquals("canada", x.territoryRule());
        assertEquals(
                List.of("na-ae", "inbound-sdr"),
                x.picks().stream().map(Explanation.TeamPick::teamId).toList());
        assertEquals("inbound-sdr", x.teamId());
        assertEquals(fellBack.assigneeId(), x.assigneeId());

        for (int u : new int[] {10, 12, 13, 14, 15, 16}) { // and everyone in inbound-sdr
            e.setAvailability(user(u), false, null, "offsite");
        }
        var nobody = e.matchAndAssign(canada).assignment();
        assertEquals(AssignmentRule.UNASSIGNED, nobody.rule());
        assertEquals("inbound-sdr", nobody.teamId());
        assertEquals("", nobody.assigneeId());
        Explanation y = e.explain(nobody.assignmentId()).orElseThrow();
        assertEquals(AssignmentRule.UNASSIGNED, y.rule());
        assertEquals("inbound-sdr", y.teamId());
        assertEquals("", y.assigneeId());
        assertEquals(2, y.picks().size());
        assertTrue(y.note().contains("nobody in team inbound-sdr is available"), y.note());
    }

    @Test
    void retriesAreRememberedForTheConfiguredWindowOnly() throws Exception {
        EngineConfig c = new EngineConfig(DemoSnapshot.dir(), tmp.resolve("w"), null, clock)
                .withAssignment(new AssignmentSettings(null, Duration.ofHours(1), 1000));
        LeadMatchEngine e = LeadMatchEngine.open(c);
        open.add(e);
        Lead l = new Lead("window-1", "w@gmail.com", "", "", "", "", Map.of());
        String first = e.matchAndAssign(l).assignment().assignmentId();
        clock.advance(Duration.ofMinutes(59));
        assertEquals(first, e.matchAndAssign(l).assignment().assignmentId());
        e.close();
        open.remove(e);
        LeadMatchEngine again = LeadMatchEngine.open(c);
        open.add(again);
        assertEquals(first, again.matchAndAssign(l).assignment().assignmentId(), "recovered within the window");
        clock.advance(Duration.ofMinutes(2));
        assertNotEquals(first, again.matchAndAssign(l).assignment().assignmentId(), "forgotten after an hour");
    }

    @Test
    void explainNeedsADataDirectory() throws Exception {
        LeadMatchEngine e = LeadMatchEngine.open(new EngineConfig(DemoSnapshot.dir(), null, null, clock));
        open.add(e);
        String id =
                e.matchAndAssign(Lead.ofEmail("", "a@gmail.com")).assignment().assignmentId();
        var ex = assertThrows(IllegalStateException.class, () -> e.explain(id));
        assertTrue(ex.getMessage().contains("--data-dir"), ex.getMessage());
    }

    @Test
    void auditExportWritesOneJsonLinePerRecord() throws Exception {
        Path data = tmp.resolve("data");
        LeadMatchEngine e = engine(data, FsyncPolicy.BATCH);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ids.add(e.matchAndAssign(lead(i)).assignment().assignmentId());
        }
        e.adjustTurns("na-ae", user(7), 2);
        StringBuilder out = new StringBuilder();
        long lines = Assigner.exportJournal(data.resolve(LeadMatchEngine.JOURNAL), 1, out);
        String[] rows = out.toString().split("\n");
        assertEquals(lines, rows.length);
        assertEquals(5 + 50 + 1, rows.length, "5 team memberships, 50 assignments, 1 adjustment");
        for (String row : rows) {
            assertTrue(row.startsWith("{\"seq\":") && row.endsWith("}"), row);
        }
        long assignments = Arrays.stream(rows)
                .filter(r -> r.contains("\"type\":\"assignment\""))
                .count();
        assertEquals(50, assignments);
        assertTrue(out.toString().contains("\"assignment_id\":\"" + ids.get(49) + "\""));
        assertTrue(
                rows[rows.length - 1].contains("\"type\":\"adjust_turns\"")
                        && rows[rows.length - 1].contains("\"delta\":2"),
                rows[rows.length - 1]);
        // The explanation of an export line is the one Explain gives.
        String line = Arrays.stream(rows)
                .filter(r -> r.contains("\"" + ids.get(7) + "\""))
                .findFirst()
                .orElseThrow();
        assertEquals(e.explain(ids.get(7)).orElseThrow().toJson(), line);
        StringBuilder tail = new StringBuilder();
        assertEquals(1, Assigner.exportJournal(data.resolve(LeadMatchEngine.JOURNAL), 56, tail));
    }

    @Test
    void journalSettingsComeFromLeadmatchYaml() throws IOException, SnapshotException {
        Path yaml = tmp.resolve("leadmatch.yaml");
        Files.writeString(yaml, "journal:\n  fsync: always\n  batch_interval_ms: 3\n  segment_mb: 8\n");
        JournalConfig c = LeadmatchConfig.read(yaml).assignment().journal();
        assertEquals(FsyncPolicy.ALWAYS, c.fsync());
        assertEquals(Duration.ofMillis(3), c.batchInterval());
        assertEquals(8 << 20, c.segmentBytes());
        Files.writeString(yaml, "journal:\n  fsync: sometimes\n");
        var e = assertThrows(
                SnapshotException.class,
                () -> LeadmatchConfig.read(yaml).assignment().journal());
        assertTrue(e.getMessage().contains("journal.fsync must be one of always, batch, none"), e.getMessage());
        Files.writeString(yaml, "journal:\n  fsnc: always\n");
        assertThrows(
                SnapshotException.class,
                () -> LeadmatchConfig.read(yaml).assignment().journal());
        Files.writeString(
                yaml, "assignment:\n  idempotency_retention_hours: 2\n" + "  idempotency_max_entries: 5000\n");
        var a = LeadmatchConfig.read(yaml).assignment();
        assertEquals(Duration.ofHours(2), a.idempotencyRetention());
        assertEquals(5000, a.idempotencyMaxEntries());
        Files.writeString(yaml, "assignment:\n  idempotency_retention_hours: 0\n");
        var bad = assertThrows(
                SnapshotException.class, () -> LeadmatchConfig.read(yaml).assignment());
        assertTrue(
                bad.getMessage().contains("idempotency_retention_hours must be between 1 and 720"), bad.getMessage());
    }
}
