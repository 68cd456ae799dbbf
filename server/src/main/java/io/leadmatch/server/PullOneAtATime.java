package io.leadmatch.server;

import io.grpc.stub.ServerCallStreamObserver;

/**
 * Server-side flow control for a one-response-per-request stream: the next request is pulled only while the
 * client keeps up with responses, so a slow reader never makes the server buffer without bound. Used by the
 * MatchAndAssignStream service and, so that the baseline is like for like, by the bench's echo server.
 */
public final class PullOneAtATime implements Runnable {
    private final ServerCallStreamObserver<?> out;
    private boolean waitingForReady;

    private PullOneAtATime(ServerCallStreamObserver<?> out) {
        this.out = out;
    }

    /** Switches {@code out}'s call to manual flow control and asks for the first request. */
    public static PullOneAtATime install(ServerCallStreamObserver<?> out) {
        PullOneAtATime flow = new PullOneAtATime(out);
        out.disableAutoRequest();
        out.setOnReadyHandler(flow);
        out.request(1);
        return flow;
    }

    /** On-ready: the transport drained; pull the next request if one was held back. */
    @Override
    public synchronized void run() {
        if (waitingForReady && out.isReady()) {
            waitingForReady = false;
            out.request(1);
        }
    }

    /** Call after each response: pull the next request now, or once the transport is ready again. */
    public synchronized void afterResponse() {
        if (out.isReady()) {
            out.request(1);
        } else {
            waitingForReady = true;
        }
    }
}
