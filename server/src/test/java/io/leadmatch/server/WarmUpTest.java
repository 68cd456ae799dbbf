package io.leadmatch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.leadmatch.engine.EngineConfig;
import io.leadmatch.engine.Lead;
import io.leadmatch.engine.LeadMatchEngine;
import io.leadmatch.engine.Outcome;
import io.leadmatch.engine.assign.TeamState;
import io.leadmatch.engine.journal.FsyncPolicy;
import io.leadmatch.proto.v1.GetTeamStateRequest;
import io.leadmatch.proto.v1.LeadMatchAdminGrpc;
import io.leadmatch.proto.v1.LeadMatchGrpc;
import io.leadmatch.proto.v1.MatchRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warm-up runs real calls through the serving path and leaves nothing behind in the engine: no journal record,
 * no round-robin turn, no provisional account, no remembered request id. The reference is the same engine state
 * read before and after (and a fresh request id answered as new, not from a cache).
 */
class WarmUpTest {
    @TempDir
    Path data;

    private static Path demo() {
        return Path.of("../examples/demo").toAbsolutePath().normalize();
    }

    private static List<String> counters(LeadMatchEngine engine) {
        List<String> out = new ArrayList<>();
        for (String team : engine.teamIds()) {
            TeamState t = engine.teamState(team).orElseThrow();
            out.add(team + "=" + t.totalAssigned());
            t.members().forEach(m -> out.add(team + "/" + m.userId() + "=" + m.assigned() + "," + m.capUsedToday()));
        }
        return out;
    }

    @Test
    void warmUpCallsLeaveNoTraceInTheEngine() throws Exception {
        try (LeadMatchEngine engine = LeadMatchEngine.open(EngineConfig.of(demo(), data))) {
            // Something real first, so that counters are not all zero and the journal has a record.
            String first = engine.matchAndAssign(
                            new Lead("real-1", "ann@brand-new-company.com", "", "", "US", "CA", Map.of()))
                    .assignment()
                    .assignmentId();
            List<String> before = counters(engine);

            WarmUp.Report report;
            // An operator's per-client rate, however low, does not throttle the warm-up (its only client).
            ServerSettings settings = ServerSettings.defaults()
                    .withLimits(ServerSettings.defaults().limits().withRate(1, 1));
            try (NettyListeners listeners = new NettyListeners(settings)) {
                report = WarmUp.run(engine, 600, listeners, settings);
            }

            assertEquals(0, report.errors());
            assertEquals(600, report.calls());
            assertEquals(before, counters(engine), "round-robin counters and caps");
            // The warm-up's made-up companies were registered only in the twin: here they are still new.
            assertEquals(
                    Outcome.NEW_ACCOUNT,
                    engine.match(new Lead("m", "x@warm-up-company-1.com", "", "", "US", "CA", Map.of()))
                            .outcome());
            // Its request ids were remembered only by the twin: here one is answered as new, and its record is the
            // journal's next one after the real call before the warm-up.
            String next = engine.matchAndAssign(
                            new Lead("warm-up-7", "bob@another-new-company.com", "", "", "US", "CA", Map.of()))
                    .assignment()
                    .assignmentId();
            assertEquals(sequence(first) + 1, sequence(next), first + " then " + next);
            assertNotEquals(before, counters(engine), "a real call after the warm-up does count");
        }
    }

