package io.leadmatch.engine.concurrent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * A mutual-exclusion lock for short critical sections on the assignment hot path (a team's pick, the journal's
 * append), acquired by one compare-and-set and released by a plain release store.
 *
 * <p>Why not {@code synchronized} or {@code ReentrantLock}: both release with an atomic instruction (the monitor's
 * compare-and-set of the object header; the lock's volatile write and its StoreLoad fence), and every atomic
 * instruction first waits for the core's store buffer to drain. A round-robin decision held two of them (team, then
 * journal), each releasing after the decision's record was stored, so each release waited for those stores. This
 * lock keeps the two acquisitions and makes the releases plain: a release store
 * orders the section's writes before it, which is all the next owner needs (its compare-and-set reads the store),
 * without waiting for them.
 *
 * <p>The price: a releasing thread does not look for waiters (that load would need the very fence this avoids), so
 * nobody is woken. A waiter spins briefly, then yields, then polls with {@code parkNanos}, backing off to
 * {@value #MAX_PARK_NANOS} ns. That suits sections of a few hundred nanoseconds whose owners do not block in them;
 * a waiter behind a long hold (the journal waiting for ring space) polls instead of sleeping until woken. Not
 * reentrant, not fair (in practice: a waiter takes the lock the first time it sees it free).
 */
public final class PollingLock {
    /** Longest single park of a waiter, in nanoseconds: the worst latency a release can go unnoticed. */
    static final long MAX_PARK_NANOS = 50_000;

    private static final int SPINS = 64;
    private static final int YIELDS = 16;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(PollingLock.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** 0: free; 1: held. */
    @SuppressWarnings("unused") // through STATE
    private volatile int state;

    /** Takes the lock, waiting as long as it takes. Not reentrant: a thread that holds it must not call this. */
    public void lock() {
        if (!STATE.compareAndSet(this, 0, 1)) {
            lockContended();
        }
    }

    /** Releases the lock; only its holder may call this. */
    public void unlock() {
        STATE.setRelease(this, 0);
    }

    /** Whether some thread holds the lock now (tests). */
    boolean isLocked() {
        return (int) STATE.getAcquire(this) != 0;
    }

    private void lockContended() {
        boolean interrupted = false;
        long park = 1_000;
        for (int round = 0; ; round++) {
            if ((int) STATE.getAcquire(this) == 0 && STATE.compareAndSet(this, 0, 1)) {
                break;
            }
            if (round < SPINS) {
                Thread.onSpinWait();
            } else if (round < SPINS + YIELDS) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(this, park);
                park = Math.min(park * 2, MAX_PARK_NANOS);
                interrupted |= Thread.interrupted(); // else an interrupted waiter's parks return at once: it would spin
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
