package io.leadmatch.engine.index;

import static org.junit.jupiter.api.Assertions.*;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.openhft.chronicle.core.values.LongValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A persisted index is trusted only when every byte is what was written: garbage in the middle of the file, a flipped
 * bit, a cut-off tail or a damaged ready marker make the next open rebuild it, and the rebuilt index answers every
 * key as a plain HashMap of the same entries does.
 */
class DamagedIndexFileTest {
    @TempDir
    Path tmp;

    private static final int N = 60_000;

    private final String[] keys = new String[N];
    private final long[] values = new long[N];
    private final Map<String, Long> reference = new HashMap<>();

    private Path buildPersisted() {
        SplittableRandom r = new SplittableRandom(23);
        for (int i = 0; i < N; i++) {
            String k;
            do {
                k = "d" + Long.toString(r.nextLong() & Long.MAX_VALUE, 36) + ".example" + (i % 17) + ".com";
            } while (reference.containsKey(k));
            keys[i] = k;
            values[i] = DomainEntryLayout.account(r.nextInt(1 << 30), r.nextBoolean());
            reference.put(k, values[i]);
        }
        Path file = tmp.resolve("index").resolve("domains-test.cm3");
        DomainIndex.build(keys, values, N, averageKey(), List.of(), file, false).close();
        return file;
    }

    private double averageKey() {
        long chars = 0;
        for (String k : keys) {
            chars += k.length();
        }
        return DomainIndex.averageKeyBytes(N, chars);
    }

    /** Keys whose answer differs from the reference model. */
    private int wrongAnswers(DomainIndex index) {
        LongValue holder = DomainIndex.newValueHolder();
        int wrong = 0;
        for (Map.Entry<String, Long> e : reference.entrySet()) {
            if (index.get(e.getKey(), holder) != e.getValue()) {
                wrong++;
            }
        }
        return wrong;
    }

    private DomainIndex reopen(Path file) {
        return DomainIndex.openOrBuild(keys, values, N, averageKey(), List.of(), file, new IndexFill());
    }

    @Test
    void anIntactFileIsReusedAgainAfterBeingOpenedAndRead() throws Exception {
        Path file = buildPersisted();
        for (int round = 0; round < 3; round++) {
            try (DomainIndex opened = DomainIndex.openPersisted(file, N, averageKey(), List.of())) {
                assertNotNull(opened, "round " + round + ": opening and reading must not change the file");
                assertEquals(0, wrongAnswers(opened));
            }
        }
        try (DomainIndex opened = reopen(file)) {
            assertTrue(opened.reused());
        }
    }

    /** The failure this class exists for: 100 KB of garbage written into the middle of the file. */
    @Test
    void garbageInTheMiddleOfTheFileIsRebuiltNotServed() throws Exception {
        Path file = buildPersisted();
        byte[] garbage = new byte[100 * 1024];
        new SplittableRandom(5).nextBytes(garbage);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(raf.length() / 2);
            raf.write(garbage);
        }
        assertNull(DomainIndex.openPersisted(file, N, averageKey(), List.of()));
        try (DomainIndex rebuilt = reopen(file)) {
            assertFalse(rebuilt.reused());
            assertEquals(0, wrongAnswers(rebuilt));
        }
        try (DomainIndex again = reopen(file)) {
            assertTrue(again.reused(), "the rebuilt file verifies");
            assertEquals(0, wrongAnswers(again));
        }
    }

    @Test
    void oneFlippedBitAnywhereIsSeen() throws Exception {
        Path file = buildPersisted();
        long size = Files.size(file);
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 5; i++) {
            long at = r.nextLong(size);
            int bit = 1 << r.nextInt(8);
            flip(file, at, bit);
            assertNotNull(DomainIndex.damage(file, N), "bit " + bit + " at " + at);
            assertNull(DomainIndex.openPersisted(file, N, averageKey(), List.of()));
            flip(file, at, bit);
            assertNull(DomainIndex.damage(file, N));
        }
    }

    @Test
    void aCutOffFileOrADamagedMarkerIsRebuilt() throws Exception {
        Path file = buildPersisted();
        Path marker = file.resolveSibling(file.getFileName() + ".ready");
        String good = Files.readString(marker);
        Files.writeString(marker, good.replace("crc32c=", "crc32c=x"));
        assertNull(DomainIndex.openPersisted(file, N, averageKey(), List.of()));
        Files.writeString(marker, good);
        assertEquals(null, DomainIndex.damage(file, N));
        assertNotNull(DomainIndex.damage(file, N + 1), "another entry count is another snapshot");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() - 4096);
        }
        assertTrue(DomainIndex.damage(file, N).startsWith("size "), DomainIndex.damage(file, N));
        try (DomainIndex rebuilt = reopen(file)) {
            assertFalse(rebuilt.reused());
            assertEquals(0, wrongAnswers(rebuilt));
        }
    }

    private static void flip(Path file, long at, int bit) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ bit);
        }
    }
}
