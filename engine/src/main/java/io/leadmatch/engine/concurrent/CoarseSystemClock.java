package io.leadmatch.engine.concurrent;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The system clock in UTC, read from a field that one daemon thread refreshes every millisecond (the way Aeron's
 * cached clocks and Cassandra's approximate time work). Why: every assignment reads the time once for its journal
 * record and its availability, hours and cap checks, and {@code clock_gettime} on a VM costs a noticeable share
 * of the assignment step's budget. The price: a time up to ~1 ms behind (more if the two cores are saturated and the
 * thread waits for one), and ~1,000 wake-ups a second. Assignment works in milliseconds and days, so neither
 * matters; tests inject their own {@link Clock} instead. The default clock of an engine.
 */
public final class CoarseSystemClock extends Clock {
    /** The shared instance. */
    public static final CoarseSystemClock UTC = new CoarseSystemClock();

    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static volatile long now = System.currentTimeMillis();

    static {
        Thread ticker = new Thread(CoarseSystemClock::tick, "leadmatch-clock");
        ticker.setDaemon(true);
        ticker.start();
    }

    private CoarseSystemClock() {}

    private static void tick() {
        while (true) {
            now = System.currentTimeMillis();
            LockSupport.parkNanos(TICK_NANOS);
        }
    }

    @Override
    public long millis() {
        return now;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(now);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** The precise system clock in {@code zone} (only the UTC clock is cached). */
    @Override
    public Clock withZone(ZoneId zone) {
        return ZoneOffset.UTC.equals(zone) ? this : Clock.system(zone);
    }
}
