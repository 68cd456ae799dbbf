package io.leadmatch.engine.assign;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IdempotencyCacheTest {
    /** A clock tests move by hand. */
    static final class ManualClock extends Clock {
        long millis = 1_000_000;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
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
}
