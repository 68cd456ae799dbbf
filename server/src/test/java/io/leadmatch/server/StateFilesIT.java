package io.leadmatch.server;

import static org.junit.jupiter.api.Assertions.*;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.leadmatch.proto.v1.LeadMatchGrpc;
import io.leadmatch.proto.v1.MatchRequest;
import io.leadmatch.proto.v1.MatchResponse;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory's state files as the real server process meets them after damage: a damaged derived file (the
 * index, the tables) is rebuilt from the snapshot with a WARN naming the file and what failed, and the answers are
 * those of an undamaged start; a damaged provisional-accounts file (state no snapshot rebuilds) stops start-up with
 * exit 2, the file and the line.
 */
class StateFilesIT {
    @TempDir
    Path tmp;

    /** One Match per account website of the demo export plus free mail and a subdomain: a start's answers. */
    private static List<String> answers(int port) throws Exception {
        List<String> hosts = new ArrayList<>(List.of("gmail.com", "emea.example-corp.com", "nobody-here.io"));
        List<String> accounts = Files.readAllLines(ServerProcessIT.demo().resolve("Account.csv"));
        for (String line : accounts.subList(1, accounts.size())) {
            String[] f = line.split("\",\"");
            if (f.length > 2 && !f[2].isEmpty()) {
                hosts.add(f[2].replaceAll("^https?://", "").replaceAll("/.*$", ""));
            }
        }
        ManagedChannel channel =
                NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
            var stub = LeadMatchGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
            List<String> out = new ArrayList<>();
            for (String host : hosts) {
                MatchResponse r = stub.match(
                        MatchRequest.newBuilder().setEmail("j@" + host).build());
                out.add(host + " -> " + r.getOutcome() + " " + r.getAccountId() + " " + r.getConflictsList());
            }
            // Two leads of companies the CRM does not know yet: provisional accounts, persisted.
            for (String host : new String[] {"brand-new-startup.io", "another-newco.de"}) {
                stub.matchAndAssign(MatchRequest.newBuilder()
                        .setRequestId("prov-" + host)
                        .setEmail("ceo@" + host)
                        .build());
            }
            return out;
        } finally {
            channel.shutdownNow();
        }
    }

    /** Starts the server, collects its answers and log, stops it with SIGTERM. */
    private List<String> run(Path snap, Path data, List<String> log) throws Exception {
        Process p = ServerProcessIT.start(snap, data);
        try {
            return answers(ServerProcessIT.listeningPort(p, log));
        } finally {
            p.destroy();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "server did not stop on SIGTERM");
            assertEquals(0, p.exitValue(), String.join("\n", log));
        }
    }

    private static Path only(Path dir, String suffix) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> found = files.filter(f -> f.getFileName().toString().endsWith(suffix))
                    .toList();
            assertEquals(1, found.size(), found.toString());
            return found.get(0);
        }
    }

    private static String line(List<String> log, String text) {
        synchronized (log) {
            return log.stream().filter(l -> l.contains(text)).findFirst().orElse(null);
        }
    }

    @Test
    void damagedDerivedFilesAreRebuiltWithAWarningAndDamagedProvisionalAccountsStopStartUp() throws Exception {
        Path snap = ServerProcessIT.demo();
        Path data = tmp.resolve("data");
        List<String> first = run(snap, data, new CopyOnWriteArrayList<>());

        // 100 KB of garbage into the middle of the index file.
        Path index = only(data.resolve("index"), ".cm3");
        byte[] garbage = new byte[100 * 1024];
        new SplittableRandom(23).nextBytes(garbage);
        try (RandomAccessFile raf = new RandomAccessFile(index.toFile(), "rw")) {
            raf.seek(raf.length() / 2);
            raf.write(garbage);
        }
        List<String> log = new CopyOnWriteArrayList<>();
        assertEquals(first, run(snap, data, log));
        String warn = line(log, "is damaged");
        assertNotNull(warn, String.join("\n", log));
        assertTrue(
                warn.contains("WARN")
                        && warn.contains(index.toString())
                        && warn.contains("CRC32C")
                        && warn.contains("rebuilding it from the snapshot"),
                warn);

        // One flipped byte in the tables file.
        Path tables = only(data.resolve("index"), ".tables");
        try (RandomAccessFile raf = new RandomAccessFile(tables.toFile(), "rw")) {
            raf.seek(raf.length() / 3);
            int b = raf.read();
            raf.seek(raf.length() / 3);
            raf.write(b ^ 0x10);
        }
        log = new CopyOnWriteArrayList<>();
        assertEquals(first, run(snap, data, log));
        warn = line(log, "is damaged");
        assertNotNull(warn, String.join("\n", log));
        assertTrue(
                warn.contains("WARN")
                        && warn.contains(tables.toString())
                        && warn.contains("CRC32C")
                        && warn.contains("rebuilding it from the snapshot"),
                warn);
        assertTrue(
                log.stream().noneMatch(l -> l.contains("index file") && l.contains("damaged")),
                "the index itself was intact: " + log);

        // An intact restart reuses both files without a warning.
        log = new CopyOnWriteArrayList<>();
        assertEquals(first, run(snap, data, log));
        assertNull(line(log, "is damaged"), String.join("\n", log));
        assertNotNull(line(log, "index file reused"), String.join("\n", log));

        // The provisional-accounts file: one character of its second entry changed.
        Path provisional = data.resolve("provisional-accounts.tsv");
        List<String> lines = Files.readAllLines(provisional, StandardCharsets.UTF_8);
        assertTrue(lines.size() >= 3, lines.toString());
        lines.set(2, lines.get(2).replaceFirst("PROV-", "PROV-0"));
        Files.write(provisional, lines, StandardCharsets.UTF_8);
        Process p = ServerProcessIT.start(snap, data);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), out);
        String reason = out.lines()
                .filter(l -> l.startsWith("leadmatch: "))
                .findFirst()
                .orElseThrow(() -> new AssertionError(out));
        assertTrue(reason.contains(provisional + ":3: checksum"), reason);
    }
}
