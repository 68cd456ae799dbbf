package io.leadmatch.server;

import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.engine.MatchAndAssignment;
import io.leadmatch.engine.MutableMatch;
import io.leadmatch.proto.v1.LeadMatchGrpc;
import io.leadmatch.proto.v1.MatchResponse;

/**
 * leadmatch.v1.LeadMatch: translates requests to engine calls and results back.
 *
 * <p>Its methods are bound with {@link LeadRequest#MARSHALLER} instead of the generated one (same names, same wire
 * format, same contract): a request whose bytes are not a valid MatchRequest, or that exceeds the
 * {@link ServerSettings.InputLimits}, is refused in its place: {@code INVALID_ARGUMENT} on a unary call, an
 * {@code INVALID} row with the reason on the stream, which goes on. A server fault is never an {@code INVALID} row:
 * it ends the call with the status {@link StatusMapping} gives it.
 */
final class LeadMatchService {
    /**
     * The service descriptor the server registers: the generated one's methods with the lenient request marshaller
     * and, for the assignment methods, answers written straight to their wire bytes ({@link EncodedAnswer}).
     */
    static final ServiceDescriptor DESCRIPTOR;

    private static final MethodDescriptor<LeadRequest, MatchResponse> MATCH;
    private static final MethodDescriptor<LeadRequest, EncodedAnswer> MATCH_AND_ASSIGN;
    private static final MethodDescriptor<LeadRequest, EncodedAnswer> MATCH_AND_ASSIGN_STREAM;

    static {
        MATCH = lenient(LeadMatchGrpc.getMatchMethod(), ProtoUtils.marshaller(MatchResponse.getDefaultInstance()));
        MATCH_AND_ASSIGN = lenient(LeadMatchGrpc.getMatchAndAssignMethod(), EncodedAnswer.MARSHALLER);
        MATCH_AND_ASSIGN_STREAM = lenient(LeadMatchGrpc.getMatchAndAssignStreamMethod(), EncodedAnswer.MARSHALLER);
        ServiceDescriptor generated = LeadMatchGrpc.getServiceDescriptor();
        DESCRIPTOR = ServiceDescriptor.newBuilder(generated.getName())
                .setSchemaDescriptor(generated.getSchemaDescriptor())
                .addMethod(MATCH)
                .addMethod(MATCH_AND_ASSIGN)
                .addMethod(MATCH_AND_ASSIGN_STREAM)
                .build();
    }

    private static <R> MethodDescriptor<LeadRequest, R> lenient(
            MethodDescriptor<?, ?> generated, MethodDescriptor.Marshaller<R> responses) {
        return generated.toBuilder(LeadRequest.MARSHALLER, responses).build();
    }

    /** Unsent answer bytes a stream may queue before it stops pulling rows (gRPC's default: 32 KiB). */
    static final int ON_READY_THRESHOLD_BYTES = 16 * 1024;

    private final LeadMatchEngine engine;
    private final ServerSettings.InputLimits limits;
    private final ThrottledLog log;
    /** A match result per executor thread: its scratch is reused, only the answer is allocated per call. */
    private final ThreadLocal<MutableMatch> scratch = ThreadLocal.withInitial(MutableMatch::new);

    LeadMatchService(LeadMatchEngine engine, ServerSettings.InputLimits limits, ThrottledLog log) {
        this.engine = engine;
        this.limits = limits;
        this.log = log;
    }

    ServerServiceDefinition bindService() {
        return ServerServiceDefinition.builder(DESCRIPTOR)
                .addMethod(MATCH, ServerCalls.asyncUnaryCall(this::match))
                .addMethod(MATCH_AND_ASSIGN, ServerCalls.asyncUnaryCall(this::matchAndAssign))
                .addMethod(MATCH_AND_ASSIGN_STREAM, ServerCalls.asyncBidiStreamingCall(this::matchAndAssignStream))
                .build();
    }

