package io.leadmatch.engine.index;

/**
 * The one description of a domain index entry. Key: the domain (lowercase ASCII, punycode for IDN; a registrable
 * domain, an indexed subdomain such as {@code emea.example-corp.com}, or an alias). Value: one {@code long}:
 *
 * <pre>
 *  63            34   33         32       31                          0
 * +-------------+----+----------+--------+-----------------------------+
 * |  reserved   |    | CONFLICT |  ALIAS |  TARGET (unsigned 32 bits)  |
 * +-------------+----+----------+--------+-----------------------------+
 * </pre>
 *
 * <ul>
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

    private DomainEntryLayout() {
    }

    /** An entry for a domain owned by one account. */
    public static long account(int accountOrdinal, boolean alias) {
        return (accountOrdinal & TARGET_MASK) | (alias ? ALIAS_BIT : 0);
    }

    /** An entry for a domain claimed by several accounts. */
    public static long conflict(int conflictSetOrdinal, boolean alias) {
        return (conflictSetOrdinal & TARGET_MASK) | CONFLICT_BIT | (alias ? ALIAS_BIT : 0);
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
