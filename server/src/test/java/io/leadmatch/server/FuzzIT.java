package io.leadmatch.server;

import static org.junit.jupiter.api.Assertions.*;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.leadmatch.proto.v1.LeadMatchGrpc;
import io.leadmatch.proto.v1.MatchRequest;
import io.leadmatch.proto.v1.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server process under {@link RequestFuzzer}: it stays up, every reply is well formed, a good request
 * still gets its answer afterwards, and its resident memory stays bounded (sampled from {@code /proc/<pid>/status}
 * every 250 ms; the server runs with a fixed, pre-touched heap so growth would show as an {@code OutOfMemoryError}
 * or as RSS climbing past heap and off-heap). The suite sends 20,000 requests; {@code scripts/fuzz.sh} sends 10^6
 * ({@code -Dleadmatch.fuzz.requests}) and writes the result where {@code -Dleadmatch.fuzz.result} says.
 */
class FuzzIT {
    @TempDir
    Path tmp;

    // The whole heap resident from the start (pre-touched): RSS growth is then growth beyond the heap, not the
    // collector reaching heap regions it had not used yet (humongous 4 MiB messages land in fresh ones).
    private static final List<String> HEAP = List.of("-Xms384m", "-Xmx384m", "-XX:+AlwaysPreTouch");

