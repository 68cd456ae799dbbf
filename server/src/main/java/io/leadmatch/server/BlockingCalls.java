package io.leadmatch.server;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.Context;
import io.grpc.ServerCall;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where calls that may block run, off the transport's event loops (the server's executor is a direct one): a
 * fixed pool of daemon threads, sized so that with fsync {@code always} enough calls wait for the device together
 * to share one force (group commit), and a reload or a journal read never holds up the calls of other connections.
 *
 * <p>Invariant: the listener of one call runs on one thread at a time and in gRPC's order (a sequential executor per
 * call over the shared pool), within the call's {@link Context} (deadline, cancellation).
 */
final class BlockingCalls {
    /** Threads that may wait at once: 4 per core, at least 8. */
    static final ExecutorService EXECUTOR =
            pool("leadmatch-blocking-", Math.max(8, 4 * Runtime.getRuntime().availableProcessors()));

    private BlockingCalls() {}

    static ExecutorService pool(String prefix, int threads) {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** {@code listener} with every callback moved to {@code pool}, in order. */
    static <Q> ServerCall.Listener<Q> offloaded(ServerCall.Listener<Q> listener, Executor pool) {
        Executor serial = MoreExecutors.newSequentialExecutor(pool);
        return new ServerCall.Listener<>() {
            private void run(Runnable r) {
                serial.execute(Context.current().wrap(r));
            }

            @Override
            public void onMessage(Q message) {
                run(() -> listener.onMessage(message));
            }

            @Override
            public void onHalfClose() {
                run(listener::onHalfClose);
            }

            @Override
            public void onCancel() {
                run(listener::onCancel);
            }

            @Override
            public void onComplete() {
                run(listener::onComplete);
            }

            @Override
            public void onReady() {
                run(listener::onReady);
            }
        };
    }
}
