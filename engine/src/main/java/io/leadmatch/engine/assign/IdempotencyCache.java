package io.leadmatch.engine.assign;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Remembers the answer given to each {@code request_id} for a retention window, with a fingerprint of the request
 * it answered, so that a form backend retrying after a timeout gets the same assignment back instead of consuming
 * another turn, and a different request sent under a used id is told so ({@link Result#conflict}) instead of
 * getting a mixed answer.
 *
 * <p>Invariants: at most {@code maxEntries} answers are remembered, and when there are more the oldest answer
 * (by the time it was given) is forgotten first; an answer is never forgotten within its retention window except
 * by that eviction; an id answered again after its answer expired counts once. Concurrent requests with one id are
 * answered once: the first installs a pending slot and computes, the others wait for its answer. No lock is held
 * while an answer is computed (which includes the journal append and, with fsync {@code always}, its force): the
 * map's bins are locked only to swap a slot, and the age order has its own short lock.
 *
 * <p>(A general-purpose cache such as Caffeine evicts by frequency and recency, not strictly oldest first, which is
 * the promise made to callers here; the structure is small enough to keep exact.)
 *
 * @param <V> the remembered answer
 */
public final class IdempotencyCache<V> {
    /** A remembered answer; the same object in the map and in {@link #byAge} while it is current. */
    private static final class Answer<V> {
        final String id;
        final V value;
        final long fingerprint;
        final long expiresAtMillis;
        /**
         * True while this answer is the id's slot in {@link #byId} (guarded by {@link #byAge}): cleared by whoever
         * replaces or removes it, so the age order checks its head without a map lookup.
         */
        boolean current = true;

        Answer(String id, V value, long fingerprint, long expiresAtMillis) {
            this.id = id;
            this.value = value;
            this.fingerprint = fingerprint;
            this.expiresAtMillis = expiresAtMillis;
        }
    }

    /** An answer being computed; other requests with the id wait for it. */
    private static final class Pending<V> {
        final CompletableFuture<Answer<V>> answer = new CompletableFuture<>();
    }

    /** Id to {@link Answer} or {@link Pending}. */
    private final ConcurrentHashMap<String, Object> byId;
    /** Answers in the order they were given (guarded by itself); superseded ones are skipped when they surface. */
    private final ArrayDeque<Answer<V>> byAge = new ArrayDeque<>();
    /** Answers in {@link #byId} (guarded by {@link #byAge}). */
    private int size;

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

    /** As {@link #getOrCompute(String, long, Supplier)} for callers without fingerprints. */
    public Result<V> getOrCompute(String id, Supplier<V> compute) {
        return getOrCompute(id, 0, compute);
    }

    /**
     * The answer remembered for {@code id}, or the one {@code compute} gives (remembered from now on, with
     * {@code fingerprint}). A remembered answer whose fingerprint differs from {@code fingerprint} (neither being
     * 0, "unknown") comes back as a {@link Result#conflict}: {@code compute} is not called. When {@code compute}
     * throws, nothing is remembered and the exception propagates (waiting requests with the same id try again).
     */
    @SuppressWarnings("unchecked")
    public Result<V> getOrCompute(String id, long fingerprint, Supplier<V> compute) {
        for (; ; ) {
            long now = clock.millis();
            // A new id (nearly every request) takes one map operation to claim and one to fill.
            Pending<V> mine = new Pending<>();
            Object slot = byId.putIfAbsent(id, mine);
            if (slot instanceof Pending) {
                Answer<V> a = awaitOrNull((Pending<V>) slot);
                if (a != null) {
                    return answered(a, fingerprint);
                }
                continue; // its computation failed: try again
            }
            Answer<V> old = (Answer<V>) slot;
            if (old != null) {
                if (old.expiresAtMillis > now) {
                    return answered(old, fingerprint);
                }
                if (!byId.replace(id, old, mine)) {
                    continue; // someone else got there first
                }
                synchronized (byAge) {
                    old.current = false;
                    size--; // the expired answer is gone; the new one is counted when it is in
                }
            }
            V value;
            try {
                value = compute.get();
            } catch (RuntimeException | Error e) {
                byId.remove(id, mine);
                mine.answer.completeExceptionally(e);
                throw e;
            }
            Answer<V> a = new Answer<>(id, value, fingerprint, now + retentionMillis);
            byId.replace(id, mine, a);
            added(a, now);
            mine.answer.complete(a);
            return new Result<>(value, false, false);
        }
    }

    private static <V> Answer<V> awaitOrNull(Pending<V> p) {
        try {
            return p.answer.join();
        } catch (CompletionException | CancellationException e) {
            return null;
        }
    }

    private Result<V> answered(Answer<V> a, long fingerprint) {
        boolean conflict = a.fingerprint != 0 && fingerprint != 0 && a.fingerprint != fingerprint;
        return new Result<>(a.value, true, conflict);
    }

    /** Counts an answer now in the map and forgets expired and, beyond the bound, the oldest answers. */
    private void added(Answer<V> a, long now) {
        synchronized (byAge) {
            byAge.addLast(a);
            size++;
            for (Answer<V> oldest; (oldest = byAge.peekFirst()) != null; ) {
                // A replacer clears the flag under this lock after its map swap: one seen set here may already be
                // gone from the map, and then the remove fails and the replacer counts it.
                boolean current = oldest.current;
                if (current && size <= maxEntries && oldest.expiresAtMillis > now) {
                    break;
                }
                byAge.pollFirst();
                if (current) {
                    oldest.current = false;
                    if (byId.remove(oldest.id, oldest)) {
                        size--;
                    }
                }
            }
        }
    }

    /**
     * Remembers an answer given at {@code atMillis} (recovery from the journal, oldest first); it expires a
     * retention window after that time.
     */
    void remember(String id, V value, long fingerprint, long atMillis) {
        rememberUntil(id, value, fingerprint, atMillis + retentionMillis);
    }

    /** Remembers an answer until {@code expiresAtMillis} (from a checkpoint); ignored when already expired. */
    void rememberUntil(String id, V value, long fingerprint, long expiresAtMillis) {
        long now = clock.millis();
        if (expiresAtMillis <= now) {
            return;
        }
        Answer<V> a = new Answer<>(id, value, fingerprint, expiresAtMillis);
        Object old = byId.put(id, a);
        if (old instanceof Answer) {
            synchronized (byAge) {
                ((Answer<?>) old).current = false;
                size--;
            }
        }
        added(a, now);
    }

    /** Receives a remembered answer. */
    @FunctionalInterface
    interface EntryConsumer<V> {
        void accept(String id, V value, long fingerprint, long expiresAtMillis) throws IOException;
    }

    /** Every answer that has not expired, oldest first. */
    void forEachLive(EntryConsumer<V> consumer) throws IOException {
        long now = clock.millis();
        List<Answer<V>> live = new ArrayList<>();
        synchronized (byAge) {
            for (Answer<V> a : byAge) {
                if (a.expiresAtMillis > now && byId.get(a.id) == a) {
                    live.add(a);
                }
            }
        }
        for (Answer<V> a : live) {
            consumer.accept(a.id, a.value, a.fingerprint, a.expiresAtMillis);
        }
    }

    /**
     * Checks, with no request in flight, that the count, the map and the age order agree: every answer in the map
     * is current and in the age order, every current answer in the age order is the map's, and the count is the
     * map's. For tests that race requests against each other.
     */
    void checkConsistency() {
        synchronized (byAge) {
            Set<Answer<V>> ordered = Collections.newSetFromMap(new IdentityHashMap<>());
            ordered.addAll(byAge);
            int answers = 0;
            for (Object slot : byId.values()) {
                if (!(slot instanceof Answer<?> a) || !a.current || !ordered.contains(a)) {
                    throw new AssertionError("map slot not a current answer in the age order: " + slot);
                }
                answers++;
            }
            for (Answer<V> a : byAge) {
                if (a.current && byId.get(a.id) != a) {
                    throw new AssertionError("answer for " + a.id + " marked current but not in the map");
                }
            }
            if (answers != size) {
                throw new AssertionError("count " + size + ", answers in the map " + answers);
            }
        }
    }

    /** Number of remembered answers (expired ones included until they are replaced or pass the head). */
    public int size() {
        synchronized (byAge) {
            return size;
        }
    }

    /**
     * An answer and how it relates to the request.
     *
     * @param value    the answer (with {@code conflict}, the one given to the id's original request)
     * @param replay   true when the id had been answered before
     * @param conflict true when it had been answered for a request with another fingerprint: {@code value} is not
     *                 an answer to this request
     * @param <V>      the answer type
     */
    public record Result<V>(V value, boolean replay, boolean conflict) {}
}
