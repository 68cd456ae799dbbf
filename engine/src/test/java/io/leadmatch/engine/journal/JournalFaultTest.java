package io.leadmatch.engine.journal;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every fault the journal must survive or refuse, each ending in "refused with this message" or "recovered with
 * nothing acknowledged lost": damaged records, missing segments, a checkpoint that does not fit the segments,
 * failed writes and forces (a {@link FaultyChannel}), and a real file system that fills up (tmpfs, as root).
 */
class JournalFaultTest {
    @TempDir
    Path dir;

    static JournalConfig small(FsyncPolicy p) {
        return JournalTest.small(p);
    }

    static PayloadWriter payload(long i) {
        return JournalTest.payload(i);
    }

    /** The journal's records: sequence to payload value, checking each payload. */
    static Map<Long, Long> contents(Path dir) throws IOException {
        Map<Long, Long> out = new TreeMap<>();
        Journal.scan(dir, 1, Long.MAX_VALUE, r -> {
            long v = r.getLong();
            if (r.type() == 1) {
                assertEquals("record-" + v, r.getString());
                assertEquals(v % 7, r.getByte());
            }
            assertNull(out.put(r.sequence(), v), "sequence " + r.sequence() + " twice");
        });
        return out;
    }

    /** Appends n records (value = index) across several 64 KiB segments and closes; returns the segments. */
    List<Path> written(int n) throws IOException {
        try (Journal j = Journal.open(dir, small(FsyncPolicy.NONE), 1, r -> {})) {
            for (int i = 0; i < n; i++) {
                j.append((byte) 1, 0, payload(i));
            }
        }
        return SegmentReader.segments(dir);
    }

    static String refusal(Path dir, long from) {
        var e = assertThrows(
                UncheckedIOException.class, () -> Journal.open(dir, small(FsyncPolicy.NONE), from, r -> {}));
        assertInstanceOf(JournalCorruptException.class, e.getCause());
        return e.getMessage();
    }

    /** Flips one payload byte of the {@code k}-th record (from 0) of {@code segment}; returns that record's offset. */
    static int flip(Path segment, int k) throws IOException {
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ch.map(FileChannel.MapMode.READ_WRITE, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
            int pos = 0;
            for (int i = 0; i < k; i++) {
                pos += (b.getInt(pos) + 7) & -8;
            }
            b.put(pos + JournalLayout.HEADER_LENGTH + 2, (byte) (b.get(pos + JournalLayout.HEADER_LENGTH + 2) ^ 0x10));
            return pos;
        }
    }

    static int records(Path segment) throws IOException {
        int[] n = {0};
        SegmentReader.read(segment, 1, new CRC32C(), new JournalRecord(), r -> n[0]++);
        return n[0];
    }

    @Test
    void aFlippedByteInTheActiveSegmentIsRefusedNamingTheFileTheOffsetAndTheRecordsAfterIt() throws IOException {
        List<Path> segments = written(5_000);
        Path active = segments.get(segments.size() - 1);
        int total = records(active);
        assertTrue(total > 20, "the active segment holds " + total);
        long first = SegmentReader.firstSequence(active);
        int offset = flip(active, 10);
        assertEquals(
                "cannot open the journal in " + dir + ": journal segment " + active + ": the record at offset " + offset
                        + " (sequence " + (first + 10) + ") fails its check, and " + (total - 11)
                        + " readable record(s) follow it in this segment: the journal is damaged (a crash only ever"
                        + " tears the last record); run `leadmatch journal verify` and `leadmatch journal salvage`",
                refusal(dir, 1));
    }

    @Test
    void aFlippedByteInAnOlderSegmentIsRefusedCountingTheLaterSegments() throws IOException {
        List<Path> segments = written(5_000);
        assertTrue(segments.size() >= 3);
        Path older = segments.get(0);
        int inOlder = records(older);
        int offset = flip(older, 3);
        long later = 5_000 - inOlder;
        String m = refusal(dir, 1);
        assertTrue(
                m.contains("journal segment " + older + ": the record at offset " + offset + " (sequence 4) fails its"
                        + " check, and " + (inOlder - 4) + " readable record(s) follow it in this segment and " + later
                        + " in the " + (segments.size() - 1) + " later segment(s)"),
                m);
        // Covered by a checkpoint, the older segment is not needed: the open reads only what follows it.
        long from = SegmentReader.firstSequence(segments.get(1));
        Journal.open(dir, small(FsyncPolicy.NONE), from, r -> {}).close();
    }

