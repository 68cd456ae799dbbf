package io.leadmatch.engine.assign;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Remembers the answer given to each {@code request_id} for a retention window, so that a form backend retrying
 * after a timeout gets the same assignment back instead of consuming another turn. Bounded twice: entries expire
 * after the retention window, and beyond {@code maxEntries} the oldest are evicted first.
 *
 * <p>Concurrent retries of one id are answered once: the first computes while the others wait on that id's bin
 * of the map, then read its answer. Different ids do not wait for each other.
 *
 * @param <V> the remembered answer
 */
public final class IdempotencyCache<V> {
    private record Entry<V>(V value, long expiresAtMillis) {}

    private final ConcurrentHashMap<String, Entry<V>> byId;
    private final ConcurrentLinkedQueue<String> insertionOrder = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final Clock clock;
    private final long retentionMillis;
    private final int maxEntries;

    /**
     * @param clock      time source
     * @param retention  how long an answer is remembered (default in the engine: 24 h)
     * @param maxEntries memory bound: the oldest answers are forgotten beyond this many
     */
    public IdempotencyCache(Clock clock, Duration retention, int maxEntries) {
        if (maxEntries < 1 || retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive and maxEntries ≥ 1");
        }
        this.clock = clock;
        this.retentionMillis = retention.toMillis();
        this.maxEntries = maxEntries;
        // Sized for the bound up front: growing a large concurrent map on the request path costs a transfer.
        this.byId = new ConcurrentHashMap<>(Math.min(maxEntries, 1 << 20));
    }

    /** An empty cache with the same clock, retention and bound (the checkpointer's copy of the answers). */
    IdempotencyCache<V> emptyLike() {
        return new IdempotencyCache<>(clock, Duration.ofMillis(retentionMillis), maxEntries);
    }

    /** How long an answer is remembered. */
    Duration retention() {
        return Duration.ofMillis(retentionMillis);
    }

    /**
     * The answer remembered for {@code id}, or the one {@code compute} gives (remembered from now on).
     *
     * @return the answer, and whether it was a replay
     */
    public Result<V> getOrCompute(String id, Supplier<V> compute) {
        long now = clock.millis();
        boolean[] computed = new boolean[1];
        Entry<V> e = byId.compute(id, (k, old) -> {
            if (old != null && old.expiresAtMillis() > now) {
                return old;
            }
            computed[0] = true;
            return new Entry<>(compute.get(), now + retentionMillis);
        });
        if (computed[0]) {
            insertionOrder.add(id);
            if (size.incrementAndGet() > maxEntries) {
                evictOldest();
            }
        }
        return new Result<>(e.value(), !computed[0]);
    }

    /**
     * Remembers an answer given at {@code atMillis} (recovery from the journal, oldest first); it expires a
     * retention window after that time.
     */
    public void remember(String id, V value, long atMillis) {
        rememberUntil(id, value, atMillis + retentionMillis);
    }

    /** Remembers an answer until {@code expiresAtMillis} (from a checkpoint); ignored when already expired. */
    public void rememberUntil(String id, V value, long expiresAtMillis) {
        if (expiresAtMillis <= clock.millis()) {
            return;
        }
        if (byId.put(id, new Entry<>(value, expiresAtMillis)) == null) {
            insertionOrder.add(id);
            if (size.incrementAndGet() > maxEntries) {
                evictOldest();
            }
        }
    }

    private void evictOldest() {
        while (size.get() > maxEntries) {
            String oldest = insertionOrder.poll();
            if (oldest == null) {
                return;
            }
            if (byId.remove(oldest) != null) {
                size.decrementAndGet();
            }
        }
    }

    /** Receives a remembered answer. */
    @FunctionalInterface
    public interface EntryConsumer<V> {
        void accept(String id, V value, long expiresAtMillis) throws java.io.IOException;
    }

    /** Every answer that has not expired, oldest first (as far as concurrent changes allow). */
    public void forEachLive(EntryConsumer<V> consumer) throws java.io.IOException {
        long now = clock.millis();
        for (String id : insertionOrder) {
            Entry<V> e = byId.get(id);
            if (e != null && e.expiresAtMillis() > now) {
                consumer.accept(id, e.value(), e.expiresAtMillis());
            }
        }
    }

    /** Number of remembered answers (expired ones included until they are replaced or evicted). */
    public int size() {
        return size.get();
    }

    /**
     * An answer and whether it was remembered.
     *
     * @param value  the answer
     * @param replay true when the id had been answered before
     * @param <V>    the answer type
     */
    public record Result<V>(V value, boolean replay) {}
}
