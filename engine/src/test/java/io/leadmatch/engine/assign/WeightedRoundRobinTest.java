package io.leadmatch.engine.assign;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fairness invariant of {@link WeightedRoundRobin} against a naive reference that recomputes every member's
 * ideal share from scratch after each pick: while membership and weights stay the same, no member's count drifts
 * one assignment or more from its weighted share.
 */
class WeightedRoundRobinTest {

    /** A pick among the members {@code takesPart} accepts. */
    private static int pick(WeightedRoundRobin rr, IntPredicate takesPart) {
        boolean[] part = new boolean[rr.size()];
        for (int i = 0; i < part.length; i++) {
            part[i] = takesPart.test(i);
        }
        return rr.pick(part);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 1234567})
    void everyMemberStaysWithinOneOfItsWeightedShare(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int config = 0; config < 1_000; config++) {
            int n = 1 + random.nextInt(12);
            int[] weights = new int[n];
            long total = 0;
            for (int i = 0; i < n; i++) {
                weights[i] = 1 + random.nextInt(random.nextBoolean() ? 5 : 100);
                total += weights[i];
            }
            WeightedRoundRobin rr = new WeightedRoundRobin(weights);
            long[] reference = new long[n];
            int picks = 1 + random.nextInt(500);
            for (int k = 1; k <= picks; k++) {
                int i = pick(rr, x -> true);
                assertTrue(i >= 0);
                reference[i]++;
                for (int m = 0; m < n; m++) {
                    double ideal = (double) k * weights[m] / total;
                    assertTrue(Math.abs(reference[m] - ideal) < 1.0, () -> "member drifted: " + rr);
                    assertEquals(reference[m], rr.assigned(m));
                }
            }
        }
    }

    @Test
    void picksInterleaveSmoothly() {
        WeightedRoundRobin rr = new WeightedRoundRobin(new int[] {5, 1, 1});
        StringBuilder order = new StringBuilder();
        for (int k = 0; k < 7; k++) {
            order.append((char) ('a' + pick(rr, x -> true)));
        }
        assertEquals("abaacaa", order.toString());
    }

    @Test
    void ineligibleMembersAreSkippedAndReturnWithoutABurst() {
        WeightedRoundRobin rr = new WeightedRoundRobin(new int[] {1, 1, 1});
        boolean[] away = {false, false, true};
        for (int k = 0; k < 100; k++) {
            assertNotEquals(2, pick(rr, i -> !away[i]));
        }
        away[2] = false;
        List<Integer> next = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            next.add(pick(rr, i -> true));
        }
        assertEquals(2, next.stream().filter(i -> i == 2).count(), "returning member gets its share, no burst");
    }

    @Test
    void nobodyEligible() {
        WeightedRoundRobin rr = new WeightedRoundRobin(new int[] {1, 2});
        assertEquals(-1, pick(rr, i -> false));
    }

    /**
     * A member away for 1,000 picks does not come back to a burst: over the next W picks (W = total weight) it
     * gets at most one more than its share w·W/W = w, across many random weight mixes.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 8, 9})
    void memberAwayForAThousandPicksReturnsWithoutABurst(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int config = 0; config < 300; config++) {
            int n = 2 + random.nextInt(10);
            int[] weights = new int[n];
            for (int i = 0; i < n; i++) {
                weights[i] = 1 + random.nextInt(random.nextBoolean() ? 5 : 50);
            }
            int total = Arrays.stream(weights).sum();
            WeightedRoundRobin rr = new WeightedRoundRobin(weights);
            int warmUp = random.nextInt(200);
            for (int k = 0; k < warmUp; k++) {
                pick(rr, x -> true);
            }
            int awayMember = random.nextInt(n);
            for (int k = 0; k < 1_000; k++) {
                assertNotEquals(awayMember, pick(rr, i -> i != awayMember));
            }
            long before = rr.assigned(awayMember);
            for (int k = 0; k < total; k++) {
                pick(rr, x -> true);
            }
            long got = rr.assigned(awayMember) - before;
            assertTrue(
                    got <= weights[awayMember] + 1,
                    () -> "burst after return: got " + got + " of " + total + " picks with weight "
                            + weights[awayMember] + ": " + rr);
        }
    }

    @Test
    void extraTurnCountsWithoutMovingCredit() {
        WeightedRoundRobin rr = new WeightedRoundRobin(new int[] {1, 1});
        pick(rr, x -> true);
        long c0 = rr.credit(0);
        long c1 = rr.credit(1);
        rr.grantExtra(1);
        assertEquals(1, rr.assigned(1));
        assertEquals(c0, rr.credit(0));
        assertEquals(c1, rr.credit(1));
    }

    @Test
    void chooseDoesNotChangeState() {
        WeightedRoundRobin rr = new WeightedRoundRobin(new int[] {3, 1});
        String before = rr.toString();
        assertEquals(0, rr.choose(new boolean[] {true, true}, 4));
        assertEquals(before, rr.toString());
    }

    /**
     * {@code choose} compares deadlines as integer keys scaled by the weights' least common multiple; the
     * cross-multiplying comparison it replaces (and falls back to) is the reference: the same winner at every pick,
     * ties included, as participation changes. Weights up to 6 keep the multiple small; up to 1,000 often exceed
     * it (the fallback); restored credits beyond 2^40 take the fallback too.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 8, 9})
    void integerKeysChooseExactlyAsCrossProducts(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int config = 0; config < 2_000; config++) {
            int n = 1 + random.nextInt(10);
            int[] weights = new int[n];
            int maxWeight = config % 3 == 0 ? 1_000 : 6;
            for (int i = 0; i < n; i++) {
                weights[i] = 1 + random.nextInt(maxWeight);
            }
            WeightedRoundRobin rr = new WeightedRoundRobin(weights);
            if (config % 10 == 9) {
                long[] credit = new long[n];
                long sum = 0;
                for (int i = 1; i < n; i++) {
                    credit[i] = random.nextLong(-(1L << 42), 1L << 42);
                    sum += credit[i];
                }
                credit[0] = -sum;
                rr.restore(credit, new long[n], new long[n]);
            }
            boolean[] part = new boolean[n];
            for (int step = 0; step < 300; step++) {
                long total = 0;
                for (int i = 0; i < n; i++) {
                    part[i] = random.nextInt(8) != 0;
                    total += part[i] ? weights[i] : 0;
                }
                int expected = total == 0 ? -1 : rr.chooseByCrossProducts(part, total);
                int got = rr.choose(part, total);
                assertEquals(expected, got, () -> "weights " + Arrays.toString(weights) + ", " + rr);
                if (got >= 0) {
                    rr.charge(got, part, total);
                }
            }
        }
    }
}
