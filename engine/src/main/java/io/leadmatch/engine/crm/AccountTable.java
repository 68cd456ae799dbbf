package io.leadmatch.engine.crm;

import io.leadmatch.engine.concurrent.DaemonFuture;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * CRM accounts in struct-of-arrays form, addressed by a dense ordinal (the value the domain index stores).
 * Immutable once built; one per snapshot generation. Owner and opportunity-owner references are user ordinals of
 * the generation's {@link UserTable}, -1 when absent.
 *
 * <p>Incremental changes ({@link #withChanges}) make a new table: ordinals never move (new accounts are appended,
 * a deleted account keeps its ordinal as a tombstone that {@link #ordinalOf} no longer finds), so index entries
 * and conflict sets of the previous generation stay meaningful.
 */
public final class AccountTable {
    private final String[] ids;
    private final String[] names;
    private final int[] owner;
    private final int[] parent;
    private final AccountType[] type;
    private final String[] country;
    private final String[] state;
    private final int[] openOpportunityOwner;
    private final IdMap ordinals;
    /**
     * Ids added by incremental changes, ordinal {@code k} here being table ordinal {@code addedBase + k} (the loaded
     * {@link #ordinals} map is shared, never mutated); null when nothing was added.
     */
    private final KeyOrdinals addedOrdinals;

    private final int addedBase;
    /** Tombstones of deleted accounts; null when nothing was ever deleted. */
    private final boolean[] deleted;

    private AccountTable(
            String[] ids,
            String[] names,
            int[] owner,
            int[] parent,
            AccountType[] type,
            String[] country,
            String[] state,
            int[] openOpportunityOwner,
            IdMap ordinals,
            KeyOrdinals addedOrdinals,
            int addedBase,
            boolean[] deleted) {
        this.ids = ids;
        this.names = names;
        this.owner = owner;
        this.parent = parent;
        this.type = type;
        this.country = country;
        this.state = state;
        this.openOpportunityOwner = openOpportunityOwner;
        this.ordinals = ordinals;
        this.addedOrdinals = addedOrdinals;
        this.addedBase = addedBase;
        this.deleted = deleted;
    }

    private AccountTable(Builder b) {
        this.ids = b.ordinals.column();
        this.names = b.names.toArray(new String[0]);
        this.owner = b.owner.toIntArray();
        this.parent = b.parent.toIntArray();
        this.type = b.type.toArray(new AccountType[0]);
        this.country = b.country.toArray(new String[0]);
        this.state = b.state.toArray(new String[0]);
        this.openOpportunityOwner = b.openOpportunityOwner.toIntArray();
        this.ordinals = new IdMap(b.ordinals);
        this.addedOrdinals = null;
        this.addedBase = ids.length;
        this.deleted = null;
    }

    /**
     * A table from its columns (one entry per ordinal, references already resolved), as persisted beside the
     * index. The arrays are taken, not copied.
     */
    public static AccountTable ofColumns(
            String[] ids,
            String[] names,
            int[] owner,
            int[] parent,
            AccountType[] type,
            String[] country,
            String[] state,
            int[] openOpportunityOwner) {
        return new AccountTable(
                ids,
                names,
                owner,
                parent,
                type,
                country,
                state,
                openOpportunityOwner,
                new IdMap(ids),
                null,
                ids.length,
                null);
    }

    /**
     * The id → ordinal map of a loaded table. A table read back at a restart builds it on its own thread once
     * {@link #prepareIdMap} says the generation serves (building it earlier would take the cores from reading the
     * rest, and matching goes by ordinal); a lookup before that builds it
     * then and waits for it. A table built from an export has it already.
     */
    private static final class IdMap {
        private final String[] ids;
        private final CompletableFuture<KeyOrdinals> built = new CompletableFuture<>();
        private final AtomicBoolean started = new AtomicBoolean();
        private volatile KeyOrdinals map;

        IdMap(KeyOrdinals map) {
            this.ids = null;
            this.map = map;
            this.built.complete(map);
            this.started.set(true);
        }

        IdMap(String[] ids) {
            this.ids = ids;
        }

        void start() {
            if (started.compareAndSet(false, true)) {
                DaemonFuture.supplyInto(built, "account-id-map", () -> KeyOrdinals.of(ids));
            }
        }

        KeyOrdinals get() {
            KeyOrdinals m = map;
            if (m == null) {
                start();
                m = built.join();
                map = m;
            }
            return m;
        }
    }

    /** Starts building the id → ordinal map in the background if this table was read back without one. */
    public void prepareIdMap() {
        ordinals.start();
    }

    /** Number of ordinals, deleted accounts included (ordinals are never reused for another id). */
    public int size() {
        return ids.length;
    }

    /** Ordinal of an account id (15 or 18 characters), or -1 (also for a deleted account). */
    public int ordinalOf(String id) {
        int o = anyOrdinalOf(id);
        return o >= 0 && isDeleted(o) ? -1 : o;
    }

    /** Ordinal of an id, deleted or not. */
    private int anyOrdinalOf(String id) {
        int o = SalesforceIds.lookup(ordinals.get(), id);
        if (o < 0 && addedOrdinals != null) {
            int added = SalesforceIds.lookup(addedOrdinals, id);
            o = added < 0 ? -1 : addedBase + added;
        }
        return o;
    }

    /** True when the account was deleted by an incremental change. */
    public boolean isDeleted(int ordinal) {
        return deleted != null && deleted[ordinal];
    }

    /**
     * One account row of an incremental change, references already checked by the caller.
     *
     * @param ownerOrdinal user ordinal of the owner, or -1
     * @param parentId     parent account id as sent (resolved against the new table), or empty
     */
    public record Row(
            String id,
            String name,
            int ownerOrdinal,
            String parentId,
            AccountType type,
            String country,
            String state) {}

    /**
     * A new table with {@code upserts} applied (an existing id keeps its ordinal and its open-opportunity owner; a
     * new id, or one that was deleted before, is appended or revived) and {@code deletes} tombstoned. This table is
     * not modified: generations still serving keep reading it. Costs one copy of the column arrays.
     *
     * @param upserts rows to add or replace, ids distinct
     * @param deletes ordinals of accounts to delete (none of them among the upserts)
     */
    public AccountTable withChanges(List<Row> upserts, int[] deletes) {
        int added = 0;
        for (Row r : upserts) {
            if (anyOrdinalOf(r.id()) < 0) {
                added++;
            }
        }
        int n = ids.length + added;
        String[] nIds = Arrays.copyOf(ids, n);
        String[] nNames = Arrays.copyOf(names, n);
        int[] nOwner = Arrays.copyOf(owner, n);
        int[] nParent = Arrays.copyOf(parent, n);
        AccountType[] nType = Arrays.copyOf(type, n);
        String[] nCountry = Arrays.copyOf(country, n);
        String[] nState = Arrays.copyOf(state, n);
        int[] nOpp = Arrays.copyOf(openOpportunityOwner, n);
        Arrays.fill(nOpp, ids.length, n, -1);
        KeyOrdinals nAdded = addedOrdinals == null ? new KeyOrdinals(Math.max(8, added)) : addedOrdinals.copy();
        boolean needTombstones = deleted != null || deletes.length > 0;
        boolean[] nDeleted = needTombstones ? (deleted == null ? new boolean[n] : Arrays.copyOf(deleted, n)) : null;
        int next = ids.length;
        int[] rowOrdinals = new int[upserts.size()];
        for (int i = 0; i < upserts.size(); i++) {
            Row r = upserts.get(i);
            int o = anyOrdinalOf(r.id());
            if (o < 0) {
                o = next++;
                nIds[o] = r.id();
                nAdded.add(r.id()); // ordinal o - addedBase: both count up from the loaded table's end
            }
            rowOrdinals[i] = o;
            nNames[o] = r.name();
            nOwner[o] = r.ownerOrdinal();
            nType[o] = r.type();
            nCountry[o] = r.country();
            nState[o] = r.state();
            if (nDeleted != null) {
                nDeleted[o] = false;
            }
        }
        for (int o : deletes) {
            nDeleted[o] = true;
        }
        AccountTable t = new AccountTable(
                nIds, nNames, nOwner, nParent, nType, nCountry, nState, nOpp, ordinals, nAdded, addedBase, nDeleted);
        // Parents resolve against the new table, so a batch may bring a parent and its children together.
        for (int i = 0; i < upserts.size(); i++) {
            nParent[rowOrdinals[i]] = t.ordinalOf(upserts.get(i).parentId());
        }
        return t;
    }

    public String id(int ordinal) {
        return ids[ordinal];
    }

    public String name(int ordinal) {
        return names[ordinal];
    }

    /** User ordinal of the account owner, or -1. */
    public int owner(int ordinal) {
        return owner[ordinal];
    }

    /** Account ordinal of the parent account, or -1. */
    public int parent(int ordinal) {
        return parent[ordinal];
    }

    public AccountType type(int ordinal) {
        return type[ordinal];
    }

    /** Billing country as exported, upper-cased; empty when unknown. */
    public String country(int ordinal) {
        return country[ordinal];
    }

    /** Billing state as exported, upper-cased; empty when unknown. */
    public String state(int ordinal) {
        return state[ordinal];
    }

    /** User ordinal of the owner of the newest open opportunity, or -1. */
    public int openOpportunityOwner(int ordinal) {
        return openOpportunityOwner[ordinal];
    }

    /** Collects accounts; parent references are resolved in {@link #build()}. */
    public static final class Builder {
        private final ArrayList<String> names = new ArrayList<>();
        private final IntArrayList owner = new IntArrayList();
        private final ArrayList<String> parentIds = new ArrayList<>();
        private final IntArrayList parent = new IntArrayList();
        private final ArrayList<AccountType> type = new ArrayList<>();
        private final ArrayList<String> country = new ArrayList<>();
        private final ArrayList<String> state = new ArrayList<>();
        private final IntArrayList openOpportunityOwner = new IntArrayList();
        private KeyOrdinals ordinals = new KeyOrdinals(1_024);
        private long[] newestOpenCreated = new long[0];
        /**
         * Countries and states repeat across a million accounts: each distinct value is kept once, instead of a
         * String per row that every young collection of a load would copy.
         */
        private final HashMap<String, String> distinct = new HashMap<>();

        /** Makes room for about {@code n} accounts up front (an estimate; more still fit). */
        public void expect(int n) {
            names.ensureCapacity(n);
            owner.ensureCapacity(n);
            parentIds.ensureCapacity(n);
            parent.ensureCapacity(n);
            type.ensureCapacity(n);
            country.ensureCapacity(n);
            state.ensureCapacity(n);
            openOpportunityOwner.ensureCapacity(n);
            if (ordinals.size() == 0) {
                ordinals = new KeyOrdinals(n);
            }
        }

        /** Adds an account; returns its ordinal, or -1 if the id is already present. */
        public int add(
                String id,
                String name,
                int ownerOrdinal,
                String parentId,
                AccountType accountType,
                String billingCountry,
                String billingState) {
            // One hash operation per row: duplicates are detected on the id as exported (exports use one form).
            int ordinal = ordinals.add(id);
            if (ordinal < 0) {
                return -1;
            }
            names.add(name);
            owner.add(ownerOrdinal);
            parentIds.add(parentId);
            type.add(accountType);
            country.add(distinct.computeIfAbsent(billingCountry, v -> v));
            state.add(distinct.computeIfAbsent(billingState, v -> v));
            openOpportunityOwner.add(-1);
            return ordinal;
        }

        /** Ordinal of an account added so far, or -1. */
        public int ordinalOf(String id) {
            return SalesforceIds.lookup(ordinals, id);
        }

        /** Id of an account added so far. */
        public String id(int ordinal) {
            return ordinals.key(ordinal);
        }

        /** Number of accounts added so far. */
        public int size() {
            return ordinals.size();
        }

        /** Records an open opportunity; the newest (by creation time) per account wins. */
        public void openOpportunity(int accountOrdinal, int ownerOrdinal, long createdEpochMillis) {
            if (newestOpenCreated.length <= accountOrdinal) {
                long[] grown = new long[Math.max(ordinals.size(), accountOrdinal + 1)];
                Arrays.fill(grown, newestOpenCreated.length, grown.length, Long.MIN_VALUE);
                System.arraycopy(newestOpenCreated, 0, grown, 0, newestOpenCreated.length);
                newestOpenCreated = grown;
            }
            if (createdEpochMillis >= newestOpenCreated[accountOrdinal]) {
                newestOpenCreated[accountOrdinal] = createdEpochMillis;
                openOpportunityOwner.set(accountOrdinal, ownerOrdinal);
            }
        }

        /** Parent id of an account added so far (as exported). */
        public String parentId(int ordinal) {
            return parentIds.get(ordinal);
        }

        /** Resolves parent ids; unknown parents become -1 (the loader reports them). */
        public AccountTable build() {
            parent.clear();
            for (String pid : parentIds) {
                parent.add(SalesforceIds.lookup(ordinals, pid));
            }
            return new AccountTable(this);
        }
    }
}
