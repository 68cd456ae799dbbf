package io.leadmatch.engine;

import static org.junit.jupiter.api.Assertions.*;

import io.leadmatch.engine.assign.Assigner;
import io.leadmatch.engine.assign.AssignmentSettings;
import io.leadmatch.engine.journal.FsyncPolicy;
import io.leadmatch.engine.journal.Journal;
import io.leadmatch.engine.journal.JournalConfig;
import io.leadmatch.engine.journal.JournalFiles;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Checkpoints written while serving and the segments they let go: a crash replays only what follows the last
 * checkpoint and continues exactly like an engine that never stopped; retention deletes or archives what the
 * checkpoint and the idempotency window no longer need, and the audit export keeps working over what is kept; a
 * checkpoint older than the retained segments is refused, not trusted.
 */
class JournalCheckpointTest {
    /**
     * A Monday 15:00 UTC a year after the journal's files are written: the idempotency window (1 minute here) lies
     * after every segment's last write, so only the checkpoint holds segments back.
     */
    static final Instant LATER = Instant.parse("2027-11-22T15:00:00Z");

    @TempDir
    Path tmp;

    final List<LeadMatchEngine> open = new ArrayList<>();
    final ManualClock clock = new ManualClock(LATER);

    @AfterEach
    void closeAll() {
        open.forEach(LeadMatchEngine::close);
    }

    static JournalConfig config(JournalConfig.Retention retention) {
        return new JournalConfig(
                FsyncPolicy.BATCH,
                Duration.ofMillis(5),
                JournalConfig.MIN_SEGMENT_BYTES,
                100,
                Duration.ofSeconds(1),
                retention);
    }

    LeadMatchEngine engine(Path data, JournalConfig journal) throws SnapshotException {
        EngineConfig c = new EngineConfig(DemoSnapshot.dir(), data, null, clock)
                .withAssignment(new AssignmentSettings(journal, Duration.ofMinutes(1), 100_000));
        LeadMatchEngine e = LeadMatchEngine.open(c);
        open.add(e);
        return e;
    }

    static Path journal(Path data) {
        return data.resolve(LeadMatchEngine.JOURNAL);
    }

