package io.leadmatch.engine.snapshot;

import io.leadmatch.engine.crm.AccountTable;
import io.leadmatch.engine.crm.CompanyNames;
import io.leadmatch.engine.crm.UserTable;
import io.leadmatch.engine.index.DomainIndex;
import io.leadmatch.engine.routing.RoutingConfig;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One immutable generation of CRM state: users, accounts, the off-heap domain index, conflict sets and routing.
 * A reload builds a new generation beside the old one and swaps it in; a generation's off-heap index is closed
 * only when it has been replaced and its last reader has released it (reference counted), so a lookup never
 * touches freed memory.
 *
 * <p>A batch of incremental account changes makes a <em>derived</em> generation ({@link #withAccountChanges}): a
 * new account table, a view of the loaded generation's index with the changed entries on top, and the conflict
 * sets as they now are. A derived generation holds a reference to the loaded one it is based on (its root), so
 * the shared off-heap map closes only when no generation built on it is left.
 */
public final class CrmSnapshot {
    private final long generation;
    private final UserTable users;
    private final AccountTable accounts;
    private final DomainIndex index;
    private final int[][] conflictSets;
    private final String[] conflictDomains;
    /** Built in the background after the load: the fallback is rare and a 1M-name index takes about a second. */
    private volatile CompletableFuture<CompanyNames> companyNames;
    /** The loaded generation whose off-heap index a derived generation shares; null for a loaded one. */
    private final CrmSnapshot root;

    private final AccountDomains accountDomains;
    private final RoutingConfig routing;
    private final LoadReport report;
    /** Readers plus one for "current"; the index closes when it drops to zero. */
    private final AtomicInteger refs = new AtomicInteger(1);

    CrmSnapshot(
            long generation,
            UserTable users,
            AccountTable accounts,
            DomainIndex index,
            int[][] conflictSets,
            String[] conflictDomains,
            AccountDomains accountDomains,
            RoutingConfig routing,
            LoadReport report) {
        this.accountDomains = accountDomains;
        this.generation = generation;
        this.users = users;
        this.accounts = accounts;
        this.index = index;
        this.conflictSets = conflictSets;
        this.conflictDomains = conflictDomains;
        // Started by prepareLookups once the generation serves (a first load's start-up has no CPU to spare
        // for it), or by the first lookup.
        this.companyNames = null;
        this.routing = routing;
        this.report = report;
        this.root = null;
    }

    private CrmSnapshot(
            CrmSnapshot previous,
            long generation,
            AccountTable accounts,
            DomainIndex index,
            int[][] conflictSets,
            String[] conflictDomains,
            AccountDomains accountDomains) {
        this.accountDomains = accountDomains;
        this.root = previous.root == null ? previous : previous.root;
        if (!root.retain()) {
            throw new IllegalStateException("generation " + root.generation + " is already closed");
        }
        this.generation = generation;
        this.users = previous.users;
        this.accounts = accounts;
        this.index = index;
        this.conflictSets = conflictSets;
        this.conflictDomains = conflictDomains;
        this.routing = previous.routing;
        this.report = previous.report;
        // Started by prepareLookups when the generation goes live: a replay of many batches only needs the
        // last one's.
        this.companyNames = null;
    }

    /**
     * A derived generation: this one with a batch of account changes applied (see {@link AccountChanges}). This
     * generation is not modified.
     */
    CrmSnapshot withAccountChanges(
            long generation,
            AccountTable accounts,
            DomainIndex index,
            int[][] conflictSets,
            String[] conflictDomains,
            AccountDomains accountDomains) {
        return new CrmSnapshot(this, generation, accounts, index, conflictSets, conflictDomains, accountDomains);
    }

    /** Each account's own index keys, and the aliases (for incremental changes). */
    AccountDomains accountDomains() {
        return accountDomains;
    }

    /**
     * Starts building, in the background, the lookups a generation needs only once it serves: the company-name
     * index, and the account id map of a table read back at a restart ({@link AccountTable#prepareIdMap}).
     */
    public void prepareLookups() {
        accounts.prepareIdMap();
        prepareCompanyNames();
    }

    private void prepareCompanyNames() {
        if (companyNames == null) {
            synchronized (this) {
                if (companyNames == null) {
                    companyNames = CompletableFuture.supplyAsync(
                            () -> CompanyNames.of(accounts, routing.junk().accountId()));
                }
            }
        }
    }

    /** Number of conflict-set slots (some may have shrunk below two claimants after incremental changes). */
    int conflictSlotCount() {
        return conflictSets.length;
    }

    /** The conflict sets and their domains, for a derived generation to copy. */
    int[][] conflictSetsCopy() {
        return Arrays.copyOf(conflictSets, conflictSets.length);
    }

    String[] conflictDomainsCopy() {
        return Arrays.copyOf(conflictDomains, conflictDomains.length);
    }

    /** True for a generation made by incremental changes on top of a load. */
    boolean derived() {
        return root != null;
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
        prepareCompanyNames(); // a lookup needs only this one (and its check is a field read, not a CAS)
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
        for (; ; ) {
            int r = refs.get();
            if (r == 0) {
                return false;
            }
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    /** Drops a reference; the last one closes the off-heap index (a derived generation releases its root). */
    public void release() {
        if (refs.decrementAndGet() == 0) {
            if (root == null) {
                index.close();
            } else {
                root.release();
            }
        }
    }
}
