package io.leadmatch.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leadmatch.bench.data.DataGenerator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end in {@code --self} mode on a small generated snapshot: the loops run, stop by themselves, see no
 * errors, and both echo baselines (the bare floor and the echo on leadmatch's builder) and the ratios are reported.
 * Not a speed assertion.
 */
class LoadGeneratorTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void generate() {
        DataGenerator.main(
                new String[] {"--out", dir.toString(), "--accounts", "2000", "--leads", "3000", "--threads", "2"});
    }

    @Test
    void closedLoopUnaryMeasuresLeadmatchAndTheEcho() throws Exception {
        Path json = dir.resolve("unary.json");
        Comparison c = run(json, "--mode", "closed", "--rpc", "unary", "--channels", "2", "--outstanding", "4");
        assertSane(c);
        String written = Files.readString(json);
        assertTrue(written.contains("\"echo\": {\"calls\": ") && written.contains("\"ratio\": {"), written);
    }

    @Test
    void streamingMeasuresLeadmatchAndTheEcho() throws Exception {
        assertSane(run(null, "--mode", "closed", "--rpc", "stream", "--channels", "2", "--outstanding", "8"));
    }

    @Test
    void openLoopRecordsFromTheIntendedStart() throws Exception {
        Comparison c = run(null, "--mode", "open", "--rpc", "unary", "--rps", "500", "--channels", "1");
        assertSane(c);
        // A fixed schedule: about rps x duration calls, not as many as the server can take.
        assertTrue(
                c.ours().calls() <= 500 + 1 && c.ours().calls() >= 400,
                "calls " + c.ours().calls());
    }

    @Test
    void openLoopStreamingSendsOnScheduleAndCountsFromTheIntendedTime() throws Exception {
        Comparison c = run(null, "--mode", "open", "--rpc", "stream", "--rps", "400", "--channels", "2");
        assertSane(c);
        assertTrue(
                c.ours().calls() <= 400 + 2 && c.ours().calls() >= 300,
                "calls " + c.ours().calls());
        assertTrue(
                c.echo().calls() <= 400 + 2 && c.echo().calls() >= 300,
                "calls " + c.echo().calls());
    }

    @Test
    void roundsAlternateWhichSideGoesFirst() throws Exception {
        Comparison c = run(
                null, "--mode", "closed", "--rpc", "unary", "--channels", "1", "--outstanding", "2", "--rounds", "3");
        assertEquals("LEBBELLEB", c.order()); // leadmatch, bare echo, echo on leadmatch's builder; reversed each round
        assertEquals(3, c.ourRounds().size());
        assertEquals(3, c.echoRounds().size());
        assertEquals(
                c.ourRounds().stream().mapToLong(RunResult::calls).sum(),
                c.ours().calls());
        assertEquals(1.0, c.ours().seconds(), 1e-6); // 3 slices of 1 s / 3, in whole nanoseconds
    }

    @Test
    void rejectsTrafficOffThisMachineAndBadCombinations() {
        assertThrows(
                IllegalArgumentException.class,
                () -> LoadOptions.parse("--target", "example.com:50051", "--leads", "x.csv"));
        assertThrows(
                IllegalArgumentException.class,
                () -> LoadOptions.parse(
                        "--self", "d", "--leads", "x.csv", "--duration-seconds", "1", "--rounds", "20"));
        assertThrows(IllegalArgumentException.class, () -> LoadOptions.parse("--leads", "x.csv"));
        LoadOptions defaults = LoadOptions.parse("--target", "localhost:50051", "--leads", "x.csv");
        assertEquals(2, defaults.channels());
        assertEquals(16, defaults.outstanding());
    }

    private static Comparison run(Path json, String... workload) throws Exception {
        String[] common = {
            "--self",
            dir.toString(),
            "--leads",
            dir.resolve("leads.csv").toString(),
            "--duration-seconds",
            "1",
            "--warmup-seconds",
            "0"
        };
        String[] args = new String[common.length + workload.length + (json == null ? 0 : 2)];
        System.arraycopy(common, 0, args, 0, common.length);
        System.arraycopy(workload, 0, args, common.length, workload.length);
        if (json != null) {
            args[args.length - 2] = "--json";
            args[args.length - 1] = json.toString();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Comparison c;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            c = LoadGenerator.run(LoadOptions.parse(args), out);
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        assertTrue(
                printed.contains("leadmatch ")
                        && printed.contains("echo ")
                        && printed.contains("echo_server_builder ")
                        && printed.contains("ratio/echo "),
                printed);
        return c;
    }

    private static void assertSane(Comparison c) {
        assertTrue(c.responseBytes() > 0);
        assertEquals(3, c.sides().size());
        for (RunResult r : c.sides().stream().map(Comparison.Side::pooled).toList()) {
            assertEquals(0, r.errors(), r.target() + " errors");
            assertTrue(r.calls() > 0 && r.throughput() > 0, r.target() + " throughput");
            assertTrue(r.micros(50) <= r.micros(99) && r.micros(99) <= r.maxMicros(), r.target() + " percentiles");
        }
        assertTrue(Double.isFinite(c.throughputRatio()) && c.throughputRatio() > 0);
        assertTrue(Double.isFinite(c.latencyRatio(50)) && c.latencyRatio(50) > 0);
    }
}
