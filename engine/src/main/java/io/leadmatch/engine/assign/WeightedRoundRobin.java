package io.leadmatch.engine.assign;

import java.util.Arrays;

/**
 * Weighted fair round robin over one team's members: EEVDF (earliest eligible virtual deadline first) with unit
 * requests, in exact integer arithmetic.
 *
 * <p>Each member i has a weight w<sub>i</sub> and a credit c<sub>i</sub> = W·lag<sub>i</sub>, where lag is the
 * member's ideal share minus its assignments and W the total weight of the members taking part in the pick.
 * A pick considers the eligible members (those taking part whose credit is ≥ 0: not ahead of their share),
 * chooses the one whose next assignment is due first — the smallest virtual deadline (W − c<sub>i</sub>)/w<sub>i</sub>,
 * compared exactly (scaled by the weights' least common multiple to an integer key, or by cross-multiplication when
 * that multiple is large), ties to the lowest index — then adds w<sub>i</sub> to every participant's
 * credit and takes W from the winner. Credits of the participants sum to zero.
 *
 * <p><b>Invariant:</b> while membership, weights and availability stay the same, after n picks every member has
 * within one assignment of its weighted share n·w<sub>i</sub>/W (strictly: |assigned − share| &lt; 1). Plain
 * smooth WRR (nginx) does not keep this bound: it drifts to about 1.17 for some weight mixes; the eligibility test
 * is what keeps a member from running ahead. {@code WeightedRoundRobinTest} checks the bound over thousands of
 * random configurations against a reference that recomputes shares from scratch.
 *
 * <p>Members that do not take part in a pick (inactive in the CRM, set unavailable, outside their working hours,
 * at their daily cap, or passed over for a pending skip) are skipped and their credit is frozen: they accrue
 * nothing while away, so a member who returns competes from where it stood, with no catch-up burst. Away for
 * 1,000 picks or for one, a returning member gets at most one pick more than its share over the next W picks
 * ({@code WeightedRoundRobinTest.memberAwayForAThousandPicksReturnsWithoutABurst}). The turns it missed are not
 * made up; a manual extra turn ({@link #grantExtra}) is the way to give some back.
 *
 * <p>Not thread-safe: the owning {@link TeamScheduler} serializes picks per team.
 */
final class WeightedRoundRobin {
    /** Largest common multiple of the weights for which {@link #choose} compares deadlines as integer keys. */
    static final long MAX_SCALE = 1L << 20;
    /** |total − credit| below this keeps a key (at most 2<sup>40</sup>·{@link #MAX_SCALE}) far from overflow. */
    private static final long MAX_DISTANCE = 1L << 40;
    /** Added to the key of a member that is not eligible: it sorts after every eligible one. */
    private static final long INELIGIBLE = 1L << 62;
    /** Above every key: where the search for the smallest starts. */
    private static final long NO_KEY = INELIGIBLE + (1L << 61);

    private int[] weights;
    private long[] credit;
    private long[] assigned;
    /**
     * Per member L / w<sub>i</sub>, with L the least common multiple of the weights, so that the virtual deadline
     * (W − c<sub>i</sub>)/w<sub>i</sub> times L is the integer (W − c<sub>i</sub>)·scale<sub>i</sub>: the same order,
     * ties included, without a division or a cross-multiplication per comparison. Null when L exceeds
     * {@link #MAX_SCALE} (weights such as 997 and 991): {@link #choose} cross-multiplies then.
     */
    private long[] scale;

    WeightedRoundRobin(int[] weights) {
        this.weights = weights.clone();
        this.credit = new long[weights.length];
        this.assigned = new long[weights.length];
        this.scale = scales(this.weights);
    }

    /** L / w<sub>i</sub> per member, or null when the least common multiple L of the weights is too large. */
    private static long[] scales(int[] weights) {
        long lcm = 1;
        for (int w : weights) {
            lcm = lcm
                    / java.math.BigInteger.valueOf(lcm)
                            .gcd(java.math.BigInteger.valueOf(w))
                            .longValueExact()
                    * w;
            if (lcm > MAX_SCALE) {
                return null;
            }
        }
        long[] s = new long[weights.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = lcm / weights[i];
        }
        return s;
    }

    int size() {
        return weights.length;
    }

    int weight(int i) {
        return weights[i];
    }

    long assigned(int i) {
        return assigned[i];
    }

    long credit(int i) {
        return credit[i];
    }

    /**
     * Picks the next member among those with {@code takesPart[i]} set, or -1 when there is none. (Participation is
     * an array, not a predicate: the scheduler keeps it, with its total weight, from one pick to the next.)
     */
    int pick(boolean[] takesPart) {
        long total = participatingWeight(takesPart);
        int best = choose(takesPart, total);
        if (best >= 0) {
            charge(best, takesPart, total);
        }
        return best;
    }

