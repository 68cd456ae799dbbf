package io.leadmatch.engine.index;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import net.openhft.chronicle.algo.hashing.LongHashFunction;
import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.hash.impl.HashSplitting;
import net.openhft.chronicle.hash.impl.VanillaChronicleHash;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.values.Values;

/**
 * Filling a new index's map with its entries, as work that more than one thread can share: the thread building the
 * index fills it, and a thread that would otherwise only wait for the build (a snapshot load whose other tables are
 * done) calls {@link #help()} and fills part of it too.
 *
 * <p>The entries are split into chunks by the Chronicle Map segment their key hashes to (each chunk a contiguous
 * range of segments), so two threads never take the same segment lock: a chunk is claimed by one thread, which does
 * all of its puts. (Filling one map from two threads that each take every other key was slower than one thread on
 * 2 cores: segment-lock handoffs.) Which segment a key belongs to is computed the way the map does it (xxHash r39 of
 * the key's UTF-8 bytes, split by the map's own {@link HashSplitting}); {@code IndexFillTest} checks that against
 * the map's segments, and a mismatch would only cost lock contention, never a wrong entry.
 *
 * <p>Why: at the end of a cold load the index fill is the only work left, and without help one core would idle.
 *
 * <p>Public because a snapshot load creates the fill and helps with it; it lives here, not in {@code snapshot},
 * because {@link DomainIndex} runs it and it computes where the map puts each key.
 */
public final class IndexFill {
    /** Enough chunks that the last claimed one ends soon after the others; few enough that claiming is nothing. */
    private static final int MAX_CHUNKS = 32;

    private volatile Job job;

    /** Takes part in filling the map, if the build has got that far, until no unclaimed chunk is left. */
    public void help() {
        Job j = job;
        if (j != null) {
            j.run();
        }
    }

    /** The build's own part: publishes the work, fills, waits for chunks other threads claimed; rethrows theirs. */
    void fill(ChronicleMap<CharSequence, LongValue> map, String[] keys, long[] values, int n)
            throws InterruptedException {
        Job j = new Job(map, keys, values, n);
        job = j;
        j.run();
        j.done.await();
        job = null;
        Throwable failure = j.failure;
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }

    /** The segment {@code key} is stored in by {@code map}, as the map computes it. */
    static int segmentOf(ChronicleMap<CharSequence, LongValue> map, CharSequence key, byte[] scratch) {
        return segmentOf(((VanillaChronicleHash<?, ?, ?, ?>) map).hashSplitting, key, scratch);
    }

    private static int segmentOf(HashSplitting split, CharSequence key, byte[] scratch) {
        return split.segmentIndex(keyHash(key, scratch));
    }

    private static long keyHash(CharSequence key, byte[] scratch) {
        int len = key.length();
        if (len <= scratch.length) {
            int i = 0;
            while (i < len) {
                char c = key.charAt(i);
                if (c >= 0x80) {
                    break;
                }
                scratch[i++] = (byte) c;
            }
            if (i == len) {
                return LongHashFunction.xx_r39().hashBytes(scratch, 0, len);
            }
        }
        return LongHashFunction.xx_r39().hashBytes(key.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static final class Job {
        private final ChronicleMap<CharSequence, LongValue> map;
        private final String[] keys;
        private final long[] values;
        /** Entry indexes grouped by chunk; chunk {@code c} is {@code order[start[c], start[c + 1])}. */
        private final int[] order;

        private final int[] start;
        private final AtomicInteger next = new AtomicInteger();
        private final CountDownLatch done;
        private volatile Throwable failure;

        Job(ChronicleMap<CharSequence, LongValue> map, String[] keys, long[] values, int n) {
            this.map = map;
            this.keys = keys;
            this.values = values;
            VanillaChronicleHash<?, ?, ?, ?> hash = (VanillaChronicleHash<?, ?, ?, ?>) map;
            int segments = Math.max(1, hash.actualSegments);
            int chunks = Math.min(MAX_CHUNKS, segments);
            HashSplitting split = hash.hashSplitting;
            byte[] scratch = new byte[256];
            // A counting sort by chunk: one pass to number, one to place.
            byte[] chunkOf = new byte[n];
            start = new int[chunks + 1];
            for (int i = 0; i < n; i++) {
                int c = (int) ((long) segmentOf(split, keys[i], scratch) * chunks / segments);
                chunkOf[i] = (byte) c;
                start[c + 1]++;
            }
            for (int c = 0; c < chunks; c++) {
                start[c + 1] += start[c];
            }
            int[] fill = start.clone();
            order = new int[n];
            for (int i = 0; i < n; i++) {
                order[fill[chunkOf[i]]++] = i;
            }
            done = new CountDownLatch(chunks);
        }

        void run() {
            LongValue value = null;
            int chunks = start.length - 1;
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                try {
                    if (failure == null) {
                        if (value == null) {
                            value = Values.newHeapInstance(LongValue.class);
                        }
                        for (int k = start[c], end = start[c + 1]; k < end; k++) {
                            int i = order[k];
                            value.setValue(values[i]);
                            map.put(keys[i], value);
                        }
                    }
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    done.countDown();
                }
            }
        }
    }
}
