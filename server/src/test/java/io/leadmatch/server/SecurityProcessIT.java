package io.leadmatch.server;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.leadmatch.proto.v1.AdjustTurnsRequest;
import io.leadmatch.proto.v1.AssignResponse;
import io.leadmatch.proto.v1.GetTeamStateRequest;
import io.leadmatch.proto.v1.LeadMatchAdminGrpc;
import io.leadmatch.proto.v1.LeadMatchGrpc;
import io.leadmatch.proto.v1.MatchRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The security properties a real server process must have: the admin service refuses calls without its token,
 * start-up on a data directory it cannot write (read-only, or full) exits 2 with one line, and 1,000 streams whose
 * clients never read leave normal calls' latency alone.
 */
class SecurityProcessIT {
    private static final String TOKEN = "it-admin-token-0123456789abcdef";
    /** Rows sent on each non-reading stream (NettyFlowControlTest shows where one such stream stalls). */
    private static final int ROWS = 200;

    @TempDir
    Path data;

    private static Process start(Path data, Map<String, String> env, String... extra) throws IOException {
        ProcessBuilder b = new ProcessBuilder(ServerProcessIT.command(0, ServerProcessIT.demo(), data, extra))
                .redirectErrorStream(true);
        b.environment().putAll(env);
        return b.start();
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    @Test
    void theAdminServiceRefusesCallsWithoutItsTokenAndChangesNothing() throws Exception {
        Process p = start(data, Map.of(Credential.ADMIN_ENV, TOKEN));
        List<String> log = new CopyOnWriteArrayList<>();
        try {
            int port = ServerProcessIT.listeningPort(p, log);
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port)
                    .usePlaintext()
                    .build();
            try {
                var anonymous = LeadMatchAdminGrpc.newBlockingStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS);
                AdjustTurnsRequest turns = AdjustTurnsRequest.newBuilder()
                        .setTeamId("inbound-sdr")
                        .setUserId("0055g00000USR12AAA")
                        .setDelta(10_000)
                        .build();
                StatusRuntimeException none =
                        assertThrows(StatusRuntimeException.class, () -> anonymous.adjustTurns(turns));
                assertEquals(Status.Code.UNAUTHENTICATED, none.getStatus().getCode());
                StatusRuntimeException wrong = assertThrows(
                        StatusRuntimeException.class,
                        () -> AdminAuthTest.bearer(anonymous, "not-the-token-0123456789")
                                .adjustTurns(turns));
                assertEquals(Status.Code.PERMISSION_DENIED, wrong.getStatus().getCode());
                var admin = AdminAuthTest.bearer(anonymous, TOKEN);
                assertEquals(
                        10_000, admin.adjustTurns(turns).getMember().getPendingExtraTurns(), "only the token's call");
            } finally {
                ch.shutdownNow();
            }
            synchronized (log) {
                assertTrue(log.stream().anyMatch(l -> l.contains("token required")), String.join("\n", log));
                assertFalse(log.stream().anyMatch(l -> l.contains(TOKEN)), "the token is never logged");
            }
        } finally {
            stop(p);
        }
    }

    @Test
    void aReadOnlyDataDirectoryExits2WithOneLine() throws Exception {
        Path mnt = Files.createDirectories(data.resolve("ro"));
        assumeTrue(mount(mnt, "size=1m,ro"), "mounting a tmpfs needs root (mount -t tmpfs)");
        try {
            assertExits2WithOneLine(mnt.resolve("state"), "not writable");
        } finally {
            umount(mnt);
        }
    }

    @Test
    void aFullDiskAtStartUpExits2WithOneLine() throws Exception {
        Path mnt = Files.createDirectories(data.resolve("full"));
        assumeTrue(mount(mnt, "size=2m"), "mounting a tmpfs needs root (mount -t tmpfs)");
        try {
            assertExits2WithOneLine(mnt, "cannot start");
        } finally {
            umount(mnt);
        }
    }

    private void assertExits2WithOneLine(Path dataDir, String expected) throws Exception {
        Process p = start(dataDir, Map.of());
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), out);
        List<String> errors = Arrays.stream(out.split("\n"))
                .filter(l -> l.startsWith("leadmatch: "))
                .toList();
        assertEquals(1, errors.size(), out);
        assertTrue(errors.get(0).contains(expected), out);
        assertFalse(out.contains("\tat "), "no stack trace: " + out);
        assertFalse(out.contains("Exception in thread"), out);
    }

    /**
     * 1,000 streams (20 connections of 50) send rows and never read an answer; unary calls on another connection then keep their p99 within a factor
     * of 5 (plus 10 ms for a shared machine's noise) of the p99 without those streams.
     */
    @Test
    void normalCallsKeepTheirLatencyWhile1000StreamsRefuseToRead() throws Exception {
        Process p = start(data, Map.of());
        List<String> log = new CopyOnWriteArrayList<>();
        List<ManagedChannel> hostile = new ArrayList<>();
        try {
            int port = ServerProcessIT.listeningPort(p, log);
            ManagedChannel normal = NettyChannelBuilder.forAddress("127.0.0.1", port)
                    .usePlaintext()
                    .build();
            hostile.add(normal);
            var stub = LeadMatchGrpc.newBlockingStub(normal);
            long[] before = latencies(stub, "before", 3_000);

            List<ClientCallStreamObserver<MatchRequest>> streams = new ArrayList<>();
            for (int c = 0; c < 20; c++) {
                ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port)
                        .usePlaintext()
                        .flowControlWindow(64 * 1024)
                        .build();
                hostile.add(ch);
                for (int s = 0; s < 50; s++) {
                    NeverReads r = new NeverReads();
                    LeadMatchGrpc.newStub(ch).matchAndAssignStream(r);
                    streams.add(r.requests);
                }
            }
            for (int row = 0; row < ROWS; row++) {
                for (int s = 0; s < streams.size(); s++) {
                    streams.get(s)
                            .onNext(LeadMatchServerTest.email("s" + s + "-" + row, "lead@s" + s + "-r" + row + ".com"));
                }
            }
            long assigned = waitUntilIdle(normal);
            long[] during = latencies(stub, "during", 3_000);
            long p99Before = percentile(before, 0.99);
            long p99During = percentile(during, 0.99);
            System.out.printf(
                    "unary matchAndAssign latency (us): before p50 %d p99 %d; with 1000 non-reading streams p50 %d"
                            + " p99 %d; stream rows the server processed: %d of %d sent%n",
                    percentile(before, 0.5) / 1000,
                    p99Before / 1000,
                    percentile(during, 0.5) / 1000,
                    p99During / 1000,
                    assigned,
                    ROWS * streams.size());
            assertTrue(
                    p99During <= 5 * p99Before + TimeUnit.MILLISECONDS.toNanos(10),
                    "p99 " + p99Before / 1000 + " us -> " + p99During / 1000 + " us");
        } finally {
            hostile.forEach(ManagedChannel::shutdownNow);
            stop(p);
        }
    }

    private static long[] latencies(LeadMatchGrpc.LeadMatchBlockingStub stub, String tag, int n) {
        for (int i = 0; i < 500; i++) { // warm-up
            stub.withDeadlineAfter(20, TimeUnit.SECONDS)
                    .matchAndAssign(LeadMatchServerTest.email("", "jane@example-corp.com"));
        }
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            stub.withDeadlineAfter(20, TimeUnit.SECONDS)
                    .matchAndAssign(LeadMatchServerTest.email(tag + "-" + i, "jane@example-corp.com"));
            out[i] = System.nanoTime() - t0;
        }
        return out;
    }

    /** Rows round-robined to inbound-sdr so far, once that count has not moved for two seconds. */
    static long waitUntilIdle(ManagedChannel ch) throws InterruptedException {
        var admin = LeadMatchAdminGrpc.newBlockingStub(ch);
        long last = -1;
        for (int stable = 0; stable < 4; ) {
            Thread.sleep(500);
            long now = admin.withDeadlineAfter(20, TimeUnit.SECONDS)
                    .getTeamState(GetTeamStateRequest.newBuilder()
                            .setTeamId("inbound-sdr")
                            .build())
                    .getTotalAssigned();
            stable = now == last ? stable + 1 : 0;
            last = now;
        }
        return last;
    }

    private static long percentile(long[] values, double q) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
    }

    private static boolean mount(Path dir, String options) throws Exception {
        Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString())
                .redirectErrorStream(true)
                .start();
        m.getInputStream().readAllBytes();
        return m.waitFor(30, TimeUnit.SECONDS) && m.exitValue() == 0;
    }

    private static void umount(Path dir) throws Exception {
        new ProcessBuilder("umount", dir.toString()).start().waitFor(30, TimeUnit.SECONDS);
    }

    /** Sends when told, reads nothing. */
    static final class NeverReads implements ClientResponseObserver<MatchRequest, AssignResponse> {
        ClientCallStreamObserver<MatchRequest> requests;

        @Override
        public void beforeStart(ClientCallStreamObserver<MatchRequest> requestStream) {
            requests = requestStream;
            requestStream.disableAutoRequestWithInitial(0);
        }

        @Override
        public void onNext(AssignResponse value) {}

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
    }
}