    /** The last sequence the checkpoint in {@code data} covers (0: none). */
    static long covered(Path data) throws IOException {
        Path file = journal(data).resolve("checkpoint");
        if (!Files.exists(file)) {
            return 0;
        }
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            in.readInt();
            in.readInt();
            return in.readLong();
        }
    }

    static long lastSequence(List<String> ids) {
        return ids.stream()
                .mapToLong(id -> Long.parseLong(id.substring("asg-".length())))
                .max()
                .orElse(0);
    }

    List<String> drive(LeadMatchEngine a, LeadMatchEngine b, int from, int to) {
        List<String> ids = new ArrayList<>();
        for (int i = from; i < to; i++) {
            clock.advance(Duration.ofSeconds(5));
            MatchAndAssignment x = a.matchAndAssign(JournalRecoveryTest.lead(i));
            MatchAndAssignment y = b.matchAndAssign(JournalRecoveryTest.lead(i));
            assertEquals(y.assignment().assigneeId(), x.assignment().assigneeId(), "lead " + i);
            ids.add(x.assignment().assignmentId());
        }
        return ids;
    }

    static void awaitCovered(Path data, long sequence) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (covered(data) < sequence) {
            assertTrue(System.nanoTime() < deadline, "no checkpoint covers " + sequence + " yet: " + covered(data));
            Thread.sleep(50);
        }
    }

    static List<Path> segments(Path data) throws IOException {
        return JournalFiles.segments(journal(data));
    }

    @Test
    void checkpointsAreWrittenWhileServingAndACrashReplaysOnlyWhatFollows() throws Exception {
        Path data = tmp.resolve("served");
        LeadMatchEngine reference = engine(tmp.resolve("reference"), config(JournalConfig.Retention.KEEP));
        LeadMatchEngine a = engine(data, config(JournalConfig.Retention.KEEP));
        List<String> ids = drive(a, reference, 0, 600);
        long last = lastSequence(ids);
        awaitCovered(data, last); // written while serving: nobody closed the engine
        a.halt(); // SIGKILL: no checkpoint at close
        open.remove(a);
        List<Long> replayed = new ArrayList<>();
        Journal.scan(journal(data), covered(data) + 1, Long.MAX_VALUE, r -> replayed.add(r.sequence()));
        assertEquals(List.of(), replayed, "nothing after the checkpoint: a restart replays nothing");
        LeadMatchEngine b = engine(data, config(JournalConfig.Retention.KEEP));
        JournalRecoveryTest.assertSameState(b, reference);
        for (int i = 591; i < 600; i += 3) { // within the 1-minute window: answers kept by the checkpoint
            assertEquals(
                    ids.get(i),
                    b.matchAndAssign(JournalRecoveryTest.lead(i)).assignment().assignmentId());
        }
        JournalRecoveryTest.assertSameState(b, reference);
        drive(b, reference, 600, 700);
        JournalRecoveryTest.assertSameState(b, reference);
    }

    @ParameterizedTest
    @EnumSource(
            value = JournalConfig.Retention.class,
            names = {"DELETE", "ARCHIVE"})
    void retentionLetsGoOfCoveredSegmentsAndTheExportKeepsWorking(JournalConfig.Retention retention) throws Exception {
        Path data = tmp.resolve("retained");
        LeadMatchEngine reference = engine(tmp.resolve("reference"), config(JournalConfig.Retention.KEEP));
        LeadMatchEngine a = engine(data, config(retention));
        List<String> ids = drive(a, reference, 0, 3_000);
        awaitCovered(data, lastSequence(ids));
        List<Path> kept = segments(data);
        long first = JournalFiles.firstSequence(kept.get(0));
        assertTrue(first > 1, "segments covered by the checkpoint are gone: " + kept);
        assertTrue(kept.size() <= 3, "the last two segments, and one still being written: " + kept);
        Path archive = journal(data).resolve(Journal.ARCHIVE);
        assertEquals(retention == JournalConfig.Retention.ARCHIVE, Files.isDirectory(archive));
        StringBuilder export = new StringBuilder();
        long lines = Assigner.exportJournal(journal(data), 1, export);
        assertTrue(lines > 0);
        assertTrue(export.toString().startsWith("{\"seq\":" + first + ","), export.substring(0, 40));
        a.close();
        open.remove(a);
        LeadMatchEngine b = engine(data, config(retention));
        JournalRecoveryTest.assertSameState(b, reference);
        drive(b, reference, 3_000, 3_100);
        JournalRecoveryTest.assertSameState(b, reference);
    }

    @Test
    void aStaleCheckpointIsRefusedOnceTheSegmentsItNeedsAreGoneAndReplayedWhileTheyAreKept() throws Exception {
        Path deleting = tmp.resolve("deleting");
        Path keeping = tmp.resolve("keeping");
        LeadMatchEngine reference = engine(tmp.resolve("reference"), config(JournalConfig.Retention.KEEP));
        LeadMatchEngine a = engine(deleting, config(JournalConfig.Retention.DELETE));
        LeadMatchEngine k = engine(keeping, config(JournalConfig.Retention.KEEP));
        List<String> early = drive(a, reference, 0, 200);
        drive(k, engine(tmp.resolve("unused"), config(JournalConfig.Retention.KEEP)), 0, 200);
        awaitCovered(deleting, lastSequence(early));
        awaitCovered(keeping, lastSequence(early));
        Path staleA = Files.copy(journal(deleting).resolve("checkpoint"), tmp.resolve("stale-a"));
        Path staleK = Files.copy(journal(keeping).resolve("checkpoint"), tmp.resolve("stale-k"));
        long staleCovers = covered(deleting);
        List<String> later = drive(a, reference, 200, 3_000);
        drive(k, open.get(open.size() - 1), 200, 3_000);
        awaitCovered(deleting, lastSequence(later));
        a.close();
        k.close();
        open.remove(a);
        open.remove(k);
        Files.copy(staleA, journal(deleting).resolve("checkpoint"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(staleK, journal(keeping).resolve("checkpoint"), StandardCopyOption.REPLACE_EXISTING);

        Path firstKept = segments(deleting).get(0);
        var e = assertThrows(
                UncheckedIOException.class, () -> engine(deleting, config(JournalConfig.Retention.DELETE)));
        assertEquals(
                "cannot open the journal in " + journal(deleting) + ": journal segment " + firstKept.getFileName()
                        + " is the first one but starts at sequence "
                        + JournalFiles.firstSequence(firstKept)
                        + ", and the checkpoint covers only up to sequence " + staleCovers
                        + ": the segment(s) before it are missing",
                e.getMessage());

        LeadMatchEngine k2 = engine(keeping, config(JournalConfig.Retention.KEEP));
        JournalRecoveryTest.assertSameState(k2, reference); // the whole rest replayed after the stale checkpoint
    }
}