    @Test
    void aMissingFirstSegmentIsRefusedUnlessTheCheckpointCoversIt() throws IOException {
        List<Path> segments = written(5_000);
        Files.delete(segments.get(0));
        long second = SegmentReader.firstSequence(segments.get(1));
        assertEquals(
                "cannot open the journal in " + dir + ": journal segment "
                        + segments.get(1).getFileName()
                        + " is the first one but starts at sequence " + second
                        + ", and no checkpoint covers the records before it: the segment(s) before it are missing",
                refusal(dir, 1));
        assertTrue(refusal(dir, second - 1).contains("the checkpoint covers only up to sequence " + (second - 2)));
        List<Long> replayed = new ArrayList<>();
        Journal.open(dir, small(FsyncPolicy.NONE), second, r -> replayed.add(r.sequence()))
                .close();
        assertEquals(5_000 - second + 1, replayed.size(), "a checkpoint that covers it: recovered");
    }

    @Test
    void aMissingMiddleSegmentIsRefused() throws IOException {
        List<Path> segments = written(5_000);
        Files.delete(segments.get(1));
        assertEquals(
                "cannot open the journal in " + dir + ": journal segment "
                        + segments.get(0).getFileName()
                        + " ends before sequence " + SegmentReader.firstSequence(segments.get(1))
                        + " but the next segment, " + segments.get(2).getFileName() + ", starts at "
                        + SegmentReader.firstSequence(segments.get(2)) + ": a segment is missing",
                refusal(dir, 1));
    }

    @Test
    void aMissingLastSegmentIsRefused() throws IOException {
        List<Path> segments = written(5_000);
        Path last = segments.get(segments.size() - 1);
        Path before = segments.get(segments.size() - 2);
        Files.delete(last);
        String m = refusal(dir, 1);
        assertTrue(
                m.contains("journal segment " + before.getFileName() + " is sealed (offset ")
                        && m.endsWith("): the next segment, " + last.getFileName() + ", is missing"),
                m);
    }

    @Test
    void aJournalThatEndsBeforeItsCheckpointIsRefused() throws IOException {
        written(100);
        assertEquals(
                "cannot open the journal in " + dir + ": the journal in " + dir + " ends at sequence 100 but the"
                        + " checkpoint covers up to 150: records the checkpoint counted are missing (a lost segment?)",
                refusal(dir, 151));
    }

    @Test
    void aFailedForceAcknowledgesNothingUntilAForceSucceedsAgain() throws Exception {
        FaultyChannel.Faults faults = new FaultyChannel.Faults();
        Map<Long, Long> acknowledged = new TreeMap<>();
        try (Journal j = Journal.open(dir, small(FsyncPolicy.ALWAYS), 1, r -> {}, Journal.BOOT_ID, faults)) {
            for (long i = 0; i < 100; i++) {
                long s = j.append((byte) 1, 0, payload(i));
                j.awaitDurable(s);
                acknowledged.put(s, i);
            }
            faults.forces.set(true);
            long s = j.append((byte) 1, 0, payload(100));
            var e = assertThrows(JournalUnavailableException.class, () -> j.awaitDurable(s));
            assertTrue(e.getMessage().contains("Input/output error (injected fsync failure)"), e.getMessage());
            assertThrows(JournalUnavailableException.class, () -> j.append((byte) 1, 0, payload(101)));
            assertNotNull(j.unavailableReason());
            faults.forces.set(false);
            await(() -> j.unavailableReason() == null, "the journal resumes once a force succeeds");
            for (long i = 101; i < 200; i++) {
                long t = j.append((byte) 1, 0, payload(i));
                j.awaitDurable(t);
                acknowledged.put(t, i);
            }
        }
        Map<Long, Long> after = contents(dir);
        for (Map.Entry<Long, Long> a : acknowledged.entrySet()) {
            assertEquals(a.getValue(), after.get(a.getKey()), "acknowledged record " + a.getKey());
        }
        assertEquals(200, after.size(), "the unacknowledged record is in the journal once, nothing twice");
    }

