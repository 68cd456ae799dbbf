package io.leadmatch.bench;

import java.util.Arrays;

/**
 * The assignment step measured as a paired difference: blocks of 2,000 {@code match} calls and 2,000
 * {@code matchAndAssign} calls on the same leads and engine ({@link MatchAndAssignBenchmark}'s setup: real data
 * directory, journal with the given fsync policy), interleaved in one JVM (A B, B A, ...), so the host's noise — on a
 * shared 2-vCPU VM it moves JMH's per-fork averages by ±100 ns — hits both sides of each pair alike. Reports the
 * median and quartiles of the per-pair differences; JMH's {@code MatchAndAssignBenchmark} remains the figure of
 * record (its {@code -prof gc} shows the allocation). Run:
 * {@code bench/run step [owner|roundRobin] [batch|none|always] [pairs]} (default: owner batch 3000, ~20 s).
 */
public final class AssignStepProbe {
    static final int BLOCK = 2_000;

    public static void main(String[] args) throws Exception {
        int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 3_000;
        MatchAndAssignBenchmark b = open(args.length > 0 ? args[0] : "owner", args.length > 1 ? args[1] : "batch");
        long sink = 0;
        try {
            long warmUntil = System.nanoTime() + 8_000_000_000L; // C2 has compiled both paths well before this
            while (System.nanoTime() < warmUntil) {
                for (int i = 0; i < BLOCK; i++) {
                    sink += b.match().ordinal() + b.matchAndAssign();
                }
            }
            double[] match = new double[pairs];
            double[] both = new double[pairs];
            double[] step = new double[pairs];
            for (int p = 0; p < pairs; p++) {
                boolean matchFirst = (p & 1) == 0;
                long t0 = System.nanoTime();
                sink += matchFirst ? matchBlock(b) : assignBlock(b);
                long t1 = System.nanoTime();
                sink += matchFirst ? assignBlock(b) : matchBlock(b);
                long t2 = System.nanoTime();
                double first = (t1 - t0) / (double) BLOCK;
                double second = (t2 - t1) / (double) BLOCK;
                match[p] = matchFirst ? first : second;
                both[p] = matchFirst ? second : first;
                step[p] = both[p] - match[p];
            }
            Arrays.sort(match);
            Arrays.sort(both);
            Arrays.sort(step);
            System.out.printf(
                    "path=%s fsync=%s pairs=%d of %d calls each: match p50 %.0f ns, match+assign p50 %.0f ns;"
                            + " assignment step p50 %.0f ns (p25 %.0f, p75 %.0f)%n",
                    b.path,
                    b.fsync,
                    pairs,
                    BLOCK,
                    match[pairs / 2],
                    both[pairs / 2],
                    step[pairs / 2],
                    step[pairs / 4],
                    step[3 * pairs / 4]);
        } finally {
            b.tearDown();
        }
        if (sink == 42) {
            System.out.println(); // keeps the calls' results alive
        }
    }

    /**
     * A set-up {@link MatchAndAssignBenchmark} ({@code path}, {@code fsync}): {@link AssignStepComparison} calls this,
     * {@link #matchBlock} and {@link #assignBlock} by reflection in each build it loads.
     */
    public static MatchAndAssignBenchmark open(String path, String fsync) throws Exception {
        MatchAndAssignBenchmark b = new MatchAndAssignBenchmark();
        b.path = path;
        b.fsync = fsync;
        b.setUp();
        return b;
    }

    /** {@link #BLOCK} calls of {@code match}. */
    public static long matchBlock(MatchAndAssignBenchmark b) {
        long s = 0;
        for (int i = 0; i < BLOCK; i++) {
            s += b.match().ordinal();
        }
        return s;
    }

    /** {@link #BLOCK} calls of {@code matchAndAssign}. */
    public static long assignBlock(MatchAndAssignBenchmark b) {
        long s = 0;
        for (int i = 0; i < BLOCK; i++) {
            s += b.matchAndAssign();
        }
        return s;
    }
}
