package io.leadmatch.bench.data;

/**
 * Draws ranks 1..n with P(k) proportional to 1/k^s in constant time and constant memory, by rejection-inversion
 * (W. Hörmann and G. Derflinger, "Rejection-inversion to generate variates from monotone discrete distributions",
 * ACM TOMACS 6(3), 1996; the same algorithm as Apache Commons RNG's {@code RejectionInversionZipfSampler}).
 *
 * <p>Why this and not a table: a cumulative table for a million accounts is 8 MB and a binary search per draw;
 * rejection-inversion needs three doubles and accepts more than 9 draws in 10 at the first try.
 *
 * <p>{@link StrictMath} rather than {@link Math}: {@code Math.log} and {@code Math.exp} may be intrinsics whose last
 * bit differs between JVMs and CPUs, and a last-bit difference can move a draw across a rank boundary. Same seed,
 * same bytes, on any machine. Immutable and thread-safe.
 */
final class ZipfSampler {
    private final int n;
    private final double exponent;
    private final double hIntegralX1;
    private final double hIntegralN;
    private final double s;

    /**
     * @param n        number of ranks (at least 1)
     * @param exponent the Zipf exponent (greater than 0; 1 is the classic rank-frequency law)
     */
    ZipfSampler(int n, double exponent) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, got " + n);
        }
        if (!(exponent > 0)) {
            throw new IllegalArgumentException("exponent must be positive, got " + exponent);
        }
        this.n = n;
        this.exponent = exponent;
        this.hIntegralX1 = hIntegral(1.5) - 1.0;
        this.hIntegralN = hIntegral(n + 0.5);
        this.s = 2.0 - hIntegralInverse(hIntegral(2.5) - h(2.0));
    }

    /** Number of ranks. */
    int size() {
        return n;
    }

    /** A rank in [1, n]; rank 1 is the most frequent. */
    int sample(SplitMix64 rng) {
        while (true) {
            double u = hIntegralN + rng.nextDouble() * (hIntegralX1 - hIntegralN);
            double x = hIntegralInverse(u);
            int k = (int) (x + 0.5);
            if (k < 1) {
                k = 1;
            } else if (k > n) {
                k = n;
            }
            // The first test accepts most draws without evaluating h; the second is the exact acceptance test.
            if (k - x <= s || u >= hIntegral(k + 0.5) - h(k)) {
                return k;
            }
        }
    }

    /** h(x) = 1 / x^exponent. */
    private double h(double x) {
        return StrictMath.exp(-exponent * StrictMath.log(x));
    }

    /** An antiderivative of h: (x^(1-e) - 1) / (1-e), continuous at e = 1 where it is log x. */
    private double hIntegral(double x) {
        double logX = StrictMath.log(x);
        return expm1OverX((1.0 - exponent) * logX) * logX;
    }

    /** The inverse of {@link #hIntegral}. */
    private double hIntegralInverse(double x) {
        double t = x * (1.0 - exponent);
        if (t < -1.0) {
            t = -1.0; // rounding can push t just below the domain of log1p
        }
        return StrictMath.exp(log1pOverX(t) * x);
    }

    /** log(1 + x) / x, with its Taylor series near 0 where the quotient loses precision. */
    private static double log1pOverX(double x) {
        if (Math.abs(x) > 1e-8) {
            return StrictMath.log1p(x) / x;
        }
        return 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
    }

    /** (e^x - 1) / x, with its Taylor series near 0 where the quotient loses precision. */
    private static double expm1OverX(double x) {
        if (Math.abs(x) > 1e-8) {
            return StrictMath.expm1(x) / x;
        }
        return 1.0 + x * 0.5 * (1.0 + x * (1.0 / 3.0) * (1.0 + 0.25 * x));
    }
}
