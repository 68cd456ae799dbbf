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
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * One workload against one server: the same code drives leadmatch and the echo baseline, only the method
 * descriptors differ. Every loop stops by itself: nothing is sent once warmup + duration have passed, and the
 * wait for in-flight calls is bounded.
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

    /** Runs the configured workload against {@code unary} or {@code stream} and returns what it measured. */
    RunResult run(String target, MethodDescriptor<MatchRequest, AssignResponse> unary,
                  MethodDescriptor<MatchRequest, AssignResponse> stream) throws InterruptedException {
        long start = clock.getAsLong();
        warmupEnd = start + TimeUnit.SECONDS.toNanos(options.warmupSeconds());
        end = warmupEnd + TimeUnit.SECONDS.toNanos(options.durationSeconds());
        boolean drained;
        if (options.rpc() == LoadOptions.Rpc.STREAM) {
            drained = streams(stream);
        } else if (options.mode() == LoadOptions.Mode.OPEN) {
            drained = openLoop(unary);
        } else {
            drained = closedLoop(unary);
        }
        if (!drained) {
            errors.incrementAndGet();
            noteError(new IllegalStateException("in-flight calls did not finish within "
                    + TimeUnit.NANOSECONDS.toSeconds(DRAIN_NANOS) + " s after the run"));
        }
        return new RunResult(target, calls.get(), errors.get(), options.durationSeconds(), latency.copy());
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

    private void issue(ManagedChannel channel, MethodDescriptor<MatchRequest, AssignResponse> method,
                       CountDownLatch done) {
        long start = clock.getAsLong();
        if (start >= end) {
            done.countDown();
            return;
        }
        ClientCalls.asyncUnaryCall(channel.newCall(method, CallOptions.DEFAULT), leads.next(),
                new StreamObserver<>() {
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

    private boolean openLoop(MethodDescriptor<MatchRequest, AssignResponse> method) throws InterruptedException {
        Semaphore inFlight = new Semaphore(OPEN_LOOP_MAX_IN_FLIGHT);
        long first = clock.getAsLong();
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
            ClientCalls.asyncUnaryCall(channel.newCall(method, CallOptions.DEFAULT), leads.next(),
                    new StreamObserver<>() {
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

    private boolean streams(MethodDescriptor<MatchRequest, AssignResponse> method) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(channels.size());
        StreamClient[] clients = new StreamClient[channels.size()];
        for (int c = 0; c < channels.size(); c++) {
            clients[c] = new StreamClient(options.outstanding(), done);
            ClientCalls.asyncBidiStreamingCall(channels.get(c).newCall(method, CallOptions.DEFAULT), clients[c]);
            clients[c].pump(); // in case the stream was ready before the handler could see it
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
     * One stream. Sends only while the transport is ready and fewer than {@code window} messages await their
     * response, so neither side buffers without bound; requests inbound messages one by one. Responses come in
     * request order, so the send times form a FIFO ring. gRPC calls the observer serially; the lock covers
     * the first {@link #pump()} from the starting thread.
     */
    private final class StreamClient implements ClientResponseObserver<MatchRequest, AssignResponse> {
        private final long[] sentAt;
        private final CountDownLatch done;
        private ClientCallStreamObserver<MatchRequest> requests;
        private int head;
        private int inFlight;
        private boolean closing;

        StreamClient(int window, CountDownLatch done) {
            this.sentAt = new long[window];
            this.done = done;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<MatchRequest> requestStream) {
            this.requests = requestStream;
            requestStream.disableAutoRequestWithInitial(sentAt.length);
            requestStream.setOnReadyHandler(this::pump);
        }

        synchronized void pump() {
            while (!closing && inFlight < sentAt.length && requests.isReady()) {
                long now = clock.getAsLong();
                if (now >= end) {
                    closing = true;
                    break;
                }
                sentAt[(head + inFlight) % sentAt.length] = now;
                inFlight++;
                requests.onNext(leads.next());
            }
            if (closing && inFlight == 0) {
                requests.onCompleted();
                inFlight = -1; // completed: never again
            }
        }

        @Override
        public synchronized void onNext(AssignResponse value) {
            long sent = sentAt[head];
            head = (head + 1) % sentAt.length;
            inFlight--;
            record(sent, clock.getAsLong());
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
