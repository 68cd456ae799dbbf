package io.leadmatch.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The performance table from a fixture results file in the suite's layout (JMH's own JSON for the in-process part,
 * the load generator's and the import's JSON for the rest): figures, baselines, ratios, targets, verdicts.
 */
class ReadmeTableTest {
    private static JsonObject fixture() throws IOException {
        try (InputStream in = ReadmeTableTest.class.getResourceAsStream("results-fixture.json")) {
            return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .getAsJsonObject();
        }
    }

    private static String render(JsonObject results) {
        return ReadmeTable.render(results, "20261123T150000Z.json");
    }

    @Test
    void namesTheRunTheMachineAndTheCommand() throws IOException {
        String md = render(fixture());
        assertTrue(
                md.startsWith("Generated from `bench/results/20261123T150000Z.json`, written by"
                        + " `./leadmatch bench` at 20261123T150000Z in 590 s."),
                md);
        assertTrue(
                md.contains(
                        "Machine: AMD EPYC 7B13, 2 cores, 24 GiB; openjdk version \"17.0.15\" 2025-04-15;"
                                + " Linux 6.8.0 x86_64. Load average (1/5/15 min) at start 0.33 1.64 2.27, at end 1.95 1.80 2.10."),
                md);
        assertTrue(md.contains("Run it: `./leadmatch bench`"), md);
        assertFalse(md.contains("--quick"), "a full run is not flagged as quick");
    }

    @Test
    void unaryLatencyAgainstTheFloorAndTheBuilderEchoWithItsTargets() throws IOException {
        String md = render(fixture());
        assertTrue(
                md.contains("| Unary `MatchAndAssign`, 16 in flight (closed loop), p50 | 2,019 µs | 1,326 µs | 1.52×"
                        + " | 1,658 µs | 1.22× | ≤ 1.3× floor | no |"),
                md);
        assertTrue(
                md.contains("| Unary `MatchAndAssign`, 16 in flight (closed loop), p99 | 5,513 µs | 7,102 µs | 0.78×"),
                md);
        assertTrue(
                md.contains("| Unary `MatchAndAssign`, 1 in flight (closed loop), p50 | 260 µs | 200 µs | 1.30×"
                        + " | 220 µs | 1.18× | ≤ 1.3× floor | **yes** |"),
                md);
        assertTrue(
                md.contains("| Unary `MatchAndAssign`, 1 in flight (closed loop), p99 | 480 µs | 340 µs | 1.41×"), md);
        assertTrue(md.contains("| Unary `MatchAndAssign`, 1 in flight (closed loop), max | 4,000 µs | 3,000 µs"), md);
    }

    @Test
    void streamingThroughputTargetIsARatioOfAtLeastPointEightToTheFloor() throws IOException {
        JsonObject results = fixture();
        assertTrue(render(results)
                .contains("| `MatchAndAssignStream`, 2 streams × 16 in flight, messages/s | 19,306/s"
                        + " | 34,603/s | 0.56× | 28,836/s | 0.67× | ≥ 0.8× floor | no |"));
        results.getAsJsonObject("load_stream").getAsJsonObject("echo").addProperty("throughput_per_s", 24_000.0);
        assertTrue(render(results).contains("| 24,000/s | 0.80× | 28,836/s | 0.67× | ≥ 0.8× floor | **yes** |"));
    }

    @Test
    void failedCallsAreShownBesideTheFigure() throws IOException {
        JsonObject results = fixture();
        results.getAsJsonObject("load_unary_16").getAsJsonObject("leadmatch").addProperty("errors", 3);
        assertTrue(render(results).contains("| 2,019 µs, 3 errors | 1,326 µs |"), render(results));
    }

    @Test
    void startUpAndTheFirstCallsAreJudgedTogether() throws IOException {
        JsonObject results = fixture();
        String md = render(results);
        assertTrue(
                md.contains("| Cold load 1M accounts: JVM start to ready (warm-up included) | 4.70 s (warm-up 0.30 s)"
                        + " | — | — | — | — | ≤ 5 s | **yes** |"),
                md);
        assertTrue(
                md.contains("| Restart, unchanged snapshot, 1M accounts: JVM start to ready (warm-up included)"
                        + " | 1.20 s (warm-up 0.35 s) | — | — | — | — | ≤ 1 s | no |"),
                md);
        assertTrue(
                md.contains("| First 10,000 calls after ready, p99 (unary, 50/s open loop); ratio to the same 301 s"
                        + " after ready | 620 µs (later: 500 µs) | — | 1.24× | — | — | ≤ 1.5× later | **yes** |"),
                md);
        assertTrue(md.contains("p99 per block of 1,000 calls, first: 900 600 580"), md);
        String summary = ReadmeTable.summary(results);
        assertTrue(summary.contains("NOT MET  Restart, unchanged snapshot"), summary);
        assertTrue(summary.contains("met      First 10,000 calls after ready, p99"), summary);
        assertFalse(summary.contains("p99.9"), "rows without a target are not in the summary: " + summary);
    }

