package io.leadmatch.engine.assign;

import java.util.Arrays;

/**
 * Weighted fair round robin over one team's members: EEVDF (earliest eligible virtual deadline first, Stoica and
 * Abdel-Wahab) with unit requests and lag-preserving virtual time, in integer arithmetic.
 *
 * <p>Each pick is one lead, shared among the members that take part in it in proportion to their weights: member i
 * accrues w<sub>i</sub>/W<sub>t</sub> of a lead, where W<sub>t</sub> is the total weight of that pick's
 * participants, and the winner pays one lead. A member's lag is what it has accrued (its GPS share,
 * Σ<sub>t</sub> w<sub>i</sub>/W<sub>t</sub> over the picks it took part in) minus the fair picks it won; it is kept
 * as {@link #credit} = lag × {@link #LEAD}. A pick considers the eligible participants (lag ≥ 0: not ahead of their
 * share) and chooses the earliest virtual deadline (1 − lag<sub>i</sub>)/w<sub>i</sub>, ties to the lowest index;
 * when nobody is eligible, the earliest deadline among all participants.
 *
 * <p>Members that do not take part in a pick (inactive, away, outside their hours, at a cap, passed over for a
 * pending skip) accrue nothing and keep their lag: a member that leaves and comes back competes from exactly where
 * it stood, so it neither loses what it was owed nor gets a catch-up burst beyond it. Weight changes keep the lag
 * too; a new member starts at 0; a removed member's lag leaves with it.
 *
 * <p><b>Invariant:</b> the credits are exactly the GPS lags (to within one unit, 1/{@link #LEAD} of a lead, per
 * pick: a participant's accrual is rounded down and the winner pays what was handed out, so credits of all members
 * ever present sum to zero exactly). <b>Bound:</b> with fixed participation every member stays within 1 of its
 * share (|lag| &lt; 1); with participation changing at every pick, the members present throughout stay within 2.
 * {@code FairnessUnderChurnPropertyTest} checks both after every pick against a reference that recomputes the GPS
 * shares from who took part in each pick, with weights, absences, caps, skips, extra turns, weight changes and
 * members added and removed drawn at random.
 *
 * <p>Why (sketch): every pick hands out one lead among its participants and takes one from the winner, so their
 * lags keep their sum. The winner has lag ≥ 0 (when anyone does), so after its win its lag is above −1: with
 * fixed participation nobody runs a whole lead ahead, and, the lags summing to zero, a member owed a lead is
 * eligible with a deadline before those of members owed less per unit of weight, so it wins before it is owed
 * one (EEVDF's lag theorem for unit requests). Under churn, absent members carry their lags away, and the
 * participants' sum is off by what they hold; the bound of 2 for members present throughout is what the property
 * test checks, not a derived one.
 *
 * <p>Extra turns ({@link #grantExtra}) are counted apart and do not move credit: a bonus on top of the share.
 *
 * <p>Not thread-safe: the owning {@link TeamScheduler} serializes picks per team.
 */
final class WeightedRoundRobin {
    /** One lead in credit units: 2<sup>36</sup>, fine enough that rounding adds under 10<sup>-10</sup> per pick. */
    static final long LEAD = 1L << 36;
    /** Largest weight: w × {@link #LEAD} stays well inside a long. */
    static final int MAX_WEIGHT = 1 << 20;
    /** Largest common multiple of the weights for which {@link #choose} compares deadlines as integer keys. */
    static final long MAX_SCALE = 1L << 20;
    /** |LEAD − credit| below this keeps a key (at most 2<sup>40</sup>·{@link #MAX_SCALE}) far from overflow. */
    private static final long MAX_DISTANCE = 1L << 40;
    /** Added to the key of a member that is not eligible: it sorts after every eligible one. */
    private static final long INELIGIBLE = 1L << 62;
    /** Above every key: where the search for the smallest starts. */
    private static final long NO_KEY = INELIGIBLE + (1L << 61);

    private int[] weights;
    private long[] credit;
    private long[] assigned;
    private long[] extraServed;
    /**
     * Per member L / w<sub>i</sub>, with L the least common multiple of the weights, so that the virtual deadline
     * (LEAD − c<sub>i</sub>)/w<sub>i</sub> times L is the integer (LEAD − c<sub>i</sub>)·scale<sub>i</sub>: the same
     * order, ties included, without a division or a cross-multiplication per comparison. Null when L exceeds
     * {@link #MAX_SCALE} (weights such as 997 and 991): {@link #choose} cross-multiplies then.
     */
    private long[] scale;
    /** Per member w<sub>i</sub>·LEAD / {@link #accrualTotal}, rounded down: a participant's accrual in a pick. */
    private long[] accrual;
    /** The participants' total weight {@link #accrual} was computed for; 0: not computed. */
    private long accrualTotal;

