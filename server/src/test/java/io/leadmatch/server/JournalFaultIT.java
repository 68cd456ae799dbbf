package io.leadmatch.server;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.leadmatch.proto.v1.AssignResponse;
import io.leadmatch.proto.v1.LeadMatchGrpc;
import io.leadmatch.proto.v1.MatchRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Journal faults with a real server process: a server is fed a stream of leads (1 MiB segments, so several of
 * them), killed with SIGKILL, its journal damaged on disk, and started again. Each case ends either refused — the
 * process exits, naming the file, the offset and what follows — or recovered, with every acknowledged request id
 * answered again with the same assignee and assignment id, and no assignment id handed out twice.
 */
class JournalFaultIT {
    private static final int LEADS = 30_000;

    @TempDir
    static Path shared;

    @TempDir
    Path data;

    /** The journal of a server killed after acknowledging {@link #acknowledged}. */
    static Path killed;

    static Path config;
    static final Map<String, AssignResponse> acknowledged = new ConcurrentHashMap<>();

    static MatchRequest lead(int i) {
        return JournalCrashIT.lead(i);
    }

    @BeforeAll
    static void feedAndKill() throws Exception {
        config = Files.writeString(shared.resolve("leadmatch.yaml"), "journal:\n  segment_mb: 1\n");
        killed = shared.resolve("killed");
        List<String> log = new CopyOnWriteArrayList<>();
        Process p = start(killed);
        try {
            int port = ServerProcessIT.listeningPort(p, log);
            ManagedChannel ch = channel(port);
            try {
                stream(ch, 0, LEADS, acknowledged, null);
            } finally {
                ch.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
            assertEquals(LEADS, acknowledged.size());
        } finally {
            p.destroyForcibly(); // SIGKILL
            p.waitFor(30, TimeUnit.SECONDS);
        }
        assertTrue(segments(killed).size() >= 3, "several segments: " + segments(killed));
    }

    static Process start(Path dataDir, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--config", config.toString()));
        Collections.addAll(args, extra);
        return ServerProcessIT.start(ServerProcessIT.demo(), dataDir, args.toArray(String[]::new));
    }

    static ManagedChannel channel(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    /**
     * Streams leads {@code [from, to)}; every answer lands in {@code into}; returns the stream's error status (null:
     * completed). {@code onEach} runs after every answer (may be null).
     */
    static Status stream(ManagedChannel ch, int from, int to, Map<String, AssignResponse> into, Runnable onEach)
            throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        Status[] failure = new Status[1];
        StreamObserver<MatchRequest> requests = LeadMatchGrpc.newStub(ch).matchAndAssignStream(new StreamObserver<>() {
            @Override
            public void onNext(AssignResponse r) {
                into.put(r.getRequestId(), r);
                if (onEach != null) {
                    onEach.run();
                }
            }

            @Override
            public void onError(Throwable t) {
                failure[0] = Status.fromThrowable(t);
                done.countDown();
            }

            @Override
            public void onCompleted() {
                done.countDown();
            }
        });
        for (int i = from; i < to; i++) {
            requests.onNext(lead(i));
        }
        requests.onCompleted();
        assertTrue(done.await(300, TimeUnit.SECONDS), "stream did not finish");
        return failure[0];
    }

    static Path journal(Path dataDir) {
        return dataDir.resolve("journal");
    }

    static List<Path> segments(Path dataDir) throws IOException {
        try (Stream<Path> s = Files.list(journal(dataDir))) {
            return s.filter(f -> f.toString().endsWith(".journal")).sorted().toList();
        }
    }

    /** A copy of the killed server's data directory to damage. */
    Path copy() throws IOException {
        try (Stream<Path> all = Files.walk(killed)) {
            for (Path src : all.toList()) {
                Path dst = data.resolve(killed.relativize(src).toString());
                if (Files.isDirectory(src)) {
                    Files.createDirectories(dst);
                } else if (!src.getFileName().toString().equals("journal.lock")) {
                    Files.copy(src, dst);
                }
            }
        }
        return data;
    }

    /** Starts a server on {@code dataDir} that must refuse: returns its output. */
    static String refused(Path dataDir) throws Exception {
        Process p = start(dataDir);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertNotEquals(0, p.exitValue(), out);
        assertFalse(out.contains("leadmatch listening"), out);
        return out;
    }

    /**
     * Starts a server on {@code dataDir}, streams every lead again, and checks every acknowledged request id but
     * {@code lost} comes back identical; returns the new answers.
     */
    static Map<String, AssignResponse> recovered(Path dataDir, String lost) throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        Process p = start(dataDir);
        try {
            int port = ServerProcessIT.listeningPort(p, log);
            ManagedChannel ch = channel(port);
            Map<String, AssignResponse> again = new ConcurrentHashMap<>();
            try {
                assertNull(stream(ch, 0, LEADS, again, null));
            } finally {
                ch.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
            long highestBefore = 0;
            for (AssignResponse a : acknowledged.values()) {
                highestBefore = Math.max(highestBefore, sequence(a));
            }
            for (AssignResponse before : acknowledged.values()) {
                AssignResponse now = again.get(before.getRequestId());
                if (before.getRequestId().equals(lost)) {
                    assertTrue(sequence(now) > highestBefore, "a lost record's id is never handed out again: " + now);
                    continue;
                }
                assertEquals(before.getAssignmentId(), now.getAssignmentId(), before.getRequestId());
                assertEquals(before.getAssigneeId(), now.getAssigneeId(), before.getRequestId());
            }
            return again;
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    static long sequence(AssignResponse a) {
        return Long.parseLong(a.getAssignmentId().substring("asg-".length()));
    }

    /** Flips a payload byte of the {@code k}-th record of {@code segment}; returns the record's offset. */
    static int flip(Path segment, int k) throws IOException {
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ch.map(FileChannel.MapMode.READ_WRITE, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
            int pos = 0;
            for (int i = 0; i < k; i++) {
                pos += (b.getInt(pos) + 7) & -8;
            }
            b.put(pos + 40, (byte) (b.get(pos + 40) ^ 0x01));
            return pos;
        }
    }

    /** The request id of the record at {@code offset} of {@code segment}, as the audit export reads it. */
    static String requestIdAt(Path dataDir, long sequence) throws Exception {
        for (AssignResponse a : acknowledged.values()) {
            if (sequence(a) == sequence) {
                return a.getRequestId();
            }
        }
        return null;
    }

    static int run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dchronicle.analytics.disable=true",
                "-jar",
                System.getProperty("leadmatch.server.jar")));
        Collections.addAll(cmd, args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        lastOutput = out;
        return p.exitValue();
    }

    static String lastOutput;

    @Test
    void aFlippedByteInTheActiveSegmentIsRefusedThenVerifiedAndSalvagedWithOneRecordLost() throws Exception {
        Path d = copy();
        Path active = segments(d).get(segments(d).size() - 1);
        long first = Long.parseLong(active.getFileName().toString().replace(".journal", ""));
        int offset = flip(active, 100);
        String out = refused(d);
        assertTrue(
                out.contains("journal segment " + active + ": the record at offset " + offset + " (sequence "
                                + (first + 100) + ") fails its check, and ")
                        && out.contains("readable record(s) follow it in this segment: the journal is damaged"),
                out);

        assertEquals(1, run("journal", "verify", "--data-dir", d.toString()), lastOutput);
        assertTrue(lastOutput.contains("DAMAGED: journal segment " + active), lastOutput);
        Path salvaged = d.resolve("salvaged");
        assertEquals(
                0, run("journal", "salvage", "--data-dir", d.toString(), "--out", salvaged.toString()), lastOutput);
        assertTrue(lastOutput.contains("missing sequences " + (first + 100) + "-" + (first + 100)), lastOutput);
        Files.move(journal(d), d.resolve("journal.damaged"));
        Files.move(salvaged, journal(d));
        assertEquals(0, run("journal", "verify", "--data-dir", d.toString()), lastOutput);
        recovered(d, requestIdAt(d, first + 100));
    }

    @Test
    void aFlippedByteInAnOlderSegmentIsRefused() throws Exception {
        Path d = copy();
        Path older = segments(d).get(0);
        int offset = flip(older, 7);
        String out = refused(d);
        assertTrue(
                out.contains("journal segment " + older + ": the record at offset " + offset + " (sequence 8) fails its"
                                + " check, and ")
                        && out.contains("in the " + (segments(d).size() - 1) + " later segment(s)"),
                out);
    }

    @Test
    void aMissingFirstSegmentIsRefused() throws Exception {
        Path d = copy();
        List<Path> s = segments(d);
        Files.delete(s.get(0));
        assertTrue(
                refused(d)
                        .contains("journal segment " + s.get(1).getFileName() + " is the first one but starts at"
                                + " sequence "),
                "no checkpoint covers what the first segment held");
    }

    @Test
    void aMissingMiddleSegmentIsRefused() throws Exception {
        Path d = copy();
        List<Path> s = segments(d);
        Files.delete(s.get(1));
        String out = refused(d);
        assertTrue(
                out.contains("journal segment " + s.get(0).getFileName() + " ends before sequence ")
                        && out.contains("a segment is missing"),
                out);
    }

    @Test
    void aMissingLastSegmentIsRefused() throws Exception {
        Path d = copy();
        List<Path> s = segments(d);
        Files.delete(s.get(s.size() - 1));
        String out = refused(d);
        assertTrue(
                out.contains("journal segment " + s.get(s.size() - 2).getFileName() + " is sealed")
                        && out.contains(
                                "the next segment, " + s.get(s.size() - 1).getFileName() + ", is missing"),
                out);
    }

    @Test
    void aTornTailIsCutAndNothingAcknowledgedIsLost() throws Exception {
        Path d = copy();
        Path last = segments(d).get(segments(d).size() - 1);
        try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
            ByteBuffer torn = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            torn.putInt(0, 90).putInt(4, 0x5eed).putLong(8, Long.MAX_VALUE / 2).put(20, (byte) 7);
            ch.write(torn, ch.size()); // a record whose header made it to disk and whose body did not
        }
        Map<String, AssignResponse> again = recovered(d, null);
        assertEquals(LEADS, again.size());
    }

