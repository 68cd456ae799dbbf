package io.leadmatch.server;

import io.grpc.stub.ServerCallStreamObserver;

/**
 * Server-side flow control for a one-response-per-request stream: a window of requests pulled ahead, refilled
 * in batches while the transport can take responses. Used by the MatchAndAssignStream service and, so that the
 * baseline is like for like, by the bench's echo server.
 *
 * <p>Invariant: requests pulled (asked of gRPC with {@code request(n)}) minus responses sent is at most
 * {@code window}. Answered requests are given back to the client in batches of {@code window / 2}, and only while
 * {@code isReady()}; otherwise they are held back until the transport drains ({@link #run()} is the on-ready
 * handler). A client that stops reading therefore makes the server buffer at most {@code window} responses beyond
 * the transport's own ready threshold, never more.
 *
 * <p>Why a window and not one request at a time: each {@code request(1)} is a hop to the transport thread and
 * back for a single message; pulling a batch lets the deframer hand over many messages per hop.
 *
 * <p>gRPC calls {@link #afterResponse()} (from the request observer) and {@link #run()} serially for one call;
 * the methods are synchronized anyway so a handler that answers from another thread stays correct.
 */
public final class RequestWindow implements Runnable {
    /** Requests pulled ahead per stream by default: enough to keep a pipelining client busy, small in memory. */
    public static final int DEFAULT_WINDOW = 64;

    private final ServerCallStreamObserver<?> out;
    private final int batch;
    private int answered; // responses sent whose request has not been given back yet

    private RequestWindow(ServerCallStreamObserver<?> out, int window) {
        this.out = out;
        this.batch = Math.max(1, window / 2);
    }

    /** Switches {@code out}'s call to manual flow control and pulls the first {@code window} requests. */
    public static RequestWindow install(ServerCallStreamObserver<?> out, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1, got " + window);
        }
        RequestWindow flow = new RequestWindow(out, window);
        out.disableAutoRequest();
        out.setOnReadyHandler(flow);
        out.request(window);
        return flow;
    }

    /** On-ready: the transport drained; give back whatever was held back. */
    @Override
    public synchronized void run() {
        if (answered > 0 && out.isReady()) {
            out.request(answered);
            answered = 0;
        }
    }

    /** Call after each response: refill the window once a batch is answered and the transport is ready. */
    public synchronized void afterResponse() {
        answered++;
        if (answered >= batch && out.isReady()) {
            out.request(answered);
            answered = 0;
        }
    }
}