    WeightedRoundRobin(int[] weights) {
        this.weights = checked(weights);
        this.credit = new long[weights.length];
        this.assigned = new long[weights.length];
        this.extraServed = new long[weights.length];
        this.scale = scales(this.weights);
        this.accrual = new long[weights.length];
    }

    private static int[] checked(int[] weights) {
        for (int w : weights) {
            if (w < 1 || w > MAX_WEIGHT) {
                throw new IllegalArgumentException("weight must be between 1 and " + MAX_WEIGHT + ", got " + w);
            }
        }
        return weights.clone();
    }

    /** L / w<sub>i</sub> per member, or null when the least common multiple L of the weights is too large. */
    private static long[] scales(int[] weights) {
        long lcm = 1;
        for (int w : weights) {
            lcm = lcm / gcd(lcm, w) * w;
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

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    int size() {
        return weights.length;
    }

    int weight(int i) {
        return weights[i];
    }

    /** Picks won by member i, extra turns included. */
    long assigned(int i) {
        return assigned[i];
    }

    /** Extra turns served to member i (counted in {@link #assigned}, not in its share). */
    long extraServed(int i) {
        return extraServed[i];
    }

    /** Member i's lag × {@link #LEAD}: positive when it is owed leads. */
    long credit(int i) {
        return credit[i];
    }

    /** Member i's lag in leads: its GPS share minus the fair picks it won. */
    double lag(int i) {
        return (double) credit[i] / LEAD;
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
            long distance = LEAD - c[i];
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

    /** {@link #choose} by comparing deadlines as exact 128-bit cross products: any weights, any credits. */
    int chooseByCrossProducts(boolean[] takesPart, long total) {
        if (total == 0) {
            return -1;
        }
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
                    || (eligible == bestEligible && productLess(LEAD - c[i], w[best], LEAD - c[best], w[i]))) {
                best = i;
                bestEligible = eligible;
            }
        }
        return best;
    }

    /** a·b &lt; c·d, exactly, for any longs a and c and positive ints b and d. */
    static boolean productLess(long a, long b, long c, long d) {
        long hi1 = Math.multiplyHigh(a, b);
        long hi2 = Math.multiplyHigh(c, d);
        if (hi1 != hi2) {
            return hi1 < hi2;
        }
        return Long.compareUnsigned(a * b, c * d) < 0;
    }

    /**
     * Records a fair pick of {@code winner} among the participants (which must include it), whose weight is
     * {@code total}: every participant accrues its part of one lead, the winner pays what was handed out (one lead
     * but for rounding). Non-participants keep their credit.
     */
    void charge(int winner, boolean[] takesPart, long total) {
        long[] a = accrual;
        if (total != accrualTotal) {
            for (int i = 0; i < a.length; i++) {
                a[i] = weights[i] * LEAD / total;
            }
            accrualTotal = total;
        }
        long[] c = credit;
        long handedOut = 0;
        for (int i = 0; i < c.length; i++) {
            if (takesPart[i]) {
                c[i] += a[i];
                handedOut += a[i];
            }
        }
        c[winner] -= handedOut;
        assigned[winner]++;
    }

    /**
     * Counts an assignment outside the fair schedule (a manual extra turn): the member's count goes up, its credit
     * does not move, so the turn is a bonus on top of its share rather than an advance on it.
     */
    void grantExtra(int i) {
        assigned[i]++;
        extraServed[i]++;
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
     * Re-shapes the member list: member i gets weight {@code newWeights[i]} and the given counters (those it had,
     * carried over by the scheduler, or zeros for a new member). Lags are kept as they are.
     */
    void reconfigure(int[] newWeights, long[] newCredit, long[] newAssigned, long[] newExtraServed) {
        this.weights = checked(newWeights);
        this.credit = newCredit.clone();
        this.assigned = newAssigned.clone();
        this.extraServed = newExtraServed.clone();
        this.scale = scales(this.weights);
        this.accrual = new long[newWeights.length];
        this.accrualTotal = 0;
    }

    /** Restores counters saved from {@link #credit}, {@link #assigned} and {@link #extraServed} (a checkpoint). */
    void restore(long[] savedCredit, long[] savedAssigned, long[] savedExtra) {
        int n = weights.length;
        if (savedCredit.length != n || savedAssigned.length != n || savedExtra.length != n) {
            throw new IllegalArgumentException("checkpoint has " + savedCredit.length + " members, team has " + n);
        }
        this.credit = savedCredit.clone();
        this.assigned = savedAssigned.clone();
        this.extraServed = savedExtra.clone();
    }

    @Override
    public String toString() {
        return "weights=" + Arrays.toString(weights) + " credit=" + Arrays.toString(credit) + " assigned="
                + Arrays.toString(assigned);
    }
}
