package io.leadmatch.engine.snapshot;

import io.leadmatch.engine.crm.AccountTable;
import io.leadmatch.engine.crm.CompanyNames;
import io.leadmatch.engine.crm.UserTable;
import io.leadmatch.engine.index.DomainIndex;
import io.leadmatch.engine.routing.RoutingConfig;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One immutable generation of CRM state: users, accounts, the off-heap domain index, conflict sets and routing.
 * A reload builds a new generation beside the old one and swaps it in; a generation's off-heap index is closed
 * only when it has been replaced and its last reader has released it (reference counted), so a lookup never
 * touches freed memory.
 */
public final class CrmSnapshot {
    private final long generation;
    private final UserTable users;
    private final AccountTable accounts;
    private final DomainIndex index;
    private final int[][] conflictSets;
    private final String[] conflictDomains;
    /** Built in the background after the load: the fallback is rare and a 1M-name index takes about a second. */
    private final java.util.concurrent.CompletableFuture<CompanyNames> companyNames;
    private final RoutingConfig routing;
    private final LoadReport report;
    /** Readers plus one for "current"; the index closes when it drops to zero. */
    private final AtomicInteger refs = new AtomicInteger(1);

    CrmSnapshot(long generation, UserTable users, AccountTable accounts, DomainIndex index, int[][] conflictSets,
                String[] conflictDomains, RoutingConfig routing, LoadReport report) {
        this.generation = generation;
        this.users = users;
        this.accounts = accounts;
        this.index = index;
        this.conflictSets = conflictSets;
        this.conflictDomains = conflictDomains;
        this.companyNames = java.util.concurrent.CompletableFuture.supplyAsync(() -> CompanyNames.of(accounts));
        this.routing = routing;
        this.report = report;
    }

    public long generation() {
        return generation;
    }

    public UserTable users() {
        return users;
    }

    public AccountTable accounts() {
        return accounts;
    }

    public DomainIndex index() {
        return index;
    }

    /** Account ordinals of a conflict set, in static tie-break order (see the loader). */
    public int[] conflictSet(int ordinal) {
        return conflictSets[ordinal];
    }

    /** Normalized company names → accounts, for the company-name fallback. */
    public CompanyNames companyNames() {
        return companyNames.join();
    }

    /** The domain of a conflict set (aliases that resolve to it are not listed separately). */
    public String conflictDomain(int ordinal) {
        return conflictDomains[ordinal];
    }

    /** Number of conflict sets (domains claimed by several accounts). */
    public int conflictSetCount() {
        return conflictSets.length;
    }

    public RoutingConfig routing() {
        return routing;
    }

    public LoadReport report() {
        return report;
    }

    /** Takes a reference; false when the generation is already closed (the caller re-reads the current one). */
    public boolean retain() {
        for (;;) {
            int r = refs.get();
            if (r == 0) {
                return false;
            }
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    /** Drops a reference; the last one closes the off-heap index. */
    public void release() {
        if (refs.decrementAndGet() == 0) {
            index.close();
        }
    }
}
