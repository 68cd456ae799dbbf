package io.leadmatch.bench.load;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.leadmatch.proto.v1.AssignResponse;
import io.leadmatch.proto.v1.MatchRequest;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * One run of the workload against one server (a warm-up, or one measured round): the same code drives leadmatch
 * and the echo baseline, only the method descriptors differ. Every loop stops by itself: nothing is sent once
 * warmup + measured time have passed, and the wait for in-flight calls is bounded; so each round starts with
 * empty pipes, for both sides alike.
 *
 * <p>Only calls whose start (for the open loop: intended start) falls in the measured window
 * [warmupEnd, end) are recorded, so the throughput is recorded calls / duration.
 */
final class Workload {
    /** Open loop: beyond this many calls in flight the scheduler waits (its lateness is still measured). */
    static final int OPEN_LOOP_MAX_IN_FLIGHT = 65_536;

    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final LoadOptions options;
    private final List<ManagedChannel> channels;
    private final LeadRequests leads;
    private final LongSupplier clock;
    private final Histogram latency = new ConcurrentHistogram(3);
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile Throwable firstError;
    private long warmupEnd;
    private long end;

    Workload(LoadOptions options, List<ManagedChannel> channels, LeadRequests leads, LongSupplier clock) {
        this.options = options;
        this.channels = List.copyOf(channels);
        this.leads = leads;
        this.clock = clock;
    }

    /**
     * Runs the configured workload against {@code unary} or {@code stream}: {@code warmupNanos} unmeasured, then
     * {@code measureNanos} measured, and returns what it measured. One Workload is one run.
     */
    RunResult run(
            String target,
            MethodDescriptor<MatchRequest, AssignResponse> unary,
            MethodDescriptor<MatchRequest, AssignResponse> stream,
            long warmupNanos,
            long measureNanos)
            throws InterruptedException {
        long start = clock.getAsLong();
        warmupEnd = start + warmupNanos;
        end = warmupEnd + measureNanos;
        boolean drained;
        if (options.rpc() == LoadOptions.Rpc.STREAM) {
            drained = streams(stream, start);
        } else if (options.mode() == LoadOptions.Mode.OPEN) {
            drained = openLoop(unary, start);
        } else {
            drained = closedLoop(unary);
        }
        if (!drained) {
            errors.incrementAndGet();
            noteError(new IllegalStateException("in-flight calls did not finish within "
                    + TimeUnit.NANOSECONDS.toSeconds(DRAIN_NANOS) + " s after the run"));
        }
        return new RunResult(target, calls.get(), errors.get(), measureNanos / 1e9, latency.copy());
    }

    /** The first error seen, for the report (null when there was none). */
    Throwable firstError() {
        return firstError;
    }

    private void record(long startNanos, long now) {
        if (startNanos >= warmupEnd && startNanos < end) {
            latency.recordValue(Math.max(0, now - startNanos));
            calls.incrementAndGet();
        }
    }

    private void noteError(Throwable t) {
        if (firstError == null) {
            firstError = t;
        }
    }

    private boolean awaitDrain(CountDownLatch done) throws InterruptedException {
        long wait = end + DRAIN_NANOS - clock.getAsLong();
        return done.await(Math.max(wait, 0), TimeUnit.NANOSECONDS);
    }

    // ---- closed loop: channels x outstanding calls; each completion issues the next ----

    private boolean closedLoop(MethodDescriptor<MatchRequest, AssignResponse> method) throws InterruptedException {
        int slots = channels.size() * options.outstanding();
        CountDownLatch done = new CountDownLatch(slots);
        for (ManagedChannel channel : channels) {
            for (int k = 0; k < options.outstanding(); k++) {
                issue(channel, method, done);
            }
        }
        return awaitDrain(done);
    }

    private void issue(
            ManagedChannel channel, MethodDescriptor<MatchRequest, AssignResponse> method, CountDownLatch done) {
        long start = clock.getAsLong();
        if (start >= end) {
            done.countDown();
            return;
        }
        ClientCalls.asyncUnaryCall(channel.newCall(method, CallOptions.DEFAULT), leads.next(), new StreamObserver<>() {
            @Override
            public void onNext(AssignResponse value) {
                // the completion is what counts
            }

            @Override
            public void onError(Throwable t) {
                errors.incrementAndGet();
                noteError(t);
                issue(channel, method, done);
            }

            @Override
            public void onCompleted() {
                record(start, clock.getAsLong());
                issue(channel, method, done);
            }
        });
    }

    // ---- open loop: fixed rate, latency from the intended start (coordinated omission corrected) ----

