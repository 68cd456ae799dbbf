package io.leadmatch.engine.index;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.values.Values;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Filling an index's map from several threads, chunked by the map's own segments. */
class IndexFillTest {
    @TempDir
    Path tmp;

    private static String[] keys(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        String[] keys = new String[n];
        for (int i = 0; i < n; i++) {
            // Mostly ASCII like real lookup keys, some not (the UTF-8 path of the segment computation).
            keys[i] = (r.nextInt(50) == 0 ? "bücher-" : "corp-")
                    + Long.toString(r.nextLong() >>> 1, 36)
                    + i
                    + (r.nextBoolean() ? ".com" : ".co.uk");
        }
        return keys;
    }

    /** If Chronicle Map ever hashes or splits differently, chunks would share segment locks: this fails first. */
    @Test
    void segmentOfAKeyIsTheSegmentTheMapStoresItIn() {
        String[] keys = keys(20_000, 1);
        try (ChronicleMap<CharSequence, LongValue> map = ChronicleMap.of(CharSequence.class, LongValue.class)
                .entries(26_000)
                .averageKeySize(20)
                .create()) {
            LongValue v = Values.newHeapInstance(LongValue.class);
            for (String k : keys) {
                map.put(k, v);
            }
            assertTrue(map.segments() > 1, "the test needs a map of several segments");
            byte[] scratch = new byte[256];
            AtomicInteger checked = new AtomicInteger();
            for (int s = 0; s < map.segments(); s++) {
                int segment = s;
                try (var context = map.segmentContext(s)) {
                    context.forEachSegmentEntry(e -> {
                        String key = e.key().get().toString();
                        assertEquals(segment, IndexFill.segmentOf(map, key, scratch), key);
                        checked.incrementAndGet();
                    });
                }
            }
            assertEquals(keys.length, checked.get());
        }
    }

    @Test
    void helpersFillExactlyTheEntriesOneThreadWould() throws Exception {
        int n = 60_000;
        String[] keys = keys(n, 2);
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            values[i] = DomainEntryLayout.account(i, i % 3 == 0);
        }
        IndexFill fill = new IndexFill();
        AtomicBoolean built = new AtomicBoolean();
        AtomicInteger helped = new AtomicInteger();
        List<Thread> helpers = new ArrayList<>();
        for (int h = 0; h < 3; h++) {
            Thread t = new Thread(() -> {
                while (!built.get()) {
                    fill.help();
                    helped.incrementAndGet();
                    Thread.onSpinWait();
                }
            });
            t.start();
            helpers.add(t);
        }
        try (DomainIndex index = DomainIndex.build(keys, values, n, 20, List.of(), tmp.resolve("i.dat"), false, fill)) {
            built.set(true);
            for (Thread t : helpers) {
                t.join();
            }
            assertTrue(helped.get() > 0);
            assertEquals(n, index.size());
            LongValue holder = DomainIndex.newValueHolder();
            for (int i = 0; i < n; i++) {
                assertEquals(values[i], index.get(keys[i], holder), keys[i]);
            }
        }
    }

    @Test
    void aBuildThatFailsToFillFailsAndHelpingAfterwardsDoesNothing() {
        String[] keys = {"a.com", null, "c.com"};
        long[] values = {1, 2, 3};
        IndexFill fill = new IndexFill();
        assertThrows(
                NullPointerException.class,
                () -> DomainIndex.build(keys, values, 3, 8, List.of(), tmp.resolve("f.dat"), false, fill));
        fill.help();
    }

    /** A put that fails in any thread's chunk fails the fill (no hang, nothing swallowed), helped or not. */
    @Test
    void aFailedPutInAnyChunkFailsTheFill() throws Exception {
        String[] keys = keys(20_000, 3);
        long[] values = new long[keys.length];
        try (ChronicleMap<CharSequence, LongValue> tooSmall = ChronicleMap.of(CharSequence.class, LongValue.class)
                .entries(64)
                .averageKeySize(20)
                .maxBloatFactor(1.0)
                .create()) {
            IndexFill fill = new IndexFill();
            AtomicBoolean done = new AtomicBoolean();
            Thread helper = new Thread(() -> {
                while (!done.get()) {
                    fill.help();
                    Thread.onSpinWait();
                }
            });
            helper.start();
            try {
                assertTimeoutPreemptively(
                        Duration.ofSeconds(30),
                        () -> assertThrows(
                                RuntimeException.class, () -> fill.fill(tooSmall, keys, values, keys.length)));
            } finally {
                done.set(true);
                helper.join();
            }
        }
    }
}
