package io.leadmatch.bench.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fast sampler against the exact distribution it claims to draw from. */
class ZipfSamplerTest {
    private static final int DRAWS = 200_000;

    @ParameterizedTest(name = "n={0} s={1}")
    @CsvSource({"1, 1.0", "2, 1.0", "10, 1.0", "10, 0.5", "1000, 1.0", "1000, 0.8", "1000, 1.3", "1000000, 1.0"})
    void frequenciesMatchTheExactProbabilities(int n, double exponent) {
        ZipfSampler zipf = new ZipfSampler(n, exponent);
        int tracked = Math.min(n, 20);
        long[] counts = new long[tracked + 1];
        SplitMix64 rng = new SplitMix64(42, 0, n);
        for (int i = 0; i < DRAWS; i++) {
            int k = zipf.sample(rng);
            assertTrue(k >= 1 && k <= n, "rank " + k);
            if (k <= tracked) {
                counts[k]++;
            }
        }
        double[] p = exactProbabilities(n, exponent, tracked);
        for (int k = 1; k <= tracked; k++) {
            double expected = p[k] * DRAWS;
            double sigma = Math.sqrt(DRAWS * p[k] * (1 - p[k]));
            // Five standard errors: a sampler bug shows up as tens of them, chance almost never as five.
            assertTrue(
                    Math.abs(counts[k] - expected) <= 5 * sigma + 1,
                    "rank " + k + ": " + counts[k] + " draws, expected " + expected);
        }
    }

    @ParameterizedTest(name = "n={0}")
    @CsvSource({"10", "12345"})
    void sameStreamSameRanks(int n) {
        ZipfSampler zipf = new ZipfSampler(n, 1.0);
        SplitMix64 a = new SplitMix64(9, 1, 2);
        SplitMix64 b = new SplitMix64(9, 1, 2);
        for (int i = 0; i < 10_000; i++) {
            assertEquals(zipf.sample(a), zipf.sample(b));
        }
    }

    private static double[] exactProbabilities(int n, double exponent, int tracked) {
        double norm = 0;
        for (int i = n; i >= 1; i--) {
            norm += Math.pow(i, -exponent); // smallest terms first, for accuracy at n = 10^6
        }
        double[] p = new double[tracked + 1];
        for (int k = 1; k <= tracked; k++) {
            p[k] = Math.pow(k, -exponent) / norm;
        }
        return p;
    }
}
