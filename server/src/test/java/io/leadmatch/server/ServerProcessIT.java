package io.leadmatch.server;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.leadmatch.proto.v1.AssignResponse;
import io.leadmatch.proto.v1.LeadMatchGrpc;
import io.leadmatch.proto.v1.MatchRequest;
import io.leadmatch.proto.v1.Outcome;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: the packaged server jar as a real process on a free port, called over the network, stopped with
 * SIGTERM; and start-up errors as an operator sees them.
 */
class ServerProcessIT {
    private static final Pattern LISTENING = Pattern.compile("listening on [^:]+:(\\d+)");

    @TempDir
    Path data;

    static Process start(Path snapshot, Path data, String... extra) throws IOException {
        return start(0, snapshot, data, extra);
    }

    static Process start(int port, Path snapshot, Path data, String... extra) throws IOException {
        return new ProcessBuilder(command(port, snapshot, data, extra))
                .redirectErrorStream(true)
                .start();
    }

    /** The command line of {@link #start}. */
    static List<String> command(int port, Path snapshot, Path data, String... extra) {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-Dchronicle.analytics.disable=true"));
        String flags = System.getProperty("leadmatch.jvm.flags", "").trim();
        if (!flags.isEmpty()) {
            Collections.addAll(cmd, flags.split("\\s+"));
        }
        Collections.addAll(
                cmd,
                "-jar",
                System.getProperty("leadmatch.server.jar"),
                "serve",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--admin-port",
                "0",
                "--snapshot",
                snapshot.toString(),
                "--data-dir",
                data.toString());
        Collections.addAll(cmd, extra);
        return cmd;
    }

    static Path demo() {
        return Path.of(System.getProperty("leadmatch.demo.dir", "../examples/demo"));
    }

    /**
     * {@link #follow}, waiting up to 60 s for the port; a server that does not listen by then is killed and fails the
     * test with its output and its threads' stacks (a {@code SIGQUIT} dump first), so a hang says where it hangs.
     */
    static int listeningPort(Process p, List<String> log) throws Exception {
        CompletableFuture<Integer> port = follow(p, log);
        try {
            return port.get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            try {
                new ProcessBuilder("kill", "-QUIT", Long.toString(p.pid()))
                        .start()
                        .waitFor(10, TimeUnit.SECONDS);
                Thread.sleep(2_000); // the dump goes to the server's output, which follow collects
            } catch (IOException noKill) {
                e.addSuppressed(noKill);
            }
            p.destroyForcibly();
            synchronized (log) {
                throw new AssertionError(
                        "server did not listen within 60 s; its output:\n" + String.join("\n", log), e);
            }
        }
    }

