package io.leadmatch.bench.data;

/**
 * A bijection of [0, n) that scatters Zipf ranks over entity indices, so the most popular accounts are spread
 * through Account.csv instead of being its first rows: r → (r·a + b) mod n with gcd(a, n) = 1.
 */
final class RankPermutation {
    private final long n;
    private final long multiplier;
    private final long offset;

    RankPermutation(long n, long seed, long stream) {
        if (n < 1 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("n must be in [1, 2^31), got " + n);
        }
        this.n = n;
        // Near n / golden ratio, so consecutive ranks land far apart; then the next value coprime to n.
        long a = Math.max(1, (long) (n * 0.6180339887498949)) | 1;
        while (gcd(a, n) != 1) {
            a++;
        }
        this.multiplier = a % n == 0 ? 1 : a % n;
        this.offset = Math.floorMod(SplitMix64.mix(seed * 31 + stream), n);
    }

    /** The image of {@code r} in [0, n). */
    long map(long r) {
        return (r * multiplier + offset) % n; // r, multiplier, offset < n < 2^31: no overflow
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
