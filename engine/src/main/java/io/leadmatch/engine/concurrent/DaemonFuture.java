package io.leadmatch.engine.concurrent;

import io.leadmatch.engine.SnapshotException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Work started on a daemon thread of its own, named for thread dumps and profiles, whose result (or failure, as
 * thrown) arrives in a future. A load runs its independent parts this way (reopening the index, parsing
 * routing.yaml, building the index, the mailbox lists, ...): few, long, each wanting its own thread rather than a
 * shared pool's (the common pool has one thread on 2 cores).
 */
public final class DaemonFuture {
    private DaemonFuture() {}

    /** Runs {@code work} on a new daemon thread named {@code name}; the future completes with its outcome. */
    public static <T> CompletableFuture<T> supply(String name, Callable<T> work) {
        return supplyInto(new CompletableFuture<>(), name, work);
    }

    /** As {@link #supply}, completing {@code into} (made beforehand, e.g. to publish it before the work starts). */
    public static <T> CompletableFuture<T> supplyInto(CompletableFuture<T> into, String name, Callable<T> work) {
        Thread t = new Thread(
                () -> {
                    try {
                        into.complete(work.call());
                    } catch (Throwable e) {
                        into.completeExceptionally(e);
                    }
                },
                name);
        t.setDaemon(true);
        t.start();
        return into;
    }

    /**
     * Waits for {@code future} (one of these, or any other made on another thread) and returns its value, or
     * throws its failure as it was thrown there: a {@link SnapshotException} with its file and line, a runtime
     * exception or error as it was.
     */
    public static <T> T await(CompletableFuture<T> future) throws SnapshotException {
        try {
            return future.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SnapshotException se) {
                throw se;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
