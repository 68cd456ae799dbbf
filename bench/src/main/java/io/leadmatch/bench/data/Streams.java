package io.leadmatch.bench.data;

/**
 * Stream numbers of {@link SplitMix64#reset}: each kind of generated entity draws from its own stream, indexed by
 * the entity's ordinal, so adding a draw to one kind never shifts the values of another.
 */
final class Streams {
    static final long ORG = 1;
    static final long USER = 2;
    static final long ACCOUNT = 3;
    static final long ACCOUNT_KIND = 4;
    static final long OPPORTUNITY = 5;
    static final long LEAD = 6;
    static final long UNKNOWN_DOMAIN = 7;
    static final long RANK_PERMUTATION = 8;

    private Streams() {}
}
