package io.leadmatch.bench.data;

/**
 * Salesforce-shaped 18-character record ids: a 3-character key prefix ({@code 001} Account, {@code 005} User,
 * {@code 006} Opportunity), a 2-character instance ({@code 5g}), the entity's index in base 62 over 10 characters,
 * and Salesforce's 3-character case checksum. Unique by construction: distinct indices have distinct base-62
 * digits, and the checksum is a function of the first 15 characters.
 */
final class SalesforceId {
    static final String ACCOUNT = "001";
    static final String USER = "005";
    static final String OPPORTUNITY = "006";
    private static final String INSTANCE = "5g";
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final String CHECKSUM_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
    private static final int DIGITS = 10;

    private SalesforceId() {}

    /** Appends the id of entity {@code index} with key prefix {@code prefix}. */
    static StringBuilder append(String prefix, long index, StringBuilder out) {
        if (index < 0) {
            throw new IllegalArgumentException("negative index " + index);
        }
        int start = out.length();
        out.append(prefix).append(INSTANCE);
        int digitsStart = out.length();
        out.setLength(digitsStart + DIGITS);
        long v = index;
        for (int i = DIGITS - 1; i >= 0; i--) {
            out.setCharAt(digitsStart + i, BASE62.charAt((int) (v % 62)));
            v /= 62;
        }
        // The suffix lets case-insensitive tools tell ids apart: bit i of block b is set when character 5b+i of
        // the 15-character id is an uppercase letter.
        for (int block = 0; block < 3; block++) {
            int bits = 0;
            for (int i = 0; i < 5; i++) {
                char c = out.charAt(start + block * 5 + i);
                if (c >= 'A' && c <= 'Z') {
                    bits |= 1 << i;
                }
            }
            out.append(CHECKSUM_ALPHABET.charAt(bits));
        }
        return out;
    }

    /** The id as a String. */
    static String of(String prefix, long index) {
        return append(prefix, index, new StringBuilder(18)).toString();
    }
}
