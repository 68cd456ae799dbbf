package io.leadmatch.server;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Per-call limits: a stream that receives no request for {@link ServerSettings.Limits#streamIdleTimeout()} is ended
 * with {@code DEADLINE_EXCEEDED} (a silent client, or one that stopped reading so flow control stopped pulling its
 * rows, holds no stream for ever), and, when configured, a per-client-address token bucket: each call and each
 * stream row takes a token; without one a call is refused, and a stream ended, with {@code RESOURCE_EXHAUSTED}.
 *
 * <p>A timer may end a stream while its handler is sending on another thread; the wrapped call serializes every
 * operation and drops what comes after the end, since a {@link ServerCall} is not thread-safe.
 */
final class CallLimits implements ServerInterceptor {
    /** Client buckets kept at most; beyond it full (idle) buckets are dropped. */
    private static final int MAX_TRACKED_CLIENTS = 100_000;

    private final ScheduledExecutorService timer;
    private final LongSupplier nanoClock;
    private final long idleNanos;
    private final int perSecond;
    private final int burst;
    private final ConcurrentHashMap<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();

    CallLimits(ServerSettings.Limits limits, ScheduledExecutorService timer, LongSupplier nanoClock) {
        this.timer = timer;
        this.nanoClock = nanoClock;
        this.idleNanos = limits.streamIdleTimeout().toNanos();
        this.perSecond = limits.callsPerSecondPerClient();
        this.burst = Math.max(limits.burstPerClient(), limits.callsPerSecondPerClient());
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Bucket bucket = perSecond > 0 ? bucket(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)) : null;
        if (bucket != null && !bucket.take(nanoClock.getAsLong())) {
            call.close(rateLimited(), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        if (call.getMethodDescriptor().getType().clientSendsOneMessage()) {
            return next.startCall(call, headers);
        }
        Guarded<Q, R> guarded = new Guarded<>(call);
        ServerCall.Listener<Q> listener = next.startCall(guarded, headers);
        guarded.scheduleIdleCheck(idleNanos);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                guarded.lastMessageNanos = nanoClock.getAsLong();
                if (bucket != null && !bucket.take(guarded.lastMessageNanos)) {
                    guarded.end(rateLimited());
                    return;
                }
                super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                guarded.cancelTimer(); // the client has sent everything: it is waiting for answers, not silent
                super.onHalfClose();
            }

            @Override
            public void onCancel() {
                guarded.cancelTimer();
                super.onCancel();
            }

            @Override
            public void onComplete() {
                guarded.cancelTimer();
                super.onComplete();
            }
        };
    }

    private Status rateLimited() {
        return Status.RESOURCE_EXHAUSTED.withDescription(
                "rate limit: " + perSecond + " calls and stream rows per second per client; retry after a pause");
    }

    private Bucket bucket(SocketAddress remote) {
        InetAddress client = remote instanceof InetSocketAddress a ? a.getAddress() : InetAddress.getLoopbackAddress();
        if (buckets.size() > MAX_TRACKED_CLIENTS) {
            long now = nanoClock.getAsLong();
            buckets.values().removeIf(b -> b.isFull(now));
        }
        return buckets.computeIfAbsent(client, c -> new Bucket(nanoClock.getAsLong()));
    }

    /** Token bucket: {@code perSecond} tokens a second, at most {@code burst} saved. */
    private final class Bucket {
        private double tokens;
        private long lastNanos;

        Bucket(long now) {
            tokens = burst;
            lastNanos = now;
        }

        synchronized boolean take(long now) {
            refill(now);
            if (tokens < 1) {
                return false;
            }
            tokens--;
            return true;
        }

        synchronized boolean isFull(long now) {
            refill(now);
            return tokens >= burst;
        }

        private void refill(long now) {
            tokens = Math.min(burst, tokens + (now - lastNanos) * perSecond / 1e9);
            lastNanos = now;
        }
    }

    /** A streaming call whose operations are serialized, so a timer can end it while the handler answers. */
    private final class Guarded<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
        volatile long lastMessageNanos = nanoClock.getAsLong();
        private boolean closed;
        private ScheduledFuture<?> check;

        Guarded(ServerCall<Q, R> call) {
            super(call);
        }

        synchronized void scheduleIdleCheck(long delayNanos) {
            if (!closed) {
                check = timer.schedule(this::idleCheck, delayNanos, TimeUnit.NANOSECONDS);
            }
        }

        private void idleCheck() {
            long silent = nanoClock.getAsLong() - lastMessageNanos;
            if (silent >= idleNanos) {
                end(Status.DEADLINE_EXCEEDED.withDescription("no request on this stream for "
                        + TimeUnit.NANOSECONDS.toSeconds(idleNanos) + " s (a stream is ended when its client sends"
                        + " nothing or reads nothing for that long); open a new stream"));
            } else {
                scheduleIdleCheck(idleNanos - silent);
            }
        }

        synchronized void cancelTimer() {
            if (check != null) {
                check.cancel(false);
            }
        }

        synchronized void end(Status status) {
            if (!closed) {
                closed = true;
                cancelTimer();
                super.close(status, new Metadata());
            }
        }

        @Override
        public synchronized void sendHeaders(Metadata headers) {
            if (!closed) {
                super.sendHeaders(headers);
            }
        }

        @Override
        public synchronized void sendMessage(R message) {
            if (!closed) {
                super.sendMessage(message);
            }
        }

        @Override
        public synchronized void close(Status status, Metadata trailers) {
            if (!closed) {
                closed = true;
                cancelTimer();
                super.close(status, trailers);
            }
        }

        @Override
        public synchronized boolean isReady() {
            return !closed && super.isReady();
        }

        @Override
        public synchronized void request(int numMessages) {
            if (!closed) {
                super.request(numMessages);
            }
        }
    }
}
