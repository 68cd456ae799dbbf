package io.leadmatch.engine.index;

/**
 * The one description of a domain index entry. Key: the domain (lowercase ASCII, punycode for IDN; a registrable
 * domain, an indexed subdomain such as {@code emea.example-corp.com}, or an alias). Value: one {@code long}:
 *
 * <pre>
 *  63         36   35    34   33         32       31                          0
 * +-------------+-----------+----------+--------+-----------------------------+
 * |  reserved   |   KIND    | CONFLICT |  ALIAS |  TARGET (unsigned 32 bits)  |
 * +-------------+-----------+----------+--------+-----------------------------+
 * </pre>
 *
 * <ul>
 *   <li>KIND: {@link #ACCOUNT} (0) for a domain an account owns; {@link #FREE}, {@link #DISPOSABLE} or
 *   {@link #JUNK} for mailbox-provider and placeholder domains, which the index holds too so that one off-heap
 *   probe answers "whose domain is this?" for every kind (TARGET is unused then).</li>
 *   <li>TARGET: an account ordinal of the generation's account table, or, when CONFLICT is set, the ordinal of
 *   a conflict set (several accounts claim the domain; the tie-break picks at match time).</li>
 *   <li>ALIAS: the key is an alias (domain_aliases.csv) of the target's canonical domain.</li>
 * </ul>
 * Nobody else shifts or masks entry values.
 */
public final class DomainEntryLayout {
    /** Value returned by lookups that found nothing. Never a valid entry (reserved bits set). */
    public static final long MISSING = -1L;

    private static final long TARGET_MASK = 0xFFFF_FFFFL;
    private static final long ALIAS_BIT = 1L << 32;
    private static final long CONFLICT_BIT = 1L << 33;
    private static final int KIND_SHIFT = 34;
    private static final long KIND_MASK = 3L << KIND_SHIFT;

    /** An account's domain (or an alias, or a conflict). */
    public static final int ACCOUNT = 0;
    /** A free-webmail domain: never matched by domain. */
    public static final int FREE = 1;
    /** A disposable-mailbox domain. */
    public static final int DISPOSABLE = 2;
    /** A configured placeholder domain (example.com, test.com, ...). */
    public static final int JUNK = 3;

    private DomainEntryLayout() {}

    /** An entry for a domain owned by one account. */
    public static long account(int accountOrdinal, boolean alias) {
        return (accountOrdinal & TARGET_MASK) | (alias ? ALIAS_BIT : 0);
    }

    /** An entry for a domain claimed by several accounts. */
    public static long conflict(int conflictSetOrdinal, boolean alias) {
        return (conflictSetOrdinal & TARGET_MASK) | CONFLICT_BIT | (alias ? ALIAS_BIT : 0);
    }

    /** An entry for a mailbox-provider or placeholder domain ({@link #FREE}, {@link #DISPOSABLE}, {@link #JUNK}). */
    public static long special(int kind) {
        return ((long) kind << KIND_SHIFT) & KIND_MASK;
    }

    /**
     * The entry's kind: {@link #ACCOUNT}, {@link #FREE}, {@link #DISPOSABLE} or {@link #JUNK}. Undefined for
     * {@link #MISSING}: test for it first.
     */
    public static int kind(long entry) {
        return (int) ((entry & KIND_MASK) >>> KIND_SHIFT);
    }

    public static int target(long entry) {
        return (int) (entry & TARGET_MASK);
    }

    public static boolean isAlias(long entry) {
        return (entry & ALIAS_BIT) != 0;
    }

    public static boolean isConflict(long entry) {
        return (entry & CONFLICT_BIT) != 0;
    }
}
