package io.leadmatch.bench;

import java.lang.reflect.Method;
import java.net.URLClassLoader;

/**
 * The assignment step of two or more builds, measured in one JVM: each {@code benchmarks.jar} is loaded by a class
 * loader of its own (its engine, its JIT-compiled code, its own data directory), and blocks of {@link
 * AssignStepProbe#BLOCK} {@code match} and {@code matchAndAssign} calls run for each build in turn, the builds'
 * order and the two halves of a pair alternating. The host's drift on a shared VM, which moves separate runs' step
 * by ±25 ns, then falls on every build alike, and the paired differences between builds show a change of 5–10 ns
 * that separate runs cannot. Caveat: each build's code is compiled in its own way, and the jars loaded later ran up
 * to ~10 ns slower or faster than the first, so a difference should hold when the order of the jars is reversed
 * before it is believed; or load them A B B A (the same jar may be given twice) and average the two of each.
 *
 * <p>Run from the repository root (the demo snapshot is read from {@code examples/demo}):
 * {@code bench/run compare [owner|roundRobin] [batch|none|always] PAIRS BEFORE.jar AFTER.jar [MORE.jar...]}, each
 * jar a {@code bench/target/benchmarks.jar} copied aside, built from a commit that has
 * {@link AssignStepProbe#open}. Prints each build's median step and each build's median paired difference from the
 * first.
 */
public final class AssignStepComparison {
    private AssignStepComparison() {}

    public static void main(String[] args) throws Throwable {
        if (args.length < 5) {
            System.err.println("usage: bench/run compare owner|roundRobin batch|none|always PAIRS A.jar B.jar [...]");
            System.exit(2);
        }
        String path = args[0];
        String fsync = args[1];
        int pairs = Integer.parseInt(args[2]);
        int k = args.length - 3;
        Object[] bench = new Object[k];
        Method[] match = new Method[k];
        Method[] assign = new Method[k];
        String[] names = new String[k];
        for (int j = 0; j < k; j++) {
            names[j] = args[3 + j];
            URLClassLoader loader = PairedBlocks.loader(names[j]);
            Thread.currentThread().setContextClassLoader(loader); // Chronicle compiles its value classes in it
            Class<?> probe = Class.forName(AssignStepProbe.class.getName(), true, loader);
            Class<?> benchmark = Class.forName(MatchAndAssignBenchmark.class.getName(), true, loader);
            bench[j] = PairedBlocks.call(probe.getMethod("open", String.class, String.class), path, fsync);
            match[j] = probe.getMethod("matchBlock", benchmark);
            assign[j] = probe.getMethod("assignBlock", benchmark);
        }
        long sink = 0;
        long warmUntil = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < warmUntil) {
            for (int j = 0; j < k; j++) {
                sink += (long) PairedBlocks.call(match[j], bench[j]) + (long) PairedBlocks.call(assign[j], bench[j]);
            }
        }
        double[][] step = new double[k][pairs];
        for (int p = 0; p < pairs; p++) {
            boolean matchFirst = ((p >> 1) & 1) == 0;
            for (int i = 0; i < k; i++) {
                int j = (p & 1) == 0 ? i : k - 1 - i;
                Method first = matchFirst ? match[j] : assign[j];
                Method second = matchFirst ? assign[j] : match[j];
                long t0 = System.nanoTime();
                sink += (long) PairedBlocks.call(first, bench[j]);
                long t1 = System.nanoTime();
                sink += (long) PairedBlocks.call(second, bench[j]);
                long t2 = System.nanoTime();
                double a = (t1 - t0) / (double) AssignStepProbe.BLOCK;
                double b = (t2 - t1) / (double) AssignStepProbe.BLOCK;
                step[j][p] = matchFirst ? b - a : a - b;
            }
        }
        System.out.printf("path=%s fsync=%s pairs=%d of %d calls each%n", path, fsync, pairs, AssignStepProbe.BLOCK);
        PairedBlocks.report("assignment step", names, step);
        for (int j = 0; j < k; j++) {
            bench[j].getClass().getMethod("tearDown").invoke(bench[j]);
        }
        if (sink == 42) {
            System.out.println(); // keeps the calls' results alive
        }
    }
}
