package io.leadmatch.engine.journal;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link Journal}: round trips, segment roll-over, torn tails, corruption, policies and concurrent appenders. */
class JournalTest {
    @TempDir
    Path dir;

    static JournalConfig small(FsyncPolicy p) {
        return new JournalConfig(p, Duration.ofMillis(2), JournalConfig.MIN_SEGMENT_BYTES);
    }

    static PayloadWriter payload(long i) {
        return new PayloadWriter(64).putLong(i).putString("record-" + i).putByte((int) (i % 7));
    }

    static List<String> read(Path dir, long from) throws IOException {
        List<String> out = new ArrayList<>();
        Journal.scan(dir, from, Long.MAX_VALUE, r -> {
            long v = r.getLong();
            String s = r.getString();
            byte b = r.getByte();
            assertEquals("record-" + v, s);
            assertEquals(v % 7, b);
            assertFalse(r.hasRemaining());
            out.add(r.sequence() + ":" + v + ":" + r.type());
        });
        return out;
    }

    @ParameterizedTest
    @EnumSource(FsyncPolicy.class)
    void recordsRoundTripAcrossSegmentsAndRestarts(FsyncPolicy policy) throws IOException {
        List<String> expected = new ArrayList<>();
        try (Journal j = Journal.open(dir, small(policy), 1, r -> fail("empty journal has nothing to replay"))) {
            for (long i = 0; i < 5_000; i++) { // ~300 KB: several 64 KB segments
                long seq = j.append((byte) 3, 1_000 + i, payload(i));
                assertEquals(i + 1, seq);
                j.awaitDurable(seq);
                expected.add(seq + ":" + i + ":3");
            }
        }
        try (var files = Files.list(dir)) {
            assertTrue(files.count() > 3, "rolled over into several segments");
        }
        assertEquals(expected, read(dir, 1));
        List<String> replayed = new ArrayList<>();
        try (Journal j = Journal.open(dir, small(policy), 4_990, r -> replayed.add(r.sequence() + ":" + r.getLong()))) {
            assertEquals(5_001, j.append((byte) 3, 0, payload(5_000)));
        }
        assertEquals(
                List.of(
                        "4990:4989",
                        "4991:4990",
                        "4992:4991",
                        "4993:4992",
                        "4994:4993",
                        "4995:4994",
                        "4996:4995",
                        "4997:4996",
                        "4998:4997",
                        "4999:4998",
                        "5000:4999"),
                replayed);
        assertEquals(expected.subList(4_000, 5_000), read(dir, 4_001).subList(0, 1_000));
        assertEquals(5_001, read(dir, 1).size());
    }

    @Test
    void findStringReadsPastAKnownStringAndLeavesAnUnknownOneToGetString() throws IOException {
        try (Journal j = Journal.open(dir, small(FsyncPolicy.NONE), 1, r -> {})) {
            j.append(
                    (byte) 5,
                    0,
                    new PayloadWriter(64).putString("na-ae").putString("Zoë→中").putString("na-ae"));
        }
        List<String> read = new ArrayList<>();
        Journal.scan(dir, 1, 1, r -> {
            assertEquals(1, r.findString(new String[] {"na-a", "na-ae"}, 2));
            assertEquals(-1, r.findString(new String[] {"Zoë→x", "Zoe→中"}, 2), "same length, other chars");
            assertEquals(0, r.findString(new String[] {"Zoë→中"}, 1), "a UTF-16 string");
            assertEquals(-1, r.findString(new String[] {"na-ae"}, 0), "only the first count candidates");
            read.add(r.getString());
            assertFalse(r.hasRemaining());
        });
        assertEquals(List.of("na-ae"), read);
    }

