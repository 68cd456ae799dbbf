package io.leadmatch.bench.data;

/**
 * SplitMix64 (Steele, Lea and Flood, OOPSLA 2014): a 64-bit state advanced by a constant and scrambled on output.
 *
 * <p>Why our own rather than {@link java.util.SplittableRandom}: the generator's output must be byte-identical for
 * a seed on every JDK, and the JDK documents no particular algorithm for its bounded draws. This class is the
 * whole algorithm, so the bytes depend only on it. Every generated entity (account {@code i}, lead {@code k}, ...)
 * gets its own stream through {@link #reset(long, long, long)}, so entities can be generated in any order and on
 * any number of threads with the same result. Not thread-safe: one instance per thread.
 */
final class SplitMix64 {
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    private static final double DOUBLE_UNIT = 0x1.0p-53;

    private long state;

    /** A generator positioned at stream {@code (seed, stream, index)}. */
    SplitMix64(long seed, long stream, long index) {
        reset(seed, stream, index);
    }

    /**
     * Positions the generator at the start of stream {@code (seed, stream, index)}. Two different triples start at
     * unrelated 64-bit states, so their sequences overlap only with negligible probability.
     */
    void reset(long seed, long stream, long index) {
        state = mix(mix(seed * GOLDEN_GAMMA + stream) + index);
    }

    /** The SplitMix64 output function (Stafford's variant 13): a bijective avalanche of 64 bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A uniform double in [0, 1) computed from {@code (seed, stream, index)} alone, without any state. */
    static double hashToUnit(long seed, long stream, long index) {
        return (mix(mix(seed * GOLDEN_GAMMA + stream) + index + GOLDEN_GAMMA) >>> 11) * DOUBLE_UNIT;
    }

    long nextLong() {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /**
     * A value in [0, bound) by multiply-shift (Lemire), without the rejection step: the bias is below
     * bound / 2^32, irrelevant for synthetic data and cheaper than a division.
     */
    int nextInt(int bound) {
        return (int) (((nextLong() >>> 32) * bound) >>> 32);
    }

    /** A uniform double in [0, 1). */
    double nextDouble() {
        return (nextLong() >>> 11) * DOUBLE_UNIT;
    }

    /** True with probability {@code p}. */
    boolean chance(double p) {
        return nextDouble() < p;
    }

    /** A uniformly chosen element. */
    <T> T pick(T[] values) {
        return values[nextInt(values.length)];
    }
}
