package io.leadmatch.bench.data;

import java.util.ArrayList;
import java.util.List;

/**
 * A fixed discrete distribution over a few values: a cumulative weight table scanned linearly, which beats a
 * binary search for the dozen-odd entries the generator's tables have. Immutable.
 *
 * @param <T> the value type
 */
final class Weighted<T> {
    private final T[] values;
    private final int[] cumulative;
    private final int total;

    Weighted(T[] values, int[] weights) {
        if (values.length != weights.length) {
            throw new IllegalArgumentException("values and weights differ in length");
        }
        this.values = values.clone();
        this.cumulative = new int[weights.length];
        int sum = 0;
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] <= 0) {
                throw new IllegalArgumentException("weight must be positive: " + values[i]);
            }
            sum += weights[i];
            cumulative[i] = sum;
        }
        this.total = sum;
    }

    /** Parses {@code "a:3 b:1"}; the empty string is the empty distribution. */
    static Weighted<String> parse(String spec) {
        List<String> values = new ArrayList<>();
        List<Integer> weights = new ArrayList<>();
        for (String part : spec.trim().split(" +")) {
            if (part.isEmpty()) {
                continue;
            }
            int colon = part.lastIndexOf(':');
            values.add(part.substring(0, colon));
            weights.add(Integer.parseInt(part.substring(colon + 1)));
        }
        return new Weighted<>(
                values.toArray(new String[0]),
                weights.stream().mapToInt(Integer::intValue).toArray());
    }

    boolean isEmpty() {
        return values.length == 0;
    }

    /** The values, in table order (a copy). */
    T[] values() {
        return values.clone();
    }

    /** A value drawn by weight; throws on the empty distribution. */
    T pick(SplitMix64 rng) {
        int r = rng.nextInt(total);
        for (int i = 0; i < cumulative.length; i++) {
            if (r < cumulative[i]) {
                return values[i];
            }
        }
        throw new IllegalStateException("empty distribution");
    }
}
