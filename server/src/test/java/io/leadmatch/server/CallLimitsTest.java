package io.leadmatch.server;

import static org.junit.jupiter.api.Assertions.*;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.leadmatch.engine.EngineConfig;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.proto.v1.AssignResponse;
import io.leadmatch.proto.v1.LeadMatchGrpc;
import io.leadmatch.proto.v1.MatchRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Limits a hostile or broken client meets: a silent stream is ended, a client over its rate is refused, and
 * connections beyond the limit are closed at once (over real sockets).
 */
class CallLimitsTest {
    @TempDir
    Path data;

    LeadMatchEngine engine;
    LeadMatchServer server;
    final List<ManagedChannel> channels = new ArrayList<>();

    @BeforeEach
    void open() throws Exception {
        engine = LeadMatchEngine.open(EngineConfig.of(LeadMatchServerTest.demo(), data));
    }

    @AfterEach
    void stop() throws Exception {
        channels.forEach(ManagedChannel::shutdownNow);
        if (server != null) {
            server.drain(1_000);
        }
        engine.close();
    }

    private ManagedChannel inProcess(ServerSettings.Limits limits) throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = LeadMatchServer.inProcess(
                        InProcessServerBuilder.forName(name),
                        ServerSettings.defaults().withLimits(limits))
                .serve(engine)
                .start();
        ManagedChannel ch = InProcessChannelBuilder.forName(name).build();
        channels.add(ch);
        return ch;
    }

    @Test
    void aStreamThatSendsNothingIsEndedAfterTheIdleTimeoutAndAnActiveOneIsNot() throws Exception {
        ManagedChannel ch = inProcess(ServerSettings.Limits.defaults().withStreamIdleTimeout(Duration.ofMillis(400)));
        CompletableFuture<Status> silent = new CompletableFuture<>();
        LeadMatchGrpc.newStub(ch).matchAndAssignStream(HostileLeadRequestTest.collect(new ArrayList<>(), silent));
        Status s = silent.get(20, TimeUnit.SECONDS);
        assertEquals(Status.Code.DEADLINE_EXCEEDED, s.getCode(), s.toString());
        assertTrue(s.getDescription().contains("no request on this stream"), s.getDescription());

        // a stream that keeps sending (every 100 ms, for 4 timeouts) stays open and gets every answer
        CompletableFuture<Status> busy = new CompletableFuture<>();
        List<AssignResponse> answers = new ArrayList<>();
        StreamObserver<MatchRequest> in =
                LeadMatchGrpc.newStub(ch).matchAndAssignStream(HostileLeadRequestTest.collect(answers, busy));
        for (int i = 0; i < 16; i++) {
            in.onNext(LeadMatchServerTest.email("busy-" + i, "jane@example-corp.com"));
            Thread.sleep(100);
        }
        in.onCompleted();
        assertTrue(busy.get(20, TimeUnit.SECONDS).isOk());
        synchronized (answers) {
            assertEquals(16, answers.size());
        }
    }

    @Test
    void aClientOverItsRateIsRefusedWithResourceExhausted() throws Exception {
        ManagedChannel ch = inProcess(ServerSettings.Limits.defaults().withRate(5, 5));
        var stub = LeadMatchGrpc.newBlockingStub(ch);
        int ok = 0;
        StatusRuntimeException refused = null;
        for (int i = 0; i < 50 && refused == null; i++) {
            try {
                stub.match(LeadMatchServerTest.email("r-" + i, "jane@example-corp.com"));
                ok++;
            } catch (StatusRuntimeException e) {
                refused = e;
            }
        }
        assertNotNull(refused, "50 calls at once passed a limit of 5 a second");
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getStatus().getCode());
        assertTrue(ok >= 5 && ok <= 7, "calls allowed before the refusal: " + ok);
        Thread.sleep(1_100); // the bucket refills
        stub.match(LeadMatchServerTest.email("after", "jane@example-corp.com"));
    }

    @Test
    void connectionsBeyondTheLimitAreClosed() throws Exception {
        ServerSettings settings = ServerSettings.defaults()
                .withLead(new ServerSettings.Listener("127.0.0.1", 0, null))
                .withAdmin(null)
                .withLimits(ServerSettings.Limits.defaults().withMaxConnections(2));
        NettyListeners listeners = new NettyListeners(settings);
        server = new LeadMatchServer(listeners.lead(), null, settings)
                .owning(listeners)
                .serve(engine)
                .start();
        List<Status.Code> outcomes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                    .usePlaintext()
                    .build();
            channels.add(ch);
            try {
                LeadMatchGrpc.newBlockingStub(ch)
                        .withDeadlineAfter(20, TimeUnit.SECONDS)
                        .match(LeadMatchServerTest.email("c-" + i, "jane@example-corp.com"));
                outcomes.add(Status.Code.OK);
            } catch (StatusRuntimeException e) {
                outcomes.add(e.getStatus().getCode());
            }
        }
        assertEquals(List.of(Status.Code.OK, Status.Code.OK, Status.Code.UNAVAILABLE), outcomes);
        channels.remove(0).shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        Thread.sleep(500); // the server sees the close
        ManagedChannel again = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                .build();
        channels.add(again);
        LeadMatchGrpc.newBlockingStub(again)
                .withDeadlineAfter(20, TimeUnit.SECONDS)
                .match(LeadMatchServerTest.email("again", "jane@example-corp.com"));
    }
}