    /** Why {@code r} is refused before it reaches the engine; null when it is not. */
    private String refusal(LeadRequest r) {
        return r.problem() != null ? r.problem() : LeadRequest.violation(r.request(), limits);
    }

    /** The id echoed in a refusal: none when it is itself what is wrong (it may be megabytes). */
    private String echoedId(LeadRequest r) {
        return r.requestId().length() <= limits.requestId() ? r.requestId() : "";
    }

    private Status invalid(LeadRequest r, String reason) {
        String id = echoedId(r);
        return Status.INVALID_ARGUMENT.withDescription(id.isEmpty() ? reason : "request_id " + id + ": " + reason);
    }

    void match(LeadRequest request, StreamObserver<MatchResponse> out) {
        String refused = refusal(request);
        if (refused != null) {
            out.onError(invalid(request, refused).asRuntimeException());
            return;
        }
        MutableMatch result = scratch.get();
        engine.match(ProtoMapping.lead(request.request()), result); // a throw: StatusMapping's interceptor maps it
        out.onNext(ProtoMapping.matchResponse(request.requestId(), result));
        out.onCompleted();
    }

    void matchAndAssign(LeadRequest request, StreamObserver<EncodedAnswer> out) {
        String refused = refusal(request);
        if (refused != null) {
            out.onError(invalid(request, refused).asRuntimeException());
            return;
        }
        MutableMatch m = scratch.get();
        MatchAndAssignment result =
                new MatchAndAssignment(m, engine.matchAndAssign(ProtoMapping.lead(request.request()), m));
        out.onNext(EncodedAnswer.of(request.requestId(), result));
        out.onCompleted();
    }

    /**
     * One response per request, in request order. Manual flow control ({@link RequestWindow}): at most a window of
     * requests is pulled ahead of the responses, refilled only while the client keeps up with reading them, so a
     * slow reader never makes the server buffer without bound.
     */
    StreamObserver<LeadRequest> matchAndAssignStream(StreamObserver<EncodedAnswer> responses) {
        ServerCallStreamObserver<EncodedAnswer> out = (ServerCallStreamObserver<EncodedAnswer>) responses;
        // what a client that stops reading leaves queued on the server: the window's answers (~10 KiB) fit under it
        out.setOnReadyThreshold(ON_READY_THRESHOLD_BYTES);
        RequestWindow flow = RequestWindow.install(out, RequestWindow.DEFAULT_WINDOW);
        MutableMatch m = new MutableMatch(); // rows of one stream arrive one at a time: one scratch per stream
        return new StreamObserver<>() {
            private boolean ended;

            @Override
            public void onNext(LeadRequest request) {
                if (ended) {
                    return; // rows already pulled when a fault ended the stream
                }
                String refused = refusal(request);
                EncodedAnswer response;
                if (refused != null) {
                    response = EncodedAnswer.of(ProtoMapping.invalidRow(echoedId(request), refused));
                } else {
                    try {
                        response = EncodedAnswer.of(
                                request.requestId(),
                                new MatchAndAssignment(
                                        m, engine.matchAndAssign(ProtoMapping.lead(request.request()), m)));
                    } catch (RuntimeException e) {
                        Status s = StatusMapping.of(e);
                        if (!StatusMapping.isRefusal(s)) {
                            // a server fault ends the stream: the rows answered so far stand, the rest are retried
                            StatusMapping.logged(
                                    log,
                                    LeadMatchGrpc.getMatchAndAssignStreamMethod()
                                            .getFullMethodName(),
                                    s,
                                    e);
                            ended = true;
                            out.onError(s.asRuntimeException());
                            return;
                        }
                        response = EncodedAnswer.of(ProtoMapping.invalidRow(echoedId(request), s.getDescription()));
                    }
                }
                out.onNext(response);
                flow.afterResponse();
            }

            @Override
            public void onError(Throwable t) {
                // the client cancelled, or the stream was ended by a limit: nothing to answer
            }

            @Override
            public void onCompleted() {
                if (!ended) {
                    out.onCompleted();
                }
            }
        };
    }
}
