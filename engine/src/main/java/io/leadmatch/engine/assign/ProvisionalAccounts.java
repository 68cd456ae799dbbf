package io.leadmatch.engine.assign;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Domains that had leads but no CRM account: each gets a provisional account id (derived from the domain, so it
 * is stable) and remembers who got its first lead, so all leads of a not-yet-created company land together.
 * A snapshot that brings a real account for the domain makes the entry irrelevant: the index hit wins.
 */
public final class ProvisionalAccounts {
    /** A provisional account. */
    public record Entry(String accountId, String firstAssigneeId) {
    }

    private final ConcurrentHashMap<String, Entry> byDomain = new ConcurrentHashMap<>();

    /** The provisional id a domain has or would get. */
    public static String idFor(CharSequence domain) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < domain.length(); i++) {
            h ^= domain.charAt(i);
            h *= 0x100000001b3L;
        }
        return "PROV-" + Long.toHexString(h).toUpperCase(java.util.Locale.ROOT);
    }

    /** The entry of a domain, or null. */
    public Entry get(String domain) {
        return byDomain.get(domain);
    }

    /** Records the first assignee of a domain; returns the entry now in force (an earlier one wins). */
    public Entry register(String domain, String assigneeId) {
        return byDomain.computeIfAbsent(domain, d -> new Entry(idFor(d), assigneeId));
    }

    /** Number of provisional accounts. */
    public int size() {
        return byDomain.size();
    }
}