    @ParameterizedTest
    @EnumSource(FsyncPolicy.class)
    void aFullDiskStopsAppendsUntilWritesSucceedAgain(FsyncPolicy policy) throws Exception {
        FaultyChannel.Faults faults = new FaultyChannel.Faults();
        Map<Long, Long> acknowledged = new TreeMap<>();
        long i = 0;
        try (Journal j = Journal.open(dir, small(policy), 1, r -> {}, Journal.BOOT_ID, faults)) {
            for (; i < 3_000; i++) { // several segments
                acknowledged.put(j.append((byte) 1, 0, payload(i)), i);
            }
            faults.partial.set(true); // the disk fills up in the middle of a write
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            boolean refused = false;
            while (!refused && System.nanoTime() < deadline) {
                try {
                    long s = j.append((byte) 1, 0, payload(i));
                    j.awaitDurable(s);
                    acknowledged.put(s, i++);
                } catch (JournalUnavailableException e) {
                    refused = true;
                    assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
                }
                Thread.sleep(1);
            }
            assertTrue(refused, "appends stop while writes fail");
            assertTrue(faults.failedWrites.get() > 0);
            faults.writes.set(false);
            await(() -> j.unavailableReason() == null, "the journal resumes once writes succeed");
            for (long k = 0; k < 2_000; k++, i++) {
                long s = j.append((byte) 1, 0, payload(i));
                j.awaitDurable(s);
                acknowledged.put(s, i);
            }
        }
        Map<Long, Long> after = contents(dir); // also: no sequence twice, every record intact
        for (Map.Entry<Long, Long> a : acknowledged.entrySet()) {
            assertEquals(a.getValue(), after.get(a.getKey()), "acknowledged record " + a.getKey());
        }
        List<Long> sequences = new ArrayList<>(after.keySet());
        for (int k = 1; k < sequences.size(); k++) {
            assertEquals(sequences.get(k - 1) + 1, sequences.get(k), "no gap and no repeat");
        }
    }

