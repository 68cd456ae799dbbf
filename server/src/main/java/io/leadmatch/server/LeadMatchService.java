package io.leadmatch.server;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.leadmatch.engine.AssignResult;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.engine.MatchResult;
import io.leadmatch.engine.journal.JournalUnavailableException;
import io.leadmatch.proto.v1.AssignResponse;
import io.leadmatch.proto.v1.LeadMatchGrpc;
import io.leadmatch.proto.v1.MatchRequest;
import io.leadmatch.proto.v1.MatchResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** leadmatch.v1.LeadMatch: translates requests to engine calls and results back. */
final class LeadMatchService extends LeadMatchGrpc.LeadMatchImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(LeadMatchService.class);

    private final LeadMatchEngine engine;
    /** A match result per executor thread: its scratch is reused, only the answer is allocated per call. */
    private final ThreadLocal<MatchResult> scratch = ThreadLocal.withInitial(MatchResult::new);

    LeadMatchService(LeadMatchEngine engine) {
        this.engine = engine;
    }

    @Override
    public void match(MatchRequest request, StreamObserver<MatchResponse> out) {
        MatchResult result = scratch.get();
        try {
            engine.match(ProtoMapping.lead(request), result);
        } catch (RuntimeException e) {
            LOG.error("match failed for request_id={}", request.getRequestId(), e);
            out.onError(Status.INTERNAL.withDescription("match failed: " + e).asRuntimeException());
            return;
        }
        out.onNext(ProtoMapping.matchResponse(request.getRequestId(), result));
        out.onCompleted();
    }

    @Override
    public void matchAndAssign(MatchRequest request, StreamObserver<AssignResponse> out) {
        AssignResult result;
        try {
            MatchResult m = scratch.get();
            result = new AssignResult(m, engine.matchAndAssign(ProtoMapping.lead(request), m));
        } catch (JournalUnavailableException e) { // logged once by the journal, not per call
            out.onError(unavailable(e));
            return;
        } catch (RuntimeException e) {
            LOG.error("matchAndAssign failed for request_id={}", request.getRequestId(), e);
            out.onError(
                    Status.INTERNAL.withDescription("assignment failed: " + e).asRuntimeException());
            return;
        }
        out.onNext(ProtoMapping.assignResponse(request.getRequestId(), result));
        out.onCompleted();
    }

    /**
     * One response per request, in request order. Manual flow control ({@link RequestWindow}): at most a window of
     * requests is pulled ahead of the responses, refilled only while the client keeps up with reading them, so a
     * slow reader never makes the server buffer without bound.
     */
    @Override
    public StreamObserver<MatchRequest> matchAndAssignStream(StreamObserver<AssignResponse> responses) {
        ServerCallStreamObserver<AssignResponse> out = (ServerCallStreamObserver<AssignResponse>) responses;
        RequestWindow flow = RequestWindow.install(out, RequestWindow.DEFAULT_WINDOW);
        MatchResult m = new MatchResult(); // rows of one stream arrive one at a time: one scratch per stream
        return new StreamObserver<>() {
            /** Set once the stream was ended with an error: later rows get no answer. */
            private boolean failed;

            @Override
            public void onNext(MatchRequest request) {
                if (failed) {
                    return;
                }
                AssignResponse response;
                try {
                    response = ProtoMapping.assignResponse(
                            request.getRequestId(),
                            new AssignResult(m, engine.matchAndAssign(ProtoMapping.lead(request), m)));
                } catch (JournalUnavailableException e) {
                    // A server fault, not a bad row: the stream ends, and the client retries its unanswered rows.
                    if (!failed) {
                        failed = true;
                        out.onError(unavailable(e));
                    }
                    return;
                } catch (RuntimeException e) {
                    LOG.error("stream row failed for request_id={}", request.getRequestId(), e);
                    response = ProtoMapping.invalidRow(request.getRequestId(), "row could not be processed: " + e);
                }
                out.onNext(response);
                flow.afterResponse();
            }

            @Override
            public void onError(Throwable t) {
                LOG.debug("client cancelled stream: {}", t.toString());
            }

            @Override
            public void onCompleted() {
                if (!failed) {
                    out.onCompleted();
                }
            }
        };
    }

    /** The status of a decision the journal could not keep: retryable, and saying why. */
    static io.grpc.StatusRuntimeException unavailable(JournalUnavailableException e) {
        return Status.UNAVAILABLE
                .withDescription("assignments are paused: " + e.getMessage())
                .asRuntimeException();
    }
}
