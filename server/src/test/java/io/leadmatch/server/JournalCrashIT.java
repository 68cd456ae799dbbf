package io.leadmatch.server;

import static org.junit.jupiter.api.Assertions.*;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.leadmatch.proto.v1.AssignResponse;
import io.leadmatch.proto.v1.AssignmentRule;
import io.leadmatch.proto.v1.ExplainRequest;
import io.leadmatch.proto.v1.ExplainResponse;
import io.leadmatch.proto.v1.GetTeamStateRequest;
import io.leadmatch.proto.v1.LeadMatchAdminGrpc;
import io.leadmatch.proto.v1.LeadMatchGrpc;
import io.leadmatch.proto.v1.MatchRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal's promise with a real process: a server killed with SIGKILL in the middle of a stream loses no
 * acknowledged assignment and repeats none. Every lead carries a request id; after the restart the client sends
 * all of them again (as a form backend retries): each acknowledged one gets the same assignment back, and the
 * teams' round-robin totals count every request id exactly once.
 */
class JournalCrashIT {
    private static final int LEADS = 30_000; // enough that the kill lands mid-stream on a fast, idle machine
    private static final int KILL_AFTER = 1_000;
    private static final String[] COUNTRIES = {"US", "DE", "JP", "FR", "CA", "AU", "GB", "BR"};
    private static final String[] TEAMS = {"inbound-sdr", "na-ae", "emea-ae", "apac-ae", "csm"};

    @TempDir
    Path data;

    static MatchRequest lead(int i) {
        return MatchRequest.newBuilder()
                .setRequestId("crash-" + i)
                .setEmail("person" + i + "@gmail.com")
                .setCountry(COUNTRIES[i % COUNTRIES.length])
                .build();
    }

    /** Sends every lead again on one stream (the retry); returns the answers in order. */
    static List<AssignResponse> streamAll(ManagedChannel ch) throws InterruptedException {
        List<AssignResponse> out = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        Throwable[] failure = new Throwable[1];
        StreamObserver<MatchRequest> requests = LeadMatchGrpc.newStub(ch).matchAndAssignStream(new StreamObserver<>() {
            @Override
            public void onNext(AssignResponse r) {
                out.add(r);
            }

            @Override
            public void onError(Throwable t) {
                failure[0] = t;
                done.countDown();
            }

            @Override
            public void onCompleted() {
                done.countDown();
            }
        });
        for (int i = 0; i < LEADS; i++) {
            requests.onNext(lead(i));
        }
        requests.onCompleted();
        assertTrue(done.await(120, TimeUnit.SECONDS), "retry stream did not finish");
        assertNull(failure[0], () -> "retry stream failed: " + failure[0]);
        return out;
    }

    @Test
    void sigkillDuringAStreamLosesNoAcknowledgedAssignmentAndRepeatsNone() throws Exception {
        Map<String, AssignResponse> acknowledged = new ConcurrentHashMap<>();
        List<String> log = new CopyOnWriteArrayList<>();
        Process first = ServerProcessIT.start(ServerProcessIT.demo(), data, "--fsync", "batch");
        int port = ServerProcessIT.listeningPort(first, log);
        ManagedChannel channel =
                NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        CountDownLatch enough = new CountDownLatch(1);
        try {
            StreamObserver<MatchRequest> requests = LeadMatchGrpc.newStub(channel)
                    .matchAndAssignStream(new StreamObserver<>() {
                        @Override
                        public void onNext(AssignResponse r) {
                            acknowledged.put(r.getRequestId(), r); // every answer received was acknowledged
                            if (acknowledged.size() >= KILL_AFTER) {
                                enough.countDown();
                            }
                        }

                        @Override
                        public void onError(Throwable t) {
                            enough.countDown();
                        }

                        @Override
                        public void onCompleted() {
                            enough.countDown();
                        }
                    });
            for (int i = 0; i < LEADS; i++) {
                requests.onNext(lead(i));
            }
            assertTrue(enough.await(60, TimeUnit.SECONDS), "no answers: " + log);
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no close
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            assertEquals(137, first.exitValue(), "killed by SIGKILL");
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
        int acked = acknowledged.size();
        assertTrue(acked >= KILL_AFTER && acked < LEADS, "the kill must land mid-stream, acknowledged " + acked);

        List<String> log2 = new CopyOnWriteArrayList<>();
        Process second = ServerProcessIT.start(ServerProcessIT.demo(), data, "--fsync", "batch");
        try {
            int port2 = ServerProcessIT.listeningPort(second, log2);
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port2)
                    .usePlaintext()
                    .build();
            try {
                List<AssignResponse> answers = streamAll(ch);
                assertEquals(LEADS, answers.size());
                for (AssignResponse again : answers) {
                    assertEquals(AssignmentRule.ROUND_ROBIN, again.getRule(), again.toString());
                    AssignResponse before = acknowledged.get(again.getRequestId());
                    if (before != null) {
                        assertEquals(before.getAssignmentId(), again.getAssignmentId(), "lost: " + before);
                        assertEquals(before.getAssigneeId(), again.getAssigneeId());
                        assertEquals(before.getTeamId(), again.getTeamId());
                    }
                }
                var admin = LeadMatchAdminGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS);
                long total = 0;
                for (String team : TEAMS) {
                    total += admin.getTeamState(GetTeamStateRequest.newBuilder()
                                    .setTeamId(team)
                                    .build())
                            .getTotalAssigned();
                }
                assertEquals(LEADS, total, "every request id assigned exactly once across the crash");

                AssignResponse some = acknowledged.values().iterator().next();
                ExplainResponse e = admin.explain(ExplainRequest.newBuilder()
                        .setAssignmentId(some.getAssignmentId())
                        .build());
                assertEquals(some.getAssigneeId(), e.getAssigneeId());
                assertEquals(some.getRequestId(), e.getRequestId());
                assertFalse(e.getPicksList().isEmpty());
            } finally {
                ch.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        } finally {
            second.destroy();
            second.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