    @Test
    void malformedRequestsOverTheNetworkGetWellFormedRepliesAndTheServerStaysUp() throws Exception {
        long n = Long.getLong("leadmatch.fuzz.requests", 20_000);
        long seed = Long.getLong("leadmatch.fuzz.seed", 20_261_207);
        List<String> cmd = ServerProcessIT.command(0, ServerProcessIT.demo(), tmp.resolve("data"));
        cmd.addAll(1, HEAP);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        LogTail log = new LogTail();
        List<long[]> rss = Collections.synchronizedList(new ArrayList<>()); // {requests sent, RSS kB}
        AtomicBoolean stop = new AtomicBoolean();
        long started = System.nanoTime();
        RequestFuzzer fuzzer;
        long elapsedMillis;
        try {
            int port = ServerProcessIT.listeningPort(p, log);
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port)
                    .usePlaintext()
                    .maxInboundMessageSize(8 << 20)
                    .build();
            ManagedChannel hugeChannel = NettyChannelBuilder.forAddress("127.0.0.1", port)
                    .usePlaintext()
                    .build();
            fuzzer = new RequestFuzzer(channel, hugeChannel, port);
            RequestFuzzer f = fuzzer;
            Thread sampler = new Thread(() -> {
                while (!stop.get()) {
                    long kb = rssKb(p.pid());
                    if (kb > 0) {
                        rss.add(new long[] {f.requests(), kb});
                    }
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.setDaemon(true);
            sampler.start();
            try {
                fuzzer.run(n, seed);
                elapsedMillis = (System.nanoTime() - started) / 1_000_000;
                assertTrue(p.isAlive(), "the server died: " + tail(log));
                var r = LeadMatchGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(30, TimeUnit.SECONDS)
                        .matchAndAssign(MatchRequest.newBuilder()
                                .setRequestId("after-fuzz")
                                .setEmail("jane@example-corp.com")
                                .build());
                // The admin methods were fuzzed too (the loopback admin listener needs no token by default), so a
                // mutated but valid DeleteAccounts may have removed example-corp.com's account on the way: matched
                // or provisional, the answer must be whole.
                assertEquals("after-fuzz", r.getRequestId());
                assertTrue(
                        Set.of(Outcome.MATCHED, Outcome.NEW_ACCOUNT, Outcome.PROVISIONAL)
                                .contains(r.getMatch().getOutcome()),
                        r.toString());
                assertFalse(r.getMatch().getAccountId().isEmpty(), r.toString());
                assertFalse(r.getAssigneeId().isEmpty(), r.toString());
                assertTrue(r.getAssignmentId().startsWith("asg-"), r.toString());
            } finally {
                stop.set(true);
                sampler.join(5_000);
                channel.shutdownNow();
                hugeChannel.shutdownNow();
            }
        } finally {
            p.destroy();
            p.waitFor(60, TimeUnit.SECONDS);
        }
        Map<String, String> tally = fuzzer.tally();
        long peakKb = rss.stream().mapToLong(s -> s[1]).max().orElse(0);
        long firstHalfPeak = rss.stream()
                .filter(s -> s[0] <= n / 2)
                .mapToLong(s -> s[1])
                .max()
                .orElse(0);
        long secondHalfPeak = rss.stream()
                .filter(s -> s[0] > n / 2)
                .mapToLong(s -> s[1])
                .max()
                .orElse(0);
        String summary = summary(seed, elapsedMillis, fuzzer, tally, firstHalfPeak, secondHalfPeak, log.bytes());
        System.out.println(summary);
        String result = System.getProperty("leadmatch.fuzz.result");
        if (result != null && !result.isBlank()) {
            Files.writeString(Path.of(result), summary + "\nrss samples (requests sent, kB):\n" + samples(rss));
        }
        assertEquals(0, fuzzer.findings(), summary);
        assertFalse(log.outOfMemory(), "the server ran out of memory: " + tail(log));
        // Bounded: past the first half nothing may grow much beyond what the first half reached.
        assertTrue(
                secondHalfPeak <= firstHalfPeak + Math.max(64 * 1024, firstHalfPeak / 5),
                "RSS grew from " + firstHalfPeak + " kB (first half) to " + secondHalfPeak + " kB\n" + summary);
        assertTrue(peakKb < 1024 * 1024, "RSS peaked at " + peakKb + " kB with a 384 MB heap\n" + summary);
    }

    private static String summary(
            long seed,
            long millis,
            RequestFuzzer f,
            Map<String, String> tally,
            long firstHalfPeak,
            long secondHalfPeak,
            long logBytes) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "fuzz: %,d requests (seed %d) in %.1f s (%,.0f/s), %d findings; server RSS peak %,d kB in the first half,"
                        + " %,d kB in the second (heap %s); server log %,d bytes%n",
                f.requests(),
                seed,
                millis / 1000.0,
                f.requests() * 1000.0 / Math.max(1, millis),
                f.findings(),
                firstHalfPeak,
                secondHalfPeak,
                String.join(" ", HEAP),
                logBytes));
        tally.forEach((k, v) -> sb.append("  ").append(k).append(": ").append(v).append('\n'));
        return sb.toString();
    }

    private static String samples(List<long[]> rss) {
        StringBuilder sb = new StringBuilder();
        synchronized (rss) {
            for (long[] s : rss) {
                sb.append(s[0]).append(' ').append(s[1]).append('\n');
            }
        }
        return sb.toString();
    }

    private static long rssKb(long pid) {
        try {
            for (String line :
                    Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended
        }
        return 0;
    }

    /**
     * The server's output as {@link ServerProcessIT#listeningPort} collects it, but only the last lines are kept
     * and every byte is counted: a flood of log lines must not fill the test's own heap.
     */
    static final class LogTail extends AbstractList<String> {
        private final ArrayDeque<String> last = new ArrayDeque<>();
        private long bytes;
        private boolean outOfMemory;

        @Override
        public synchronized boolean add(String line) {
            bytes += line.length() + 1;
            outOfMemory |= line.contains("OutOfMemoryError");
            if (last.size() == 200) {
                last.removeFirst();
            }
            return last.add(line);
        }

        @Override
        public synchronized String get(int i) {
            return new ArrayList<>(last).get(i);
        }

        @Override
        public synchronized int size() {
            return last.size();
        }

        synchronized long bytes() {
            return bytes;
        }

        synchronized boolean outOfMemory() {
            return outOfMemory;
        }
    }

    private static String tail(List<String> log) {
        synchronized (log) {
            return String.join("\n", log.subList(Math.max(0, log.size() - 40), log.size()));
        }
    }
}