    /** Collects the process's output into {@code log}; completes with the port once it listens. */
    static CompletableFuture<Integer> follow(Process p, List<String> log) {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    log.add(line);
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
            port.completeExceptionally(new IllegalStateException("server exited: " + log));
        });
        reader.setDaemon(true);
        reader.start();
        return port;
    }

    @Test
    void servesOverTheNetworkAndStopsCleanlyOnSigterm() throws Exception {
        Process p = start(demo(), data);
        List<String> log = new CopyOnWriteArrayList<>();
        try {
            int serverPort = listeningPort(p, log);
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", serverPort)
                    .usePlaintext()
                    .build();
            try {
                AssignResponse r = LeadMatchGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .matchAndAssign(MatchRequest.newBuilder()
                                .setRequestId("e2e-1")
                                .setEmail("jane@WWW.example-corp.com")
                                .build());
                assertEquals(Outcome.MATCHED, r.getMatch().getOutcome());
                assertEquals("0015g00000A0001AAA", r.getMatch().getAccountId());
                assertEquals("0055g00000USR01AAA", r.getAssigneeId());
                assertEquals("e2e-1", r.getRequestId());
            } finally {
                channel.shutdownNow();
            }
            assertTrue(log.stream().anyMatch(l -> l.contains("accounts") && l.contains("domains")), log.toString());
        } finally {
            p.destroy(); // SIGTERM
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "server did not stop on SIGTERM");
        assertEquals(0, p.exitValue(), "drained shutdown exits 0: " + log);
    }

    /**
     * A request id answered before a SIGKILL is still checked against its lead after the restart (the fingerprint
     * is replayed from the journal): the same lead gets the same assignment, another lead is refused naming it.
     */
    @Test
    void aRequestIdReusedForAnotherLeadIsRefusedAfterASigkill() throws Exception {
        MatchRequest original = MatchRequest.newBuilder()
                .setRequestId("reuse-1")
                .setEmail("jane@example-corp.com")
                .build();
        String assignmentId;
        Process first = start(demo(), data);
        List<String> log = new CopyOnWriteArrayList<>();
        try {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", listeningPort(first, log))
                    .usePlaintext()
                    .build();
            try {
                assignmentId = LeadMatchGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .matchAndAssign(original)
                        .getAssignmentId();
            } finally {
                channel.shutdownNow();
            }
        } finally {
            first.destroyForcibly(); // SIGKILL: no checkpoint, the journal is replayed
            first.waitFor(30, TimeUnit.SECONDS);
        }
        Process second = start(demo(), data);
        List<String> log2 = new CopyOnWriteArrayList<>();
        try {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", listeningPort(second, log2))
                    .usePlaintext()
                    .build();
            try {
                var stub = LeadMatchGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
                assertEquals(assignmentId, stub.matchAndAssign(original).getAssignmentId());
                StatusRuntimeException e = Assertions.assertThrows(
                        StatusRuntimeException.class,
                        () -> stub.matchAndAssign(original.toBuilder()
                                .setEmail("bob@fabrikam.com")
                                .build()));
                assertEquals(Status.Code.ALREADY_EXISTS, e.getStatus().getCode());
                assertTrue(
                        e.getStatus().getDescription().contains(assignmentId),
                        e.getStatus().getDescription());
            } finally {
                channel.shutdownNow();
            }
        } finally {
            second.destroy();
            second.waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void sighupReloadsTheSnapshotAndAFailedReloadKeepsServing() throws Exception {
        Path snap = copyOfDemo();
        Process p = start(snap, data);
        List<String> log = new CopyOnWriteArrayList<>();
        try {
            int serverPort = listeningPort(p, log);
            assumeFalse(
                    log.stream().anyMatch(l -> l.contains(SighupReload.IGNORED)),
                    "this build runs with SIGHUP ignored (under nohup?), which its servers inherit");
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", serverPort)
                    .usePlaintext()
                    .build();
            try {
                assertEquals("0055g00000USR01AAA", exampleCorpAssignee(channel));
                Path accounts = snap.resolve("Account.csv");
                Files.writeString(
                        accounts,
                        Files.readString(accounts)
                                .replace(
                                        "\"0015g00000A0001AAA\",\"Example Corp\",\"https://www.example-corp.com/\",\"0055g00000USR01AAA\"",
                                        "\"0015g00000A0001AAA\",\"Example Corp\",\"https://www.example-corp.com/\",\"0055g00000USR02AAA\""));
                sighup(p);
                awaitLog(log, "SIGHUP: now serving generation 2");
                assertEquals("0055g00000USR02AAA", exampleCorpAssignee(channel), "the reload re-read Account.csv");

                Files.writeString(
                        snap.resolve("routing.yaml"),
                        "version: 1\ndefault_team: a\nteams:\n  - id: a\n"
                                + "    members:\n      - user_id: 0055g00000USR01AAA\n        wieght: 2\n");
                sighup(p);
                String failed = awaitLog(log, "SIGHUP: snapshot not loaded, still serving generation 2");
                assertTrue(failed.contains("routing.yaml:7"), failed);
                assertEquals("0055g00000USR02AAA", exampleCorpAssignee(channel), "still serving generation 2");
                assertTrue(p.isAlive());
            } finally {
                channel.shutdownNow();
            }
        } finally {
            p.destroy(); // SIGTERM
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "server did not stop on SIGTERM");
        assertEquals(0, p.exitValue(), "drained shutdown exits 0: " + log);
    }

    /** Under nohup the server cannot reload on SIGHUP, and says so instead of claiming it does. */
    @Test
    void underNohupTheServerSaysSighupCannotReload() throws Exception {
        Path nohup = Path.of("/usr/bin/nohup");
        assumeTrue(Files.isExecutable(nohup), "no " + nohup + " here");
        List<String> cmd = new ArrayList<>(List.of(nohup.toString()));
        cmd.addAll(command(0, demo(), data));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> log = new CopyOnWriteArrayList<>();
        try {
            listeningPort(p, log);
            assertTrue(log.stream().anyMatch(l -> l.contains(SighupReload.IGNORED)), log.toString());
            assertTrue(log.stream().noneMatch(l -> l.contains("SIGHUP reloads the snapshot")), log.toString());
            sighup(p);
            Thread.sleep(500);
            assertTrue(p.isAlive(), "an ignored SIGHUP neither reloads nor stops the server: " + log);
            assertTrue(log.stream().noneMatch(l -> l.contains("SIGHUP: reloading")), log.toString());
        } finally {
            p.destroy(); // SIGTERM
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "server did not stop on SIGTERM");
    }

    private Path copyOfDemo() throws IOException {
        Path snap = Files.createDirectories(data.resolve("snap"));
        try (var files = Files.list(demo())) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, snap.resolve(f.getFileName().toString()));
            }
        }
        return snap;
    }

    private static String exampleCorpAssignee(ManagedChannel channel) {
        return LeadMatchGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .matchAndAssign(MatchRequest.newBuilder()
                        .setEmail("jane@example-corp.com")
                        .build())
                .getAssigneeId();
    }

    private static void sighup(Process p) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(p.pid()))
                .inheritIO()
                .start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, kill.exitValue(), "kill -HUP failed");
    }

    /** The first log line containing {@code text}, waiting up to 60 s for it. */
    private static String awaitLog(List<String> log, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            synchronized (log) {
                for (String line : log) {
                    if (line.contains(text)) {
                        return line;
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no log line with '" + text + "' in " + log);
    }

    @Test
    void skippedRowsAboveTheThresholdStopStartUp() throws Exception {
        Path snap = copyOfDemo();
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            rows.append("\"\",\"No Id\",\"noid-")
                    .append(i)
                    .append(".com\",\"0055g00000USR01AAA\",\"\",\"\",\"\",\"\",\"\"\n");
        }
        Files.writeString(snap.resolve("Account.csv"), rows, StandardOpenOption.APPEND);
        Process p = start(snap, data, "--max-skipped-ratio", "0.02");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), out);
        assertTrue(
                out.contains("40 of 573 rows skipped (7.0%), above the threshold 2.0%; first problems: ")
                        && out.contains("missing account Id"),
                out);
    }

    /** The port binds while the snapshot loads; one already taken stops start-up with exit code 2 and a message. */
    @Test
    void aPortInUseFailsWithAClearMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Process p = start(taken.getLocalPort(), demo(), data);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(2, p.exitValue(), out);
            assertTrue(out.contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), out);
        }
    }

    @Test
    void missingSnapshotFailsWithAClearMessage() throws Exception {
        Process p = start(data.resolve("no-such-dir"), data);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertNotEquals(0, p.exitValue());
        assertTrue(out.contains("no-such-dir") && out.contains("does not exist"), out);
    }

    @Test
    void badRoutingYamlNamesFileAndLine() throws Exception {
        Path snap = copyOfDemo();
        Files.writeString(
                snap.resolve("routing.yaml"),
                "version: 1\ndefault_team: a\nteams:\n  - id: a\n"
                        + "    members:\n      - user_id: 0055g00000USR01AAA\n        wieght: 2\n");
        Process p = start(snap, data);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertNotEquals(0, p.exitValue());
        assertTrue(out.contains("routing.yaml:7") && out.contains("wieght"), out);
    }
}
