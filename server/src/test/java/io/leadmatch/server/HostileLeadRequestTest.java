package io.leadmatch.server;

import static org.junit.jupiter.api.Assertions.*;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.leadmatch.engine.EngineConfig;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.proto.v1.AssignResponse;
import io.leadmatch.proto.v1.ExplainRequest;
import io.leadmatch.proto.v1.LeadMatchAdminGrpc;
import io.leadmatch.proto.v1.LeadMatchGrpc;
import io.leadmatch.proto.v1.MatchRequest;
import io.leadmatch.proto.v1.MatchResponse;
import io.leadmatch.proto.v1.Outcome;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests a broken export or a hostile client sends, as raw bytes on the wire (what a client with another protobuf
 * library, or none, can send): each is answered in its place, a stream goes on, a unary call is INVALID_ARGUMENT;
 * a server fault is never an INVALID row and its reply names no exception class.
 */
class HostileLeadRequestTest {
    /** Raw bytes in, the generated response type out: the client side of what a hostile client can send. */
    private static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    };

    private static final MethodDescriptor<byte[], AssignResponse> RAW_STREAM =
            LeadMatchGrpc.getMatchAndAssignStreamMethod().toBuilder(
                            RAW, ProtoUtils.marshaller(AssignResponse.getDefaultInstance()))
                    .build();
    private static final MethodDescriptor<byte[], AssignResponse> RAW_ASSIGN =
            LeadMatchGrpc.getMatchAndAssignMethod().toBuilder(
                            RAW, ProtoUtils.marshaller(AssignResponse.getDefaultInstance()))
                    .build();
    private static final MethodDescriptor<byte[], MatchResponse> RAW_MATCH = LeadMatchGrpc.getMatchMethod().toBuilder(
                    RAW, ProtoUtils.marshaller(MatchResponse.getDefaultInstance()))
            .build();

    @TempDir
    Path data;

    LeadMatchEngine engine;
    LeadMatchServer server;
    ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        engine = LeadMatchEngine.open(EngineConfig.of(LeadMatchServerTest.demo(), data));
        String name = InProcessServerBuilder.generateName();
        server = LeadMatchServer.inProcess(InProcessServerBuilder.forName(name), ServerSettings.defaults())
                .serve(engine)
                .start();
        channel = InProcessChannelBuilder.forName(name).build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow();
        server.drain(1_000);
        engine.close();
    }

    /** A MatchRequest with {@code email} as raw bytes (a lone surrogate from a broken export is ED A0 80). */
    static byte[] withRawEmail(String requestId, byte[] email) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream c = CodedOutputStream.newInstance(out);
        c.writeString(1, requestId);
        c.writeBytes(2, ByteString.copyFrom(email));
        c.flush();
        return out.toByteArray();
    }

    static final byte[] LONE_SURROGATE = {'j', 'a', 'n', 'e', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '@', 'x', '.', 'c'
    };

    @Test
    void aRowWithInvalidUtf8IsAnsweredInvalidInItsPlaceAndTheStreamGoesOn() throws Exception {
        String tooLongId = "x".repeat(129);
        List<byte[]> rows = List.of(
                LeadMatchServerTest.email("ok-1", "jane@example-corp.com").toByteArray(),
                withRawEmail("bad-utf8", LONE_SURROGATE),
                new byte[] {0x0a, (byte) 0xff, 0x01}, // field 1, a length far beyond the message: truncated
                new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff},
                LeadMatchServerTest.email(tooLongId, "jane@example-corp.com").toByteArray(),
                MatchRequest.newBuilder()
                        .setRequestId("many-attrs")
                        .setEmail("jane@example-corp.com")
                        .putAllAttributes(manyAttributes(65))
                        .build()
                        .toByteArray(),
                LeadMatchServerTest.email("ok-2", "jane@example-corp.com").toByteArray());
        List<AssignResponse> answers = stream(rows);

        assertEquals(rows.size(), answers.size(), "one answer per row, the stream not ended: " + answers);
        assertEquals("ok-1", answers.get(0).getRequestId());
        assertEquals(Outcome.MATCHED, answers.get(0).getMatch().getOutcome());
        assertInvalid(answers.get(1), "bad-utf8", "email is not valid UTF-8");
        assertInvalid(answers.get(2), "", "malformed request");
        assertInvalid(answers.get(3), "", "malformed request");
        assertInvalid(answers.get(4), "", "request_id is 129 characters; the limit is 128");
        assertInvalid(answers.get(5), "many-attrs", "attributes has 65 entries; the limit is 64");
        assertEquals("ok-2", answers.get(6).getRequestId());
        assertEquals(Outcome.MATCHED, answers.get(6).getMatch().getOutcome());
    }

    @Test
    void unaryCallsWithUndecodableOrOversizedRequestsAreInvalidArgument() throws Exception {
        StatusRuntimeException utf8 = assertThrows(
                StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(
                        channel, RAW_ASSIGN, CallOptions.DEFAULT, withRawEmail("u-1", LONE_SURROGATE)));
        assertEquals(Status.Code.INVALID_ARGUMENT, utf8.getStatus().getCode());
        assertEquals(
                "request_id u-1: email is not valid UTF-8", utf8.getStatus().getDescription());

        StatusRuntimeException garbage = assertThrows(
                StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(channel, RAW_MATCH, CallOptions.DEFAULT, new byte[] {0x0a, 0x7f}));
        assertEquals(Status.Code.INVALID_ARGUMENT, garbage.getStatus().getCode());

        var stub = LeadMatchGrpc.newBlockingStub(channel);
        for (MatchRequest r : List.of(
                LeadMatchServerTest.email("id-" + "9".repeat(3_000_000), "jane@example-corp.com"),
                LeadMatchServerTest.email("big-email", "a".repeat(400) + "@example-corp.com"),
                MatchRequest.newBuilder()
                        .setRequestId("big-site")
                        .setWebsite("https://example-corp.com/" + "p".repeat(3000))
                        .build(),
                MatchRequest.newBuilder()
                        .setRequestId("big-attr")
                        .setEmail("jane@example-corp.com")
                        .putAttributes("segment", "v".repeat(257))
                        .build())) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.matchAndAssign(r));
            assertEquals(
                    Status.Code.INVALID_ARGUMENT,
                    e.getStatus().getCode(),
                    r.getRequestId().substring(0, 6));
            assertTrue(e.getStatus().getDescription().length() < 200, "the reply does not echo a huge id");
        }
    }

    /** A fuzzer's finding: grpc-java ends a call whose request does not decode UNKNOWN, as if the server failed. */
    @Test
    void anAdminRequestThatDoesNotDecodeIsInvalidArgumentNotUnknown() {
        for (MethodDescriptor<?, ?> generated :
                LeadMatchAdminGrpc.getServiceDescriptor().getMethods()) {
            MethodDescriptor<byte[], byte[]> raw = MethodDescriptor.<byte[], byte[]>newBuilder(RAW, RAW)
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(generated.getFullMethodName())
                    .build();
            StatusRuntimeException e = assertThrows(
                    StatusRuntimeException.class,
                    () -> ClientCalls.blockingUnaryCall(
                            channel, raw, CallOptions.DEFAULT, new byte[] {(byte) 0xff, (byte) 0xff, 0x01}));
            assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), generated.getFullMethodName());
            assertTrue(
                    e.getStatus().getDescription().contains("not a valid " + generated.getFullMethodName()),
                    e.getStatus().getDescription());
        }
    }

    /** A fuzzer's finding: a description over the client's header limit dropped the client's whole connection. */
    @Test
    void everyDescriptionIsBoundedSoTheTrailersFitAnyClient() {
        String id = "\u00e9".repeat(100_000); // 2 bytes in UTF-8, 6 once percent-encoded
        var admin = LeadMatchAdminGrpc.newBlockingStub(channel);
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> admin.explain(
                        ExplainRequest.newBuilder().setAssignmentId(id).build()));
        assertTrue(
                e.getStatus().getDescription().length() <= StatusMapping.MAX_DESCRIPTION + 10,
                () -> "description of " + e.getStatus().getDescription().length() + " characters");
        Status huge = Status.NOT_FOUND.withDescription("x".repeat(10_000));
        assertEquals(
                StatusMapping.MAX_DESCRIPTION + "... (cut)".length(),
                StatusMapping.bounded(huge).getDescription().length());
        // the same channel still works: nothing dropped the connection
        assertEquals(
                Outcome.MATCHED,
                LeadMatchGrpc.newBlockingStub(channel)
                        .match(LeadMatchServerTest.email("after", "jane@example-corp.com"))
                        .getOutcome());
    }

    /**
     * The marshaller sizes its array from {@code available()}, which only gRPC's own streams report exactly: a
     * stream that reports less, nothing, more, or a negative count is still read whole, and a message of more than
     * one read buffer is not cut.
     */
    @Test
    void aMessageIsReadWholeWhateverItsStreamReportsAvailable() throws IOException {
        byte[] small = MatchRequest.newBuilder()
                .setRequestId("r-1")
                .setEmail("jane@example-corp.com")
                .build()
                .toByteArray();
        byte[] large = MatchRequest.newBuilder()
                .setRequestId("r-2")
                .setCompany("x".repeat(20_000))
                .build()
                .toByteArray();
        for (byte[] message : List.of(small, large, new byte[0])) {
            for (int reported : new int[] {message.length, 0, 1, message.length / 2, message.length + 7, -1}) {
                InputStream in = new ByteArrayInputStream(message) {
                    @Override
                    public synchronized int available() {
                        return reported;
                    }
                };
                assertArrayEquals(message, LeadRequest.readMessage(in), () -> "available() = " + reported);
            }
        }
        assertEquals(
                "r-2",
                LeadRequest.MARSHALLER.parse(new ByteArrayInputStream(large)).requestId());
    }

    @Test
    void aServerFaultIsInternalWithAShortMessageNeverAnInvalidRow() throws Exception {
        engine.close(); // every engine call now fails: the fault a call during shutdown meets
        StatusRuntimeException unary = assertThrows(
                StatusRuntimeException.class,
                () -> LeadMatchGrpc.newBlockingStub(channel)
                        .matchAndAssign(LeadMatchServerTest.email("f-1", "jane@example-corp.com")));
        assertEquals(Status.Code.INTERNAL, unary.getStatus().getCode());
        assertEquals(StatusMapping.INTERNAL, unary.getStatus().getDescription());

        CompletableFuture<Status> end = new CompletableFuture<>();
        List<AssignResponse> answers = new ArrayList<>();
        StreamObserver<byte[]> in = ClientCalls.asyncBidiStreamingCall(
                channel.newCall(RAW_STREAM, CallOptions.DEFAULT), collect(answers, end));
        in.onNext(LeadMatchServerTest.email("f-2", "jane@example-corp.com").toByteArray());
        in.onCompleted();
        Status status = end.get(30, TimeUnit.SECONDS);
        assertEquals(Status.Code.INTERNAL, status.getCode(), status.toString());
        assertEquals(StatusMapping.INTERNAL, status.getDescription());
        assertTrue(answers.isEmpty(), "a server fault is not an INVALID row: " + answers);
        engine = LeadMatchEngine.open(EngineConfig.of(LeadMatchServerTest.demo(), data)); // for stop()
    }

    private List<AssignResponse> stream(List<byte[]> rows) throws Exception {
        CompletableFuture<Status> end = new CompletableFuture<>();
        List<AssignResponse> answers = new ArrayList<>();
        StreamObserver<byte[]> in = ClientCalls.asyncBidiStreamingCall(
                channel.newCall(RAW_STREAM, CallOptions.DEFAULT), collect(answers, end));
        rows.forEach(in::onNext);
        in.onCompleted();
        Status status = end.get(30, TimeUnit.SECONDS);
        assertTrue(status.isOk(), status.toString());
        return answers;
    }

    /** Collects a stream's answers; completes {@code end} with its final status. */
    static StreamObserver<AssignResponse> collect(List<AssignResponse> answers, CompletableFuture<Status> end) {
        return new StreamObserver<>() {
            @Override
            public void onNext(AssignResponse value) {
                synchronized (answers) {
                    answers.add(value);
                }
            }

            @Override
            public void onError(Throwable t) {
                end.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                end.complete(Status.OK);
            }
        };
    }

    private static void assertInvalid(AssignResponse r, String requestId, String reason) {
        assertEquals(requestId, r.getRequestId(), r.toString());
        assertEquals(Outcome.INVALID, r.getMatch().getOutcome(), r.toString());
        assertTrue(r.getMatch().getReason().contains(reason), r.getMatch().getReason());
        assertEquals("", r.getAssigneeId());
    }

    static Map<String, String> manyAttributes(int n) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < n; i++) {
            m.put("k" + i, "v");
        }
        return m;
    }
}
