package io.leadmatch.engine.assign;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdempotencyCacheTest {
    /** A clock tests move by hand. */
    static final class ManualClock extends Clock {
        volatile long millis = 1_000_000;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }

    @Test
    void sameIdGivesTheSameAnswerWithinTheWindowAndANewOneAfter() {
        ManualClock clock = new ManualClock();
        IdempotencyCache<Integer> cache = new IdempotencyCache<>(clock, Duration.ofHours(24), 100);
        AtomicInteger calls = new AtomicInteger();
        assertFalse(cache.getOrCompute("a", calls::incrementAndGet).replay());
        clock.millis += Duration.ofHours(23).toMillis();
        IdempotencyCache.Result<Integer> again = cache.getOrCompute("a", calls::incrementAndGet);
        assertTrue(again.replay());
        assertEquals(1, again.value());
        clock.millis += Duration.ofHours(2).toMillis();
        assertEquals(2, cache.getOrCompute("a", calls::incrementAndGet).value(), "expired after 24 h");
    }

    @Test
    void memoryIsBoundedOldestFirst() {
        IdempotencyCache<Integer> cache = new IdempotencyCache<>(new ManualClock(), Duration.ofHours(1), 1_000);
        for (int i = 0; i < 10_000; i++) {
            int v = i;
            cache.getOrCompute("id-" + i, () -> v);
        }
        assertEquals(1_000, cache.size());
        assertTrue(cache.getOrCompute("id-9999", () -> -1).replay(), "newest kept");
        assertFalse(cache.getOrCompute("id-0", () -> -1).replay(), "oldest forgotten");
    }

    @Test
    void concurrentRetriesOfOneIdComputeOnce() throws Exception {
        IdempotencyCache<Integer> cache = new IdempotencyCache<>(Clock.systemUTC(), Duration.ofHours(1), 10_000);
        AtomicInteger calls = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        try {
            Future<?>[] f = new Future<?>[8];
            for (int t = 0; t < 8; t++) {
                f[t] = pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 1_000; i++) {
                        cache.getOrCompute("k" + i, calls::incrementAndGet);
                    }
                    return null;
                });
            }
            start.countDown();
            for (Future<?> x : f) {
                x.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1_000, calls.get());
    }

    /**
     * The bug this pins: re-answering an expired id counted it twice and left its old place in the age order, so
     * the next eviction removed the fresh answer (and the count said one more than there was).
     */
    @Test
    void reansweringAnExpiredIdCountsOnceAndKeepsTheFreshAnswer() {
        ManualClock clock = new ManualClock();
        IdempotencyCache<Integer> cache = new IdempotencyCache<>(clock, Duration.ofMillis(10), 3);
        cache.getOrCompute("a", () -> 1);
        clock.millis += 5;
        cache.getOrCompute("b", () -> 2);
        clock.millis += 6; // a expired, b not
        assertEquals(3, cache.getOrCompute("a", () -> 3).value(), "expired: answered again");
        assertEquals(2, cache.size(), "a counted once");
        cache.getOrCompute("c", () -> 4);
        IdempotencyCache.Result<Integer> a = cache.getOrCompute("a", () -> -1);
        assertTrue(a.replay(), "the fresh answer to a is kept");
        assertEquals(3, a.value());
        assertTrue(cache.getOrCompute("b", () -> -1).replay());
        assertTrue(cache.getOrCompute("c", () -> -1).replay());
    }

    @Test
    void evictionForgetsTheOldestAnswerEvenWhenItsIdWasAnsweredBefore() {
        ManualClock clock = new ManualClock();
        IdempotencyCache<Integer> cache = new IdempotencyCache<>(clock, Duration.ofMillis(10), 2);
        cache.getOrCompute("a", () -> 1);
        clock.millis += 11;
        cache.getOrCompute("a", () -> 2); // the oldest answer now
        clock.millis += 1;
        cache.getOrCompute("b", () -> 3);
        clock.millis += 1;
        cache.getOrCompute("c", () -> 4); // over the bound: the oldest answer (a's second) goes
        assertEquals(2, cache.size());
        assertTrue(cache.getOrCompute("b", () -> -1).replay());
        assertTrue(cache.getOrCompute("c", () -> -1).replay());
        assertFalse(cache.getOrCompute("a", () -> 5).replay());
    }

    @Test
    void aDifferentFingerprintUnderAUsedIdIsAConflictNotAReplay() {
        IdempotencyCache<Integer> cache = new IdempotencyCache<>(new ManualClock(), Duration.ofHours(1), 10);
        cache.getOrCompute("a", 11L, () -> 1);
        IdempotencyCache.Result<Integer> same = cache.getOrCompute("a", 11L, () -> -1);
        assertTrue(same.replay());
        assertFalse(same.conflict());
        IdempotencyCache.Result<Integer> other = cache.getOrCompute("a", 12L, () -> -1);
        assertTrue(other.conflict());
        assertEquals(1, other.value(), "the original answer, to name it");
        cache.remember("r", 7, 0, new ManualClock().millis);
        assertFalse(cache.getOrCompute("r", 99L, () -> -1).conflict(), "unknown fingerprint: not checked");
    }

    /** "Aa" and "BB" share a hash code, so a lock held on the map's bin while computing would block the other. */
    @Test
    void noMapLockIsHeldWhileAnAnswerIsComputed() throws Exception {
        assertEquals("Aa".hashCode(), "BB".hashCode());
        IdempotencyCache<Integer> cache = new IdempotencyCache<>(Clock.systemUTC(), Duration.ofHours(1), 10);
        CountDownLatch computing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Future<?> slow = pool.submit(() -> cache.getOrCompute("Aa", () -> {
                computing.countDown();
                try {
                    release.await(); // stands for a journal append forced to the device
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return 1;
            }));
            assertTrue(computing.await(10, TimeUnit.SECONDS));
            Future<Integer> other =
                    pool.submit(() -> cache.getOrCompute("BB", () -> 2).value());
            assertEquals(2, other.get(10, TimeUnit.SECONDS), "a colliding id answered while the first computes");
            Future<IdempotencyCache.Result<Integer>> retry = pool.submit(() -> cache.getOrCompute("Aa", () -> -1));
            Thread.sleep(50);
            assertFalse(retry.isDone(), "a concurrent retry of the same id waits for its answer");
            release.countDown();
            slow.get(10, TimeUnit.SECONDS);
            assertEquals(1, retry.get(10, TimeUnit.SECONDS).value());
            assertTrue(retry.get().replay());
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedComputationRemembersNothing() {
        IdempotencyCache<Integer> cache = new IdempotencyCache<>(new ManualClock(), Duration.ofHours(1), 10);
        assertThrows(
                IllegalStateException.class,
                () -> cache.getOrCompute("a", () -> {
                    throw new IllegalStateException("journal full");
                }));
        assertEquals(0, cache.size());
        assertFalse(cache.getOrCompute("a", () -> 1).replay());
    }

    /**
     * Threads racing on a few ids, with a bound and a retention short enough that answers expire and get evicted
     * while others replace them: each id's answer is computed once per life, and afterwards the count, the map and
     * the age order agree.
     */
    @RepeatedTest(5)
    void racingRequestsKeepTheCountTheMapAndTheAgeOrderInAgreement() throws Exception {
        ManualClock clock = new ManualClock();
        IdempotencyCache<Integer> cache = new IdempotencyCache<>(clock, Duration.ofMillis(40), 24);
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = t;
                done.add(pool.submit(() -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    for (int i = 0; i < 50_000; i++) {
                        if (r.nextInt(64) == 0) {
                            synchronized (clock) {
                                clock.millis += 1;
                            }
                        }
                        String id = "id" + r.nextInt(64);
                        IdempotencyCache.Result<Integer> got = cache.getOrCompute(id, () -> 1);
                        assertEquals(1, got.value());
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        cache.checkConsistency();
        assertTrue(cache.size() <= 24, "size " + cache.size());
    }

    /** Against a plain reference: a list of (id, answer, time) with the same rules, random ids, times and bound. */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void matchesAReferenceThatKeepsEveryAnswerInAList(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ManualClock clock = new ManualClock();
        int bound = 1 + r.nextInt(20);
        long retention = 1 + r.nextInt(50);
        IdempotencyCache<Integer> cache = new IdempotencyCache<>(clock, Duration.ofMillis(retention), bound);
        List<long[]> reference = new ArrayList<>(); // {id, answer, givenAt}, oldest first
        for (int step = 0; step < 5_000; step++) {
            clock.millis += r.nextInt(3);
            long now = clock.millis;
            reference.removeIf(e -> e[2] + retention <= now);
            int id = r.nextInt(30);
            long[] known =
                    reference.stream().filter(e -> e[0] == id).findFirst().orElse(null);
            int fresh = step;
            IdempotencyCache.Result<Integer> got = cache.getOrCompute("id" + id, () -> fresh);
            if (known != null) {
                assertTrue(got.replay(), "step " + step);
                assertEquals(known[1], got.value().longValue());
            } else {
                assertFalse(got.replay(), "step " + step + ": id" + id + " should be forgotten");
                reference.add(new long[] {id, fresh, now});
                if (reference.size() > bound) {
                    reference.remove(0);
                }
            }
        }
    }
}