    /**
     * The warm-up's loopback port is open to every local user while it runs: it answers only calls with its one-time
     * token, serves no admin service, and is closed when the warm-up returns.
     */
    @Test
    void theWarmUpListenerAnswersOnlyItsTokenAndServesNoAdmin() throws Exception {
        String token = "warm-up-test-token-0123456789";
        try (LeadMatchEngine engine = LeadMatchEngine.open(EngineConfig.of(demo(), data));
                NettyListeners listeners = new NettyListeners(ServerSettings.defaults())) {
            LeadMatchServer server =
                    LeadMatchServer.warmUp(listeners.warmUp(), ServerSettings.defaults(), Credential.of(token));
            server.serve(engine);
            server.start();
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                    .usePlaintext()
                    .build();
            try {
                MatchRequest lead = LeadMatchServerTest.email("w-1", "jane@example-corp.com");
                StatusRuntimeException anonymous = assertThrows(
                        StatusRuntimeException.class,
                        () -> LeadMatchGrpc.newBlockingStub(channel).match(lead));
                assertEquals(Status.Code.UNAUTHENTICATED, anonymous.getStatus().getCode());
                Metadata bearer = new Metadata();
                bearer.put(BearerAuth.AUTHORIZATION, "Bearer " + token);
                assertEquals(
                        io.leadmatch.proto.v1.Outcome.MATCHED,
                        LeadMatchGrpc.newBlockingStub(channel)
                                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer))
                                .match(lead)
                                .getOutcome());
                StatusRuntimeException admin = assertThrows(
                        StatusRuntimeException.class,
                        () -> LeadMatchAdminGrpc.newBlockingStub(channel)
                                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer))
                                .getTeamState(GetTeamStateRequest.getDefaultInstance()));
                assertEquals(Status.Code.UNIMPLEMENTED, admin.getStatus().getCode());
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                server.drain(0);
            }
        }
    }

    private static long sequence(String assignmentId) {
        return Long.parseLong(assignmentId.substring(assignmentId.lastIndexOf('-') + 1));
    }

    @Test
    void onlyAJournalThatForcesEachReplyMakesCallsWaitForTheDevice() throws Exception {
        EngineConfig batch = EngineConfig.of(demo(), data);
        try (LeadMatchEngine engine = LeadMatchEngine.open(batch)) {
            assertFalse(engine.waitsForDevice(), "batch: calls stay on the event loop");
        }
        EngineConfig always = batch.withJournal(batch.assignment().journal().withFsync(FsyncPolicy.ALWAYS));
        try (LeadMatchEngine engine = LeadMatchEngine.open(always)) {
            assertTrue(engine.waitsForDevice(), "always: calls go to the blocking pool");
            try (LeadMatchEngine twin = engine.warmUpTwin()) {
                assertFalse(twin.waitsForDevice(), "the twin journals in memory");
            }
        }
    }

    @Test
    void warmUpLeadsCoverTheExportsAccountsAndMadeUpTraffic() {
        List<MatchRequest> leads = WarmUp.leads(demo());
        assertTrue(leads.stream().anyMatch(l -> !l.getWebsite().isEmpty()), "account websites");
        assertTrue(leads.stream().anyMatch(l -> !l.getCompany().isEmpty()), "company-name fallback");
        assertTrue(leads.stream().anyMatch(l -> l.getEmail().endsWith("@gmail.com")), "free webmail");
        assertTrue(WarmUp.leads(null).size() > 100, "made-up leads without an export");
    }

    @Test
    void offloadedListenersRunInOrderOffTheCallingThread() throws Exception {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        Thread caller = Thread.currentThread();
        ServerCall.Listener<Integer> listener = BlockingCalls.offloaded(
                new ServerCall.Listener<>() {
                    @Override
                    public void onMessage(Integer m) {
                        seen.add((Thread.currentThread() == caller ? "caller:" : "pool:") + m);
                    }

                    @Override
                    public void onHalfClose() {
                        seen.add("halfClose");
                    }

                    @Override
                    public void onComplete() {
                        done.countDown();
                    }
                },
                BlockingCalls.EXECUTOR);
        for (int i = 0; i < 100; i++) {
            listener.onMessage(i);
        }
        listener.onHalfClose();
        listener.onComplete();
        assertTrue(done.await(10, TimeUnit.SECONDS));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.add("pool:" + i);
        }
        expected.add("halfClose");
        assertEquals(expected, seen);
    }
}