    /** The tail of the last segment, as a crash in the middle of a write leaves it. */
    private static Path lastSegment(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(JournalLayout.SEGMENT_SUFFIX))
                    .sorted()
                    .reduce((a, b) -> b)
                    .orElseThrow();
        }
    }

    private static int endOfRecords(Path segment) throws IOException {
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
            ByteBuffer b = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
            int pos = 0;
            while (pos < b.capacity() && b.getInt(pos) != 0) {
                pos += (b.getInt(pos) + 7) & -8;
            }
            return pos;
        }
    }

    @Test
    void tornRecordAtTheEndIsCutAndSequencesContinueAboveTheLimit() throws IOException {
        try (Journal j = Journal.open(dir, small(FsyncPolicy.NONE), 1, r -> {})) {
            for (int i = 0; i < 10; i++) {
                j.append((byte) 1, 0, payload(i));
            }
        }
        Path seg = lastSegment(dir);
        int end = endOfRecords(seg);
        assertEquals(end, Files.size(seg), "a clean close cuts the segment after its last record");
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
            // A record whose length made it to disk but whose body did not: CRC mismatch.
            ByteBuffer torn = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            torn.putInt(0, 60).putInt(4, 12345).putLong(8, 11);
            ch.write(torn, end);
        }
        long limit = SequenceLimit.read(dir);
        assertTrue(limit >= 10, "the limit is persisted ahead of the sequences handed out");
        List<Long> replayed = new ArrayList<>();
        try (Journal j = Journal.open(dir, small(FsyncPolicy.NONE), 1, r -> replayed.add(r.sequence()))) {
            assertEquals(10, replayed.size(), "the torn record is not replayed");
            // Record 11 may have been handed out before the crash: the journal continues above every such sequence.
            assertEquals(limit + 1, j.append((byte) 1, 0, payload(10)));
            assertEquals(limit + 2, j.append((byte) 1, 0, payload(11)));
        }
        List<String> all = read(dir, 1);
        assertEquals(12, all.size());
        assertTrue(all.get(10).startsWith((limit + 1) + ":10:"), all.get(10));
        try (Journal j = Journal.open(dir, small(FsyncPolicy.NONE), 1, r -> {})) {
            assertEquals(limit + 3, j.append((byte) 1, 0, payload(12)), "a clean restart continues without a jump");
        }
    }

    @Test
    void aCorruptedRecordWithRecordsAfterItRefusesTheOpenAndTheScan() throws IOException {
        try (Journal j = Journal.open(dir, small(FsyncPolicy.NONE), 1, r -> {})) {
            for (int i = 0; i < 10; i++) {
                j.append((byte) 1, 0, payload(i));
            }
        }
        Path seg = lastSegment(dir);
        int pos = 0;
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ch.map(FileChannel.MapMode.READ_WRITE, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < 5; i++) {
                pos += (b.getInt(pos) + 7) & -8;
            }
            b.put(pos + JournalLayout.HEADER_LENGTH + 3, (byte) 0x5a); // flip a payload byte of record 6
        }
        String expected = "journal segment " + seg + ": the record at offset " + pos
                + " (sequence 6) fails its check, and 4 readable record(s) follow it";
        var scan = assertThrows(JournalCorruptException.class, () -> read(dir, 1));
        assertTrue(scan.getMessage().startsWith(expected), scan.getMessage());
        assertEquals(seg, scan.file());
        assertEquals(pos, scan.offset());
        var open =
                assertThrows(UncheckedIOException.class, () -> Journal.open(dir, small(FsyncPolicy.NONE), 1, r -> {}));
        assertTrue(open.getMessage().contains(expected), open.getMessage());
    }

    @Test
    void batchPolicyMakesRecordsDurableWithoutWaiting() throws Exception {
        try (Journal j = Journal.open(
                dir,
                new JournalConfig(FsyncPolicy.BATCH, Duration.ofMillis(5), JournalConfig.MIN_SEGMENT_BYTES),
                1,
                r -> {})) {
            long seq = j.append((byte) 1, 0, payload(1));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (j.durableSequence() < seq && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertEquals(seq, j.durableSequence(), "the flusher forced the record");
        }
    }

    @Test
    void concurrentAppendersGetUniqueContiguousSequences() throws Exception {
        int threads = 4;
        int each = 5_000;
        ConcurrentHashMap<Long, Long> seen = new ConcurrentHashMap<>();
        try (Journal j = Journal.open(dir, small(FsyncPolicy.ALWAYS), 1, r -> {})) {
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long base = t * 1_000_000L;
                Thread th = new Thread(() -> {
                    for (int i = 0; i < each; i++) {
                        long v = base + i;
                        long seq = j.append((byte) 2, 0, payload(v));
                        if (i % 100 == 0) {
                            j.awaitDurable(seq);
                            assertTrue(j.durableSequence() >= seq);
                        }
                        assertNull(seen.put(seq, v));
                    }
                });
                ts.add(th);
                th.start();
            }
            for (Thread th : ts) {
                th.join();
            }
        }
        assertEquals(threads * each, seen.size());
        List<String> all = read(dir, 1);
        assertEquals(threads * each, all.size());
        for (String line : all) {
            String[] f = line.split(":");
            assertEquals(seen.get(Long.parseLong(f[0])), Long.parseLong(f[1]), "record " + f[0]);
        }
    }

    @Test
    void aMissingSegmentIsReportedNotSkipped() throws IOException {
        try (Journal j = Journal.open(dir, small(FsyncPolicy.NONE), 1, r -> {})) {
            for (long i = 0; i < 5_000; i++) {
                j.append((byte) 1, 0, payload(i));
            }
        }
        List<Path> segments;
        try (var files = Files.list(dir)) {
            segments = files.sorted().toList();
        }
        Files.delete(segments.get(1));
        var e = assertThrows(UncheckedIOException.class, () -> Journal.open(dir, small(FsyncPolicy.NONE), 1, r -> {}));
        assertTrue(
                e.getCause().getMessage().contains("a segment is missing"),
                e.getCause().getMessage());
    }

    @ParameterizedTest
    @EnumSource(FsyncPolicy.class)
    void recordsOnlyInTheStagingRingSurviveAKilledProcess(FsyncPolicy policy) throws IOException {
        killedAfter(300, policy, Journal.BOOT_ID);
        assertEquals(300, read(dir, 1).size(), "a reader sees the ring's records after the segments");
        assertEquals(List.of("300:299:4"), read(dir, 300));
        List<Long> replayed = new ArrayList<>();
        try (Journal again = Journal.open(dir, small(policy), 1, r -> replayed.add(r.sequence()))) {
            assertEquals(300, replayed.size());
            assertEquals(301, again.append((byte) 4, 0, payload(300)));
        }
        assertEquals(301, read(dir, 1).size());
        assertEquals(0, Files.size(dir.resolve(JournalLayout.RING_NAME)) % 4096);
    }

    /**
     * A journal that appended records 0..n-1 (type 4) and was then killed: nothing copied or forced after that, so
     * some may be only in its staging ring.
     */
    void killedAfter(int n, FsyncPolicy policy, long[] bootId) {
        Journal j = Journal.open(dir, small(policy), 1, r -> {}, bootId);
        for (long i = 0; i < n; i++) {
            j.append((byte) 4, i, payload(i));
        }
        j.halt(); // as SIGKILL
    }

    /** A boot id that is not this machine's: what the ring looks like to the first start after a reboot. */
    static final long[] ANOTHER_BOOT = {0x1234_5678_9abc_def0L, 0x0fed_cba9_8765_4321L};

    @Test
    void afterARebootRecordsOnlyInTheRingAreDiscardedAndTheSegmentsContinue() throws IOException {
        killedAfter(50, FsyncPolicy.NONE, ANOTHER_BOOT);
        // A reader of this machine does not trust a ring written in another boot: it reads the segments alone.
        int inSegments = read(dir, 1).size();
        assertTrue(inSegments <= 50);
        long limit = SequenceLimit.read(dir);
        List<Long> replayed = new ArrayList<>();
        try (Journal again = Journal.open(dir, small(FsyncPolicy.NONE), 1, r -> replayed.add(r.sequence()))) {
            assertEquals(inSegments, replayed.size(), "records only in the other boot's ring are not replayed");
            long next = again.append((byte) 4, 0, payload(inSegments));
            // The discarded records' sequences (up to 50) may have been handed out: none is handed out again.
            assertEquals(inSegments == 50 ? 51 : limit + 1, next);
        }
        List<String> all = read(dir, 1);
        assertEquals(inSegments + 1, all.size());
        for (int i = 0; i < inSegments; i++) {
            assertTrue(all.get(i).startsWith((i + 1) + ":" + i + ":"), all.get(i)); // no gap, nothing repeated
        }
    }

    @Test
    void withoutABootIdRingRecordsCarryTheirCrcAndSurviveAKilledProcess() throws IOException {
        killedAfter(300, FsyncPolicy.BATCH, null);
        assertEquals(300, read(dir, 1).size(), "ring records checked by their CRC");
        // Reopened where there is a boot id (the ring says it has none): its records are checked, and kept.
        List<Long> replayed = new ArrayList<>();
        Journal.open(dir, small(FsyncPolicy.BATCH), 1, r -> replayed.add(r.sequence()), ANOTHER_BOOT)
                .close();
        assertEquals(300, replayed.size());
        assertEquals(300, read(dir, 1).size());
    }

    @Test
    void aCorruptRecordInARingWithoutBootIdWithRecordsAfterItIsRefused() throws IOException {
        killedAfter(10, FsyncPolicy.NONE, null);
        long inSegments = segmentBytes() / 48;
        try (FileChannel ch = FileChannel.open(
                dir.resolve(JournalLayout.RING_NAME), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            // The 6th record's payload: a record here is 28 + 18 bytes, aligned to 48.
            ByteBuffer b = ByteBuffer.allocate(1).put((byte) 0x5a).flip();
            ch.write(b, JournalLayout.RING_HEADER_LENGTH + 5 * 48 + JournalLayout.HEADER_LENGTH + 2);
        }
        List<Long> replayed = new ArrayList<>();
        if (inSegments >= 6) { // the writer had copied it (intact) into a segment already
            Journal.open(dir, small(FsyncPolicy.NONE), 1, r -> replayed.add(r.sequence()), null)
                    .close();
            assertEquals(10, replayed.size());
        } else { // damaged in the ring with records after it: refused, not cut
            var e = assertThrows(
                    UncheckedIOException.class,
                    () -> Journal.open(dir, small(FsyncPolicy.NONE), 1, r -> replayed.add(r.sequence()), null));
            assertTrue(
                    e.getMessage().contains("(sequence 6) fails its check, and 4 readable record(s) follow it"),
                    e.getMessage());
        }
    }

    long segmentBytes() throws IOException {
        long n = 0;
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(JournalLayout.SEGMENT_SUFFIX))
                    .toList()) {
                n += Files.size(p);
            }
        }
        return n;
    }

    @Test
    void aLiveJournalIsReadUpToTheRecordsCopiedIntoSegments() throws IOException {
        try (Journal j = Journal.open(dir, small(FsyncPolicy.NONE), 1, r -> {})) {
            for (long i = 0; i < 100; i++) {
                j.append((byte) 4, i, payload(i));
            }
            List<String> before = read(dir, 1);
            assertTrue(before.size() <= 100);
            for (int i = 0; i < before.size(); i++) {
                assertTrue(before.get(i).startsWith((i + 1) + ":" + i + ":"), before.get(i));
            }
            j.awaitCopied(100);
            assertEquals(100, read(dir, 1).size());
            assertEquals(List.of("100:99:4"), read(dir, 100));
        }
    }

    @Test
    void theRingWrapsManyTimesWithoutLosingOrReorderingARecord() throws IOException {
        // ~20 MB of records through a 4 MiB ring: the writer must keep up (or appenders wait for it), records that
        // do not fit before the ring's end start over at its beginning.
        JournalConfig config = new JournalConfig(FsyncPolicy.NONE, Duration.ofMillis(2), 8 << 20);
        long n = 20_000;
        try (Journal j = Journal.open(dir, config, 1, r -> {})) {
            for (long i = 0; i < n; i++) {
                PayloadWriter w = new PayloadWriter(1024)
                        .putLong(i)
                        .putString("record-" + i)
                        .putByte((int) (i % 7));
                j.append((byte) 5, i, w.putString("x".repeat((int) (i * 7919 % 997))));
                if (i == n / 2) {
                    j.halt();
                    break;
                }
            }
        }
        long[] expect = {1};
        Journal.scan(dir, 1, Long.MAX_VALUE, r -> {
            assertEquals(expect[0]++, r.sequence());
            assertEquals(r.sequence() - 1, r.getLong());
        });
        assertEquals(n / 2 + 2, expect[0]);
        try (Journal j = Journal.open(dir, config, 1, r -> {})) {
            for (long i = n / 2 + 1; i < n; i++) {
                PayloadWriter w = new PayloadWriter(1024)
                        .putLong(i)
                        .putString("record-" + i)
                        .putByte((int) (i % 7));
                assertEquals(i + 1, j.append((byte) 5, i, w.putString("y".repeat((int) (i * 7919 % 997)))));
            }
        }
        expect[0] = 1;
        Journal.scan(dir, 1, Long.MAX_VALUE, r -> {
            assertEquals(expect[0]++, r.sequence());
            assertEquals(r.sequence() - 1, r.getLong());
        });
        assertEquals(n + 1, expect[0]);
    }

    @Test
    void aRecordOfTheLargestSizeFitsTheRing() throws IOException {
        JournalConfig config = new JournalConfig(FsyncPolicy.BATCH, Duration.ofMillis(2), 4 << 20);
        try (Journal j = Journal.open(dir, config, 1, r -> {})) {
            for (int i = 0; i < 9; i++) { // more than two laps of the ring
                PayloadWriter w = new PayloadWriter(16);
                w.putString("z".repeat(4000));
                while (w.length() < JournalLayout.MAX_PAYLOAD - 8) {
                    w.putLong(i);
                }
                j.awaitDurable(j.append((byte) 6, i, w));
            }
        }
        int[] count = {0};
        Journal.scan(dir, 1, Long.MAX_VALUE, r -> count[0]++);
        assertEquals(9, count[0]);
    }

    @Test
    void aSecondJournalOnTheSameDirectoryIsRefused() {
        try (Journal j = Journal.open(dir, small(FsyncPolicy.NONE), 1, r -> {})) {
            var e = assertThrows(
                    UncheckedIOException.class, () -> Journal.open(dir, small(FsyncPolicy.NONE), 1, r -> {}));
            assertTrue(
                    e.getCause().getMessage().contains("open in another process or engine"),
                    e.getCause().getMessage());
        }
        Journal.open(dir, small(FsyncPolicy.NONE), 1, r -> {}).close(); // released by close
    }

    /** Writes one record with {@code w}'s payload and reads it back through {@code reader}. */
    private void roundTrip(PayloadWriter w, Journal.RecordHandler reader) throws IOException {
        try (Journal j = Journal.open(dir, small(FsyncPolicy.NONE), 1, r -> {})) {
            j.append((byte) 9, 0, w);
        }
        int[] records = {0};
        Journal.scan(dir, 1, 1, r -> {
            reader.onRecord(r);
            assertFalse(r.hasRemaining());
            records[0]++;
        });
        assertEquals(1, records[0]);
    }

    @Test
    void stringsRoundTripLatin1OrUtf16AndLongOnesAreCut() throws IOException {
        String[] values = {
            "",
            "gmail.com",
            "0015g00000A0001AAA",
            "North America",
            "Zoë Ångström",
            "faß.de",
            "日本語.jp",
            "x".repeat(5000),
            "mixed ü and 中",
            "a_b",
            "-.",
            "Z",
            "y".repeat(63),
            "y".repeat(64),
            "w".repeat(PayloadWriter.MAX_STRING_CHARS)
        };
        PayloadWriter w = new PayloadWriter(16);
        int[] ends = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            w.putString(values[i]);
            ends[i] = w.length();
        }
        // Bytes each kind costs: header and body.
        assertEquals(1, ends[0], "empty: a 1-byte header");
        assertEquals(1 + 9, ends[1] - ends[0], "a domain: Latin-1");
        assertEquals(1 + 18, ends[2] - ends[1], "an 18-char Salesforce id: Latin-1");
        assertEquals(1 + 12, ends[4] - ends[3], "accented Latin-1 letters: still one byte a char");
        assertEquals(1 + 2 * 6, ends[6] - ends[5], "UTF-16");
        assertEquals(2 + PayloadWriter.MAX_STRING_CHARS, ends[7] - ends[6], "cut; a 2-byte header");
        assertEquals(1 + 63, ends[12] - ends[11], "63 chars: the longest with a 1-byte header");
        assertEquals(2 + 64, ends[13] - ends[12], "64 chars: a 2-byte header");
        assertEquals(2 + PayloadWriter.MAX_STRING_CHARS, ends[14] - ends[13], "the longest string not cut");
        w.putString(null).putLong(42);
        List<String> read = new ArrayList<>();
        roundTrip(w, r -> {
            for (int i = 0; i < values.length; i++) {
                read.add(r.getString());
            }
            r.skipString();
            assertEquals(42, r.getLong());
        });
        List<String> expected = new ArrayList<>(List.of(values));
        expected.set(7, "x".repeat(PayloadWriter.MAX_STRING_CHARS)); // cut
        assertEquals(expected, read);
    }

    @Test
    void buildersAreWrittenLikeTheirStringsCutAlike() throws IOException {
        String[] values = {"gmail.com", "y".repeat(64), "z".repeat(5000), "mixed ü and 中"};
        PayloadWriter w = new PayloadWriter(16);
        for (String v : values) {
            w.putString(new StringBuilder(v));
        }
        PayloadWriter expected = new PayloadWriter(16);
        for (String v : values) {
            expected.putString(v);
        }
        assertArrayEquals(expected.payloadCopy(), w.payloadCopy());
        List<String> read = new ArrayList<>();
        roundTrip(w, r -> {
            for (int i = 0; i < values.length; i++) {
                read.add(r.getString());
            }
        });
        assertEquals(List.of(values[0], values[1], "z".repeat(PayloadWriter.MAX_STRING_CHARS), values[3]), read);
    }

    @Test
    void skippedStringsOfEveryKindLeaveTheReaderAtTheNextField() throws IOException {
        PayloadWriter w = new PayloadWriter(16);
        String[] values = {"abc", "a b", "中", "x".repeat(5000)};
        for (String v : values) {
            w.putString(v).putByte(7);
        }
        roundTrip(w, r -> {
            for (int i = 0; i < values.length; i++) {
                r.skipString();
                assertEquals(7, r.getByte());
            }
        });
    }

    @Test
    void varintsRoundTripAndSmallValuesTakeOneByte() throws IOException {
        long[] unsigned = {0, 1, 127, 128, 300, 16_383, 16_384, Integer.MAX_VALUE, Long.MAX_VALUE, -1, Long.MIN_VALUE};
        long[] signed = {0, -1, 1, -64, 63, -65, 64, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE};
        PayloadWriter w = new PayloadWriter(16);
        assertEquals(1, w.putVarLong(127).length());
        assertEquals(3, w.putVarLong(128).length());
        assertEquals(4, w.putSignedVarLong(-64).length());
        assertEquals(6, w.putSignedVarLong(64).length());
        assertEquals(15, w.putVarLong(Long.MAX_VALUE).length(), "9 bytes for 63 bits");
        assertEquals(25, w.putVarLong(-1).length(), "10 bytes for 64 bits");
        w.reset();
        for (long v : unsigned) {
            w.putVarLong(v);
        }
        for (long v : signed) {
            w.putSignedVarLong(v);
        }
        w.putVarLong(Integer.MAX_VALUE + 1L);
        roundTrip(w, r -> {
            for (long v : unsigned) {
                assertEquals(v, r.getVarLong());
            }
            for (long v : signed) {
                assertEquals(v, r.getSignedVarLong());
            }
            assertThrows(IllegalStateException.class, r::getVarInt, "does not fit an int");
        });
    }

    @Test
    void configRejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> FsyncPolicy.parse("sometimes"));
        assertEquals(FsyncPolicy.ALWAYS, FsyncPolicy.parse(" Always "));
        assertThrows(
                IllegalArgumentException.class,
                () -> new JournalConfig(FsyncPolicy.BATCH, Duration.ZERO, JournalConfig.DEFAULT_SEGMENT_BYTES));
        assertThrows(
                IllegalArgumentException.class, () -> new JournalConfig(FsyncPolicy.BATCH, Duration.ofMillis(5), 1000));
        JournalConfig d = JournalConfig.defaults();
        assertEquals(1_000_000, d.checkpointRecords());
        assertEquals(Duration.ofMinutes(5), d.checkpointInterval());
        assertEquals(JournalConfig.Retention.DELETE, d.retention());
        assertEquals(d, new JournalConfig(FsyncPolicy.BATCH, Duration.ofMillis(10), 64 << 20));
        JournalConfig c = d.withCheckpoints(10, Duration.ofSeconds(2)).withRetention(JournalConfig.Retention.KEEP);
        assertEquals(10, c.checkpointRecords());
        assertEquals(Duration.ofSeconds(2), c.checkpointInterval());
        assertEquals(JournalConfig.Retention.KEEP, c.withFsync(FsyncPolicy.NONE).retention(), "kept by the withers");
        assertEquals(10, c.withSegmentBytes(1 << 20).checkpointRecords());
        assertThrows(IllegalArgumentException.class, () -> d.withCheckpoints(0, Duration.ofSeconds(2)));
        assertThrows(IllegalArgumentException.class, () -> d.withCheckpoints(10, Duration.ofMillis(10)));
        assertThrows(IllegalArgumentException.class, () -> d.withRetention(null));
        assertEquals(JournalConfig.Retention.ARCHIVE, JournalConfig.Retention.parse(" Archive "));
        assertThrows(IllegalArgumentException.class, () -> JournalConfig.Retention.parse("shred"));
    }
}