    @Test
    void aFullDiskAnswersUnavailableAndNotServingUntilSpaceIsFreed() throws Exception {
        Path d = data.resolve("tiny");
        Path journal = Files.createDirectories(journal(d));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", journal.toString())
                .redirectErrorStream(true)
                .start();
        String mounted = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(
                mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0,
                "mounting a tmpfs is not permitted here (needs root): " + mounted.strip());
        Process p = null;
        try {
            Path ballast = journal.resolve("ballast");
            Files.write(ballast, new byte[5 << 20]);
            List<String> log = new CopyOnWriteArrayList<>();
            p = start(d);
            int port = ServerProcessIT.listeningPort(p, log);
            ManagedChannel ch = channel(port);
            Map<String, AssignResponse> acked = new ConcurrentHashMap<>();
            try {
                Status failed = null;
                int from = 0;
                while (failed == null && from < 400_000) {
                    failed = stream(ch, from, from + 20_000, acked, null);
                    from += 20_000;
                }
                assertNotNull(failed, "a full journal file system must stop acknowledgements");
                assertEquals(Status.Code.UNAVAILABLE, failed.getCode(), failed.toString());
                // the reply says what to do and nothing of the server's files; the log says why (no space left)
                assertEquals(StatusMapping.STORAGE, failed.getDescription());
                assertTrue(
                        log.stream().anyMatch(l -> l.contains("No space left on device")),
                        "the server log says why the journal stopped");
                var health = HealthGrpc.newBlockingStub(ch);
                awaitHealth(health, HealthCheckResponse.ServingStatus.NOT_SERVING);
                Files.delete(ballast);
                awaitHealth(health, HealthCheckResponse.ServingStatus.SERVING);
                assertNull(stream(ch, from, from + 500, acked, null), "acknowledgements resume");
                synchronized (log) {
                    long reasons = log.stream()
                            .filter(l -> l.contains("assignments are refused until it can"))
                            .count();
                    assertEquals(1, reasons, "the reason is logged once, not per call: " + log);
                }
            } finally {
                ch.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            // Every acknowledged answer survives the kill.
            p = start(d);
            int port2 = ServerProcessIT.listeningPort(p, log);
            ManagedChannel ch2 = channel(port2);
            try {
                Map<String, AssignResponse> again = new ConcurrentHashMap<>();
                List<MatchRequest> retry = new ArrayList<>();
                CountDownLatch done = new CountDownLatch(1);
                StreamObserver<MatchRequest> req = LeadMatchGrpc.newStub(ch2)
                        .matchAndAssignStream(new StreamObserver<>() {
                            @Override
                            public void onNext(AssignResponse r) {
                                again.put(r.getRequestId(), r);
                            }

                            @Override
                            public void onError(Throwable t) {
                                done.countDown();
                            }

                            @Override
                            public void onCompleted() {
                                done.countDown();
                            }
                        });
                for (String id : acked.keySet()) {
                    req.onNext(lead(Integer.parseInt(id.substring("crash-".length()))));
                }
                req.onCompleted();
                assertTrue(done.await(300, TimeUnit.SECONDS));
                for (AssignResponse before : acked.values()) {
                    AssignResponse now = again.get(before.getRequestId());
                    assertEquals(before.getAssignmentId(), now.getAssignmentId(), before.getRequestId());
                    assertEquals(before.getAssigneeId(), now.getAssigneeId(), before.getRequestId());
                }
                assertTrue(retry.isEmpty());
            } finally {
                ch2.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        } finally {
            if (p != null) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
            new ProcessBuilder("umount", "-l", journal.toString()).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    static void awaitHealth(HealthGrpc.HealthBlockingStub health, HealthCheckResponse.ServingStatus want)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        HealthCheckResponse.ServingStatus now;
        while ((now = health.withDeadlineAfter(10, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.newBuilder()
                                .setService(LeadMatchGrpc.SERVICE_NAME)
                                .build())
                        .getStatus())
                != want) {
            assertTrue(System.nanoTime() < deadline, "health stays " + now + ", expected " + want);
            Thread.sleep(100);
        }
    }
}