    @Test
    void inProcessRowsComeFromJmhWithTheirBaselines() throws IOException {
        String md = render(fixture());
        assertTrue(
                md.contains("| In-process match+assign, p50 (`MatchBenchmark.matchAndAssign`, demo snapshot)"
                        + " | 850 ns p50, 168 B/op | — | — | — | — | ≤ 1 µs p50 and 0 B/op | no |"),
                md);
        assertTrue(
                md.contains("| Match, 1M accounts (`engineMatch`) vs bare Chronicle Map `getUsing` | 897 ns, 0 B/op"
                        + " | 753 ns, 0 B/op | 1.19× |"),
                md);
        assertTrue(
                md.contains("| Match, 10k accounts (`engineMatch`) vs on-heap fastutil map | 767 ns, 0 B/op"
                        + " | 9.0 ns, 0 B/op | 85.22× |"),
                md);
        assertTrue(
                md.contains("| Normalize the whole email, 1M inputs, vs Guava `topPrivateDomain` of the bare host"
                        + " | 144 ns, 0 B/op | 2,455 ns, 500 B/op | 0.06× |"),
                md);
    }

    @Test
    void allocationFreeAndFastMatchAndAssignMeetsItsTarget() throws IOException {
        JsonObject results = fixture();
        for (JsonElement e : results.getAsJsonArray("jmh")) {
            JsonObject b = e.getAsJsonObject();
            if (b.get("benchmark").getAsString().endsWith("matchAndAssign")) {
                b.getAsJsonObject("primaryMetric")
                        .getAsJsonObject("scorePercentiles")
                        .addProperty("50.0", 640.0);
                // Older JMH names the metric with a leading middle dot.
                JsonObject secondary = b.getAsJsonObject("secondaryMetrics");
                JsonObject norm = secondary.remove("gc.alloc.rate.norm").getAsJsonObject();
                norm.addProperty("score", 0.0003);
                secondary.add("·gc.alloc.rate.norm", norm);
            }
        }
        assertTrue(
                render(results).contains("| 640 ns p50, 0 B/op | — | — | — | — | ≤ 1 µs p50 and 0 B/op | **yes** |"),
                render(results));
    }

    @Test
    void projectedImportAgainstTenSeconds() throws IOException {
        String md = render(fixture());
        assertTrue(
                md.contains("| Import 1M rows through one `MatchAndAssignStream` (real server process)"
                        + " | 40.0 s projected (25,000 rows/s over 100,000 rows) | — | — | — | — | < 10 s | no |"),
                md);
    }

    @Test
    void aQuickRunIsFlaggedAndWhatItDidNotMeasureIsLeftOut() throws IOException {
        JsonObject results = fixture();
        results.addProperty("quick", true);
        results.addProperty("command", "./leadmatch bench --quick");
        JsonArray tenK = new JsonArray();
        for (JsonElement e : results.getAsJsonArray("jmh")) {
            JsonObject params = e.getAsJsonObject().getAsJsonObject("params");
            if (params == null || params.get("size").getAsString().equals("10000")) {
                tenK.add(e);
            }
        }
        results.add("jmh", tenK);
        results.remove("first_calls");
        results.remove("startup");
        String md = render(results);
        assertTrue(md.contains("**A `--quick` run**"), md);
        assertTrue(md.contains("written by `./leadmatch bench --quick`"), md);
        assertFalse(md.contains("1M accounts"), md);
        assertFalse(md.contains("open loop"), md);
        assertTrue(md.contains("10k accounts"), md);
    }

    @Test
    void spliceReplacesOnlyTheMarkedSectionAndIsRepeatable() throws IOException {
        String readme = "# leadmatch\n\n## Performance\n\n" + ReadmeTable.BEGIN + "\nold table\n" + ReadmeTable.END
                + "\n\n## Development\n";
        String table = render(fixture());
        String once = ReadmeTable.splice(readme, table);
        assertTrue(once.startsWith("# leadmatch\n\n## Performance\n\n" + ReadmeTable.BEGIN + "\nGenerated from"));
        assertTrue(once.endsWith("rewrites this table).\n" + ReadmeTable.END + "\n\n## Development\n"), once);
        assertFalse(once.contains("old table"));
        assertEquals(once, ReadmeTable.splice(once, table));
        assertThrows(IllegalArgumentException.class, () -> ReadmeTable.splice("# no markers\n", table));
        assertThrows(
                IllegalArgumentException.class,
                () -> ReadmeTable.splice(ReadmeTable.END + "\n" + ReadmeTable.BEGIN, table));
    }
}
