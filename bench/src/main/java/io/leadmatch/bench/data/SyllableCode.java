package io.leadmatch.bench.data;

import java.math.BigInteger;

/**
 * A bijection from non-negative integers to pronounceable labels such as {@code kavoreti}: the generator's way to
 * give a million accounts distinct domains without remembering a single one.
 *
 * <p><b>Encoding.</b> A label is L two-letter syllables (consonant, vowel; 18 × 5 = 90 syllables), L ≥ 3. Indices
 * are numbered in blocks: the first 90^3 indices get 3 syllables, the next 90^4 get 4, and so on. Inside a block
 * the offset k is scrambled by k → (k·P + Q) mod 90^L, a bijection because P shares no factor with 90, so that
 * neighbouring indices do not get neighbouring names; then it is written in base 90, one syllable per digit.
 *
 * <p><b>Why this is unique.</b> Every syllable has two letters, so a label's length gives L, and L plus the
 * syllables give the digits back: {@link #decode} inverts {@link #append}. Hence distinct indices give distinct
 * labels, with no set of generated names needed to prove it. Callers that decorate a label keep this property by
 * attaching decorations with a hyphen (a code never contains one) and by decorating only with words that are not
 * themselves codes ({@link #isCode} is false for them; the tests check every word list).
 */
final class SyllableCode {
    static final String CONSONANTS = "bdfghklmnprstvzcjy";
    static final String VOWELS = "aeiou";
    static final int RADIX = CONSONANTS.length() * VOWELS.length();
    static final int MIN_SYLLABLES = 3;
    static final int MAX_SYLLABLES = 6;
    private static final long MULTIPLIER = 1_000_003L; // prime, so coprime to 90 = 2 * 3^2 * 5
    private static final long INCREMENT = 7_654_321L;
    private static final long[] BLOCK_SIZE = new long[MAX_SYLLABLES + 1];
    private static final long[] BLOCK_START = new long[MAX_SYLLABLES + 1];

    static {
        long start = 0;
        for (int l = MIN_SYLLABLES; l <= MAX_SYLLABLES; l++) {
            long size = 1;
            for (int j = 0; j < l; j++) {
                size *= RADIX;
            }
            BLOCK_SIZE[l] = size;
            BLOCK_START[l] = start;
            start += size;
        }
    }

    /** Exclusive upper bound of the indices {@link #append} accepts. */
    static final long CAPACITY = BLOCK_START[MAX_SYLLABLES] + BLOCK_SIZE[MAX_SYLLABLES];

    private SyllableCode() {}

    /** Appends the label of {@code index} (lowercase ASCII letters, 6 to 12 of them). */
    static StringBuilder append(long index, StringBuilder out) {
        if (index < 0 || index >= CAPACITY) {
            throw new IllegalArgumentException("index out of range: " + index);
        }
        int l = MIN_SYLLABLES;
        while (index >= BLOCK_START[l] + BLOCK_SIZE[l]) {
            l++;
        }
        long size = BLOCK_SIZE[l];
        // k < 90^6 < 2^39 and MULTIPLIER < 2^20, so the product fits in a long.
        long k = Math.floorMod((index - BLOCK_START[l]) * MULTIPLIER + INCREMENT, size);
        for (int j = 0; j < l; j++) {
            int digit = (int) (k % RADIX);
            k /= RADIX;
            out.append(CONSONANTS.charAt(digit / VOWELS.length())).append(VOWELS.charAt(digit % VOWELS.length()));
        }
        return out;
    }

    /** The label of {@code index} as a String. */
    static String of(long index) {
        return append(index, new StringBuilder(2 * MAX_SYLLABLES)).toString();
    }

    /** The index whose label is {@code label}, or -1 when it is not a label of this code. */
    static long decode(CharSequence label) {
        if (!isCode(label)) {
            return -1;
        }
        int l = label.length() / 2;
        long k = 0;
        for (int j = l - 1; j >= 0; j--) {
            int digit =
                    CONSONANTS.indexOf(label.charAt(2 * j)) * VOWELS.length() + VOWELS.indexOf(label.charAt(2 * j + 1));
            k = k * RADIX + digit;
        }
        BigInteger size = BigInteger.valueOf(BLOCK_SIZE[l]);
        BigInteger inverse = BigInteger.valueOf(MULTIPLIER).modInverse(size);
        long offset =
                BigInteger.valueOf(k - INCREMENT).multiply(inverse).mod(size).longValueExact();
        return BLOCK_START[l] + offset;
    }

    /** True when {@code s} has the shape of a label: 3 to 6 consonant-vowel pairs from the alphabets above. */
    static boolean isCode(CharSequence s) {
        int len = s.length();
        if (len % 2 != 0 || len < 2 * MIN_SYLLABLES || len > 2 * MAX_SYLLABLES) {
            return false;
        }
        for (int i = 0; i < len; i += 2) {
            if (CONSONANTS.indexOf(s.charAt(i)) < 0 || VOWELS.indexOf(s.charAt(i + 1)) < 0) {
                return false;
            }
        }
        return true;
    }
}