    @Test
    void aTinyFileSystemFillsUpAndTheJournalResumesWhenSpaceIsFreed() throws Exception {
        Path mnt = Files.createDirectories(dir.resolve("tiny"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", mnt.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(
                mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0,
                "mounting a tmpfs is not permitted here (needs root): " + out.strip());
        try {
            Path journal = mnt.resolve("journal");
            Path ballast = mnt.resolve("ballast");
            // The ring (4 MiB) may hold that much acknowledged and not yet copied when the disk fills: freeing the
            // ballast must make room for all of it.
            Files.write(ballast, new byte[5 << 20]);
            Map<Long, Long> acknowledged = new TreeMap<>();
            byte[] body = new byte[1000];
            long i = 0;
            try (Journal j = Journal.open(journal, small(FsyncPolicy.BATCH), 1, r -> {})) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                String refusedWith = null;
                while (refusedWith == null && System.nanoTime() < deadline) {
                    try {
                        long s = j.append(
                                (byte) 2, 0, new PayloadWriter(1100).putLong(i).putBytes(body, body.length));
                        acknowledged.put(s, i++);
                    } catch (JournalUnavailableException e) {
                        refusedWith = e.getMessage();
                    }
                }
                assertNotNull(refusedWith, "a full file system stops appends");
                assertTrue(refusedWith.contains("No space left on device"), refusedWith);
                Files.delete(ballast);
                await(() -> j.unavailableReason() == null, "the journal resumes once space is freed");
                for (int k = 0; k < 20; k++, i++) {
                    long s = j.append(
                            (byte) 2, 0, new PayloadWriter(1100).putLong(i).putBytes(body, body.length));
                    j.awaitDurable(s);
                    acknowledged.put(s, i);
                }
            }
            Map<Long, Long> after = contents(journal);
            for (Map.Entry<Long, Long> a : acknowledged.entrySet()) {
                assertEquals(a.getValue(), after.get(a.getKey()), "acknowledged record " + a.getKey());
            }
            List<Long> replayed = new ArrayList<>();
            Journal.open(journal, small(FsyncPolicy.BATCH), 1, r -> replayed.add(r.sequence()))
                    .close();
            assertEquals(after.size(), replayed.size(), "recovered with nothing acknowledged lost");
        } finally {
            new ProcessBuilder("umount", "-l", mnt.toString()).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Regression: salvage copied the staging ring's records as they were, and a ring written with a boot id holds
     * them without their CRC (the writer adds it when it copies them into a segment), so the salvaged journal had
     * records that fail their check right before the seal to the sequence limit, and {@code verify} of it reported
     * the segment at the limit as missing.
     */
    /**
     * A journal that made 3,000 records durable in its segments, then appended more that its writer could not copy
     * out of the staging ring (its writes fail), and was killed: returns every acknowledged record (sequence to
     * value), the ring's ones included.
     */
    Map<Long, Long> killedWithRecordsOnlyInTheRing() throws Exception {
        FaultyChannel.Faults faults = new FaultyChannel.Faults();
        Map<Long, Long> acknowledged = new TreeMap<>();
        Journal j = Journal.open(dir, small(FsyncPolicy.BATCH), 1, r -> {}, Journal.BOOT_ID, faults);
        long i = 0;
        for (; i < 3_000; i++) { // several segments
            acknowledged.put(j.append((byte) 1, 0, payload(i)), i);
        }
        j.awaitDurable(3_000);
        faults.writes.set(true); // the writer cannot copy what follows out of the ring
        try {
            for (; i < 3_050; i++) {
                acknowledged.put(j.append((byte) 1, 0, payload(i)), i);
            }
        } catch (JournalUnavailableException e) {
            // the writer's failed copy stops appends: what was appended before stays only in the ring
        }
        j.halt(); // as SIGKILL
        assertTrue(acknowledged.size() > 3_000, "records only in the ring");
        assertEquals(acknowledged, contents(dir));
        return acknowledged;
    }

    @Test
    void aSalvagedJournalGivesTheRingsRecordsTheirCrcAndVerifiesSound() throws Exception {
        assumeTrue(Journal.BOOT_ID != null, "a ring without a boot id carries its CRC already");
        Map<Long, Long> acknowledged = killedWithRecordsOnlyInTheRing();
        long inRing = acknowledged.size() - 3_000;
        long i = acknowledged.size();
        List<Path> segments = SegmentReader.segments(dir);
        Path active = segments.get(segments.size() - 1);
        long damaged = SegmentReader.firstSequence(active) + 5;
        flip(active, 5);
        assertFalse(JournalVerifier.verify(dir, 0).sound());

        Path out = dir.resolveSibling(dir.getFileName() + "-salvaged");
        JournalVerifier.Salvage s = JournalVerifier.salvage(dir, out);
        long limit = SequenceLimit.read(dir);
        assertEquals(3_000 + inRing - 1, s.records());
        assertEquals(limit + 1, s.resumeAt());
        assertEquals(
                List.of(
                        damaged + "-" + damaged,
                        (3_001 + inRing) + "-" + limit + " (the source may have handed these out)"),
                s.gaps());
        JournalVerifier.Report report = JournalVerifier.verify(out, 0);
        assertEquals(List.of(), report.problems());
        assertEquals(3_000 + inRing - 1, report.records());

        acknowledged.remove(damaged);
        assertEquals(acknowledged, contents(out), "every readable acknowledged record, intact, nothing twice");
        List<Long> replayed = new ArrayList<>();
        try (Journal again = Journal.open(out, small(FsyncPolicy.BATCH), 1, r -> replayed.add(r.sequence()))) {
            assertEquals(List.copyOf(acknowledged.keySet()), replayed);
            assertEquals(limit + 1, again.append((byte) 1, 0, payload(i)), "no sequence of the source again");
        }
    }

    /**
     * Damage to the segments' last record, with acknowledged records after it only in the staging ring: refused
     * like damage with records after it in the segment, never cut as a torn tail (which would drop the ring's
     * records), listed by verify, and salvaged with every record but the damaged one.
     */
    @Test
    void aDamagedLastRecordFollowedByTheRingsRecordsIsRefusedNotCut() throws Exception {
        assumeTrue(Journal.BOOT_ID != null, "only a ring of this boot proves that no crash lost records");
        Map<Long, Long> acknowledged = killedWithRecordsOnlyInTheRing();
        long inRing = acknowledged.size() - 3_000;
        List<Path> segments = SegmentReader.segments(dir);
        Path active = segments.get(segments.size() - 1);
        int offset = flip(active, records(active) - 1);
        long size = Files.size(active);
        String expected = "journal segment " + active + ": the record at offset " + offset
                + " (sequence 3000) fails its"
                + " check, and " + inRing + " readable record(s) follow it in the staging ring: the journal is damaged"
                + " (a crash only ever tears the last record); run `leadmatch journal verify` and `leadmatch journal"
                + " salvage`";
        assertEquals("cannot open the journal in " + dir + ": " + expected, refusal(dir, 1));
        assertEquals(size, Files.size(active), "a refused start cuts nothing");
        JournalVerifier.Report report = JournalVerifier.verify(dir, 0);
        assertEquals(List.of(expected), report.problems());
        assertEquals(List.of(), report.notes(), "not a torn tail for the next start to cut");

        Path out = dir.resolveSibling(dir.getFileName() + "-salvaged");
        JournalVerifier.Salvage s = JournalVerifier.salvage(dir, out);
        assertEquals(acknowledged.size() - 1, s.records());
        assertEquals("3000-3000", s.gaps().get(0));
        assertEquals(List.of(), JournalVerifier.verify(out, 0).problems());
        acknowledged.remove(3_000L);
        assertEquals(acknowledged, contents(out));
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.sleep(20);
        }
    }
}
