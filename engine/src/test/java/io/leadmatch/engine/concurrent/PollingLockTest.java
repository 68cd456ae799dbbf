package io.leadmatch.engine.concurrent;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link PollingLock}: mutual exclusion under contention (more threads than cores, so holders are preempted and
 * waiters reach the yield and park phases), progress of a waiter behind a long hold though nobody wakes it, and an
 * interrupted waiter that still takes the lock and keeps its interrupt.
 */
class PollingLockTest {

    /** A plain counter and a plain "inside" flag: any overlap of two holders shows as a lost update or a clash. */
    private static final class Guarded {
        long count;
        boolean inside;
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void eightThreadsNeverOverlapAndLoseNoUpdate() throws Exception {
        PollingLock lock = new PollingLock();
        Guarded g = new Guarded();
        AtomicBoolean clash = new AtomicBoolean();
        int threads = 8;
        int each = 200_000;
        CountDownLatch start = new CountDownLatch(1);
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            ts[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    lock.lock();
                    try {
                        if (g.inside) {
                            clash.set(true);
                        }
                        g.inside = true;
                        g.count++;
                        g.inside = false;
                    } finally {
                        lock.unlock();
                    }
                }
            });
            ts[t].start();
        }
        start.countDown();
        for (Thread t : ts) {
            t.join();
        }
        assertFalse(clash.get(), "two threads held the lock at once");
        assertEquals((long) threads * each, g.count);
        assertFalse(lock.isLocked());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aWaiterBehindALongHoldTakesTheLockWhenItIsReleased() throws Exception {
        PollingLock lock = new PollingLock();
        lock.lock();
        CountDownLatch acquired = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            lock.lock();
            acquired.countDown();
            lock.unlock();
        });
        waiter.start();
        assertFalse(acquired.await(200, TimeUnit.MILLISECONDS), "took a lock that was held");
        lock.unlock(); // nobody is woken: the waiter polls
        assertTrue(acquired.await(5, TimeUnit.SECONDS), "a parked waiter never saw the release");
        waiter.join();
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void anInterruptedWaiterStillTakesTheLockAndKeepsItsInterrupt() throws Exception {
        PollingLock lock = new PollingLock();
        lock.lock();
        AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
        CountDownLatch acquired = new CountDownLatch(1);
        Thread waiter = new Thread(() -> {
            lock.lock();
            interruptedAfter.set(Thread.currentThread().isInterrupted());
            acquired.countDown();
            lock.unlock();
        });
        waiter.start();
        Thread.sleep(50);
        waiter.interrupt();
        assertFalse(acquired.await(100, TimeUnit.MILLISECONDS), "an interrupt let the waiter in");
        lock.unlock();
        assertTrue(acquired.await(5, TimeUnit.SECONDS));
        waiter.join();
        assertEquals(Boolean.TRUE, interruptedAfter.get());
    }
}
