package io.leadmatch.engine.crm;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;

import java.util.ArrayList;
import java.util.List;

/**
 * CRM accounts in struct-of-arrays form, addressed by a dense ordinal (the value the domain index stores).
 * Immutable once built; one per snapshot generation. Owner and opportunity-owner references are user ordinals of
 * the generation's {@link UserTable}, -1 when absent.
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
    private final Object2IntOpenHashMap<String> ordinals;

    private AccountTable(Builder b) {
        this.ids = b.ids.toArray(new String[0]);
        this.names = b.names.toArray(new String[0]);
        this.owner = b.owner.toIntArray();
        this.parent = b.parent.toIntArray();
        this.type = b.type.toArray(new AccountType[0]);
        this.country = b.country.toArray(new String[0]);
        this.state = b.state.toArray(new String[0]);
        this.openOpportunityOwner = b.openOpportunityOwner.toIntArray();
        this.ordinals = b.ordinals;
    }

    /** Number of accounts. */
    public int size() {
        return ids.length;
    }

    /** Ordinal of an account id (15 or 18 characters), or -1. */
    public int ordinalOf(String id) {
        return SalesforceIds.lookup(ordinals, id);
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
        private final List<String> ids = new ArrayList<>();
        private final List<String> names = new ArrayList<>();
        private final IntArrayList owner = new IntArrayList();
        private final List<String> parentIds = new ArrayList<>();
        private final IntArrayList parent = new IntArrayList();
        private final List<AccountType> type = new ArrayList<>();
        private final List<String> country = new ArrayList<>();
        private final List<String> state = new ArrayList<>();
        private final IntArrayList openOpportunityOwner = new IntArrayList();
        private final Object2IntOpenHashMap<String> ordinals = new Object2IntOpenHashMap<>();
        private long[] newestOpenCreated = new long[0];

        public Builder() {
            ordinals.defaultReturnValue(-1);
        }

        /** Adds an account; returns its ordinal, or -1 if the id is already present. */
        public int add(String id, String name, int ownerOrdinal, String parentId, AccountType accountType,
                       String billingCountry, String billingState) {
            int ordinal = ids.size();
            // One hash operation per row: duplicates are detected on the id as exported (exports use one form).
            if (ordinals.putIfAbsent(id, ordinal) != ordinals.defaultReturnValue()) {
                return -1;
            }
            ids.add(id);
            names.add(name);
            owner.add(ownerOrdinal);
            parentIds.add(parentId);
            type.add(accountType);
            country.add(billingCountry);
            state.add(billingState);
            openOpportunityOwner.add(-1);
            return ordinal;
        }

        /** Ordinal of an account added so far, or -1. */
        public int ordinalOf(String id) {
            return SalesforceIds.lookup(ordinals, id);
        }

        /** Number of accounts added so far. */
        public int size() {
            return ids.size();
        }

        /** Records an open opportunity; the newest (by creation time) per account wins. */
        public void openOpportunity(int accountOrdinal, int ownerOrdinal, long createdEpochMillis) {
            if (newestOpenCreated.length <= accountOrdinal) {
                long[] grown = new long[Math.max(ids.size(), accountOrdinal + 1)];
                java.util.Arrays.fill(grown, newestOpenCreated.length, grown.length, Long.MIN_VALUE);
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