    private boolean openLoop(MethodDescriptor<MatchRequest, AssignResponse> method, long first)
            throws InterruptedException {
        Semaphore inFlight = new Semaphore(OPEN_LOOP_MAX_IN_FLIGHT);
        long rps = options.rps();
        for (long i = 0; ; i++) {
            // From the first start, not from the previous send: lateness never shifts the schedule.
            long intended = first + i * 1_000_000_000L / rps;
            if (intended >= end) {
                break;
            }
            long now;
            while ((now = clock.getAsLong()) < intended) {
                LockSupport.parkNanos(intended - now);
            }
            inFlight.acquire();
            ManagedChannel channel = channels.get((int) (i % channels.size()));
            ClientCalls.asyncUnaryCall(
                    channel.newCall(method, CallOptions.DEFAULT), leads.next(), new StreamObserver<>() {
                        @Override
                        public void onNext(AssignResponse value) {
                            // the completion is what counts
                        }

                        @Override
                        public void onError(Throwable t) {
                            errors.incrementAndGet();
                            noteError(t);
                            inFlight.release();
                        }

                        @Override
                        public void onCompleted() {
                            record(intended, clock.getAsLong());
                            inFlight.release();
                        }
                    });
        }
        long wait = end + DRAIN_NANOS - clock.getAsLong();
        return inFlight.tryAcquire(OPEN_LOOP_MAX_IN_FLIGHT, Math.max(wait, 0), TimeUnit.NANOSECONDS);
    }

    // ---- streaming: one bidi stream per channel, at most `outstanding` messages in flight on each ----

    private boolean streams(MethodDescriptor<MatchRequest, AssignResponse> method, long first)
            throws InterruptedException {
        CountDownLatch done = new CountDownLatch(channels.size());
        StreamClient[] clients = new StreamClient[channels.size()];
        boolean open = options.mode() == LoadOptions.Mode.OPEN;
        // Open loop: each stream sends rps / channels messages per second at fixed intended times.
        long interval = open ? channels.size() * 1_000_000_000L / options.rps() : 0;
        for (int c = 0; c < channels.size(); c++) {
            clients[c] = new StreamClient(
                    options.outstanding(),
                    done,
                    open ? first + c * interval / channels.size() : Long.MIN_VALUE,
                    interval);
            ClientCalls.asyncBidiStreamingCall(channels.get(c).newCall(method, CallOptions.DEFAULT), clients[c]);
            clients[c].pump(); // in case the stream was ready before the handler could see it
        }
        if (open) {
            pace(clients, first);
        }
        boolean drained = awaitDrain(done);
        if (!drained) {
            for (StreamClient client : clients) {
                client.cancel();
            }
        }
        return drained;
    }

    /**
     * Open-loop streams: wakes at every intended send time (over all streams) and lets each stream send what is
     * due. A stream that cannot send (window full or transport not ready) sends late, and its latency still
     * counts from the intended time. Ends with one pump at or after the end, so every stream sees it.
     */
    private void pace(StreamClient[] clients, long first) {
        long rps = options.rps();
        for (long i = 1; ; i++) {
            for (StreamClient client : clients) {
                client.pump();
            }
            long now = clock.getAsLong();
            if (now >= end) {
                return;
            }
            long next = Math.min(first + i * 1_000_000_000L / rps, end);
            while ((now = clock.getAsLong()) < next) {
                LockSupport.parkNanos(next - now);
            }
        }
    }

    /**
     * One stream. Sends only while the transport is ready and fewer than {@code window} messages await their
     * response, so neither side buffers without bound; requests inbound messages one by one. Closed loop: sends
     * as soon as it may, and latency counts from the send. Open loop: message k is intended at
     * {@code first + k * interval}; it is sent at that time or, when flow control holds it back, later, and its
     * latency counts from the intended time (coordinated omission corrected); a backlog is only a count, never
     * buffered messages. Responses come in request order, so the start times form a FIFO ring. gRPC calls the
     * observer serially; the lock covers {@link #pump()} from the starting and pacing threads.
     */
    private final class StreamClient implements ClientResponseObserver<MatchRequest, AssignResponse> {
        private final long[] startedAt;
        private final CountDownLatch done;
        private final long first; // open loop: intended time of message 0; closed loop: Long.MIN_VALUE
        private final long interval;
        private ClientCallStreamObserver<MatchRequest> requests;
        private long sent;
        private int head;
        private int inFlight;
        private boolean closing;

        StreamClient(int window, CountDownLatch done, long first, long interval) {
            this.startedAt = new long[window];
            this.done = done;
            this.first = first;
            this.interval = interval;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<MatchRequest> requestStream) {
            this.requests = requestStream;
            requestStream.disableAutoRequestWithInitial(startedAt.length);
            requestStream.setOnReadyHandler(this::pump);
        }

        synchronized void pump() {
            while (!closing && inFlight >= 0 && inFlight < startedAt.length && requests.isReady()) {
                long now = clock.getAsLong();
                long start = first == Long.MIN_VALUE ? now : first + sent * interval;
                if (start >= end) {
                    closing = true;
                    break;
                }
                if (start > now) {
                    break; // open loop: not due yet; the pacer comes back
                }
                startedAt[(head + inFlight) % startedAt.length] = start;
                inFlight++;
                sent++;
                requests.onNext(leads.next());
            }
            if (closing && inFlight == 0) {
                requests.onCompleted();
                inFlight = -1; // completed: never again
            }
        }

        @Override
        public synchronized void onNext(AssignResponse value) {
            long started = startedAt[head];
            head = (head + 1) % startedAt.length;
            inFlight--;
            record(started, clock.getAsLong());
            requests.request(1);
            pump();
        }

        @Override
        public void onError(Throwable t) {
            errors.incrementAndGet();
            noteError(t);
            done.countDown();
        }

        @Override
        public void onCompleted() {
            done.countDown();
        }

        synchronized void cancel() {
            requests.cancel("load run over", null);
        }
    }
}