    /**
     * The member the next pick would choose among the participants (-1: none), without changing anything;
     * {@code total} is their weight ({@link #participatingWeight}). With {@link #charge} it lets the scheduler pass
     * over a member (a pending skip) and choose again.
     */
    int choose(boolean[] takesPart, long total) {
        if (total == 0) {
            return -1;
        }
        long[] s = scale;
        if (s == null) {
            return chooseByCrossProducts(takesPart, total);
        }
        long[] c = credit;
        // The smallest key wins, ties to the lowest index: eligible members (credit ≥ 0) first, then by deadline.
        // Branch-free minimum: which member wins varies from pick to pick, so a branch on it would mispredict.
        long bestKey = NO_KEY;
        int best = -1;
        for (int i = 0; i < s.length; i++) {
            if (!takesPart[i]) {
                continue; // participation is stable from pick to pick: this branch is predicted
            }
            long distance = total - c[i];
            if (distance >= MAX_DISTANCE || distance <= -MAX_DISTANCE) {
                return chooseByCrossProducts(takesPart, total);
            }
            long key = distance * s[i] + ((c[i] >> 63) & INELIGIBLE);
            long less = (key - bestKey) >> 63; // all ones when key < bestKey
            bestKey += (key - bestKey) & less;
            best ^= (best ^ i) & (int) less;
        }
        return best;
    }

    /** {@link #choose} by comparing deadlines as cross products: any weights, any credits. */
    int chooseByCrossProducts(boolean[] takesPart, long total) {
        int[] w = weights;
        long[] c = credit;
        int best = -1;
        boolean bestEligible = false;
        for (int i = 0; i < w.length; i++) {
            if (!takesPart[i]) {
                continue;
            }
            boolean eligible = c[i] >= 0;
            if (best < 0
                    || (eligible && !bestEligible)
                    || (eligible == bestEligible && (total - c[i]) * w[best] < (total - c[best]) * w[i])) {
                best = i;
                bestEligible = eligible;
            }
        }
        return best;
    }

    /**
     * Records a pick of {@code winner} among the participants (which must include it), whose weight is
     * {@code total}: every participant accrues its weight, the winner pays the total. Non-participants are frozen.
     */
    void charge(int winner, boolean[] takesPart, long total) {
        int[] w = weights;
        long[] c = credit;
        for (int i = 0; i < w.length; i++) {
            if (takesPart[i]) {
                c[i] += w[i];
            }
        }
        c[winner] -= total;
        assigned[winner]++;
    }

    /**
     * Counts an assignment outside the fair schedule (a manual extra turn): the member's count goes up, its credit
     * does not move, so the turn is a bonus on top of its share rather than an advance on it.
     */
    void grantExtra(int i) {
        assigned[i]++;
    }

    /** The total weight of the participants. */
    long participatingWeight(boolean[] takesPart) {
        long total = 0;
        for (int i = 0; i < weights.length; i++) {
            if (takesPart[i]) {
                total += weights[i];
            }
        }
        return total;
    }

    /**
     * Re-shapes the member list, keeping the counters of members that stay ({@code oldIndex[i]} is the old index
     * of new member i, or -1 for a new member). Credits are re-centred so they still sum to zero.
     */
    void reconfigure(int[] newWeights, int[] oldIndex) {
        long[] c = new long[newWeights.length];
        long[] a = new long[newWeights.length];
        long sum = 0;
        for (int i = 0; i < newWeights.length; i++) {
            if (oldIndex[i] >= 0) {
                c[i] = credit[oldIndex[i]];
                a[i] = assigned[oldIndex[i]];
                sum += c[i];
            }
        }
        if (sum != 0 && newWeights.length > 0) {
            // Spread the imbalance left by removed members, keeping the invariant sum(credit) == 0.
            long share = sum / newWeights.length;
            long rest = sum - share * newWeights.length;
            for (int i = 0; i < c.length; i++) {
                c[i] -= share;
            }
            c[0] -= rest;
        }
        this.weights = newWeights.clone();
        this.credit = c;
        this.assigned = a;
        this.scale = scales(this.weights);
    }

    /** Restores counters saved from {@link #credit} and {@link #assigned} (a checkpoint). */
    void restore(long[] savedCredit, long[] savedAssigned) {
        if (savedCredit.length != weights.length || savedAssigned.length != weights.length) {
            throw new IllegalArgumentException(
                    "checkpoint has " + savedCredit.length + " members, team has " + weights.length);
        }
        this.credit = savedCredit.clone();
        this.assigned = savedAssigned.clone();
    }

    @Override
    public String toString() {
        return "weights=" + Arrays.toString(weights) + " credit=" + Arrays.toString(credit) + " assigned="
                + Arrays.toString(assigned);
    }
}
