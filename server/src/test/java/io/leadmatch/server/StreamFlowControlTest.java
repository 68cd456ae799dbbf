package io.leadmatch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.leadmatch.engine.EngineConfig;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.proto.v1.AssignResponse;
import io.leadmatch.proto.v1.GetTeamStateRequest;
import io.leadmatch.proto.v1.LeadMatchAdminGrpc;
import io.leadmatch.proto.v1.LeadMatchGrpc;
import io.leadmatch.proto.v1.MatchRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MatchAndAssignStream's flow control against a client that stops reading: the server works through at most one
 * {@link RequestWindow} of rows and then waits, instead of matching everything and buffering the responses; once
 * the client reads again every row is answered, in order. Runs on the in-process transport with a direct
 * executor, where the server's isReady() is exactly "the client has asked for a response", so it is deterministic.
 */
class StreamFlowControlTest {
    private static final int ROWS = 5 * RequestWindow.DEFAULT_WINDOW;
    private static final String TEAM = "inbound-sdr"; // unknown domains round-robin to this team in the demo

    @TempDir
    Path data;

    LeadMatchEngine engine;
    LeadMatchServer server;
    ManagedChannel channel;

    @BeforeEach
    void start() throws Exception {
        engine = LeadMatchEngine.open(EngineConfig.of(LeadMatchServerTest.demo(), data));
        String name = InProcessServerBuilder.generateName();
        server = new LeadMatchServer(InProcessServerBuilder.forName(name).directExecutor(), engine).start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow();
        server.drain(1_000);
        engine.close();
    }

    @Test
    void aClientThatStopsReadingHoldsTheServerToOneWindow() throws Exception {
        long before = assigned();
        SlowReader reader = new SlowReader();
        LeadMatchGrpc.newStub(channel).matchAndAssignStream(reader);
        for (int i = 0; i < ROWS; i++) {
            // Sent regardless of isReady: this client buffers on its own side; the server must not.
            reader.requests.onNext(LeadMatchServerTest.email("slow-" + i, "lead@slow-reader-co-" + i + ".com"));
        }
        long whileNotReading = assigned() - before;
        assertTrue(
                whileNotReading > 0 && whileNotReading <= RequestWindow.DEFAULT_WINDOW,
                "rows processed while the client read nothing: " + whileNotReading);
        assertTrue(reader.responses.isEmpty());

        reader.requests.request(ROWS);
        reader.requests.onCompleted();
        assertTrue(reader.done.await(30, TimeUnit.SECONDS));
        assertNull(reader.error);
        assertEquals(ROWS, reader.responses.size());
        for (int i = 0; i < ROWS; i++) {
            assertEquals("slow-" + i, reader.responses.get(i).getRequestId(), "responses in request order");
        }
        assertEquals(ROWS, assigned() - before);
    }

    private long assigned() {
        return LeadMatchAdminGrpc.newBlockingStub(channel)
                .getTeamState(GetTeamStateRequest.newBuilder().setTeamId(TEAM).build())
                .getTotalAssigned();
    }

    /** Reads no response until told to. */
    private static final class SlowReader implements ClientResponseObserver<MatchRequest, AssignResponse> {
        final List<AssignResponse> responses = new ArrayList<>();
        final CountDownLatch done = new CountDownLatch(1);
        ClientCallStreamObserver<MatchRequest> requests;
        volatile Throwable error;

        @Override
        public void beforeStart(ClientCallStreamObserver<MatchRequest> requestStream) {
            requests = requestStream;
            requestStream.disableAutoRequestWithInitial(0);
        }

        @Override
        public void onNext(AssignResponse value) {
            responses.add(value);
        }

        @Override
        public void onError(Throwable t) {
            error = t;
            done.countDown();
        }

        @Override
        public void onCompleted() {
            done.countDown();
        }
    }
}
